import { describe, expect, it } from "vitest";
import { runInterruptTrials } from "../../bench/interrupt-trials";

// Issue 9 §3, short form of `npm run bench:interrupt`: an `up` of 50 segments per API is SIGKILLed
// (engine and provider host) at a seeded random point, the creates in flight are forgotten as Pulumi
// forgets pending creates, and a second `up` must leave every definition exactly once in the API with
// state holding exactly the API's segments.
describe("interrupted up (SIGKILL of engine and provider host), then up again", () => {
  for (const api of ["ongage", "ants"] as const) {
    // FAILS TODAY (the bug of issue 9 §3): the rerun posts every forgotten create again. Flip to `it` with the fix.
    it.fails(`${api}: 2 trials × 50 segments: no duplicate, no orphan, state = API`, async () => {
      const f = await runInterruptTrials({ api, trials: 2, segments: 50, seed: api === "ongage" ? 7 : 8, killsPerTrial: 1 });
      expect(f.kills).toBe(2);
      expect(f.committedUnrecorded).toBeGreaterThan(0);
      expect({ duplicates: f.duplicates, orphans: f.orphans, mismatches: f.mismatches, failedRuns: f.failedRuns, problems: f.problems }).toEqual({ duplicates: 0, orphans: 0, mismatches: 0, failedRuns: 0, problems: [] });
    }, 120_000);
  }
});
