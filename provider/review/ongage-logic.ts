import { compileMatch } from "../ongage";
import { parseDateToEpoch } from "../ongage";
import type { MatchGroup } from "../ongage";
import { asObject, dateText, isOpaque, isUnknown, opaqueText, orList, plural, type Json } from "./values";

/**
 * Ongage segment logic in words, from the form `check` puts in state (canonical flat rules) or, when
 * the inputs still hold unknown values, the program's own `rules` / `match`. Contacts' data never
 * appears: white-list segments show only how many addresses they hold, and any rule value that is an
 * email address is shown as a count of addresses.
 */

/** Labels segment ids by name, and names segments this one waits for (ids unknown until apply). */
export interface SegmentNames {
  /** `"VIP openers" (50003)` for a segment the change or the state defines; undefined otherwise. */
  labelOf(id: string): string | undefined;
  /** Display names of segments created or replaced in the same change that this segment depends on. */
  pending?: readonly string[];
}

export interface RenderedLogic {
  /** One line: `email contains "gmail" AND (first_name is not empty OR last_name is not empty)`. */
  expression: string;
  /** The same, one rule per line, nested groups indented: the unit of a before/after diff. */
  lines: string[];
}

/** Labels nothing: ids are shown as they are. */
export const NO_NAMES: SegmentNames = { labelOf: () => undefined };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const TEXT_WORDS: Record<string, string> = {
  LIKE: "contains",
  "NOT LIKE": "does not contain",
  // Meaning undocumented (Contact Counts and a third-party client disagree): the token is kept.
  _LIKE: "_LIKE",
  LIKE_: "LIKE_",
  "=": "equals",
  "!=": "does not equal",
};
const NUMERIC_WORDS: Record<string, string> = {
  "=": "equals",
  "!=": "does not equal",
  ">": "is greater than",
  "<": "is less than",
  ">=": "is at least",
  "<=": "is at most",
  "><": "is between",
};
const DATE_WORDS: Record<string, string> = {
  "=": "is on",
  "!=": "is not on",
  ">": "is after",
  "<": "is before",
  ">=": "is on or after",
  "<=": "is on or before",
  "><": "is between",
};
const RELATIVE_WORDS: Record<string, string> = {
  "=": "is exactly",
  "!=": "is not",
  ">": "is more than",
  "<": "is less than",
  ">=": "is at least",
  "<=": "is at most",
  "><": "is between",
};
const REPEAT_WORDS: Record<string, string> = {
  "=": "exactly",
  "!=": "not exactly",
  ">": "more than",
  "<": "fewer than",
  ">=": "at least",
  "<=": "at most",
};
const EVENTS: Record<string, [did: string, didNot: string]> = {
  opened: ["opened", "did not open"],
  clicked: ["clicked", "did not click"],
  sent: ["was sent", "was not sent"],
};

const quote = (s: string) => JSON.stringify(s);

/** A list of rendered values joined with "or" (Ongage ORs the values of one rule). */
function valuesText(values: unknown, each: (v: unknown) => string): string {
  const o = opaqueText(values);
  if (o !== undefined) return o;
  if (!Array.isArray(values)) return each(values);
  return orList(values.map((v) => opaqueText(v) ?? each(v)));
}

/** Text values; email addresses are counted, never shown. */
function textValues(values: unknown): string {
  if (!Array.isArray(values)) return valuesText(values, (v) => quote(String(v)));
  const addresses = values.filter((v) => typeof v === "string" && EMAIL.test(v.trim())).length;
  const shown = values.filter((v) => !(typeof v === "string" && EMAIL.test(v.trim()))).map((v) => opaqueText(v) ?? quote(String(v)));
  if (addresses > 0) shown.push(plural(addresses, "address", "addresses"));
  return orList(shown);
}

function dateValue(v: unknown): string {
  const epoch = typeof v === "number" || typeof v === "string" ? parseDateToEpoch(v) : undefined;
  return epoch === undefined ? String(v) : dateText(epoch);
}

function rangeText(values: unknown, each: (v: unknown) => string): string {
  if (Array.isArray(values) && values.length === 2) return `${opaqueText(values[0]) ?? each(values[0])} and ${opaqueText(values[1]) ?? each(values[1])}`;
  return valuesText(values, each);
}

function fieldLabel(r: Json): string {
  if (isOpaque(r.field)) return `[field ${opaqueText(r.field)}]`;
  if (typeof r.field === "string") return r.field;
  if (r.fieldId !== undefined) return `field #${opaqueText(r.fieldId) ?? String(r.fieldId)}`;
  return "(no field)";
}

function fieldRule(r: Json): string {
  const type = String(r.type);
  const op = String(r.operator);
  const field = fieldLabel(r);
  if (op === "empty") return `${field} is empty`;
  if (op === "notempty") return `${field} is not empty`;
  const cs = r.caseSensitive === true ? " (case-sensitive)" : "";
  switch (type) {
    case "email":
    case "string":
      return `${field} ${TEXT_WORDS[op] ?? op} ${textValues(r.values)}${cs}`;
    case "numeric": {
      const each = (v: unknown) => String(v);
      return `${field} ${NUMERIC_WORDS[op] ?? op} ${op === "><" ? rangeText(r.values, each) : valuesText(r.values, each)}`;
    }
    case "date_absolute":
      return `${field} ${DATE_WORDS[op] ?? op} ${op === "><" ? rangeText(r.values, dateValue) : valuesText(r.values, dateValue)}`;
    case "date_relative": {
      const each = (v: unknown) => String(v);
      const n = op === "><" ? rangeText(r.values, each) : valuesText(r.values, each);
      const one = Array.isArray(r.values) && r.values.length === 1 && Number(r.values[0]) === 1;
      return `${field} ${RELATIVE_WORDS[op] ?? op} ${n} ${one ? "day" : "days"} ago`;
    }
    default:
      return `${field} ${op} ${valuesText(r.values, (v) => JSON.stringify(v))}`;
  }
}

const unitText = (n: unknown, unit: unknown) => `${opaqueText(n) ?? String(n)} ${String(unit)}${Number(n) === 1 ? "" : "s"}`;

function timeRangeText(tr: Json): string {
  if (tr.operator === "custom") {
    const from = tr.fromDate ?? tr.from ?? tr.from_date;
    const to = tr.toDate ?? tr.to ?? tr.to_date;
    return `between ${opaqueText(from) ?? dateValue(from)} and ${opaqueText(to) ?? dateValue(to)}`;
  }
  if (tr.operator === "between") {
    if (Number(tr.to) === 0) return `in the last ${unitText(tr.inLast, tr.inLastUnit)}`;
    return `between ${unitText(tr.inLast, tr.inLastUnit)} and ${unitText(tr.to, tr.toUnit)} ago`;
  }
  return `time range ${JSON.stringify(tr)}`;
}

function idList(ids: unknown, one: string, many: string): string | undefined {
  const o = opaqueText(ids);
  if (o !== undefined) return `${many} ${o}`;
  if (!Array.isArray(ids) || ids.length === 0) return undefined;
  return `${ids.length === 1 ? one : many} ${ids.map((v) => opaqueText(v) ?? String(v)).join(", ")}`;
}

function slashList(xs: unknown): string | undefined {
  const o = opaqueText(xs);
  if (o !== undefined) return o;
  if (!Array.isArray(xs) || xs.length === 0) return undefined;
  return xs.map((v) => opaqueText(v) ?? String(v)).join("/");
}

function behavioralRule(r: Json): string {
  const did = r.operator !== "!=";
  let verb: string;
  if (r.conversionPointId !== undefined) {
    verb = `${did ? "converted" : "did not convert"} on conversion point ${opaqueText(r.conversionPointId) ?? String(r.conversionPointId)}`;
  } else {
    const event = String(opaqueText(r.event) ?? r.event);
    const words = EVENTS[event];
    verb = words ? words[did ? 0 : 1] : `${did ? "" : "not "}${event}`;
  }
  const o = asObject(r.operand) ?? {};
  if (isOpaque(r.operand)) return `${verb} (${opaqueText(r.operand)})`;
  const parts: string[] = [];
  let head = verb;
  if (r.conversionPointId === undefined) head += ` ${idList(o.mailingIds, "mailing", "mailings") ?? "any mailing"}`;
  const esp = idList(o.espConnectionIds, "ESP connection", "ESP connections");
  if (esp) head += ` via ${esp}`;
  parts.push(head);
  const tr = asObject(o.timeRange);
  if (tr) parts.push(timeRangeText(tr));
  else if (isOpaque(o.timeRange)) parts.push(`time range ${opaqueText(o.timeRange)}`);
  const rp = asObject(o.repeat);
  if (rp) parts.push(`${REPEAT_WORDS[String(rp.operator)] ?? String(rp.operator)} ${unitText(rp.counter, "time")}`);
  const browsers = slashList(o.browsers);
  if (browsers) parts.push(`in ${browsers}`);
  const countries = slashList(o.countries);
  if (countries) parts.push(`from ${countries}`);
  const platforms = slashList(o.platforms);
  if (platforms) parts.push(`on ${platforms}`);
  return parts.join(", ");
}

function segmentRule(r: Json, names: SegmentNames): string {
  const ids = r.segmentIds;
  const positive = r.operator !== "!=";
  const o = opaqueText(ids);
  if (o !== undefined) return `${positive ? "in" : "not in"} segments ${o}`;
  const list = Array.isArray(ids) ? ids : [ids];
  let pendingIndex = 0;
  const label = (id: unknown): string => {
    if (isUnknown(id)) {
      const pending = names.pending ?? [];
      // Several unknown ids cannot be told apart; one unknown id among one pending segment can.
      if (pending.length === 1) return `${quote(pending[0]!)} (created in this change)`;
      if (pending.length > 1) return `one of ${orList(pending.map(quote))} (created in this change, ${pendingIndex++ === 0 ? "id" : "ids"} known after apply)`;
      return "a segment whose id is known after apply";
    }
    const s = opaqueText(id) ?? String(id);
    return names.labelOf(s) ?? s;
  };
  const labels = list.map(label);
  if (labels.length === 1) return `${positive ? "in" : "not in"} segment ${labels[0]}`;
  return `${positive ? "in any of" : "in none of"} segments ${labels.join(", ")}`;
}

/** One rule in words. */
export function ruleText(rule: unknown, names: SegmentNames = NO_NAMES): string {
  const o = opaqueText(rule);
  if (o !== undefined) return `[rule ${o}]`;
  const r = asObject(rule);
  if (!r) return JSON.stringify(rule);
  if (isOpaque(r.operator)) return `${fieldLabel(r)} [operator ${opaqueText(r.operator)}]`;
  if (r.type === "behavioral") return behavioralRule(r);
  if (r.type === "segment") return segmentRule(r, names);
  return fieldRule(r);
}

/**
 * A match tree as the preview shows it: `{ all: [...] }` or `{ any: [...] }`. Its leaves may hold
 * unknowns and secrets, which compileMatch carries through as values (the schema would refuse them).
 */
function isMatchGroup(v: Json): v is Json & MatchGroup {
  return Array.isArray(v.all) !== Array.isArray(v.any);
}

/** The flat rules of inputs: `rules` as they are, or `match` compiled exactly as the provider compiles it. */
function flatRules(inputs: Json): unknown[] | string {
  const o = opaqueText(inputs.rules) ?? opaqueText(inputs.match);
  if (o !== undefined) return o;
  if (Array.isArray(inputs.rules)) return inputs.rules;
  const match = asObject(inputs.match);
  if (match) {
    if (!isMatchGroup(match)) return `[match ${JSON.stringify(match)}]`;
    try {
      return compileMatch(match).map((l) => l.rule);
    } catch {
      return `[match ${JSON.stringify(match)}]`;
    }
  }
  return [];
}

const count = (n: unknown) => (typeof n === "number" && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);

/** Where an external segment comes from; the URL is cut to origin and path (a query may carry a token). */
function externalText(external: Json): string {
  let source = "filled with populate_external";
  if (isOpaque(external.url)) source = `retrieved from ${opaqueText(external.url)}`;
  else if (typeof external.url === "string") {
    try {
      const u = new URL(external.url);
      source = `retrieved from ${u.origin}${u.pathname === "/" ? "" : u.pathname}${u.search ? " (query hidden)" : ""}`;
    } catch {
      source = "retrieved from a URL";
    }
  }
  const extras = [external.insertMissing === true ? "adds contacts missing from the list" : "", external.includeUnsubscribes === true ? "includes unsubscribed contacts" : ""].filter(Boolean);
  return `external segment, ${source}${extras.length ? ` (${extras.join(", ")})` : ""}`;
}

/** The number of addresses in a white-list segment's rules (undefined when a value is opaque). */
export function whitelistAddresses(inputs: Json): number | undefined {
  const rules = flatRules(inputs);
  if (typeof rules === "string") return undefined;
  let n = 0;
  for (const rule of rules) {
    const r = asObject(rule);
    if (!r || isOpaque(r.values)) return undefined;
    n += Array.isArray(r.values) ? r.values.length : 0;
  }
  return n;
}

/** The logic of an `ongage.Segment` in words. */
export function ongageLogic(inputs: Json, names: SegmentNames = NO_NAMES): RenderedLogic {
  const one = (text: string): RenderedLogic => ({ expression: text, lines: [text] });
  if (inputs.whitelist === true) {
    const n = whitelistAddresses(inputs);
    return one(n === undefined ? "white list of addresses (count known after apply)" : `white list of ${plural(n, "address", "addresses")}`);
  }
  const external = asObject(inputs.external);
  if (external) return one(externalText(external));
  if (isOpaque(inputs.external)) return one(`external segment (${opaqueText(inputs.external)})`);
  const rules = flatRules(inputs);
  if (typeof rules === "string") return one(rules);
  if (rules.length === 0) return one("every contact of the list (no rules)");
  const tokens: string[] = [];
  const lines: string[] = [];
  let depth = 0;
  const indent = () => "  ".repeat(Math.max(depth, 0));
  rules.forEach((rule, i) => {
    const r = asObject(rule) ?? {};
    const joiner = i === 0 ? "" : `${String(r.condition ?? "and").toLowerCase() === "or" ? "OR" : "AND"} `;
    const open = count(r.openParens);
    const close = count(r.closeParens);
    const text = ruleText(rule, names);
    tokens.push(`${joiner}${"(".repeat(open)}${text}${")".repeat(close)}`);
    if (open > 0) {
      lines.push(`${indent()}${joiner}${"(".repeat(open)}`);
      depth += open;
      lines.push(`${indent()}${text}`);
    } else {
      lines.push(`${indent()}${joiner}${text}`);
    }
    for (let c = 0; c < close; c++) {
      depth--;
      lines.push(`${indent()})`);
    }
  });
  return { expression: tokens.join(" "), lines };
}
