import type { z } from "zod";
import { explainIssues } from "./issue-paths";
import { unknownAlongPath } from "./unknowns";

/** One entry of Pulumi's `CheckResult.failures`: the property path as users write it, and why. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** A problem found by check at a property path (zod issue or a resource's own rule). */
export interface CheckIssue {
  path: ReadonlyArray<PropertyKey>;
  reason: string;
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
 * Issues → Pulumi check failures, one per distinct (property, reason). Issues about values that are
 * (or contain) the preview unknown sentinel in `input` are dropped: they are validated at apply time.
 */
export function issuesToFailures(issues: ReadonlyArray<CheckIssue>, input: unknown, prefix: ReadonlyArray<PropertyKey> = []): CheckFailure[] {
  const seen = new Set<string>();
  const out: CheckFailure[] = [];
  for (const issue of issues) {
    if (unknownAlongPath(input, issue.path)) continue;
    const property = propertyPath([...prefix, ...issue.path]) || "(resource)";
    const key = `${property}\u0000${issue.reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ property, reason: issue.reason });
  }
  return out;
}

/**
 * zod issues → check failures, as issuesToFailures. With the `schema` that produced them, a value that
 * fits no member of a union is reported at its deepest wrong property with what is allowed there
 * (issue-paths.ts), never as a bare "Invalid input" on the parent.
 */
export function toCheckFailures(error: z.ZodError, input: unknown, prefix: ReadonlyArray<PropertyKey> = [], schema?: z.core.$ZodType): CheckFailure[] {
  const issues = schema ? explainIssues(schema, input, error.issues).map((i) => ({ path: i.path, reason: i.message })) : error.issues.map((i) => ({ path: i.path, reason: i.message }));
  return issuesToFailures(issues, input, prefix);
}
