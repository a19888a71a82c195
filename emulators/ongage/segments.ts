import type { CreateSegmentBody, RuleInput, UpdateSegmentBody } from "./request-schemas";
import { STATUS } from "./mailings";
import { InvalidData, isEmailAddress, type WireRuleBody } from "./rules";
import { buildRules, countsFor } from "./counts";
import { segmentUses } from "./mailing-store";
import { liveSegment, nowSeconds, type OngageState, requireList, type Recipient, type StoredRule, type StoredSegment } from "./state";

/**
 * Segments in the store: create, full update, soft delete (which unschedules the Scheduled campaigns
 * that use the segment) and the recipients of external segments. Rule ids come from the state's
 * counter; scalars are kept in the API's string form so GET needs no mapping.
 */

export interface PopulateResult {
  received: number;
  added: number;
  updated: number;
  total: number;
}

/** What a segment delete did to the campaigns that use it. */
export interface SegmentDeletion {
  segment: StoredSegment;
  /** Ids of the Scheduled campaigns it sent back to New. */
  unscheduled: string[];
}

export function createSegment(s: OngageState, listId: number, body: CreateSegmentBody): StoredSegment {
  const list = requireList(s, listId);
  const isExternal = body.is_external === true || (body.external_url != null && body.external_url !== "");
  const criteria = body.criteria ?? [];
  if (isExternal && criteria.length > 0) throw new InvalidData("criteria", "must be empty for an external segment");
  const id = s.next.segment++;
  const rules = buildRules(s, list, criteria, body.is_whitelist === true, undefined);
  const now = String(nowSeconds(s));
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
    created_by: s.userId,
    created: now,
    modified_by: s.userId,
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
    rules: withIds(s, rules, id),
    is_whitelist: body.is_whitelist === true,
    recipients: [],
  };
  segment.last_count = String(countsFor(s, segment).active);
  s.segments.set(id, segment);
  return segment;
}

/**
 * Full update of name/type; description, favorite and is_whitelist keep their value when absent;
 * `criteria`, when present, replaces every rule (new rule ids).
 */
export function updateSegment(s: OngageState, listId: number, id: number, body: UpdateSegmentBody): StoredSegment {
  const list = requireList(s, listId);
  const current = liveSegment(s, listId, id);
  const isWhitelist = body.is_whitelist ?? current.is_whitelist;
  let rules = current.rules;
  if (body.criteria != null) {
    if (current.is_external === "1" && body.criteria.length > 0) throw new InvalidData("criteria", "must be empty for an external segment");
    rules = withIds(s, buildRules(s, list, body.criteria, isWhitelist, id), id);
  } else if (isWhitelist && !current.is_whitelist) {
    buildRules(s, list, current.rules.map(storedToInput), true, id);
  }
  const now = String(nowSeconds(s));
  const updated: StoredSegment = {
    ...current,
    name: body.name,
    type: body.type,
    description: body.description ?? current.description,
    favorite: body.favorite == null ? current.favorite : body.favorite ? "1" : "0",
    is_whitelist: isWhitelist,
    rules,
    modified_by: s.userId,
    modified: now,
    user_modified: now,
  };
  s.segments.set(id, updated);
  return updated;
}

/**
 * Soft delete: kept with deleted "1", invisible to GET and the collection. Every Scheduled campaign
 * that uses the segment (included or excluded) is unscheduled, back to New (documented); New,
 * In progress and On hold campaigns keep their status and their (now deleted) reference (ASSUMED).
 */
export function deleteSegment(s: OngageState, listId: number, id: number): SegmentDeletion {
  const current = liveSegment(s, listId, id);
  const now = String(nowSeconds(s));
  const deleted: StoredSegment = { ...current, deleted: "1", modified: now };
  s.segments.set(id, deleted);
  const unscheduled: string[] = [];
  for (const { mailing } of segmentUses(s, id)) {
    if (mailing.status !== STATUS.scheduled) continue;
    s.mailings.set(Number(mailing.id), { ...mailing, status: STATUS.new, schedule_date: "0", status_date: now, modified: now });
    unscheduled.push(mailing.id);
  }
  return { segment: deleted, unscheduled };
}

/** Upserts recipients by (trimmed, case-insensitive) email into an external segment. */
export function populateExternal(s: OngageState, listId: number, id: number, recipients: ReadonlyArray<Record<string, string | number | null>>): PopulateResult {
  const segment = liveSegment(s, listId, id);
  if (segment.is_external !== "1") throw new InvalidData("segment_id", `segment ${id} is not an external segment`);
  const list = requireList(s, listId);
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
  s.segments.set(id, next);
  return { received: cleaned.length, added, updated, total: next.recipients.length };
}

function withIds(s: OngageState, rules: WireRuleBody[], segmentId: number): StoredRule[] {
  return rules.map((r) => ({ id: String(s.next.rule++), segment_id: String(segmentId), ...r }));
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

/** Live segments of a list, in id order. */
export function liveSegments(s: OngageState, listId: number): StoredSegment[] {
  return [...s.segments.values()].filter((seg) => seg.deleted === "0" && Number(seg.list_id) === listId);
}
