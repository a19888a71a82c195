import { ApiError, type ApiErrorInit } from "../http/errors";
import { propertyPath } from "../pulumi/check-failures";
import type { CanonicalRule, CheckedSegment } from "./canonical";
import type { SegmentInputs } from "./inputs";
import { locatedRules } from "./match";

// Which property the user wrote for each flat rule, and for each `criteria[N]…` path in an Ongage
// answer. The criteria Ongage receives are the canonical rules in order (normalize.ts `toRequestBody`:
// `criteria[i]` is `rules[i]`), and the canonical rules are `locatedRules(inputs)` in order
// (normalize.ts `canonicalFromInputs`), so criteria index N is the N-th located rule.

/**
 * What check adds to the canonical inputs so create and update can name the user's paths: for a
 * definition written with `match`, the path of each flat rule (`match.all[2].any[0]`). Nothing for flat
 * `rules`: rule i is then `rules[i]` as written.
 */
export function rulePathsOf(inputs: SegmentInputs): { rulePaths?: string[] } {
  if (inputs.match === undefined) return {};
  return { rulePaths: locatedRules(inputs).map(({ path }) => propertyPath(path)) };
}

/** The path the user wrote for flat rule `index` (`match.all[1]`, `rules[3]`); undefined when out of range. */
export function rulePathAt(c: Pick<CheckedSegment, "rules" | "rulePaths">, index: number): string | undefined {
  if (!Number.isInteger(index) || index < 0 || index >= c.rules.length) return undefined;
  if (c.rulePaths === undefined) return `rules[${index}]`;
  return c.rulePaths.length === c.rules.length ? c.rulePaths[index] : undefined;
}

/**
 * `<rule path>.<property>`, e.g. `match.all[1].field`. When the rule's origin is not known (paths that do
 * not fit the rules), the compiled rule is named as such rather than guessed.
 */
export function ruleProperty(c: Pick<CheckedSegment, "rules" | "rulePaths">, index: number, property: string): string {
  const at = rulePathAt(c, index);
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
export function userPathOfCriteria(c: Pick<CheckedSegment, "rules" | "rulePaths">, apiPath: string): string | undefined {
  const m = /^criteria\[(\d+)\]((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*)$/.exec(apiPath);
  if (!m) return undefined;
  const index = Number(m[1]);
  const base = rulePathAt(c, index);
  const rule = c.rules[index];
  if (base === undefined || rule === undefined) return undefined;
  return joinSteps(base, userSteps(rule, c.rulePaths === undefined, parseSteps(m[2] ?? "")));
}

/**
 * An API text with every criteria path it names in the user's terms in front:
 * `Ongage rejected match.all[1].values[0] (criteria[1].operand[0]): <the API's text>`. The text itself
 * is kept as the API wrote it; undefined when it names no criteria path of this segment.
 */
export function describeRejection(c: Pick<CheckedSegment, "rules" | "rulePaths">, text: string): string | undefined {
  const named = new Map<string, string>();
  for (const m of text.matchAll(CRITERIA_PATH)) {
    const user = userPathOfCriteria(c, m[0]);
    if (user !== undefined) named.set(m[0], user);
  }
  if (named.size === 0) return undefined;
  return `Ongage rejected ${[...named].map(([api, user]) => `${user} (${api})`).join(", ")}: ${text}`;
}

/**
 * `err` with the user's paths added to its message when it is an API error whose text names criteria
 * paths of `c`: the same error class, status, method, path, API code and request id, the original as
 * cause. Anything else is returned as it is.
 */
export function withUserPaths(err: unknown, c: Pick<CheckedSegment, "rules" | "rulePaths">): unknown {
  if (!(err instanceof ApiError) || err.detail === undefined) return err;
  const detail = describeRejection(c, err.detail);
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
