import type { RuleInput } from "./request-schemas";
import { type Contact, type ContactCounts, emptyCounts } from "./contacts";
import { compileRules, countContacts, type ContactPredicate, type EvaluationContext } from "./evaluate";
import { checkCriteria, type WireRuleBody } from "./rules";
import { listContacts } from "./contact-store";
import { type ContactCountRecord, liveSegment, NotFound, nowSeconds, type OngageList, type OngageState, requireList, type StoredSegment } from "./state";

/**
 * Contact counts over the store: checking criteria against a list, what a segment selects, counts
 * of segments and ad-hoc criteria, and the recorded count requests.
 */

/** Write-side criteria checked against the list (fields, live segments of the list) into stored-rule bodies. */
export function buildRules(s: OngageState, list: OngageList, criteria: readonly RuleInput[], isWhitelist: boolean, selfId: number | undefined): WireRuleBody[] {
  return checkCriteria(criteria, {
    listId: list.id,
    fieldById: (id) => list.fields.find((f) => f.id === id),
    segmentInList: (id) => {
      const seg = s.segments.get(id);
      return seg !== undefined && seg.deleted === "0" && Number(seg.list_id) === list.id;
    },
    selfId,
    isWhitelist,
    path: "criteria",
  });
}

/** Evaluation context of a list: now, and segment membership with memoised, cycle-safe predicates. */
function evaluationContext(s: OngageState, listId: number): EvaluationContext {
  const memo = new Map<number, ContactPredicate>();
  const visiting = new Set<number>();
  const ctx: EvaluationContext = {
    now: nowSeconds(s),
    inSegment: (id, contact) => {
      let p = memo.get(id);
      if (!p) {
        const seg = s.segments.get(id);
        if (!seg || seg.deleted === "1" || Number(seg.list_id) !== listId || visiting.has(id)) return false;
        visiting.add(id);
        p = membership(seg, ctx);
        visiting.delete(id);
        memo.set(id, p);
      }
      return p(contact);
    },
  };
  return ctx;
}

/** Who is in a segment: external → its recipients' addresses; otherwise its rules. */
function membership(seg: StoredSegment, ctx: EvaluationContext): ContactPredicate {
  if (seg.is_external === "1") {
    const emails = new Set(seg.recipients.map((r) => r.email.toLowerCase()));
    return (c) => emails.has(String(c.fields.email ?? "").toLowerCase());
  }
  return compileRules(seg.rules, ctx);
}

/**
 * Counts of a segment over its list's contacts, by contact status. External segments count their
 * recipients: each one found among the list's contacts under that contact's status (an unsubscribed
 * one as active when `external_include_unsubscribes` is "1"), one not found as active only when
 * `external_insert_missing` is "1" (ASSUMED). Other segments (white-lists too) evaluate their rules.
 */
export function countsFor(s: OngageState, segment: StoredSegment): ContactCounts {
  const listId = Number(segment.list_id);
  if (segment.is_external === "1") {
    const byEmail = new Map(listContacts(s, listId).map((c) => [String(c.fields.email ?? "").toLowerCase(), c]));
    const counts = emptyCounts();
    for (const r of segment.recipients) {
      const c = byEmail.get(r.email.toLowerCase());
      if (c) counts[c.status === "unsubscribed" && segment.external_include_unsubscribes === "1" ? "active" : c.status]++;
      else if (segment.external_insert_missing === "1") counts.active++;
    }
    return counts;
  }
  return countContacts(listContacts(s, listId), segment.rules, evaluationContext(s, listId));
}

/**
 * Contact counts, without recording anything: of a live segment of the list (by id), or of
 * write-side `criteria` exactly as `POST /api/contact_counts` takes them (validated: InvalidData).
 */
export function countFor(s: OngageState, listId: number, source: number | readonly RuleInput[]): ContactCounts {
  const list = requireList(s, listId);
  if (typeof source === "number") return countsFor(s, liveSegment(s, listId, source));
  return countContacts(listContacts(s, listId), buildRules(s, list, source, false, undefined), evaluationContext(s, listId));
}

/** The contacts of the list a live segment (or criteria) selects, for tests that want ids. */
export function matchingContacts(s: OngageState, listId: number, source: number | readonly RuleInput[]): Contact[] {
  const list = requireList(s, listId);
  const ctx = evaluationContext(s, listId);
  const selects =
    typeof source === "number"
      ? membership(liveSegment(s, listId, source), ctx)
      : compileRules(buildRules(s, list, source, false, undefined), ctx);
  return listContacts(s, listId).filter(selects);
}

/** Counts a segment (updating its last_count*) or ad-hoc criteria; returns the count id. */
export function requestCount(s: OngageState, listId: number, source: { segmentId: number } | { criteria: RuleInput[] }): ContactCountRecord {
  const list = requireList(s, listId);
  let counts: ContactCounts;
  let segmentId: number | null = null;
  if ("segmentId" in source) {
    const segment = liveSegment(s, listId, source.segmentId);
    counts = countsFor(s, segment);
    const now = String(nowSeconds(s));
    s.segments.set(source.segmentId, { ...segment, last_count: String(counts.active), last_count_date: now, last_count_request_date: now });
    segmentId = source.segmentId;
  } else {
    counts = countContacts(listContacts(s, list.id), buildRules(s, list, source.criteria, false, undefined), evaluationContext(s, list.id));
  }
  const record: ContactCountRecord = { id: s.next.count++, list_id: listId, segment_id: segmentId, created: nowSeconds(s), ...counts };
  s.counts.set(record.id, record);
  return record;
}

export function contactCount(s: OngageState, listId: number, id: number): ContactCountRecord {
  const record = s.counts.get(id);
  if (!record || record.list_id !== listId) throw new NotFound(`Contact count ${id} not found in list ${listId}`);
  return record;
}
