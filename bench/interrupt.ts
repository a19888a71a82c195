/**
 * Kill-trial benchmark (npm run bench:interrupt [-- --trials N] [-- --segments N] [-- --seed N] [-- --api ongage|ants] [-- --json]):
 * `up`s of N segments per API killed (engine + provider host, SIGKILL) at seeded random points, then
 * run again to the end; prints trials, kills, duplicates (must be 0), orphans and time per API.
 */
import { cpus } from "node:os";
import { runInterruptTrials, type Api, type TrialFigures } from "./interrupt-trials";

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const trials = Number(flag("trials") ?? 30);
  const segments = Number(flag("segments") ?? 50);
  const seed = Number(flag("seed") ?? 1);
  const apis: Api[] = flag("api") ? [flag("api") as Api] : ["ongage", "ants"];
  const json = process.argv.includes("--json");
  const log = json ? undefined : (line: string) => process.stderr.write(`${line}\n`);
  const results: TrialFigures[] = [];
  for (const api of apis) results.push(await runInterruptTrials({ api, trials, segments, seed, log }));
  if (json) {
    process.stdout.write(`${JSON.stringify(results)}\n`);
  } else {
    const rows: Array<[string, (f: TrialFigures) => string]> = [
      ["trials × segments", (f) => `${f.trials} × ${f.segments}`],
      ["kills (engine + provider host, SIGKILL)", (f) => String(f.kills)],
      ["creates in flight when killed (forgotten)", (f) => String(f.forgottenCreates)],
      ["committed but unrecorded after a kill", (f) => String(f.committedUnrecorded)],
      ["adopted instead of created again", (f) => String(f.adoptions)],
      ["duplicates after the final up (must be 0)", (f) => String(f.duplicates)],
      ["orphans after the final up", (f) => String(f.orphans)],
      ["state ≠ API (definitions)", (f) => String(f.mismatches)],
      ["final ups that failed", (f) => String(f.failedRuns)],
      ["full listings per provider process", (f) => String(f.listingCallsPerRun)],
      ["time (s)", (f) => (f.ms / 1000).toFixed(1)],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    process.stdout.write(`pulumi-segments kill trials, seed ${seed}, ${cpus().length} cores\n`);
    process.stdout.write(`${"".padEnd(w)}  ${results.map((r) => r.api.padStart(8)).join("  ")}\n`);
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${results.map((r) => v(r).padStart(8)).join("  ")}\n`);
    for (const r of results) for (const p of r.problems.slice(0, 3)) process.stdout.write(`  ${r.api}: ${p}\n`);
  }
  if (results.some((r) => r.duplicates > 0 || r.orphans > 0 || r.mismatches > 0 || r.failedRuns > 0)) process.exitCode = 1;
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
