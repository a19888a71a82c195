import type { z } from "zod";
import { explainIssues } from "./issue-paths";

/** The value the engine sends during preview for inputs that are not known yet (pulumi/pulumi#6310). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface CheckFailure {
  property: string;
  reason: string;
}

/** True when `value` is, or contains anywhere, the preview unknown sentinel. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

function unknownAlongPath(root: unknown, path: ReadonlyArray<PropertyKey>): boolean {
  let cur: unknown = root;
  if (cur === UNKNOWN) return true;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return false;
    cur = (cur as Record<PropertyKey, unknown>)[key];
    if (cur === UNKNOWN) return true;
  }
  return containsUnknown(cur);
}

/** `rules[2].operand` style path, as users write it in their programs. */
export function propertyPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * zod issues → Pulumi check failures, one per issue, property as a path. With the `schema` that
 * produced them, failures inside unions name the deepest wrong property and what is allowed there
 * (issue-paths.ts). Issues about values that are (or contain) the preview unknown sentinel are
 * dropped: they are validated at apply time.
 */
export function toCheckFailures(error: z.ZodError, input: unknown, prefix: ReadonlyArray<PropertyKey> = [], schema?: z.core.$ZodType): CheckFailure[] {
  const seen = new Set<string>();
  const out: CheckFailure[] = [];
  const issues = schema ? explainIssues(schema, input, error.issues) : error.issues;
  for (const issue of issues) {
    if (unknownAlongPath(input, issue.path)) continue;
    const property = propertyPath([...prefix, ...issue.path]) || "(resource)";
    const reason = issue.message;
    const key = `${property}\u0000${reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ property, reason });
  }
  return out;
}
