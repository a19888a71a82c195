import { type Contact, type ContactCounts, type ContactEvent, emptyCounts, type FieldValue } from "./contacts";
import type { WireBehavioralOperand, WireRuleBody } from "./rules";

/**
 * Which contacts a segment's rules select, as a pure function of the rules, the contacts, the time
 * and the other segments (for segment-of-segment rules). Rules are the stored (GET) shape, so
 * segments and ad-hoc `criteria` are evaluated the same way. Every meaning below that the
 * documents do not give is ASSUMED and listed in the README ("Contact counts").
 */

export interface EvaluationContext {
  /** Epoch seconds: "now" for relative dates and behavioral time ranges. */
  now: number;
  /** True if the contact is a member of that segment (false for unknown or deleted segments). */
  inSegment(segmentId: number, contact: Contact): boolean;
}

export type ContactPredicate = (contact: Contact) => boolean;

/** `_LIKE` / `LIKE_` as the Contact Counts page documents them; flip here if a live check disagrees. */
export const AFFIX_OPERATORS: Readonly<Record<"_LIKE" | "LIKE_", "begins with" | "ends with">> = { _LIKE: "begins with", LIKE_: "ends with" };

/** Seconds per behavioral time-range unit (ASSUMED: months of 30 days, years of 365). */
export const TIME_UNIT_SECONDS: Readonly<Record<string, number>> = {
  minute: 60,
  hour: 3_600,
  day: 86_400,
  week: 7 * 86_400,
  month: 30 * 86_400,
  year: 365 * 86_400,
};

const DAY = 86_400;

/** The four counts of the contacts the rules select, by contact status. */
export function countContacts(contacts: readonly Contact[], rules: readonly WireRuleBody[], ctx: EvaluationContext): ContactCounts {
  const selects = compileRules(rules, ctx);
  const counts = emptyCounts();
  for (const c of contacts) if (selects(c)) counts[c.status]++;
  return counts;
}

/**
 * One predicate for a rule list: rules in `position` order, each joined to the previous one by its
 * `condition`, `left_parenthesis` / `right_parenthesis` opening before / closing after it, AND binding
 * tighter than OR. No rules select every contact.
 */
export function compileRules(rules: readonly WireRuleBody[], ctx: EvaluationContext): ContactPredicate {
  const ordered = rules.map((r, i) => ({ r, i })).sort((a, b) => Number(a.r.position) - Number(b.r.position) || a.i - b.i).map((x) => x.r);
  if (ordered.length === 0) return () => true;
  type Token = { kind: "(" } | { kind: ")" } | { kind: "op"; or: boolean } | { kind: "rule"; test: ContactPredicate };
  const tokens: Token[] = [];
  ordered.forEach((r, i) => {
    if (i > 0) tokens.push({ kind: "op", or: r.condition.toLowerCase() === "or" });
    for (let k = 0; k < Number(r.left_parenthesis); k++) tokens.push({ kind: "(" });
    tokens.push({ kind: "rule", test: compileRule(r, ctx) });
    for (let k = 0; k < Number(r.right_parenthesis); k++) tokens.push({ kind: ")" });
  });
  let at = 0;
  const peek = () => tokens[at];
  function factor(): ContactPredicate {
    const t = tokens[at++];
    if (!t) throw new Error("rules end early");
    if (t.kind === "rule") return t.test;
    if (t.kind === "(") {
      const inner = expr();
      if (peek()?.kind !== ")") throw new Error("unbalanced parentheses");
      at++;
      return inner;
    }
    throw new Error(`unexpected ${t.kind}`);
  }
  function term(): ContactPredicate {
    const parts = [factor()];
    for (let t = peek(); t?.kind === "op" && !t.or; t = peek()) {
      at++;
      parts.push(factor());
    }
    return parts.length === 1 ? parts[0]! : (c) => parts.every((p) => p(c));
  }
  function expr(): ContactPredicate {
    const parts = [term()];
    for (let t = peek(); t?.kind === "op" && t.or; t = peek()) {
      at++;
      parts.push(term());
    }
    return parts.length === 1 ? parts[0]! : (c) => parts.some((p) => p(c));
  }
  const whole = expr();
  if (at !== tokens.length) throw new Error("unbalanced parentheses");
  return whole;
}

function isEmpty(v: FieldValue | undefined): v is null | undefined | "" {
  return v === null || v === undefined || v === "";
}

/** One rule. An empty value matches `empty`, `!=` and `NOT LIKE` only. */
export function compileRule(rule: WireRuleBody, ctx: EvaluationContext): ContactPredicate {
  const op = rule.operator;
  if (rule.type === "behavioral") {
    const did = behavioralTest(rule, typeof rule.operand === "string" ? undefined : rule.operand, ctx);
    return op === "!=" ? (c) => !did(c) : did;
  }
  if (rule.type === "segment") {
    const ids = operandValues(rule).map(Number);
    const inAny = (c: Contact) => ids.some((id) => ctx.inSegment(id, c));
    return op === "!=" ? (c) => !inAny(c) : inAny;
  }
  const name = rule.field_name;
  if (op === "empty") return (c) => isEmpty(c.fields[name]);
  if (op === "notempty") return (c) => !isEmpty(c.fields[name]);
  const negative = op === "!=" || op === "NOT LIKE";
  const test = valueTest(rule, ctx);
  return (c) => {
    const v = c.fields[name];
    if (isEmpty(v)) return negative;
    return test(v);
  };
}

function operandValues(rule: WireRuleBody): Array<string | number> {
  return typeof rule.operand === "string" ? (JSON.parse(rule.operand) as Array<string | number>) : [];
}

/** A test on a non-empty value; several operand values are OR-ed (negative operators: none of them). */
function valueTest(rule: WireRuleBody, ctx: EvaluationContext): (v: string | number) => boolean {
  const values = operandValues(rule);
  const op = rule.operator;
  switch (rule.type) {
    case "email":
    case "string": {
      const sensitive = rule.case_sensitive === "1";
      const fold = (s: string) => (sensitive ? s : s.toLowerCase());
      const wanted = values.map((x) => fold(String(x)));
      const has = (pred: (text: string, w: string) => boolean) => (v: string | number) => {
        const text = fold(String(v));
        return wanted.some((w) => pred(text, w));
      };
      switch (op) {
        case "LIKE":
          return has((t, w) => t.includes(w));
        case "NOT LIKE":
          return negate(has((t, w) => t.includes(w)));
        case "_LIKE":
        case "LIKE_":
          return has(AFFIX_OPERATORS[op] === "begins with" ? (t, w) => t.startsWith(w) : (t, w) => t.endsWith(w));
        case "=":
          return has((t, w) => t === w);
        case "!=":
          return negate(has((t, w) => t === w));
        default:
          throw new Error(`operator ${op} on ${rule.type}`);
      }
    }
    case "numeric":
      return ordered(op, values.map(Number), (v) => Number(v));
    case "date_absolute":
      // Dates compare by UTC calendar day: "=" is "on that day", "<" "before that day".
      return ordered(op, values.map((x) => Math.floor(Number(x) / DAY)), (v) => Math.floor(Number(v) / DAY));
    case "date_relative":
      // Operand N: N whole days ago. "<" 8 = "within the last 8 days" (the UI's "registered in the last week").
      return ordered(op, values.map(Number), (v) => Math.floor((ctx.now - Number(v)) / DAY));
    default:
      throw new Error(`rule type ${rule.type} has no value test`);
  }
}

function negate<T>(f: (v: T) => boolean): (v: T) => boolean {
  return (v) => !f(v);
}

/** Comparisons on numbers (`><` is the inclusive range [low, high]); NaN never matches except `!=`. */
function ordered(op: string, wanted: number[], key: (v: string | number) => number): (v: string | number) => boolean {
  return (v) => {
    const x = key(v);
    if (Number.isNaN(x)) return op === "!=";
    switch (op) {
      case "=":
        return wanted.includes(x);
      case "!=":
        return !wanted.includes(x);
      case "<":
        return wanted.some((w) => x < w);
      case ">":
        return wanted.some((w) => x > w);
      case "<=":
        return wanted.some((w) => x <= w);
      case ">=":
        return wanted.some((w) => x >= w);
      case "><": {
        const [a = Number.NaN, b = Number.NaN] = wanted;
        return x >= Math.min(a, b) && x <= Math.max(a, b);
      }
      default:
        throw new Error(`operator ${op} on a number`);
    }
  };
}

/**
 * "Did the contact do it": events of the rule's type (`field_name`) that pass every given filter
 * (mailings, ESP connections, time range, browsers, countries, platforms; an empty filter is no
 * restriction), counted; with `repeat` the count must satisfy it, without it at least one is needed.
 * Conversion-point rules match no event (conversions are not modelled).
 */
function behavioralTest(rule: WireRuleBody, o: WireBehavioralOperand | undefined, ctx: EvaluationContext): ContactPredicate {
  if (rule.field_name === "" || !o) return () => false;
  const type = rule.field_name;
  const mailings = new Set(o.mailing_ids.map(Number));
  const esps = new Set(o.esp_connection_ids.map(Number));
  const browsers = new Set(o.browsers);
  const countries = new Set(o.countries);
  const platforms = new Set(o.platforms);
  const window = timeWindow(o.time_range, ctx.now);
  const passes = (e: ContactEvent): boolean =>
    e.type === type &&
    (mailings.size === 0 || mailings.has(e.mailing_id)) &&
    (esps.size === 0 || esps.has(e.esp_connection_id)) &&
    (window === undefined || (e.at >= window[0] && e.at <= window[1])) &&
    (browsers.size === 0 || (e.browser !== undefined && browsers.has(e.browser))) &&
    (countries.size === 0 || countries.has(e.country)) &&
    (platforms.size === 0 || (e.platform !== undefined && platforms.has(e.platform)));
  const repeat = Array.isArray(o.repeat) ? undefined : o.repeat;
  const enough: (n: number) => boolean = repeat ? ordered(repeat.operator, [Number(repeat.counter)], Number) as (n: number) => boolean : (n) => n >= 1;
  return (c) => {
    let n = 0;
    for (const e of c.events) if (passes(e)) n++;
    return enough(n);
  };
}

/**
 * `between`: from `in_last` units ago to `to` units ago (whichever is older starts the window;
 * without `to`, up to now), e.g. in_last 30 day, to 2 month = between 60 and 30 days ago.
 * `custom`: from_date to to_date, inclusive. Returns [from, to] in epoch seconds.
 */
export function timeWindow(range: WireBehavioralOperand["time_range"], now: number): [number, number] | undefined {
  if (Array.isArray(range)) return undefined;
  if (range.operator === "custom") return [Number(range.from_date), Number(range.to_date)];
  const span = (n: unknown, unit: unknown) => Number(n ?? 0) * (TIME_UNIT_SECONDS[String(unit ?? "day")] ?? DAY);
  const a = span(range.in_last, range.in_last_unit);
  const b = range.to === undefined ? 0 : span(range.to, range.to_unit);
  return [now - Math.max(a, b), now - Math.min(a, b)];
}
