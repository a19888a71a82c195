import { createHash } from "node:crypto";
import { ApiError, type ApiErrorInit } from "../http/errors";
import { processState } from "../http/process-state";
import { propertyPath } from "../pulumi/check-failures";
import type { CanonicalRule, CanonicalSegment } from "./canonical";
import type { SegmentInputs } from "./inputs";
import { locatedRules } from "./match";

// Which property the user wrote for each flat rule, and for each `criteria[N]…` path in an Ongage
// answer. The criteria Ongage receives are the canonical rules in order (normalize.ts `toRequestBody`:
// `criteria[i]` is `rules[i]`), and the canonical rules are `locatedRules(inputs)` in order
// (normalize.ts `canonicalFromInputs`), so criteria index N is the N-th located rule.
//
// Check sees the user's `match` / `rules`; create and update see only the compiled canonical form.
// Check records the paths in this process (the engine checks a resource in the provider process that
// then creates or updates it), keyed by a hash of the canonical name and rules; nothing goes into state,
// so nothing can show as a diff. Where no single record fits, no path is named.

/** The user's path of each canonical rule (`match.all[1]`, `rules[3]`), or undefined when not known. */
export interface RuleSources {
  rules: readonly CanonicalRule[];
  paths: readonly string[] | undefined;
}

/** Key order never matters: the engine's round trip of the inputs may reorder members. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/**
 * The name and rules decide the key (the list may be filled in later from state). A hash, so rule
 * values (contacts' addresses) are not kept in memory as keys.
 */
const keyOf = (c: Pick<CanonicalSegment, "name" | "rules">) => createHash("sha256").update(stableJson({ name: c.name, rules: c.rules })).digest("hex");

/** Canonical definition → every distinct path list check produced for it in this process. */
const recorded = processState("ongage/rule-paths: rule sources", () => new Map<string, Set<string>>());

/** At check: remembers the path the user wrote for each rule of `canonical` (its compiled form). */
export function recordRuleSources(canonical: Pick<CanonicalSegment, "name" | "rules">, inputs: SegmentInputs): void {
  const paths = JSON.stringify(locatedRules(inputs).map(({ path }) => propertyPath(path)));
  const key = keyOf(canonical);
  const seen = recorded().get(key) ?? new Set<string>();
  seen.add(paths);
  recorded().set(key, seen);
}

/**
 * The recorded paths of `c`'s rules. Unknown when check did not run in this process, or when two
 * layouts (say `rules` and `match`) compiled to this very definition: which one is meant cannot be told.
 */
export function ruleSourcesOf(c: Pick<CanonicalSegment, "name" | "rules">): RuleSources {
  const seen = recorded().get(keyOf(c));
  const only = seen?.size === 1 ? (JSON.parse([...seen][0]!) as string[]) : undefined;
  return { rules: c.rules, paths: only?.length === c.rules.length ? only : undefined };
}

/** The path the user wrote for flat rule `index` (`match.all[1]`, `rules[3]`); undefined when out of range or unknown. */
export function rulePathAt(src: RuleSources, index: number): string | undefined {
  if (!Number.isInteger(index) || index < 0 || index >= src.rules.length) return undefined;
  return src.paths?.[index];
}

/**
 * `<rule path>.<property>`, e.g. `match.all[1].field`. When the rule's origin is not known, the compiled
 * rule is named as such rather than guessed.
 */
export function ruleProperty(src: RuleSources, index: number, property: string): string {
  const at = rulePathAt(src, index);
  return at === undefined ? `${property} of compiled rule ${index}` : `${at}.${property}`;
}

type Step = string | number;

const camel = (key: string) => key.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());

/** Behavioral operand keys as the user writes them (docs/api/ongage.md §8, camelCase in inputs). */
const OPERAND_KEYS = new Set(["mailingIds", "espConnectionIds", "timeRange", "repeat", "browsers", "countries", "platforms"]);
const TIME_RANGE_KEYS = new Set(["operator", "fromDate", "toDate", "inLast", "inLastUnit", "to", "toUnit"]);
const REPEAT_KEYS = new Set(["operator", "counter"]);

/**
 * The user's properties under a rule for the wire steps after `criteria[N]`; an empty list names the
 * rule itself. Positions inside a list the canonical form sorts (segment ids, behavioral ids and
 * countries) are dropped: the user's own order is not known, so no index is named.
 */
function userSteps(rule: CanonicalRule, flat: boolean, steps: Step[]): Step[] {
  const [first, ...rest] = steps;
  switch (first) {
    case "field_id":
      return rule.fieldId !== undefined ? ["fieldId"] : rule.field !== undefined ? ["field"] : [];
    case "field_name":
      return rule.type === "behavioral" ? (rule.event !== undefined ? ["event"] : []) : rule.field !== undefined ? ["field"] : [];
    case "conversion_point_id":
      return rule.conversionPointId !== undefined ? ["conversionPointId"] : [];
    case "operator":
    case "type":
      return [first];
    case "case_sensitive":
      return ["caseSensitive"];
    case "operand":
      if (rule.type === "segment") return ["segmentIds"];
      if (rule.type === "behavioral") return ["operand", ...operandSteps(rest)];
      return typeof rest[0] === "number" ? ["values", rest[0]] : ["values"];
    // In a `match` tree the groups decide how rules are joined: the rule is the nearest thing written.
    case "condition":
      return flat ? ["condition"] : [];
    case "left_parenthesis":
      return flat ? ["openParens"] : [];
    case "right_parenthesis":
      return flat ? ["closeParens"] : [];
    case "group":
      return flat ? ["group"] : [];
    default:
      return [];
  }
}

function operandSteps(steps: Step[]): Step[] {
  const [key, sub] = steps;
  if (typeof key !== "string" || !OPERAND_KEYS.has(camel(key))) return [];
  const k = camel(key);
  const inner = k === "timeRange" ? TIME_RANGE_KEYS : k === "repeat" ? REPEAT_KEYS : undefined;
  return inner && typeof sub === "string" && inner.has(camel(sub)) ? [k, camel(sub)] : [k];
}

const CRITERIA_PATH = /criteria\[(\d+)\]((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*)/g;

function parseSteps(tail: string): Step[] {
  return [...tail.matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g)].map((m) => (m[1] !== undefined ? m[1] : Number(m[2])));
}

function joinSteps(base: string, steps: Step[]): string {
  return steps.reduce<string>((out, s) => (typeof s === "number" ? `${out}[${s}]` : `${out}.${s}`), base);
}

/**
 * The user's path for an API path such as `criteria[1].operand[0]` (`match.all[1].values[0]`), or
 * undefined when it does not start with `criteria[N]` for a rule the segment has: no path is invented.
 */
export function userPathOfCriteria(src: RuleSources, apiPath: string): string | undefined {
  const m = /^criteria\[(\d+)\]((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*)$/.exec(apiPath);
  if (!m) return undefined;
  const index = Number(m[1]);
  const base = rulePathAt(src, index);
  const rule = src.rules[index];
  if (base === undefined || rule === undefined) return undefined;
  return joinSteps(base, userSteps(rule, base.startsWith("rules["), parseSteps(m[2] ?? "")));
}

/**
 * An API text with every criteria path it names in the user's terms in front:
 * `Ongage rejected match.all[1].values[0] (criteria[1].operand[0]): <the API's text>`. The text itself
 * is kept as the API wrote it; undefined when it names no criteria path of this segment.
 */
export function describeRejection(src: RuleSources, text: string): string | undefined {
  const named = new Map<string, string>();
  for (const m of text.matchAll(CRITERIA_PATH)) {
    const user = userPathOfCriteria(src, m[0]);
    if (user !== undefined) named.set(m[0], user);
  }
  if (named.size === 0) return undefined;
  return `Ongage rejected ${[...named].map(([api, user]) => `${user} (${api})`).join(", ")}: ${text}`;
}

/**
 * `err` with the user's paths added to its message when it is an API error whose text names criteria
 * paths of the segment: the same error class, status, method, path, API code and request id, the original as
 * cause. Anything else is returned as it is.
 */
export function withUserPaths(err: unknown, src: RuleSources): unknown {
  if (!(err instanceof ApiError) || err.detail === undefined) return err;
  const detail = describeRejection(src, err.detail);
  if (detail === undefined) return err;
  const SameClass = err.constructor as new (init: ApiErrorInit) => ApiError;
  return new SameClass({
    api: err.api,
    method: err.method,
    path: err.path,
    status: err.status,
    apiCode: err.apiCode,
    detail,
    requestId: err.requestId,
    retryAfterMs: err.retryAfterMs,
    cause: err,
  });
}
