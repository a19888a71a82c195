import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../driver/engine";
import { runProgramModule } from "../../driver/program";
import { ProviderHost } from "../../driver/provider-host";
import { UNKNOWN } from "../../driver/unknown";
import { FIXTURE_TYPE, fixtureDir, fixtureProviderText, newStore, repoRoot } from "./helpers";

const programPath = join(fixtureDir, "program.js");
let host: ProviderHost;
const store = newStore();

beforeAll(async () => {
  host = await ProviderHost.start({ cwd: repoRoot, project: "driver" });
  await host.configure({ "fixture:storePath": store.path });
});
afterAll(async () => {
  await host.close();
  for (const k of ["PARENT_NAME", "PARENT_VALUE", "WITH_CHILD", "CHILD_TAG"]) delete process.env[k];
});

const ops = (steps: { urn: string; op: string }[]) => Object.fromEntries(steps.map((s) => [s.urn.split("::").pop(), s.op]));
const rpcsFrom = (from: number) => host.calls.slice(from).map((c) => `${c.rpc} ${c.urn.split("::").pop()}`);

describe("runProgram: a real Pulumi program through setMocks and the engine", () => {
  const engine = () => eng;
  let eng: Engine;
  beforeAll(() => {
    eng = new Engine({ host, project: "driver", stack: "prog" });
  });

  it("preview of a new stack: Check only; the child sees the parent's id as UNKNOWN", async () => {
    const from = host.calls.length;
    const r = await runProgramModule(engine(), programPath, { mode: "preview" });
    expect(r.errors).toEqual([]);
    expect(ops(r.steps)).toEqual({ parent: "create", child: "create" });
    expect(rpcsFrom(from).sort()).toEqual(["Check child", "Check parent"]);
    const child = r.steps.find((s) => s.urn.endsWith("::child"))!;
    expect(child.inputs).toMatchObject({ value: UNKNOWN, tags: [UNKNOWN, "t"] });
    expect(r.outputs).toMatchObject({ parentId: UNKNOWN, parentVersion: UNKNOWN });
    expect(engine().state.resources).toEqual([]);
  });

  it("up creates both; the child's input is the parent's real id; the SDK's serialized provider is in __provider", async () => {
    const r = await runProgramModule(engine(), programPath, { mode: "up" });
    expect(r.errors).toEqual([]);
    expect(ops(r.steps)).toEqual({ parent: "create", child: "create" });
    const [parent, child] = engine().state.resources;
    expect(parent!.name).toBe("parent");
    expect(child!.name).toBe("child");
    expect(parent!.type).toBe(FIXTURE_TYPE);
    expect(child!.inputs).toMatchObject({ value: parent!.id, tags: ["parent-v1", "t"] });
    expect(child!.dependencies).toEqual([parent!.urn]);
    expect(r.outputs).toEqual({ parentId: parent!.id, parentVersion: 1, childValue: parent!.id, childTags: ["parent-v1", "t"] });
    // the SDK serialized the provider in mock mode exactly as serializeFunction(() => provider) does
    expect(parent!.inputs.__provider).toBe(await fixtureProviderText());
    expect(store.read().items[child!.id]).toMatchObject({ value: parent!.id });
  });

  it("re-arms setMocks between runs: an unchanged second up is all 'same' with no Create/Update", async () => {
    const from = host.calls.length;
    const r = await runProgramModule(engine(), programPath, { mode: "up" });
    expect(r.errors).toEqual([]);
    expect(ops(r.steps)).toEqual({ parent: "same", child: "same" });
    expect(r.leakedPromises).toBe(0);
    expect(rpcsFrom(from).filter((c) => !/^(Check|Diff) /.test(c))).toEqual([]);
  });

  it("a changed parent updates it, and the child's reference picks up the new computed version", async () => {
    process.env.PARENT_VALUE = "p2";
    const pv = await runProgramModule(engine(), programPath, { mode: "preview" });
    expect(ops(pv.steps)).toEqual({ parent: "update", child: "update" });
    expect(pv.steps.find((s) => s.urn.endsWith("::child"))!.inputs).toMatchObject({ tags: [UNKNOWN, "t"] });
    const r = await runProgramModule(engine(), programPath, { mode: "up" });
    expect(r.errors).toEqual([]);
    expect(ops(r.steps)).toEqual({ parent: "update", child: "update" });
    expect(engine().state.resources.find((x) => x.name === "child")!.inputs.tags).toEqual(["parent-v2", "t"]);
  });

  it("a resource dropped from the program is deleted at the end", async () => {
    const childId = engine().state.resources.find((x) => x.name === "child")!.id;
    process.env.WITH_CHILD = "0";
    const from = host.calls.length;
    const r = await runProgramModule(engine(), programPath, { mode: "up" });
    expect(r.errors).toEqual([]);
    expect(ops(r.steps)).toEqual({ parent: "same", child: "delete" });
    expect(rpcsFrom(from).at(-1)).toBe("Delete child");
    expect(store.read().items[childId]).toBeUndefined();
    expect(engine().state.resources.map((x) => x.name)).toEqual(["parent"]);
  });

  it("when a step fails, dependents are not registered and nothing undeclared is deleted", async () => {
    process.env.WITH_CHILD = "1";
    await runProgramModule(engine(), programPath, { mode: "up" });
    expect(engine().state.resources.map((x) => x.name)).toEqual(["parent", "child"]);
    // parent's Check fails: the child never registers (its input awaits the parent), so it is undeclared
    process.env.PARENT_NAME = "";
    const from = host.calls.length;
    const r = await runProgramModule(engine(), programPath, { mode: "up" });
    expect(r.errors.map((e) => [e.urn.split("::").pop(), e.phase])).toContainEqual(["parent", "Check"]);
    expect(r.errors.find((e) => e.phase === "Check")!.message).toContain("name: name is required");
    expect(r.leakedPromises).toBeGreaterThan(0); // the child's outputs can never resolve
    expect(rpcsFrom(from)).toEqual(["Check parent"]);
    expect(engine().state.resources.map((x) => x.name)).toEqual(["parent", "child"]);
    delete process.env.PARENT_NAME;
  });

  it("destroy empties state", async () => {
    await engine().destroy();
    expect(engine().state.resources).toEqual([]);
    expect(store.read().items).toEqual({});
  });
});

describe("runProgramModule with a TypeScript program (tsx), in a separate process", () => {
  it("creates both resources, and the second run is all 'same'", () => {
    const dir = newStore();
    const out = execFileSync(process.execPath, ["--import", "tsx", join(fixtureDir, "run-program-child.js"), dir.path, join(fixtureDir, "program-ts.ts")], {
      cwd: repoRoot,
      encoding: "utf8",
      timeout: 60_000,
    });
    const r = JSON.parse(out) as { first: string[]; second: string[]; errors: unknown[]; outputs: { b: string }; left: number };
    expect(r).toEqual({ first: ["create", "create"], second: ["same", "same"], errors: [], outputs: { b: expect.stringMatching(/^item-\d+$/) }, left: 0 });
  });
});
