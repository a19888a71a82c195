/**
 * One `pulumi up` in its own process, so that it can be SIGKILLed like a cancelled CI job:
 * `node dist/driver/up-child.js <job.json>` (see interrupted-run.ts, which starts it).
 *
 * It starts the provider host, prints `{"event":"host","pid":…}` once the host listens, then runs `up`
 * over the job's specs with the state file as checkpoint: every change (a create began, a step ended)
 * is written atomically before the run goes on, so a kill leaves exactly what a killed engine leaves:
 * completed steps in `resources`, creates in flight in `pendingOperations`. Ends with
 * `{"event":"done",…}` on stdout.
 */
import { readFileSync } from "node:fs";
import { Engine } from "./engine";
import { ProviderHost } from "./provider-host";
import { loadState, saveState } from "./state-file";
import type { UpJob, UpSummary } from "./interrupted-run";

async function main(): Promise<void> {
  const jobPath = process.argv[2];
  if (!jobPath) throw new Error("usage: up-child <job.json>");
  const job = JSON.parse(readFileSync(jobPath, "utf8")) as UpJob;
  const host = await ProviderHost.start({ cwd: job.cwd, project: job.project });
  process.stdout.write(`${JSON.stringify({ event: "host", pid: host.pid })}\n`);
  try {
    await host.configure(job.config);
    const engine = new Engine({
      host,
      project: job.project,
      stack: job.stack,
      state: loadState(job.stateFile),
      onStateChange: (s) => saveState(job.stateFile, s),
    });
    const up = await engine.up(job.specs, { parallel: job.parallel });
    saveState(job.stateFile, engine.state);
    const ops: Record<string, number> = {};
    for (const s of up.steps) ops[s.op] = (ops[s.op] ?? 0) + 1;
    const warnings = host.output().stderr.split("\n").filter((l) => l.startsWith("warning: "));
    const summary: UpSummary = { event: "done", ops, errors: up.errors, warnings };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    await host.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
