import type { z } from "zod";
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

/** zod issues → check failures, as issuesToFailures. */
export function toCheckFailures(error: z.ZodError, input: unknown, prefix: ReadonlyArray<PropertyKey> = []): CheckFailure[] {
  return issuesToFailures(error.issues.map((i) => ({ path: i.path, reason: i.message })), input, prefix);
}
