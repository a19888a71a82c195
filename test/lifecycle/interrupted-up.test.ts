import { describe, expect, it } from "vitest";
import { runInterruptTrials, type TrialFigures } from "../../bench/interrupt-trials";

// The short form of `npm run bench:interrupt` (which runs 30 trials per API): an `up` of 50
// segments per API is SIGKILLed (engine and provider host together) at a seeded random point; the
// creates in flight are forgotten as Pulumi forgets pending creates; the next `up` must leave every
// definition exactly once in the API, with state holding exactly the API's segments. Here the kills land
// while creates are in flight (midRun), so every run of this test exercises the forgotten-create path.
describe("interrupted up (SIGKILL of engine and provider host), then up again", () => {
  // Before the fix (each provider's create looks for an interrupted run's segment first) this failed:
  // the rerun posted every forgotten create again.
  it("2 trials × 50 segments per API: no duplicate, no orphan, state = API", async () => {
    const results = await Promise.all(
      (["ongage", "ants"] as const).map((api, i) => runInterruptTrials({ api, trials: 2, segments: 50, seed: 7 + i, killsPerTrial: 1, midRun: true })),
    );
    const verdict = (f: TrialFigures) => ({ api: f.api, kills: f.kills, duplicates: f.duplicates, orphans: f.orphans, mismatches: f.mismatches, failedRuns: f.failedRuns, problems: f.problems });
    for (const f of results) {
      expect(f.forgottenCreates, `${f.api}: the killed checkpoints must hold pending creates`).toBeGreaterThan(0);
      expect(f.committedUnrecorded, `${f.api}: the kills must catch creates that were committed but not recorded`).toBeGreaterThan(0);
    }
    expect(results.map(verdict)).toEqual(results.map((f) => ({ api: f.api, kills: 2, duplicates: 0, orphans: 0, mismatches: 0, failedRuns: 0, problems: [] })));
  }, 120_000);
});
