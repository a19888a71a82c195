import type { CreateSegmentBody, RuleInput, UpdateSegmentBody } from "./request-schemas";
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
import { type Contact, type ContactCounts, type ContactSeed, emptyCounts } from "./contacts";
import { compileRules, countContacts, type ContactPredicate, type EvaluationContext } from "./evaluate";
import {
  DEFAULT_POPULATION_SEED,
  DEFAULT_POPULATION_SIZE,
  generatePopulation,
  historyMailings,
  type PopulationOptions,
} from "./population";
import { checkCriteria, type FieldType, InvalidData, isEmailAddress, SYSTEM_FIELDS, type WireRuleBody } from "./rules";

/**
 * State and business rules of the Ongage emulator, no HTTP: one account with lists, each list's
 * fields and contacts, segments (soft-deleted ones kept with their deleted flag), rule ids, campaigns,
 * contact counts evaluated over the contacts, and the recipients of external segments. Scalars are
 * kept in the API's string form so GET needs no mapping.
 */

export interface ListFieldSeed {
  id?: number;
  name: string;
  type: FieldType;
  title?: string;
  mandatory?: boolean;
}

export interface ListSeed {
  id: number;
  name?: string;
  /** Default: the typical fields (email, first_name, last_name, address, birthdate, product_id). */
  fields?: ListFieldSeed[];
  /** This list's synthetic population; default: the store's `population` option. */
  population?: PopulationOptions;
}

export interface ListField {
  id: number;
  name: string;
  title: string;
  type: FieldType;
  mandatory: boolean;
  position: number;
  created: number;
}

export interface OngageList {
  id: number;
  name: string;
  fields: ListField[];
}

export interface StoredRule extends WireRuleBody {
  id: string;
  segment_id: string;
}

/** A segment exactly as GET-one returns it, plus emulator-only fields. */
export interface StoredSegment {
  id: string;
  list_id: string;
  name: string;
  type: string;
  description: string;
  favorite: "0" | "1";
  last_count: string;
  last_count_date: string;
  last_count_request_date: string | null;
  isp_breakdown: string;
  last_sent: string;
  segment_quota: string;
  is_quota_percent: string;
  created_by: string;
  created: string;
  modified_by: string;
  modified: string;
  user_modified: string;
  deleted: "0" | "1";
  included_segment_cache: null;
  excluded_segment_cache: null;
  default_include_segment: string;
  default_exclude_segment: string;
  is_external: "0" | "1";
  external_url: string | null;
  external_insert_missing: "0" | "1";
  external_include_unsubscribes: "0" | "1";
  rules: StoredRule[];
  /** Write-only on the real API (never echoed by GET). */
  is_whitelist: boolean;
  /** Recipients given to populate_external, emails trimmed, keyed by lower-case email. */
  recipients: Recipient[];
}

export type Recipient = Record<string, string | number | null> & { email: string };

export type { ContactCounts } from "./contacts";

export interface ContactCountRecord extends ContactCounts {
  id: number;
  list_id: number;
  segment_id: number | null;
  created: number;
}

export interface PopulateResult {
  received: number;
  added: number;
  updated: number;
  total: number;
}

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

/** What a segment delete did to the campaigns that use it. */
export interface SegmentDeletion {
  segment: StoredSegment;
  /** Ids of the Scheduled campaigns it sent back to New. */
  unscheduled: string[];
}

/** A campaign that names a segment, and how. */
export interface SegmentUse {
  mailing: StoredMailing;
  exclude: boolean;
}

/** 404 "Not found". */
export class NotFound extends Error {}

export const TYPICAL_FIELDS: readonly ListFieldSeed[] = [
  { name: "email", title: "Email", type: "email", mandatory: true },
  { name: "first_name", title: "First Name", type: "string" },
  { name: "last_name", title: "Last Name", type: "string" },
  { name: "address", title: "Address", type: "string" },
  { name: "birthdate", title: "Birthdate", type: "date" },
  { name: "product_id", title: "Product ID", type: "numeric" },
];

export interface OngageStoreOptions {
  defaultListId: number;
  /** Extra lists, or the default list with other fields. */
  lists?: ListSeed[];
  /** Milliseconds clock; epoch seconds are derived from it. */
  now?: () => number;
  /** Id shown as created_by / modified_by. */
  userId?: number;
  /** Name shown as the collection's `modifier`. */
  userName?: string;
  /** Synthetic contacts per list (default 3000, seed 1); `{ size: 0 }` starts every list empty. */
  population?: PopulationOptions;
}

/** ASSUMED: the default list's past campaigns carry the mailing ids of the documented behavioral examples. */
export const DEFAULT_LIST_HISTORY_IDS = [84666, 84668, 84715, 85360, 85362, 85364];

interface Counters {
  segment: number;
  rule: number;
  field: number;
  count: number;
  mailing: number;
}

const FIRST_IDS: Counters = { segment: 50001, rule: 2001, field: 63301, count: 1112223301, mailing: 111601 };
const SNAPSHOT_VERSION = 2;

export class OngageStore {
  readonly defaultListId: number;
  readonly userId: string;
  readonly userName: string;
  readonly clock: () => number;
  private lists = new Map<number, OngageList>();
  private segments = new Map<number, StoredSegment>();
  private counts = new Map<number, ContactCountRecord>();
  private mailings = new Map<number, StoredMailing>();
  /** Epoch seconds (a UTC midnight) the synthetic populations are generated relative to. */
  private populationAnchor = 0;
  /** Past campaigns per list (ids), the synthetic events' mailings. */
  private history = new Map<number, number[]>();
  /** Contacts set through `setContacts` (persisted); other lists use the generated population. */
  private explicitContacts = new Map<number, Contact[]>();
  /** Generated populations with the inputs they came from (kept across reset() while those match). */
  private generated = new Map<number, { key: string; contacts: Contact[] }>();
  private next: Counters = { ...FIRST_IDS };

  constructor(private readonly opts: OngageStoreOptions) {
    this.defaultListId = opts.defaultListId;
    this.userId = String(opts.userId ?? 1001);
    this.userName = opts.userName ?? "Emulator User";
    this.clock = opts.now ?? Date.now;
    this.populationAnchor = this.midnight();
    this.seedLists();
  }

  /** Current time in epoch seconds. */
  nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }

  // ---- lists -------------------------------------------------------------

  /** Adds (or replaces) a list; fields without an id get fresh ids. */
  addList(seed: ListSeed): OngageList {
    const created = this.nowSeconds();
    const fields = (seed.fields ?? TYPICAL_FIELDS).map((f, position) => ({
      id: f.id ?? this.next.field++,
      name: f.name,
      title: f.title ?? f.name,
      type: f.type,
      mandatory: f.mandatory ?? f.name === "email",
      position,
      created,
    }));
    const ids = new Set(fields.map((f) => f.id));
    if (ids.size !== fields.length) throw new Error(`list ${seed.id}: duplicate field ids`);
    const list = { id: seed.id, name: seed.name ?? `List ${seed.id}`, fields };
    this.lists.set(seed.id, list);
    this.seedHistory(seed);
    return list;
  }

  // ---- contacts ------------------------------------------------------------

  /** The list's contacts: those given to `setContacts`, else its synthetic population (generated once). */
  contacts(listId: number): readonly Contact[] {
    this.requireList(listId);
    const explicit = this.explicitContacts.get(listId);
    if (explicit) return explicit;
    const list = this.lists.get(listId)!;
    const { size, seed } = this.populationOf(listId);
    const anchor = this.populationAnchor;
    const historyIds = this.history.get(listId) ?? [];
    const key = JSON.stringify([size, seed, anchor, historyIds, list.fields.map((f) => [f.name, f.type])]);
    const cached = this.generated.get(listId);
    if (cached?.key === key) return cached.contacts;
    const contacts = generatePopulation({
      listId, fields: list.fields, size, seed, anchor,
      history: historyMailings(historyIds, anchor, ESP_CONNECTIONS.map((c) => c.id)),
    });
    this.generated.set(listId, { key, contacts });
    return contacts;
  }

  /**
   * Replaces the list's contacts with hand-written ones (tests, seeding); they persist with the
   * state file. Field keys must be fields of the list or `ocx_*` system fields.
   */
  setContacts(listId: number, seeds: readonly ContactSeed[]): readonly Contact[] {
    const list = this.requireList(listId);
    const names = new Set([...list.fields.map((f) => f.name), ...Object.keys(SYSTEM_FIELDS)]);
    const contacts = seeds.map((c, i): Contact => {
      for (const key of Object.keys(c.fields ?? {})) {
        if (!names.has(key)) throw new Error(`setContacts: contact ${i}: ${key} is not a field of list ${listId}`);
      }
      const id = c.id ?? `c${listId}-${i + 1}`;
      return {
        id,
        status: c.status ?? "active",
        fields: { ocx_contact_id: id, ocx_list_id: listId, ...c.fields, email: c.email },
        events: [...(c.events ?? [])],
      };
    });
    this.explicitContacts.set(listId, contacts);
    return contacts;
  }

  /** Past (Completed) campaigns the list's synthetic events refer to, oldest first. */
  historyMailingIds(listId: number): readonly number[] {
    return this.history.get(listId) ?? [];
  }

  /**
   * Contact counts, without recording anything: of a live segment of the list (by id), or of
   * write-side `criteria` exactly as `POST /api/contact_counts` takes them (validated: InvalidData).
   */
  countFor(listId: number, source: number | readonly RuleInput[]): ContactCounts {
    const list = this.requireList(listId);
    if (typeof source === "number") return this.countsFor(this.segment(listId, source));
    return countContacts(this.contacts(listId), this.buildRules(list, source, false, undefined), this.evaluationContext(listId));
  }

  /** The contacts of the list a live segment (or criteria) selects, for tests that want ids. */
  matchingContacts(listId: number, source: number | readonly RuleInput[]): Contact[] {
    const list = this.requireList(listId);
    const ctx = this.evaluationContext(listId);
    const selects =
      typeof source === "number"
        ? this.membership(this.segment(listId, source), ctx)
        : compileRules(this.buildRules(list, source, false, undefined), ctx);
    return this.contacts(listId).filter(selects);
  }

  list(id: number): OngageList | undefined {
    return this.lists.get(id);
  }

  // ---- segments ----------------------------------------------------------

  /** Live or soft-deleted segment by id, regardless of list. */
  rawSegment(id: number): StoredSegment | undefined {
    return this.segments.get(id);
  }

  /** A live segment of the given list; throws NotFound otherwise (unknown, deleted or other list). */
  segment(listId: number, id: number): StoredSegment {
    const s = this.segments.get(id);
    if (!s || s.deleted === "1" || Number(s.list_id) !== listId) throw new NotFound(`Segment ${id} not found in list ${listId}`);
    return s;
  }

  /** Live segments of a list, in id order. */
  liveSegments(listId: number): StoredSegment[] {
    return [...this.segments.values()].filter((s) => s.deleted === "0" && Number(s.list_id) === listId);
  }

  /** All segments including soft-deleted ones (for tests and snapshots). */
  allSegments(): StoredSegment[] {
    return [...this.segments.values()];
  }

  createSegment(listId: number, body: CreateSegmentBody): StoredSegment {
    const list = this.requireList(listId);
    const isExternal = body.is_external === true || (body.external_url != null && body.external_url !== "");
    const criteria = body.criteria ?? [];
    if (isExternal && criteria.length > 0) throw new InvalidData("criteria", "must be empty for an external segment");
    const id = this.next.segment++;
    const rules = this.buildRules(list, criteria, body.is_whitelist === true, undefined);
    const now = String(this.nowSeconds());
    const segment: StoredSegment = {
      id: String(id),
      list_id: String(listId),
      name: body.name,
      type: body.type,
      description: body.description ?? "",
      favorite: body.favorite ? "1" : "0",
      last_count: "0",
      last_count_date: now,
      last_count_request_date: null,
      isp_breakdown: "",
      last_sent: "0",
      segment_quota: "0",
      is_quota_percent: "0",
      created_by: this.userId,
      created: now,
      modified_by: this.userId,
      modified: now,
      user_modified: now,
      deleted: "0",
      included_segment_cache: null,
      excluded_segment_cache: null,
      default_include_segment: "0",
      default_exclude_segment: "0",
      is_external: isExternal ? "1" : "0",
      external_url: body.external_url ?? null,
      external_insert_missing: body.external_insert_missing ? "1" : "0",
      external_include_unsubscribes: body.external_include_unsubscribes ? "1" : "0",
      rules: this.withIds(rules, id),
      is_whitelist: body.is_whitelist === true,
      recipients: [],
    };
    segment.last_count = String(this.countsFor(segment).active);
    this.segments.set(id, segment);
    return segment;
  }

  /**
   * Full update of name/type; description, favorite and is_whitelist keep their value when absent;
   * `criteria`, when present, replaces every rule (new rule ids).
   */
  updateSegment(listId: number, id: number, body: UpdateSegmentBody): StoredSegment {
    const list = this.requireList(listId);
    const current = this.segment(listId, id);
    const isWhitelist = body.is_whitelist ?? current.is_whitelist;
    let rules = current.rules;
    if (body.criteria != null) {
      if (current.is_external === "1" && body.criteria.length > 0) throw new InvalidData("criteria", "must be empty for an external segment");
      rules = this.withIds(this.buildRules(list, body.criteria, isWhitelist, id), id);
    } else if (isWhitelist && !current.is_whitelist) {
      this.buildRules(list, current.rules.map(storedToInput), true, id);
    }
    const now = String(this.nowSeconds());
    const updated: StoredSegment = {
      ...current,
      name: body.name,
      type: body.type,
      description: body.description ?? current.description,
      favorite: body.favorite == null ? current.favorite : body.favorite ? "1" : "0",
      is_whitelist: isWhitelist,
      rules,
      modified_by: this.userId,
      modified: now,
      user_modified: now,
    };
    this.segments.set(id, updated);
    return updated;
  }

  /**
   * Soft delete: kept with deleted "1", invisible to GET and the collection. Every Scheduled campaign
   * that uses the segment (included or excluded) is unscheduled, back to New (documented); New,
   * In progress and On hold campaigns keep their status and their (now deleted) reference (ASSUMED).
   */
  deleteSegment(listId: number, id: number): SegmentDeletion {
    const current = this.segment(listId, id);
    const now = String(this.nowSeconds());
    const deleted: StoredSegment = { ...current, deleted: "1", modified: now };
    this.segments.set(id, deleted);
    const unscheduled: string[] = [];
    for (const { mailing } of this.segmentUses(id)) {
      if (mailing.status !== STATUS.scheduled) continue;
      this.mailings.set(Number(mailing.id), { ...mailing, status: STATUS.new, schedule_date: "0", status_date: now, modified: now });
      unscheduled.push(mailing.id);
    }
    return { segment: deleted, unscheduled };
  }

  /** Upserts recipients by (trimmed, case-insensitive) email into an external segment. */
  populateExternal(listId: number, id: number, recipients: ReadonlyArray<Record<string, string | number | null>>): PopulateResult {
    const segment = this.segment(listId, id);
    if (segment.is_external !== "1") throw new InvalidData("segment_id", `segment ${id} is not an external segment`);
    const list = this.requireList(listId);
    const fieldNames = new Set(list.fields.map((f) => f.name));
    const cleaned = recipients.map((r, i) => {
      const email = r.email;
      if (typeof email !== "string") throw new InvalidData(`recipients[${i}].email`, "is required");
      const trimmed = email.trim();
      if (!isEmailAddress(trimmed)) throw new InvalidData(`recipients[${i}].email`, "is not a valid email address");
      for (const key of Object.keys(r)) {
        if (!fieldNames.has(key)) throw new InvalidData(`recipients[${i}].${key}`, `is not a field of list ${listId}`);
      }
      return { ...r, email: trimmed } as Recipient;
    });
    const byEmail = new Map(segment.recipients.map((r) => [r.email.toLowerCase(), r]));
    let added = 0;
    let updated = 0;
    for (const r of cleaned) {
      const key = r.email.toLowerCase();
      const prior = byEmail.get(key);
      if (prior) updated++;
      else added++;
      byEmail.set(key, { ...prior, ...r });
    }
    const next = { ...segment, recipients: [...byEmail.values()] };
    this.segments.set(id, next);
    return { received: cleaned.length, added, updated, total: next.recipients.length };
  }

  // ---- campaigns -----------------------------------------------------------

  /** Creates a campaign: Scheduled with a `schedule_date`, else launched (In progress); `status` overrides. */
  createMailing(input: MailingInput): StoredMailing {
    const listId = input.listId ?? this.defaultListId;
    this.requireList(listId);
    const now = this.nowSeconds();
    const status = input.status !== undefined ? statusCode(input.status) : input.schedule_date != null ? STATUS.scheduled : STATUS.inProgress;
    let scheduleDate = input.schedule_date ?? null;
    if (scheduleDate !== null && input.status === undefined) this.checkFuture(scheduleDate);
    if (status === STATUS.scheduled && scheduleDate === null) scheduleDate = now + 86_400;
    const id = this.next.mailing++;
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
      segments: this.checkMailingSegments(listId, input.segments),
      distribution: this.checkDistribution(input.distribution ?? [{ esp_connection_id: ESP_CONNECTIONS[0]!.id, percent: 100 }]),
      email_message: (input.email_message ?? [1]).map(String),
    };
    this.mailings.set(id, mailing);
    return mailing;
  }

  /** A campaign of the given list (any status, deleted ones included); NotFound otherwise. */
  mailing(listId: number, id: number): StoredMailing {
    const m = this.mailings.get(id);
    if (!m || Number(m.list_id) !== listId) throw new NotFound(`Campaign ${id} not found in list ${listId}`);
    return m;
  }

  /** A campaign by id, whatever its list (for tests). */
  rawMailing(id: number | string): StoredMailing | undefined {
    return this.mailings.get(Number(id));
  }

  /** Campaigns of a list in id order, including cancelled and deleted ones. */
  listMailings(listId: number): StoredMailing[] {
    return [...this.mailings.values()].filter((m) => Number(m.list_id) === listId).sort((a, b) => Number(a.id) - Number(b.id));
  }

  /** Every campaign (any list) that names the segment, included or excluded, except deleted campaigns; id order. */
  segmentUses(segmentId: number | string): SegmentUse[] {
    const key = String(segmentId);
    const uses: SegmentUse[] = [];
    for (const m of [...this.mailings.values()].sort((a, b) => Number(a.id) - Number(b.id))) {
      if (m.deleted === "1") continue;
      const ref = m.segments.find((s) => s.segment_id === key);
      if (ref) uses.push({ mailing: m, exclude: ref.exclude === "1" });
    }
    return uses;
  }

  /** Partial update of a New or Scheduled campaign; a `schedule_date` (re)schedules it. */
  updateMailing(listId: number, id: number, changes: MailingChanges): StoredMailing {
    const current = this.mailing(listId, id);
    assertEditable(current);
    const now = this.nowSeconds();
    const next: StoredMailing = { ...current, modified: String(now) };
    if (changes.name !== undefined) next.name = changes.name;
    if (changes.description != null) next.description = changes.description;
    if (changes.segments !== undefined) next.segments = this.checkMailingSegments(listId, changes.segments);
    if (changes.email_message !== undefined) next.email_message = changes.email_message.map(String);
    if (changes.distribution !== undefined) next.distribution = this.checkDistribution(changes.distribution);
    if (changes.schedule_date != null) {
      this.checkFuture(changes.schedule_date);
      next.schedule_date = String(changes.schedule_date);
      if (next.status !== STATUS.scheduled) next.status_date = String(now);
      next.status = STATUS.scheduled;
    }
    this.mailings.set(id, next);
    return next;
  }

  /** `PUT …/unschedule`: Scheduled → New, schedule_date "0". */
  unscheduleMailing(listId: number, id: number): StoredMailing {
    const m = this.mailing(listId, id);
    return this.moveMailing(m, afterUnschedule(m), { schedule_date: "0" });
  }

  /** `PUT …/cancel`: New, Scheduled or On hold → Cancelled. */
  cancelMailing(listId: number, id: number): StoredMailing {
    const m = this.mailing(listId, id);
    return this.moveMailing(m, afterCancel(m));
  }

  /** `PUT …/abort`: In progress ↔ On hold. */
  abortMailing(listId: number, id: number): StoredMailing {
    const m = this.mailing(listId, id);
    return this.moveMailing(m, afterAbort(m));
  }

  /** Store API for tests and seeding: any status (code or description), no transition rules. */
  setMailingStatus(id: number | string, status: string): StoredMailing {
    const m = this.mailings.get(Number(id));
    if (!m) throw new NotFound(`Campaign ${id} not found`);
    const code = statusCode(status);
    return this.moveMailing(m, code, { deleted: code === STATUS.deleted ? "1" : m.deleted });
  }

  // ---- contact counts ----------------------------------------------------

  /** Counts a segment (updating its last_count*) or ad-hoc criteria; returns the count id. */
  requestCount(listId: number, source: { segmentId: number } | { criteria: RuleInput[] }): ContactCountRecord {
    const list = this.requireList(listId);
    let counts: ContactCounts;
    let segmentId: number | null = null;
    if ("segmentId" in source) {
      const segment = this.segment(listId, source.segmentId);
      counts = this.countsFor(segment);
      const now = String(this.nowSeconds());
      this.segments.set(source.segmentId, { ...segment, last_count: String(counts.active), last_count_date: now, last_count_request_date: now });
      segmentId = source.segmentId;
    } else {
      counts = countContacts(this.contacts(list.id), this.buildRules(list, source.criteria, false, undefined), this.evaluationContext(list.id));
    }
    const record: ContactCountRecord = { id: this.next.count++, list_id: listId, segment_id: segmentId, created: this.nowSeconds(), ...counts };
    this.counts.set(record.id, record);
    return record;
  }

  contactCount(listId: number, id: number): ContactCountRecord {
    const record = this.counts.get(id);
    if (!record || record.list_id !== listId) throw new NotFound(`Contact count ${id} not found in list ${listId}`);
    return record;
  }

  /**
   * Counts of a segment over its list's contacts, by contact status. External segments count their
   * recipients: each one found among the list's contacts under that contact's status (an unsubscribed
   * one as active when `external_include_unsubscribes` is "1"), one not found as active only when
   * `external_insert_missing` is "1" (ASSUMED). Other segments (white-lists too) evaluate their rules.
   */
  countsFor(segment: StoredSegment): ContactCounts {
    const listId = Number(segment.list_id);
    if (segment.is_external === "1") {
      const byEmail = new Map(this.contacts(listId).map((c) => [String(c.fields.email ?? "").toLowerCase(), c]));
      const counts = emptyCounts();
      for (const r of segment.recipients) {
        const c = byEmail.get(r.email.toLowerCase());
        if (c) counts[c.status === "unsubscribed" && segment.external_include_unsubscribes === "1" ? "active" : c.status]++;
        else if (segment.external_insert_missing === "1") counts.active++;
      }
      return counts;
    }
    return countContacts(this.contacts(listId), segment.rules, this.evaluationContext(listId));
  }

  // ---- lifecycle -----------------------------------------------------------

  /** Forget segments and counts; lists return to their configured seeds. */
  reset(): void {
    this.segments.clear();
    this.counts.clear();
    this.mailings.clear();
    this.next = { ...FIRST_IDS };
    this.lists.clear();
    this.history.clear();
    this.explicitContacts.clear();
    this.populationAnchor = this.midnight();
    this.seedLists();
  }

  snapshot(): unknown {
    return {
      version: SNAPSHOT_VERSION,
      next: this.next,
      lists: [...this.lists.values()],
      segments: [...this.segments.values()],
      counts: [...this.counts.values()],
      mailings: [...this.mailings.values()],
      population: {
        anchor: this.populationAnchor,
        history: Object.fromEntries(this.history),
        contacts: Object.fromEntries(this.explicitContacts),
      },
    };
  }

  /** Restores a snapshot; lists configured at start win over stored lists with the same id. */
  restore(data: unknown): void {
    if (data === undefined || data === null) return;
    const snap = data as {
      version?: number; next?: Counters; lists?: OngageList[]; segments?: StoredSegment[]; counts?: ContactCountRecord[]; mailings?: StoredMailing[];
      population?: { anchor: number; history: Record<string, number[]>; contacts: Record<string, Contact[]> };
    };
    // Version 1 (before campaigns) has the same sections minus mailings.
    if (snap.version !== SNAPSHOT_VERSION && snap.version !== 1) throw new Error(`ongage emulator state: unsupported snapshot version ${String(snap.version)}`);
    const configured = new Set(this.lists.keys());
    for (const list of snap.lists ?? []) if (!configured.has(list.id)) this.lists.set(list.id, list);
    this.segments = new Map((snap.segments ?? []).map((s) => [Number(s.id), s]));
    this.counts = new Map((snap.counts ?? []).map((c) => [c.id, c]));
    // A version-1 file has no campaigns: keep the past campaigns seeded at start.
    if (snap.mailings) this.mailings = new Map(snap.mailings.map((m) => [Number(m.id), m]));
    if (snap.population) {
      this.populationAnchor = snap.population.anchor;
      for (const [id, ids] of Object.entries(snap.population.history)) this.history.set(Number(id), ids);
      this.explicitContacts = new Map(Object.entries(snap.population.contacts).map(([id, cs]) => [Number(id), cs]));
    }
    if (snap.next) this.next = { ...FIRST_IDS, ...snap.next };
  }

  // ---- internals -----------------------------------------------------------

  private seedLists(): void {
    const seeds = this.opts.lists ?? [];
    if (!seeds.some((s) => s.id === this.defaultListId)) this.addList({ id: this.defaultListId, name: "Default List" });
    for (const seed of seeds) this.addList(seed);
  }

  private requireList(listId: number): OngageList {
    const list = this.lists.get(listId);
    if (!list) throw new NotFound(`List ${listId} not found`);
    return list;
  }

  private buildRules(list: OngageList, criteria: readonly RuleInput[], isWhitelist: boolean, selfId: number | undefined): WireRuleBody[] {
    return checkCriteria(criteria, {
      listId: list.id,
      fieldById: (id) => list.fields.find((f) => f.id === id),
      segmentInList: (id) => {
        const s = this.segments.get(id);
        return s !== undefined && s.deleted === "0" && Number(s.list_id) === list.id;
      },
      selfId,
      isWhitelist,
      path: "criteria",
    });
  }

  private midnight(): number {
    return Math.floor(this.nowSeconds() / 86_400) * 86_400;
  }

  private populationOf(listId: number): Required<PopulationOptions> {
    const own = this.opts.lists?.find((l) => l.id === listId)?.population;
    return {
      size: own?.size ?? this.opts.population?.size ?? DEFAULT_POPULATION_SIZE,
      seed: own?.seed ?? this.opts.population?.seed ?? DEFAULT_POPULATION_SEED,
    };
  }

  /**
   * A list with a population gets its past campaigns: Completed, sent to the whole list (no
   * segments), through the ESP connections its events use. The default list's ids are the documented
   * examples' (DEFAULT_LIST_HISTORY_IDS); other lists draw from the campaign counter.
   */
  private seedHistory(seed: ListSeed): void {
    if (this.populationOf(seed.id).size === 0) {
      this.history.delete(seed.id);
      return;
    }
    const count = DEFAULT_LIST_HISTORY_IDS.length;
    const ids = seed.id === this.defaultListId ? [...DEFAULT_LIST_HISTORY_IDS] : Array.from({ length: count }, () => this.next.mailing++);
    this.history.set(seed.id, ids);
    for (const h of historyMailings(ids, this.populationAnchor, ESP_CONNECTIONS.map((c) => c.id))) {
      const share = 100 / h.espConnectionIds.length;
      this.mailings.set(h.id, {
        id: String(h.id), type: "campaign", list_id: String(seed.id), is_test: "0", schedule_date: String(h.sentAt),
        name: h.name, description: "Past campaign of the synthetic population", status: STATUS.completed,
        status_date: String(h.sentAt + 3 * 3600), created: String(h.sentAt - 2 * 86_400), modified: String(h.sentAt + 3 * 3600),
        deleted: "0", segments: [], distribution: h.espConnectionIds.map((id) => ({ esp_connection_id: String(id), percent: String(share) })),
        email_message: [String(2000 + (h.id % 1000))],
      });
    }
  }

  /** Evaluation context of a list: now, and segment membership with memoised, cycle-safe predicates. */
  private evaluationContext(listId: number): EvaluationContext {
    const memo = new Map<number, ContactPredicate>();
    const visiting = new Set<number>();
    const ctx: EvaluationContext = {
      now: this.nowSeconds(),
      inSegment: (id, contact) => {
        let p = memo.get(id);
        if (!p) {
          const s = this.segments.get(id);
          if (!s || s.deleted === "1" || Number(s.list_id) !== listId || visiting.has(id)) return false;
          visiting.add(id);
          p = this.membership(s, ctx);
          visiting.delete(id);
          memo.set(id, p);
        }
        return p(contact);
      },
    };
    return ctx;
  }

  /** Who is in a segment: external → its recipients' addresses; otherwise its rules. */
  private membership(s: StoredSegment, ctx: EvaluationContext): ContactPredicate {
    if (s.is_external === "1") {
      const emails = new Set(s.recipients.map((r) => r.email.toLowerCase()));
      return (c) => emails.has(String(c.fields.email ?? "").toLowerCase());
    }
    return compileRules(s.rules, ctx);
  }

  private moveMailing(m: StoredMailing, status: MailingStatusCode, extra: Partial<StoredMailing> = {}): StoredMailing {
    const now = String(this.nowSeconds());
    const next: StoredMailing = { ...m, ...extra, status, status_date: now, modified: now };
    this.mailings.set(Number(m.id), next);
    return next;
  }

  private checkFuture(scheduleDate: number): void {
    if (scheduleDate <= this.nowSeconds()) throw new InvalidData("schedule_date", `${scheduleDate} is not in the future (now ${this.nowSeconds()})`);
  }

  /** Live segments of the list, each once, at least one included. */
  private checkMailingSegments(listId: number, entries: MailingInput["segments"]): StoredMailing["segments"] {
    if (entries.length === 0) throw new InvalidData("segments", "must name at least one segment");
    const seen = new Set<number>();
    const refs = entries.map((e, i) => {
      const ref = typeof e === "number" ? { segment_id: e, exclude: false } : { segment_id: e.segment_id, exclude: e.exclude === true };
      const s = this.segments.get(ref.segment_id);
      if (!s || s.deleted === "1" || Number(s.list_id) !== listId) throw new InvalidData(`segments[${i}]`, `segment ${ref.segment_id} does not exist in list ${listId}`);
      if (seen.has(ref.segment_id)) throw new InvalidData(`segments[${i}]`, `segment ${ref.segment_id} is named twice`);
      seen.add(ref.segment_id);
      return { segment_id: String(ref.segment_id), exclude: ref.exclude ? ("1" as const) : ("0" as const) };
    });
    if (refs.every((r) => r.exclude === "1")) throw new InvalidData("segments", "must include at least one segment that is not excluded");
    return refs;
  }

  /** Known ESP connections, each once, percents 1-100 adding up to 100. */
  private checkDistribution(entries: NonNullable<MailingInput["distribution"]>): StoredMailing["distribution"] {
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

  private withIds(rules: WireRuleBody[], segmentId: number): StoredRule[] {
    return rules.map((r) => ({ id: String(this.next.rule++), segment_id: String(segmentId), ...r }));
  }
}

/** Stored rule back to a write-side rule, to re-check existing rules under a new white-list flag. */
function storedToInput(r: StoredRule): RuleInput {
  const operand = typeof r.operand === "string" ? (JSON.parse(r.operand) as unknown[]) : r.operand;
  return {
    type: r.type,
    operator: r.operator as RuleInput["operator"],
    condition: r.condition,
    field_id: r.field_id === "0" ? undefined : Number(r.field_id),
    field_name: r.field_id === "0" && r.field_name !== "" ? r.field_name : undefined,
    operand: r.operator === "empty" || r.operator === "notempty" ? undefined : operand,
    position: Number(r.position),
    left_parenthesis: Number(r.left_parenthesis),
    right_parenthesis: Number(r.right_parenthesis),
    group: r.group,
    case_sensitive: r.case_sensitive === "1",
  };
}
