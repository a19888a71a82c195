import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import type { RefreshResult, RunError, RunResult } from "../../driver";

/**
 * What a lifecycle under one variance switch came to: it worked through every step, or it stopped at
 * a step with an error. Anything else (a silent wrong answer) fails the test before an outcome is
 * recorded.
 */
export type Outcome = { kind: "works" } | { kind: "stopped"; step: string; message: string } | { kind: "violation"; message: string };

export interface Recorded {
  api: "ongage" | "ants";
  label: string;
  outcome: Outcome;
}

export const recorded: Recorded[] = [];

/** Thrown by `step` to end a lifecycle early with a named error (not a test failure). */
export class Stopped extends Error {
  constructor(readonly step: string, readonly errorText: string) {
    super(`${step}: ${errorText}`);
  }
}

/**
 * An error the provider gave must say what went wrong in words a user can act on: non-empty, no
 * `undefined`/`null`/`NaN`/`[object Object]` standing in for a value, no stack trace.
 */
export function expectNamedError(message: string): void {
  expect(message.trim().length, "error message is empty").toBeGreaterThan(10);
  expect(message).not.toMatch(/\bundefined\b|\bNaN\b|\[object Object\]|^\s*null\s*$/);
  expect(message).not.toMatch(/\n\s+at .+:\d+:\d+\)/);
}

/** The first error of a run (an engine error, or a failed check), stopping the lifecycle at `step`. */
export function stopOnErrors(step: string, result: RunResult | RefreshResult): void {
  const errors: RunError[] = result.errors;
  const failures = "steps" in result ? result.steps.flatMap((s) => s.failures.map((f) => `${f.property}: ${f.reason}`)) : [];
  const first = errors[0]?.message ?? failures[0];
  if (first === undefined) return;
  expectNamedError(first);
  throw new Stopped(step, first);
}

/**
 * Runs a lifecycle and records how it ended. An assertion failing inside it or in the invariants is
 * recorded as a violation and fails the test.
 */
export async function runRecorded(api: Recorded["api"], label: string, lifecycle: () => Promise<void>, invariants: () => void): Promise<Outcome> {
  let outcome: Outcome = { kind: "works" };
  try {
    try {
      await lifecycle();
    } catch (err) {
      if (!(err instanceof Stopped)) throw err;
      outcome = { kind: "stopped", step: err.step, message: err.errorText };
    }
    invariants();
  } catch (err) {
    recorded.push({ api, label, outcome: { kind: "violation", message: (err as Error).message.split("\n")[0] ?? "" } });
    throw err;
  }
  recorded.push({ api, label, outcome });
  return outcome;
}

const describeOutcome = (o: Outcome): string =>
  o.kind === "works" ? "works" : o.kind === "stopped" ? `stopped at ${o.step}: ${o.message}` : `VIOLATION: ${o.message}`;

/** One line per lifecycle, for the report and docs/api/variance.md; also written to the temp folder. */
export function summary(): string {
  const lines = recorded.map(({ api, label, outcome }) => `${api} ${label}: ${describeOutcome(outcome).replace(/\s+/g, " ").slice(0, 400)}`);
  writeFileSync(join(tmpdir(), "pulumi-segments-variance-outcomes.txt"), `${lines.join("\n")}\n`);
  return lines.join("\n");
}
