import { ApiError, type ApiErrorInit } from "../http/errors";

// ANTS has no nested rules: `conditions.mapping_fields[i]` of the Create body is `matchRules[i]` as the
// user wrote it (normalize.ts `toRequestBody` maps the rules in order). An API text naming a mapping
// path gets the user's property in front; the text itself is kept.

/** The user's property for each mapping key (normalize.ts `toRequestBody`). */
const PROPERTY: Record<string, string> = { item_attribute_code: "attribute", header_code: "column", header_index: "column", operator: "operator" };

const MAPPING_PATH = /conditions\.mapping_fields\[(\d+)\](?:\.([A-Za-z_]+))?/g;

/** `matchRules[2].attribute` for `conditions.mapping_fields[2].item_attribute_code`; undefined beyond the rules sent. */
export function userPathOfMapping(ruleCount: number, index: number, key: string | undefined): string | undefined {
  if (!Number.isInteger(index) || index < 0 || index >= ruleCount) return undefined;
  const property = key === undefined ? undefined : PROPERTY[key];
  return property === undefined ? `matchRules[${index}]` : `matchRules[${index}].${property}`;
}

/** `ANTS rejected matchRules[1].attribute (conditions.mapping_fields[1].item_attribute_code): <text>`, or undefined. */
export function describeRejection(ruleCount: number, text: string): string | undefined {
  const named = new Map<string, string>();
  for (const m of text.matchAll(MAPPING_PATH)) {
    const user = userPathOfMapping(ruleCount, Number(m[1]), m[2]);
    if (user !== undefined) named.set(m[0], user);
  }
  if (named.size === 0) return undefined;
  return `ANTS rejected ${[...named].map(([api, user]) => `${user} (${api})`).join(", ")}: ${text}`;
}

/** `err` with the user's paths in front of its text when it is an API error naming mapping paths; same class, status, method, path and request id. */
export function withUserPaths(err: unknown, ruleCount: number): unknown {
  if (!(err instanceof ApiError) || err.detail === undefined) return err;
  const detail = describeRejection(ruleCount, err.detail);
  if (detail === undefined) return err;
  const SameClass = err.constructor as new (init: ApiErrorInit) => ApiError;
  return new SameClass({ api: err.api, method: err.method, path: err.path, status: err.status, apiCode: err.apiCode, detail, requestId: err.requestId, retryAfterMs: err.retryAfterMs, cause: err });
}
