import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EngineProcess, type UpJob } from "../../driver/interrupted-run";
import { loadState } from "../../driver/state-file";
import { FIXTURE_TYPE, fixtureProviderText, newStore, repoRoot } from "./helpers";

const store = newStore();
let text: string;
beforeAll(async () => {
  text = await fixtureProviderText();
});

function job(name: string, n: number): string {
  const j: UpJob = {
    cwd: repoRoot,
    project: "driver",
    stack: name,
    config: { "fixture:storePath": store.path },
    stateFile: join(store.dir, `${name}.json`),
    specs: Array.from({ length: n }, (_, i) => ({ type: FIXTURE_TYPE, name: `r${i}`, inputs: { name: `r${i}`, value: String(i), __provider: text } })),
    parallel: 4,
  };
  const file = join(store.dir, `${name}.job.json`);
  writeFileSync(file, JSON.stringify(j));
  return file;
}

describe("EngineProcess: an up in a child process, killable with its provider host", () => {
  it("runs to the end and leaves the final checkpoint", async () => {
    const file = job("whole", 5);
    const p = EngineProcess.start(file);
    const outcome = await p.outcome;
    expect(outcome).toMatchObject({ kind: "done", summary: { ops: { create: 5 }, errors: [] } });
    const state = loadState(file.replace(".job.json", ".json"));
    expect(state.resources.map((r) => r.name).sort()).toEqual(["r0", "r1", "r2", "r3", "r4"]);
    expect(state.pendingOperations).toBeUndefined();
  });

  it("SIGKILL ends the engine and the provider host at once; the checkpoint is a whole file with every completed create", async () => {
    const file = job("killed", 400);
    const p = EngineProcess.start(file);
    await p.whenHostStarted();
    expect(p.hostPid).toBeGreaterThan(0);
    const stateFile = file.replace(".job.json", ".json");
    // kill as soon as some creates are recorded
    for (let i = 0; i < 500 && loadState(stateFile).resources.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    p.kill();
    expect(await p.outcome).toEqual({ kind: "killed" });
    expect(await p.bothGone()).toBe(true);
    const state = loadState(stateFile);
    expect(state.resources.length).toBeGreaterThanOrEqual(3);
    expect(state.resources.length).toBeLessThan(400);
    // (The fixture's "remote" file is written by the killed host itself, so it may be torn: the
    // remote side is checked against real emulators in test/lifecycle/interrupted-up.test.ts.)
    for (const r of state.resources) expect(r).toMatchObject({ id: expect.stringMatching(/./), outputs: { name: r.name }, inputs: { name: r.name } });
  });
});
