import { compact } from "../pulumi/canonical";
import type { CanonicalOperand, CanonicalRule, CanonicalSegment, SegmentOutputs } from "./canonical";
import { parseDateToEpoch, utcText } from "./dates";
import { VALUELESS_OPERATORS, type RuleInput, type SegmentInputs } from "./inputs";
import { locatedRules } from "./match";
import { ruleProperty, ruleSourcesOf, type RuleSources } from "./rule-paths";
import type { WireRule, WireSegment } from "./wire";

type Json = Record<string, unknown>;


const flag = (v: unknown): boolean => v === true || v === 1 || v === "1" || v === "true";
const num = (v: unknown): number | undefined => {
  if (v === null || v === undefined || v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};
const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
const dateOf = (v: unknown): number | undefined => (typeof v === "string" || typeof v === "number" ? parseDateToEpoch(v) : undefined);
const sortNumbers = (xs: number[]) => [...xs].sort((a, b) => a - b);
const sortStrings = (xs: string[]) => [...xs].sort();
const nonEmpty = <T>(xs: T[] | undefined): T[] | undefined => (xs && xs.length > 0 ? xs : undefined);

const LIST_FIELD_TYPES = new Set(["email", "string", "numeric", "date_absolute", "date_relative"]);
const TEXT_TYPES = new Set(["email", "string"]);

/** Rule values in canonical types: numbers for numeric and date rules, strings otherwise. */
function canonicalValues(type: string, operator: string, values: unknown[] | undefined): Array<string | number> | undefined {
  if (VALUELESS_OPERATORS.has(operator)) return undefined;
  const list = values ?? [];
  switch (type) {
    case "numeric":
    case "date_relative":
      return list.map((v) => Number(v));
    case "date_absolute":
      return list.map((v) => parseDateToEpoch(v as string | number) ?? Number(v));
    case "segment":
      return sortStrings(list.map((v) => String(v)));
    default:
      return list.map((v) => String(v));
  }
}

/** Canonical behavioral operand from the user's camelCase object. */
function behavioralFromInput(o: NonNullable<Extract<RuleInput, { type: "behavioral" }>["operand"]>): CanonicalOperand | undefined {
  const tr = o.timeRange;
  const out = compact({
    mailingIds: nonEmpty(o.mailingIds && sortNumbers(o.mailingIds)),
    espConnectionIds: nonEmpty(o.espConnectionIds && sortNumbers(o.espConnectionIds)),
    timeRange: tr === undefined
      ? undefined
      : tr.operator === "between"
        ? { operator: "between", inLast: tr.inLast, inLastUnit: tr.inLastUnit, to: tr.to, toUnit: tr.toUnit }
        : { operator: "custom", fromDate: parseDateToEpoch(tr.fromDate)!, toDate: parseDateToEpoch(tr.toDate)! },
    repeat: o.repeat && { operator: o.repeat.operator, counter: o.repeat.counter },
    browsers: nonEmpty(o.browsers && sortStrings(o.browsers)),
    countries: nonEmpty(o.countries && sortStrings(o.countries)),
    platforms: nonEmpty(o.platforms && sortStrings(o.platforms)),
  });
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Canonical behavioral operand from Ongage's snake_case response (ids as strings, `[]` for empty). */
function behavioralFromWire(raw: unknown): CanonicalOperand | undefined {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return undefined;
  const o = raw as Json;
  const ids = (v: unknown) => (Array.isArray(v) ? nonEmpty(sortNumbers(v.map(Number))) : undefined);
  const strs = (v: unknown) => (Array.isArray(v) ? nonEmpty(sortStrings(v.map(String))) : undefined);
  const obj = (v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);
  const tr = obj(o.time_range);
  const rp = obj(o.repeat);
  const out = compact({
    mailingIds: ids(o.mailing_ids),
    espConnectionIds: ids(o.esp_connection_ids),
    timeRange: tr === undefined
      ? undefined
      : tr.operator === "custom"
        ? compact({ operator: "custom" as const, fromDate: dateOf(tr.from_date), toDate: dateOf(tr.to_date) })
        : compact({ operator: String(tr.operator), inLast: num(tr.in_last), inLastUnit: str(tr.in_last_unit), to: num(tr.to), toUnit: str(tr.to_unit) }),
    repeat: rp === undefined ? undefined : compact({ operator: String(rp.operator), counter: num(rp.counter) }),
    browsers: strs(o.browsers),
    countries: strs(o.countries),
    platforms: strs(o.platforms),
  });
  return Object.keys(out).length > 0 ? out : undefined;
}

function canonicalRule(rule: RuleInput, index: number): CanonicalRule {
  const joining = {
    condition: index === 0 ? "and" : (rule.condition ?? "and"),
    openParens: rule.openParens ?? 0,
    closeParens: rule.closeParens ?? 0,
    group: rule.group ?? "",
  } as const;
  switch (rule.type) {
    case "behavioral":
      return compact({
        type: rule.type,
        event: rule.event,
        conversionPointId: rule.conversionPointId,
        operator: rule.operator,
        operand: rule.operand && behavioralFromInput(rule.operand),
        ...joining,
      });
    case "segment":
      return compact({ type: rule.type, operator: rule.operator, segmentIds: canonicalValues("segment", rule.operator, rule.segmentIds) as string[], ...joining });
    default:
      return compact({
        type: rule.type,
        field: rule.field,
        fieldId: rule.fieldId,
        operator: rule.operator,
        values: canonicalValues(rule.type, rule.operator, rule.values),
        caseSensitive: TEXT_TYPES.has(rule.type) ? ((rule as { caseSensitive?: boolean }).caseSensitive ?? false) : undefined,
        ...joining,
      });
  }
}

/** Canonical form of validated inputs. `defaultListId` applies when the segment names no list. */
export function canonicalFromInputs(inputs: SegmentInputs, defaultListId?: number): CanonicalSegment {
  return compact({
    listId: inputs.listId ?? defaultListId,
    name: inputs.name.trim(),
    description: inputs.description ?? "",
    favorite: inputs.favorite ?? false,
    whitelist: inputs.whitelist ?? false,
    rules: locatedRules(inputs).map(({ rule }, i) => canonicalRule(rule, i)),
    external: inputs.external && compact({
      url: inputs.external.url,
      insertMissing: inputs.external.insertMissing ?? false,
      includeUnsubscribes: inputs.external.includeUnsubscribes ?? false,
    }),
    adopt: inputs.adopt ? true : undefined,
  });
}

function parseOperand(raw: unknown): unknown {
  if (typeof raw !== "string") return raw;
  if (raw.trim() === "") return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return [raw];
  }
}

function ruleFromWire(w: WireRule, like: CanonicalRule | undefined): CanonicalRule {
  const type = w.type as CanonicalRule["type"];
  const joining = {
    condition: (String(w.condition ?? "and").toLowerCase() === "or" ? "or" : "and") as "and" | "or",
    openParens: num(w.left_parenthesis) ?? 0,
    closeParens: num(w.right_parenthesis) ?? 0,
    group: w.group ?? "",
  };
  const operand = parseOperand(w.operand);
  if (type === "behavioral") {
    const cp = num(w.conversion_point_id);
    return compact({
      type,
      event: cp ? undefined : (w.field_name ?? undefined),
      conversionPointId: cp || undefined,
      operator: w.operator,
      operand: behavioralFromWire(operand),
      ...joining,
    });
  }
  const values = canonicalValues(type, w.operator, Array.isArray(operand) ? operand : operand === undefined ? [] : [operand]);
  if (type === "segment") return compact({ type, operator: w.operator, segmentIds: values as string[], ...joining });
  const fieldId = num(w.field_id) || undefined;
  const fieldName = w.field_name ?? undefined;
  // Address the field the way the definition does, so a name and its resolved id never differ.
  const byId = like ? like.fieldId !== undefined && like.field === undefined : fieldName === undefined;
  return compact({
    type,
    field: byId ? undefined : fieldName,
    fieldId: byId ? fieldId : undefined,
    operator: w.operator,
    values,
    caseSensitive: TEXT_TYPES.has(type) ? flag(w.case_sensitive) : undefined,
    ...joining,
  });
}

/**
 * Canonical form of a segment as Ongage returns it. `like` (the previous outputs or inputs) supplies
 * what the API never echoes (`is_whitelist`, `adopt`) and how each rule addresses its field.
 */
export function canonicalFromWire(seg: WireSegment, like?: Partial<CanonicalSegment>): SegmentOutputs {
  const rules = [...(seg.rules ?? [])].sort((a, b) => (num(a.position) ?? 0) - (num(b.position) ?? 0));
  const external = flag(seg.is_external)
    ? compact({
        url: seg.external_url ?? undefined,
        insertMissing: flag(seg.external_insert_missing),
        includeUnsubscribes: flag(seg.external_include_unsubscribes),
      })
    : undefined;
  return compact({
    segmentId: String(seg.id),
    listId: Number(seg.list_id),
    name: seg.name,
    description: seg.description ?? "",
    favorite: flag(seg.favorite),
    whitelist: seg.is_whitelist === undefined || seg.is_whitelist === null ? (like?.whitelist ?? false) : flag(seg.is_whitelist),
    rules: rules.map((r, i) => ruleFromWire(r, like?.rules?.[i])),
    external,
    adopt: like?.adopt,
  });
}

/**
 * Rules recorded by earlier versions, in today's canonical form: a custom time range's `from` / `to`
 * (before they were named `fromDate` / `toDate`). State written before the rename diffs clean.
 */
function upgradeRule(r: CanonicalRule): CanonicalRule {
  const tr = r.operand?.timeRange;
  if (tr?.operator !== "custom" || !("from" in tr || "to" in tr)) return r;
  const { from, to, ...rest } = tr;
  return { ...r, operand: { ...r.operand, timeRange: compact({ ...rest, fromDate: rest.fromDate ?? from, toDate: rest.toDate ?? to }) } };
}

/** The managed part of outputs, in the same shape as canonical inputs, for diffing. */
export function managedPart(o: Partial<SegmentOutputs> & CanonicalSegment): CanonicalSegment {
  return compact({
    listId: o.listId,
    name: o.name,
    description: o.description,
    favorite: o.favorite,
    whitelist: o.whitelist,
    rules: o.rules?.map(upgradeRule),
    external: o.external,
    adopt: o.adopt,
  });
}

function timeRangeToWire(tr: NonNullable<CanonicalOperand["timeRange"]>): Json {
  if (tr.operator !== "custom") return compact({ operator: tr.operator, in_last: tr.inLast, in_last_unit: tr.inLastUnit, to: tr.to, to_unit: tr.toUnit });
  return { operator: "custom", from_date: utcText(tr.fromDate ?? 0), to_date: utcText(tr.toDate ?? 0) };
}

function behavioralToWire(o: CanonicalOperand | undefined): Json {
  if (!o) return {};
  const tr = o.timeRange;
  return compact({
    mailing_ids: o.mailingIds,
    esp_connection_ids: o.espConnectionIds,
    time_range: tr === undefined ? undefined : timeRangeToWire(tr),
    repeat: o.repeat,
    browsers: o.browsers,
    countries: o.countries,
    platforms: o.platforms,
  });
}

/** Resolves a list field name to its id; throws a clear error, naming `rulePath` (the user's `match.all[1].field`), for unknown names. */
export type FieldResolver = (name: string, rulePath: string) => number;

function criterion(sources: RuleSources, r: CanonicalRule, position: number, fieldIdFor: FieldResolver): Json {
  const base: Json = { type: r.type, position, operator: r.operator, condition: r.condition };
  if (r.openParens) base.left_parenthesis = r.openParens;
  if (r.closeParens) base.right_parenthesis = r.closeParens;
  if (r.group) base.group = r.group;
  if (r.type === "behavioral") {
    if (r.conversionPointId !== undefined) base.conversion_point_id = r.conversionPointId;
    else base.field_name = r.event;
    base.operand = behavioralToWire(r.operand);
    return base;
  }
  if (LIST_FIELD_TYPES.has(r.type)) {
    if (r.fieldId !== undefined) base.field_id = r.fieldId;
    else if (r.field!.startsWith("ocx_")) base.field_name = r.field;
    else base.field_id = fieldIdFor(r.field!, ruleProperty(sources, position, "field"));
  }
  if (TEXT_TYPES.has(r.type)) base.case_sensitive = r.caseSensitive ? "1" : "0";
  if (r.segmentIds !== undefined) base.operand = r.segmentIds.map(Number);
  if (r.values !== undefined) {
    // Documented request forms: text and numeric values quoted, absolute dates as bare epoch numbers.
    base.operand = r.type === "date_absolute" ? r.values.map(Number) : r.values.map(String);
  }
  return base;
}

/**
 * The POST/PUT body for a canonical segment. External settings are create-only (PUT ignores them).
 * `criteria[i]` is `c.rules[i]` (rule-paths.ts relies on it); the field resolver's errors name the path
 * the user wrote when check recorded it (rule-paths.ts).
 */
export function toRequestBody(c: CanonicalSegment, fieldIdFor: FieldResolver, forCreate: boolean): Json {
  const sources = ruleSourcesOf(c);
  const body: Json = {
    name: c.name,
    type: "Active",
    description: c.description,
    favorite: c.favorite,
    is_whitelist: c.whitelist,
    criteria: c.rules.map((r, i) => criterion(sources, r, i, fieldIdFor)),
  };
  if (forCreate && c.external) {
    body.is_external = true;
    if (c.external.url !== undefined) body.external_url = c.external.url;
    body.external_insert_missing = c.external.insertMissing;
    body.external_include_unsubscribes = c.external.includeUnsubscribes;
  }
  return body;
}

/** Names of list fields the rules address by name (system `ocx_*` fields excluded). */
export function fieldNamesToResolve(c: CanonicalSegment): string[] {
  return [...new Set(c.rules.filter((r) => r.field !== undefined && !r.field.startsWith("ocx_") && LIST_FIELD_TYPES.has(r.type)).map((r) => r.field!))];
}
