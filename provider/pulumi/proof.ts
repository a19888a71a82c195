/**
 * What the API shows about whether an existing segment is the one this definition's create made:
 * `ours` (proven: the caller may take it over), `notOurs` (proven otherwise: leave it alone), or
 * `unproven` (the API cannot tell: never taken over, and the create stops rather than guess).
 * Reasons are short phrases for messages ("its definition differs").
 */
export type Verdict<T> = { ours: T } | { notOurs: string } | { unproven: string };

/** A segment that was looked at and not taken, for messages. */
export interface Passed {
  id: string;
  reason: string;
}

/** "123 (its definition differs), 456 (held by …)". */
export function listPassed(passed: readonly Passed[]): string {
  return passed.map((p) => `${p.id} (${p.reason})`).join(", ");
}
