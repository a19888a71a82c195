import {
  afterAbort,
  afterCancel,
  afterUnschedule,
  assertEditable,
  ESP_CONNECTIONS,
  type MailingStatusCode,
  STATUS,
  statusCode,
  type StoredMailing,
} from "./mailings";
import { InvalidData } from "./rules";
import { NotFound, nowSeconds, type OngageState, requireList } from "./state";

/**
 * The campaigns in the store: creating, reading, editing and moving them between statuses under the
 * rules of `mailings.ts`, and which campaigns use a segment.
 */

/**
 * A campaign to create, from `POST /api/mailings` (parsed) or from tests and seeding. Segment entries
 * are ids (included) or `{ segment_id, exclude }`. Defaults for the store API only: one email
 * message (id 1), 100 % through the first ESP connection.
 */
export interface MailingInput {
  /** Default: the account's default list. */
  listId?: number;
  name: string;
  description?: string | null;
  segments: ReadonlyArray<number | { segment_id: number; exclude?: boolean }>;
  email_message?: readonly number[];
  distribution?: ReadonlyArray<{ esp_connection_id: number; percent: number }>;
  /** Unix time; present → Scheduled, absent → launched at once (In progress). */
  schedule_date?: number | null;
  is_test?: boolean | null;
  /** Store API only: start in this status (code "60009" or description "On hold") instead. */
  status?: string;
}

/** A partial update through `PUT /api/mailings/<id>`. */
export interface MailingChanges {
  name?: string;
  description?: string | null;
  segments?: MailingInput["segments"];
  email_message?: readonly number[];
  distribution?: MailingInput["distribution"];
  schedule_date?: number | null;
}

/** A campaign that names a segment, and how. */
export interface SegmentUse {
  mailing: StoredMailing;
  exclude: boolean;
}

/** Creates a campaign: Scheduled with a `schedule_date`, else launched (In progress); `status` overrides. */
export function createMailing(s: OngageState, input: MailingInput): StoredMailing {
  const listId = input.listId ?? s.defaultListId;
  requireList(s, listId);
  const now = nowSeconds(s);
  const status = input.status !== undefined ? statusCode(input.status) : input.schedule_date != null ? STATUS.scheduled : STATUS.inProgress;
  let scheduleDate = input.schedule_date ?? null;
  if (scheduleDate !== null && input.status === undefined) checkFuture(s, scheduleDate);
  if (status === STATUS.scheduled && scheduleDate === null) scheduleDate = now + 86_400;
  const id = s.next.mailing++;
  const mailing: StoredMailing = {
    id: String(id),
    type: "campaign",
    list_id: String(listId),
    is_test: input.is_test ? "1" : "0",
    schedule_date: String(scheduleDate ?? 0),
    name: input.name,
    description: input.description ?? "",
    status,
    status_date: String(now),
    created: String(now),
    modified: String(now),
    deleted: status === STATUS.deleted ? "1" : "0",
    segments: checkMailingSegments(s, listId, input.segments),
    distribution: checkDistribution(input.distribution ?? [{ esp_connection_id: ESP_CONNECTIONS[0]!.id, percent: 100 }]),
    email_message: (input.email_message ?? [1]).map(String),
  };
  s.mailings.set(id, mailing);
  return mailing;
}

/** A campaign of the given list (any status, deleted ones included); NotFound otherwise. */
export function mailingOfList(s: OngageState, listId: number, id: number): StoredMailing {
  const m = s.mailings.get(id);
  if (!m || Number(m.list_id) !== listId) throw new NotFound(`Campaign ${id} not found in list ${listId}`);
  return m;
}

/** Campaigns of a list in id order, including cancelled and deleted ones. */
export function listMailings(s: OngageState, listId: number): StoredMailing[] {
  return [...s.mailings.values()].filter((m) => Number(m.list_id) === listId).sort((a, b) => Number(a.id) - Number(b.id));
}

/** Every campaign (any list) that names the segment, included or excluded, except deleted campaigns; id order. */
export function segmentUses(s: OngageState, segmentId: number | string): SegmentUse[] {
  const key = String(segmentId);
  const uses: SegmentUse[] = [];
  for (const m of [...s.mailings.values()].sort((a, b) => Number(a.id) - Number(b.id))) {
    if (m.deleted === "1") continue;
    const ref = m.segments.find((seg) => seg.segment_id === key);
    if (ref) uses.push({ mailing: m, exclude: ref.exclude === "1" });
  }
  return uses;
}

/** Partial update of a New or Scheduled campaign; a `schedule_date` (re)schedules it. */
export function updateMailing(s: OngageState, listId: number, id: number, changes: MailingChanges): StoredMailing {
  const current = mailingOfList(s, listId, id);
  assertEditable(current);
  const now = nowSeconds(s);
  const next: StoredMailing = { ...current, modified: String(now) };
  if (changes.name !== undefined) next.name = changes.name;
  if (changes.description != null) next.description = changes.description;
  if (changes.segments !== undefined) next.segments = checkMailingSegments(s, listId, changes.segments);
  if (changes.email_message !== undefined) next.email_message = changes.email_message.map(String);
  if (changes.distribution !== undefined) next.distribution = checkDistribution(changes.distribution);
  if (changes.schedule_date != null) {
    checkFuture(s, changes.schedule_date);
    next.schedule_date = String(changes.schedule_date);
    if (next.status !== STATUS.scheduled) next.status_date = String(now);
    next.status = STATUS.scheduled;
  }
  s.mailings.set(id, next);
  return next;
}

/** `PUT …/unschedule`: Scheduled → New, schedule_date "0". */
export function unscheduleMailing(s: OngageState, listId: number, id: number): StoredMailing {
  const m = mailingOfList(s, listId, id);
  return moveMailing(s, m, afterUnschedule(m), { schedule_date: "0" });
}

/** `PUT …/cancel`: New, Scheduled or On hold → Cancelled. */
export function cancelMailing(s: OngageState, listId: number, id: number): StoredMailing {
  const m = mailingOfList(s, listId, id);
  return moveMailing(s, m, afterCancel(m));
}

/** `PUT …/abort`: In progress ↔ On hold. */
export function abortMailing(s: OngageState, listId: number, id: number): StoredMailing {
  const m = mailingOfList(s, listId, id);
  return moveMailing(s, m, afterAbort(m));
}

/** Store API for tests and seeding: any status (code or description), no transition rules. */
export function setMailingStatus(s: OngageState, id: number | string, status: string): StoredMailing {
  const m = s.mailings.get(Number(id));
  if (!m) throw new NotFound(`Campaign ${id} not found`);
  const code = statusCode(status);
  return moveMailing(s, m, code, { deleted: code === STATUS.deleted ? "1" : m.deleted });
}

function moveMailing(s: OngageState, m: StoredMailing, status: MailingStatusCode, extra: Partial<StoredMailing> = {}): StoredMailing {
  const now = String(nowSeconds(s));
  const next: StoredMailing = { ...m, ...extra, status, status_date: now, modified: now };
  s.mailings.set(Number(m.id), next);
  return next;
}

function checkFuture(s: OngageState, scheduleDate: number): void {
  if (scheduleDate <= nowSeconds(s)) throw new InvalidData("schedule_date", `${scheduleDate} is not in the future (now ${nowSeconds(s)})`);
}

/** Live segments of the list, each once, at least one included. */
function checkMailingSegments(s: OngageState, listId: number, entries: MailingInput["segments"]): StoredMailing["segments"] {
  if (entries.length === 0) throw new InvalidData("segments", "must name at least one segment");
  const seen = new Set<number>();
  const refs = entries.map((e, i) => {
    const ref = typeof e === "number" ? { segment_id: e, exclude: false } : { segment_id: e.segment_id, exclude: e.exclude === true };
    const seg = s.segments.get(ref.segment_id);
    if (!seg || seg.deleted === "1" || Number(seg.list_id) !== listId) throw new InvalidData(`segments[${i}]`, `segment ${ref.segment_id} does not exist in list ${listId}`);
    if (seen.has(ref.segment_id)) throw new InvalidData(`segments[${i}]`, `segment ${ref.segment_id} is named twice`);
    seen.add(ref.segment_id);
    return { segment_id: String(ref.segment_id), exclude: ref.exclude ? ("1" as const) : ("0" as const) };
  });
  if (refs.every((r) => r.exclude === "1")) throw new InvalidData("segments", "must include at least one segment that is not excluded");
  return refs;
}

/** Known ESP connections, each once, percents 1-100 adding up to 100. */
function checkDistribution(entries: NonNullable<MailingInput["distribution"]>): StoredMailing["distribution"] {
  if (entries.length === 0) throw new InvalidData("distribution", "must name at least one ESP connection");
  const seen = new Set<number>();
  let total = 0;
  const out = entries.map((d, i) => {
    if (!ESP_CONNECTIONS.some((c) => c.id === d.esp_connection_id)) {
      throw new InvalidData(`distribution[${i}].esp_connection_id`, `${d.esp_connection_id} is not an ESP connection of this account (${ESP_CONNECTIONS.map((c) => c.id).join(", ")})`);
    }
    if (seen.has(d.esp_connection_id)) throw new InvalidData(`distribution[${i}].esp_connection_id`, `${d.esp_connection_id} is named twice`);
    seen.add(d.esp_connection_id);
    if (!(d.percent > 0 && d.percent <= 100)) throw new InvalidData(`distribution[${i}].percent`, "must be more than 0 and at most 100");
    total += d.percent;
    return { esp_connection_id: String(d.esp_connection_id), percent: String(d.percent) };
  });
  if (Math.abs(total - 100) > 1e-9) throw new InvalidData("distribution", `percents must add up to 100 (got ${total})`);
  return out;
}
