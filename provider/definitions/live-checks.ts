import type { AntsClient, AntsCanonicalSegment } from "../ants";
import { attributeDatatype, AUDIENCE_ITEM_TYPE, operatorsFor } from "../ants";
import { ApiError, NotFoundError } from "../http/errors";
import type { CanonicalSegment, OngageClient } from "../ongage";
import { fieldResolver } from "../ongage";

/**
 * Checks of definitions against the account (`validate --live`, `review --live`): do the list fields
 * a rule names exist with a type that fits the rule, do the segments and lists it names by id exist,
 * do the ANTS attributes exist and can each member-file column be matched to its attribute. One owner
 * for these decisions: the validate command and the review both call `checkAccount`.
 *
 * Reads are few and shared: per Ongage list, its fields once (the provider's `fieldResolver`, which
 * re-reads once on a name it lacks) and its segment listing once (complete, provider/http/listing.ts),
 * only when a rule names a raw segment id; per ANTS audience, its BO attributes once (once more on a
 * name they lack, as `create` does). Fail closed: a read that fails, or an answer that does not show
 * the fact, is an `Unchecked` entry naming the check, never a pass.
 */

/** What a problem or an unmade check is about (stable: the review's JSON carries it). */
export const LIVE_CHECKS = ["list-field", "field-type", "segment-id", "list-id", "ants-attribute"] as const;
export type LiveCheck = (typeof LIVE_CHECKS)[number];

/** An `ongage.Segment` (canonical, as after `check`); `segmentIds`: the raw ids its rules name (refs left out). */
export interface OngageSubject {
  api: "ongage";
  key: string;
  segment: CanonicalSegment;
  segmentIds: Array<{ rule: number; index: number; id: string }>;
  /** Where the list id came from, for messages (`spec.listId`, `ONGAGE_LIST_ID`). */
  listFrom: string;
}
/** An `ongage.ExternalRecipients`: its list and, when raw, the external segment's id. */
export interface RecipientsSubject {
  api: "ongage-recipients";
  key: string;
  listId: number | undefined;
  segmentId?: string;
  listFrom: string;
}
/** An `ants.Segment` (canonical, as after `check`). */
export interface AntsSubject {
  api: "ants";
  key: string;
  segment: Pick<AntsCanonicalSegment, "audience" | "matchRules">;
}
export type LiveSubject = OngageSubject | RecipientsSubject | AntsSubject;

/** Where in the subject: `rule` indexes the flat Ongage rules or the ANTS match rules; `key` is the path below it (or below the spec). */
export interface LiveLocation {
  rule?: number;
  key: string;
}
export interface LiveProblem {
  key: string;
  check: LiveCheck;
  at: LiveLocation;
  message: string;
}
/** A check that could not be made: the subjects it concerns stay unchecked. */
export interface Unchecked {
  check: LiveCheck;
  /** e.g. `the fields of list 10000`. */
  what: string;
  reason: string;
  keys: string[];
}
export interface LiveCheckResult {
  problems: LiveProblem[];
  unchecked: Unchecked[];
}

export interface AccountClients {
  ongage?: OngageClient;
  ants?: AntsClient;
}

/** Long listings in messages: the first `max` names, then how many more. */
export function capList(items: readonly string[], max = 12): string {
  if (items.length === 0) return "none";
  return items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")}, … (${items.length - max} more)`;
}

const listName = (listId: number | undefined) => (listId === undefined ? "the account's default list" : `list ${listId}`);
const reasonOf = (err: unknown) => (err instanceof ApiError ? err.message : (err as Error).message);

/**
 * Field types (list_fields, docs/api/ongage.md §13.1) each rule type takes. Email rules need an email
 * field; a string rule also takes the email field, which Ongage's own OR-group example types `string`
 * (docs/api/ongage.md §14); dates take both date rule types (§6.2).
 */
const FIELD_TYPES_FOR_RULE: Readonly<Record<string, readonly string[]>> = {
  email: ["email"],
  string: ["string", "email"],
  numeric: ["numeric"],
  date_absolute: ["date"],
  date_relative: ["date"],
};
const an = (word: string) => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);

/** Memoized reads of one run, each failure kept as the reason its check could not be made. */
class Reads {
  private memo = new Map<string, Promise<unknown>>();
  constructor(readonly clients: AccountClients) {}
  once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = read();
      p.catch(() => undefined);
      this.memo.set(key, p);
    }
    return p;
  }
}

type ListState = { exists: true } | { exists: false; message: string } | { unknown: string };

/**
 * Whether an Ongage list exists: its list_fields answers (exists), or answers Ongage's 404 envelope
 * while the account's default list answers its root check with the same base URL and credentials
 * (does not exist). Anything else leaves it unknown.
 */
function listState(reads: Reads, listId: number | undefined): Promise<ListState> {
  const client = reads.clients.ongage!;
  return reads.once(`list|${listId ?? "default"}`, async (): Promise<ListState> => {
    try {
      await client.listFields(listId);
      return { exists: true };
    } catch (err) {
      if (listId === undefined || !(err instanceof NotFoundError)) return { unknown: reasonOf(err) };
      try {
        await client.proveRoot(undefined);
      } catch (rootErr) {
        return { unknown: `${reasonOf(err)}; and the account's default list did not answer either (${reasonOf(rootErr)}), so the 404 proves nothing about list ${listId}` };
      }
      return { exists: false, message: err.detail ?? err.message };
    }
  });
}

/** Every Ongage subject grouped by list. */
function byList<T extends OngageSubject | RecipientsSubject>(subjects: readonly T[]): Map<number | undefined, T[]> {
  const out = new Map<number | undefined, T[]>();
  for (const s of subjects) {
    const listId = s.api === "ongage" ? s.segment.listId : s.listId;
    out.set(listId, [...(out.get(listId) ?? []), s]);
  }
  return out;
}

async function ongageListChecks(reads: Reads, listId: number | undefined, subjects: Array<OngageSubject | RecipientsSubject>, existing: number[], out: LiveCheckResult): Promise<void> {
  const state = await listState(reads, listId);
  if ("unknown" in state) {
    const what = listId === undefined ? `the fields of ${listName(listId)}` : `whether ${listName(listId)} exists (its fields)`;
    out.unchecked.push({ check: listId === undefined ? "list-field" : "list-id", what, reason: state.unknown, keys: subjects.map((s) => s.key) });
    return;
  }
  if (!state.exists) {
    const others = existing.filter((id) => id !== listId);
    for (const s of subjects) {
      out.problems.push({
        key: s.key,
        check: "list-id",
        at: { key: "listId" },
        message: `list ${listId} (from ${s.listFrom}) does not exist in this account: Ongage answered 404 (${state.message}) while the account's default list answers; ` +
          `lists these definitions name that exist: ${others.length ? capList(others.map(String)) : "none besides the default list"}`,
      });
    }
    return;
  }
  const segments = subjects.filter((s): s is OngageSubject => s.api === "ongage");
  await fieldChecks(reads, listId, segments, out);
  await segmentIdChecks(reads, listId, subjects, out);
}

/** Rules naming list fields: the provider's resolver decides whether a name exists; list_fields gives each field's type. */
async function fieldChecks(reads: Reads, listId: number | undefined, subjects: OngageSubject[], out: LiveCheckResult): Promise<void> {
  const client = reads.clients.ongage!;
  const withFields = subjects.filter((s) => s.segment.rules.some((r) => (r.field !== undefined && !r.field.startsWith("ocx_")) || r.fieldId !== undefined));
  if (withFields.length === 0) return;
  const what = `the fields of ${listName(listId)}`;
  let resolve: Awaited<ReturnType<typeof fieldResolver>>;
  let fields: Awaited<ReturnType<OngageClient["listFields"]>>;
  try {
    // One resolver for every rule of the list: at most one re-read for the names it lacks.
    const all = { ...withFields[0]!.segment, rules: withFields.flatMap((s) => s.segment.rules) };
    resolve = await fieldResolver(client, all);
    fields = await client.listFields(listId);
  } catch (err) {
    out.unchecked.push({ check: "list-field", what, reason: reasonOf(err), keys: withFields.map((s) => s.key) });
    return;
  }
  const names = fields.map((f) => f.name).sort();
  const byId = new Map(fields.map((f) => [Number(f.id), f]));
  for (const s of withFields) {
    s.segment.rules.forEach((r, rule) => {
      const allowed = FIELD_TYPES_FOR_RULE[r.type];
      if (!allowed) return;
      let id: number;
      let key: string;
      let label: string;
      if (r.fieldId !== undefined) {
        key = "fieldId";
        id = r.fieldId;
        label = `field ${id}`;
        if (!byId.has(id)) {
          const known = fields.map((f) => `${f.name} (${String(f.id)})`).sort();
          out.problems.push({ key: s.key, check: "list-field", at: { rule, key }, message: `${listName(listId)} has no field with id ${id}; fields: ${capList(known)}` });
          return;
        }
      } else if (r.field !== undefined && !r.field.startsWith("ocx_")) {
        key = "field";
        label = `field "${r.field}"`;
        try {
          id = resolve(r.field, `rules[${rule}].field`);
        } catch {
          out.problems.push({ key: s.key, check: "list-field", at: { rule, key }, message: `${listName(listId)} has no field "${r.field}"; fields: ${capList(names)}` });
          return;
        }
      } else return;
      const field = byId.get(id);
      if (!field || field.type === undefined || field.type === "") {
        out.unchecked.push({ check: "field-type", what: `the type of ${label} of ${listName(listId)}`, reason: field ? "list_fields gives the field no type" : `list_fields has no row with the id ${id} the name resolved to`, keys: [s.key] });
        return;
      }
      if (!allowed.includes(field.type)) {
        const fitting = fields.filter((f) => f.type !== undefined && allowed.includes(f.type)).map((f) => f.name).sort();
        out.problems.push({
          key: s.key,
          check: "field-type",
          at: { rule, key },
          message: `${label} of ${listName(listId)} is ${an(field.type)} field; ${an(r.type)} rule needs ${allowed.map(an).join(" or ")} field; fitting fields: ${capList(fitting)}`,
        });
      }
    });
  }
}

/** Raw segment ids (segment rules, recipients' external segment) against the list's complete segment listing. */
async function segmentIdChecks(reads: Reads, listId: number | undefined, subjects: Array<OngageSubject | RecipientsSubject>, out: LiveCheckResult): Promise<void> {
  const wanted = subjects.filter((s) => (s.api === "ongage" ? s.segmentIds.length > 0 : s.segmentId !== undefined));
  if (wanted.length === 0) return;
  const client = reads.clients.ongage!;
  let segments: Map<string, string>;
  try {
    segments = await reads.once(`segments|${listId ?? "default"}`, async () => {
      const m = new Map<string, string>();
      for await (const s of client.listSegments(listId)) m.set(String(s.id), s.name);
      return m;
    });
  } catch (err) {
    out.unchecked.push({ check: "segment-id", what: `the segments of ${listName(listId)}`, reason: reasonOf(err), keys: wanted.map((s) => s.key) });
    return;
  }
  const known = () => capList([...segments].map(([id, name]) => `${JSON.stringify(name)} (${id})`));
  const missing = (id: string) => `${listName(listId)} has no segment ${id}; segments: ${known()}`;
  for (const s of wanted) {
    if (s.api === "ongage-recipients") {
      if (!segments.has(s.segmentId!)) out.problems.push({ key: s.key, check: "segment-id", at: { key: "segmentId" }, message: missing(s.segmentId!) });
      continue;
    }
    for (const ref of s.segmentIds) {
      if (!segments.has(ref.id)) out.problems.push({ key: s.key, check: "segment-id", at: { rule: ref.rule, key: `segmentIds[${ref.index}]` }, message: missing(ref.id) });
    }
  }
}

/**
 * ANTS match rules: the attribute exists in the audience's business object, ANTS can match a file
 * column against its datatype, and a given operator fits it (the rules of provider/ants/normalize.ts
 * `resolveRules`, with its `attributeDatatype` and `operatorsFor`).
 */
async function antsChecks(reads: Reads, subjects: AntsSubject[], out: LiveCheckResult): Promise<void> {
  const client = reads.clients.ants!;
  for (const audience of [...new Set(subjects.map((s) => s.segment.audience))]) {
    const mine = subjects.filter((s) => s.segment.audience === audience);
    const type = AUDIENCE_ITEM_TYPE[audience];
    let attributes: Awaited<ReturnType<AntsClient["boAttributes"]>>;
    try {
      attributes = await client.boAttributes(type);
      // The attribute list may have grown since it was cached: read it once more, as create does.
      if (mine.some((s) => s.segment.matchRules.some((r) => !attributes.some((a) => a.item_property_name === r.attribute)))) attributes = await client.boAttributes(type, true);
    } catch (err) {
      out.unchecked.push({ check: "ants-attribute", what: `the ${audience} business object's attributes`, reason: reasonOf(err), keys: mine.map((s) => s.key) });
      continue;
    }
    const byCode = new Map(attributes.map((a) => [a.item_property_name, a]));
    const matchable = attributes.filter((a) => operatorsFor(attributeDatatype(a) ?? "").length > 0).map((a) => a.item_property_name).sort();
    for (const s of mine) {
      s.segment.matchRules.forEach((r, rule) => {
        const attr = byCode.get(r.attribute);
        const column = `column "${r.column}"`;
        if (!attr) {
          out.problems.push({ key: s.key, check: "ants-attribute", at: { rule, key: "attribute" }, message: `${column} maps to "${r.attribute}", which the ${audience} business object does not have; attributes: ${capList([...byCode.keys()].sort())}` });
          return;
        }
        const datatype = attributeDatatype(attr);
        if (datatype === undefined) {
          if (r.operator === undefined) {
            out.problems.push({ key: s.key, check: "ants-attribute", at: { rule, key: "operator" }, message: `ANTS does not report the datatype of attribute "${r.attribute}", so the operator cannot be chosen; set it explicitly ("exactly" for text, "equals" or "not_equals" otherwise)` });
          }
          return;
        }
        const allowed = operatorsFor(datatype);
        if (allowed.length === 0) {
          out.problems.push({ key: s.key, check: "ants-attribute", at: { rule, key: "attribute" }, message: `${column} maps to "${r.attribute}" of datatype ${datatype}, which ANTS cannot match against a file; attributes it can match: ${capList(matchable)}` });
        } else if (r.operator !== undefined && !allowed.includes(r.operator)) {
          out.problems.push({ key: s.key, check: "ants-attribute", at: { rule, key: "operator" }, message: `"${r.operator}" does not fit attribute "${r.attribute}" of datatype ${datatype}; use ${allowed.map((o) => `"${o}"`).join(" or ")}` });
        }
      });
    }
  }
}

/**
 * Checks every subject against the account. Throws nothing for an API failure: a read that fails
 * becomes an `Unchecked` entry (the caller fails the run). Problems are in subject order.
 */
export async function checkAccount(subjects: readonly LiveSubject[], clients: AccountClients): Promise<LiveCheckResult> {
  const out: LiveCheckResult = { problems: [], unchecked: [] };
  const reads = new Reads(clients);
  const ongage = subjects.filter((s): s is OngageSubject | RecipientsSubject => s.api !== "ants");
  const ants = subjects.filter((s): s is AntsSubject => s.api === "ants");
  if (ongage.length > 0) {
    const lists = byList(ongage);
    const states = await Promise.all([...lists.keys()].map(async (id) => [id, await listState(reads, id)] as const));
    const existing = states.flatMap(([id, s]) => (id !== undefined && "exists" in s && s.exists ? [id] : []));
    for (const [listId, mine] of lists) await ongageListChecks(reads, listId, mine, existing, out);
  }
  if (ants.length > 0) await antsChecks(reads, ants, out);
  const order = new Map(subjects.map((s, i) => [s.key, i]));
  out.problems.sort((a, b) => order.get(a.key)! - order.get(b.key)!);
  return out;
}
