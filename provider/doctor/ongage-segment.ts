import { WireSegment, WireSegmentMailing, ongageEnvelope } from "../ongage/index";
import { PLEASE_REPORT, fine, ongageRow, refuses, report, unknown, type Finding, type OngageRowKey } from "./ongage-rows";
import type { Observation } from "./observation";
import { describeAnswer, isRecord, messageOf, typeWord, type Answer, type OngageProbe } from "./ongage-probe";

const SegmentEnvelope = ongageEnvelope(WireSegment);

/** Keys of a segment as docs/api/ongage.md §4.1 lists them (the page's example payload). */
const SEGMENT_KEYS = new Set([
  "id", "list_id", "name", "type", "description", "favorite", "last_count", "last_count_date", "last_count_request_date", "isp_breakdown",
  "last_sent", "segment_quota", "is_quota_percent", "created_by", "created", "modified_by", "modified", "user_modified", "deleted",
  "included_segment_cache", "excluded_segment_cache", "default_include_segment", "default_exclude_segment", "is_external", "external_url",
  "external_insert_missing", "external_include_unsubscribes", "is_whitelist", "rules", "mailings", "can_delete",
]);
const RULE_KEYS = new Set([
  "id", "segment_id", "position", "left_parenthesis", "field_id", "field_name", "conversion_point_id", "operator", "operand",
  "is_external_operand", "right_parenthesis", "condition", "case_sensitive", "type", "group",
]);
const MAILING_ENTRY_KEYS = new Set(["id", "name", "status", "status_desc", "schedule_date", "exclude"]);
const METADATA_KEYS = new Set(["error", "total"]);

/** Scalars the documents show as strings (docs/api/ongage.md §4.5); times have a row of their own. */
const SEGMENT_SCALARS = ["id", "list_id", "favorite", "deleted", "is_external", "external_insert_missing", "external_include_unsubscribes", "last_count", "last_sent", "created_by", "modified_by", "segment_quota", "is_quota_percent", "default_include_segment", "default_exclude_segment"];
const RULE_SCALARS = ["id", "segment_id", "position", "left_parenthesis", "right_parenthesis", "field_id", "case_sensitive"];
const MAILING_SCALARS = ["id", "status", "exclude"];
const TIME_KEYS = ["created", "modified", "user_modified", "last_count_date"];
/** Rule types whose operand is JSON text (behavioral operands are objects, segment operands undocumented). */
const TEXT_OPERAND_TYPES = new Set(["email", "string", "numeric", "date_absolute", "date_relative"]);

/** A segment GET answered with a payload object. */
interface Sample {
  id: string;
  answer: Answer;
  payload: Record<string, unknown>;
}

const records = (v: unknown): Array<Record<string, unknown>> => (Array.isArray(v) ? v.filter(isRecord) : []);
const hasTextOperand = (s: Sample) => records(s.payload.rules).some((r) => TEXT_OPERAND_TYPES.has(String(r.type)) && r.operand !== undefined && r.operand !== null);
const hasMailings = (s: Sample) => Array.isArray(s.payload.mailings) && s.payload.mailings.length > 0;

/** At most this many segments are read (one GET each) looking for rules with values and for campaigns. */
export const MAX_SAMPLES = 5;

/**
 * The segment rows: GET of up to MAX_SAMPLES segments (`ids` in order, the scratch segment first with
 * `--write`), stopping once one has a rule with values and one has campaigns.
 */
export async function observeSegments(probe: OngageProbe, ids: readonly string[]): Promise<Observation[]> {
  const keys: OngageRowKey[] = ["segmentShape", "segmentKeys", "scalars", "timestamps", "operand", "mailings", "lookup"];
  if (ids.length === 0) {
    return keys.map((k) => ongageRow(k, unknown(`${probe.list} has no segments to read`, "run doctor on a list with segments, or with --write --list N (it reads its scratch segment)")));
  }
  const samples: Sample[] = [];
  const failures: string[] = [];
  for (const id of ids.slice(0, MAX_SAMPLES)) {
    try {
      const answer = await probe.get(`/api/segments/${encodeURIComponent(id)}`);
      const payload = isRecord(answer.body) ? answer.body.payload : undefined;
      if (answer.kind === undefined && isRecord(payload)) samples.push({ id, answer, payload });
      else failures.push(describeAnswer(answer));
    } catch (err) {
      failures.push(messageOf(err));
    }
    if (samples.some(hasTextOperand) && samples.some(hasMailings)) break;
  }
  const first = samples[0];
  if (first === undefined) {
    return keys.map((k) => ongageRow(k, unknown(`no segment could be read: ${failures.join("; ")}`, "the provider's reads of segments fail the same way; run doctor again, and if it persists, " + PLEASE_REPORT)));
  }
  const read = `${samples.length} segment(s) read (${samples.map((s) => s.id).join(", ")})`;
  return [
    ongageRow("segmentShape", shapeFinding(first)),
    ongageRow("segmentKeys", keysFinding(samples, read)),
    ongageRow("scalars", scalarsFinding(samples, read)),
    ongageRow("timestamps", timestampsFinding(samples, read)),
    ongageRow("operand", operandFinding(samples, read)),
    ongageRow("mailings", mailingsFinding(samples, read)),
    ongageRow("lookup", await lookupFinding(probe, first)),
  ];
}

function shapeFinding(s: Sample): Finding {
  const parsed = SegmentEnvelope.safeParse(s.answer.body);
  if (parsed.success) return fine(`${s.answer.asked} parsed with the provider's segment schema`, "the provider can read segments");
  const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
  return refuses(`${s.answer.asked}: ${issues}`, "every read of such a segment fails with \"does not match the documented shape\" (refresh, update and delete stop)");
}

function keysFinding(samples: Sample[], read: string): Finding {
  const extra = new Set<string>();
  const note = (where: string, o: Record<string, unknown>, known: Set<string>) => {
    for (const k of Object.keys(o)) if (!known.has(k)) extra.add(`${where}.${k}`);
  };
  for (const s of samples) {
    if (isRecord(s.answer.body)) note("(body)", s.answer.body, new Set(["metadata", "payload"]));
    if (isRecord(s.answer.body) && isRecord(s.answer.body.metadata)) note("metadata", s.answer.body.metadata, METADATA_KEYS);
    note("payload", s.payload, SEGMENT_KEYS);
    for (const r of records(s.payload.rules)) note("rules[]", r, RULE_KEYS);
    for (const m of records(s.payload.mailings)) note("mailings[]", m, MAILING_ENTRY_KEYS);
  }
  if (extra.size === 0) return fine(`${read}: only documented keys`, "the provider reads every key it knows");
  return report(`${read}: undocumented keys ${[...extra].sort().join(", ")}`, `the provider ignores keys it does not know, so this works; ${PLEASE_REPORT} (ongage.md §4.1 may be missing fields)`);
}

function scalarsFinding(samples: Sample[], read: string): Finding {
  const native = new Set<string>();
  const check = (where: string, o: Record<string, unknown>, keys: string[]) => {
    for (const k of keys) if (o[k] !== undefined && o[k] !== null && typeof o[k] !== "string") native.add(`${where}.${k} (${typeWord(o[k])})`);
  };
  for (const s of samples) {
    check("payload", s.payload, SEGMENT_SCALARS);
    for (const r of records(s.payload.rules)) check("rules[]", r, RULE_SCALARS);
    for (const m of records(s.payload.mailings)) check("mailings[]", m, MAILING_SCALARS);
  }
  if (native.size === 0) return fine(`${read}: ids, flags, counters and positions are strings`, "the provider's normalisation reads them as documented");
  return report(`${read}: not strings: ${[...native].sort().join(", ")}`, `the provider reads numbers as well as strings, so this works; ${PLEASE_REPORT}`);
}

function timestampsFinding(samples: Sample[], read: string): Finding {
  const other = new Set<string>();
  for (const s of samples) {
    for (const k of TIME_KEYS) {
      const v = s.payload[k];
      if (v === undefined || v === null) continue;
      const epoch = (typeof v === "string" && /^\d+$/.test(v)) || (typeof v === "number" && Number.isInteger(v));
      if (!epoch) other.add(`${k} (${typeof v === "string" && /^\d{4}-\d{2}-\d{2}/.test(v) ? "a date-time text" : typeWord(v)})`);
    }
  }
  if (other.size === 0) return fine(`${read}: created and modified are epoch seconds`, "the provider compares creation times as documented");
  return report(
    `${read}: not epoch seconds: ${[...other].sort().join(", ")}`,
    `the provider reads creation times only to recognise a segment an interrupted create left behind, and may not recognise one; ${PLEASE_REPORT}`,
  );
}

function operandFinding(samples: Sample[], read: string): Finding {
  const rules = samples.flatMap((s) => records(s.payload.rules)).filter((r) => TEXT_OPERAND_TYPES.has(String(r.type)) && r.operand !== undefined && r.operand !== null);
  if (rules.length === 0) return unknown(`${read}: no rule of type email, string, numeric or date with an operand`, "run doctor on a list whose segments have such rules, or with --write --list N (its scratch segment has one)");
  const forms = new Set<string>();
  for (const r of rules) {
    if (typeof r.operand !== "string") forms.add(typeWord(r.operand));
    else {
      try {
        JSON.parse(r.operand);
      } catch {
        forms.add("a string that is not JSON");
      }
    }
  }
  if (forms.size === 0) return fine(`${read}: ${rules.length} operand(s), each JSON text in a string`, "the provider parses operands as documented");
  return report(`${read}: operands as ${[...forms].sort().join(", ")}`, `the provider reads operands given as JSON values too, so this works; ${PLEASE_REPORT}`);
}

function mailingsFinding(samples: Sample[], read: string): Finding {
  const absent = samples.filter((s) => !Array.isArray(s.payload.mailings));
  if (absent.length > 0) {
    const s = absent[0]!;
    return refuses(
      `${s.answer.asked}: \`mailings\` is ${typeWord(s.payload.mailings)}`,
      "whether campaigns use a segment cannot be told, so the provider refuses to delete (or replace) segments: deleting one would unschedule the campaigns that use it",
    );
  }
  const entries = samples.flatMap((s) => s.payload.mailings as unknown[]);
  const bad = entries.find((e) => !WireSegmentMailing.safeParse(e).success);
  if (bad !== undefined) {
    return refuses(`${read}: a \`mailings\` entry is ${typeWord(bad)}, not an object with the campaign's id and status`, "every read of a segment that campaigns use fails with \"does not match the documented shape\"; the provider refuses to delete it");
  }
  if (entries.length === 0) return fine(`${read}: \`mailings\` is an empty list on each (no campaign uses them; an entry of another shape would fail that segment's reads loudly)`, "the provider can tell which campaigns use a segment");
  return fine(`${read}: ${entries.length} \`mailings\` entries, each an object with the campaign's id and status`, "the provider can tell which campaigns use a segment");
}

/** A list id no account has: a route through it must not reach a segment of the configured list. */
export const FOREIGN_LIST_ID = 2147483647;

async function lookupFinding(probe: OngageProbe, s: Sample): Promise<Finding> {
  const a = await probe.get(`/api/segments/${encodeURIComponent(s.id)}`, {}, FOREIGN_LIST_ID);
  const payload = isRecord(a.body) ? a.body.payload : undefined;
  const reached = a.kind === undefined && isRecord(payload) && String(payload.id) === s.id;
  if (!reached) return fine(`${a.asked} (list ${FOREIGN_LIST_ID}: a list id no account has) answered HTTP ${a.status}, not segment ${s.id}`, "segments are reached only through their own list");
  return report(
    `${a.asked} (list ${FOREIGN_LIST_ID}: a list id no account has) answered segment ${s.id} of ${probe.list}`,
    `the provider always addresses a segment through its own list, so this works, but a route does not show which list a segment is in; ${PLEASE_REPORT}`,
  );
}
