import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Engine, type ResourceSpec } from "../../driver/engine";
import { ProviderHost, type CallRecord } from "../../driver/provider-host";
import { secret } from "../../driver/secrets";
import { emptyState } from "../../driver/state";
import { loadState, saveState } from "../../driver/state-file";
import { UNKNOWN } from "../../driver/unknown";
import { FIXTURE_TYPE, fixtureProviderText, newStore, repoRoot } from "./helpers";

let text: string;
let host: ProviderHost;
const store = newStore();

beforeAll(async () => {
  text = await fixtureProviderText();
  host = await ProviderHost.start({ cwd: repoRoot, project: "driver" });
  await host.configure({ "fixture:storePath": store.path });
});
afterAll(async () => host.close());

const item = (name: string, inputs: Record<string, unknown>, extra: Partial<ResourceSpec> = {}): ResourceSpec => ({
  type: FIXTURE_TYPE,
  name,
  inputs: { name, ...inputs, __provider: text },
  ...extra,
});
const urn = (name: string) => `urn:pulumi:dev::driver::${FIXTURE_TYPE}::${name}`;
/** The calls made while `fn` ran. */
async function callsDuring<T>(fn: () => Promise<T>): Promise<{ result: T; calls: CallRecord[] }> {
  const from = host.calls.length;
  const result = await fn();
  return { result, calls: host.calls.slice(from) };
}
const rpcs = (calls: CallRecord[]) => calls.map((c) => `${c.rpc} ${c.urn.split("::").pop()}`);
const ops = (steps: { urn: string; op: string }[]) => Object.fromEntries(steps.map((s) => [s.urn.split("::").pop(), s.op]));

describe("Engine lifecycle against the real provider host", () => {
  const engine = () => eng;
  let eng: Engine;
  beforeAll(() => {
    eng = new Engine({ host, project: "driver", stack: "dev" });
  });

  it("creates, then a preview and an up of the same program are all 'same' with no Create/Update", async () => {
    const specs = [item("a", { value: "1" }), item("b", { value: "x", tags: ["t2", "t1"] })];
    const up = await engine().up(specs);
    expect(up.errors).toEqual([]);
    expect(ops(up.steps)).toEqual({ a: "create", b: "create" });
    expect(engine().state.resources.map((r) => r.name).sort()).toEqual(["a", "b"]);
    const a = engine().state.resources.find((r) => r.name === "a")!;
    expect(a.urn).toBe(urn("a"));
    expect(a.outputs).toMatchObject({ value: "1", version: 1, __provider: text });
    expect(a.inputs).toMatchObject({ value: "1", kind: "plain", __provider: text });

    const pv = await callsDuring(() => engine().preview(specs));
    expect(ops(pv.result.steps)).toEqual({ a: "same", b: "same" });
    expect(pv.calls.map((c) => c.rpc).sort()).toEqual(["Check", "Check", "Diff", "Diff"]);

    const again = await callsDuring(() => engine().up(specs));
    expect(ops(again.result.steps)).toEqual({ a: "same", b: "same" });
    expect(again.calls.filter((c) => c.rpc !== "Check" && c.rpc !== "Diff")).toEqual([]);
  });

  it("updates in place, keeping computed outputs from the provider", async () => {
    const before = store.read();
    const { result, calls } = await callsDuring(() => engine().up([item("a", { value: "2" }), item("b", { value: "x", tags: ["t1", "t2"] })]));
    expect(ops(result.steps)).toEqual({ a: "update", b: "same" });
    expect(rpcs(calls).filter((c) => c.startsWith("Update"))).toEqual(["Update a"]);
    const a = engine().state.resources.find((r) => r.name === "a")!;
    expect(a.outputs).toMatchObject({ value: "2", version: 2 });
    expect(Object.keys(store.read().items)).toEqual(Object.keys(before.items));
  });

  it("replaces create-before-delete: the old copy is deleted after every other step", async () => {
    const oldId = engine().state.resources.find((r) => r.name === "a")!.id;
    const { result, calls } = await callsDuring(() => engine().up([item("a", { value: "2", kind: "fancy" }), item("b", { value: "x", tags: ["t1", "t2"] })]));
    expect(result.errors).toEqual([]);
    const step = result.steps.find((s) => s.urn === urn("a"))!;
    expect(step).toMatchObject({ op: "replace", replaces: ["kind"], deleteBeforeReplace: false });
    const seq = rpcs(calls);
    expect(seq.indexOf("Create a")).toBeLessThan(seq.indexOf("Delete a"));
    expect(seq[seq.length - 1]).toBe("Delete a");
    const a = engine().state.resources.filter((r) => r.name === "a");
    expect(a).toHaveLength(1);
    expect(a[0]!.id).not.toBe(oldId);
    expect(a[0]!.delete).toBeUndefined();
    expect(store.read().items[oldId]).toBeUndefined();
  });

  it("replaces delete-before-create when the provider's diff asks for it", async () => {
    const { result, calls } = await callsDuring(() => engine().up([item("a", { value: "2", kind: "unique" }), item("b", { value: "x", tags: ["t1", "t2"] })]));
    expect(result.steps.find((s) => s.urn === urn("a"))).toMatchObject({ op: "replace", deleteBeforeReplace: true });
    const seq = rpcs(calls);
    expect(seq.indexOf("Delete a")).toBeLessThan(seq.indexOf("Create a"));
    expect(engine().state.resources.filter((r) => r.name === "a")).toHaveLength(1);
  });

  it("refresh shows an out-of-band change as drift, and up heals it", async () => {
    const b = engine().state.resources.find((r) => r.name === "b")!;
    const s = store.read();
    s.items[b.id]!.value = "changed-by-hand";
    store.write(s);

    const refreshed = await engine().refresh();
    expect(refreshed.changed).toEqual([urn("b")]);
    expect(refreshed.dropped).toEqual([]);
    expect(b.outputs.value).toBe("changed-by-hand");
    expect(b.inputs.value).toBe("changed-by-hand");

    const specs = [item("a", { value: "2", kind: "unique" }), item("b", { value: "x", tags: ["t1", "t2"] })];
    expect(ops((await engine().preview(specs)).steps)).toEqual({ a: "same", b: "update" });
    const up = await engine().up(specs);
    expect(ops(up.steps)).toEqual({ a: "same", b: "update" });
    expect(store.read().items[b.id]!.value).toBe("x");
    expect((await engine().refresh()).changed).toEqual([]);
  });

  it("refresh drops a resource deleted out of band; the next up creates it again", async () => {
    const b = engine().state.resources.find((r) => r.name === "b")!;
    const s = store.read();
    delete s.items[b.id];
    store.write(s);
    const refreshed = await engine().refresh();
    expect(refreshed.dropped).toEqual([urn("b")]);
    expect(engine().state.resources.map((r) => r.name)).toEqual(["a"]);
    const up = await engine().up([item("a", { value: "2", kind: "unique" }), item("b", { value: "x" })]);
    expect(ops(up.steps)).toEqual({ a: "same", b: "create" });
  });

  it("an update failure keeps the old state", async () => {
    const b = engine().state.resources.find((r) => r.name === "b")!;
    const snapshot = structuredClone(b);
    const s = store.read();
    delete s.items[b.id];
    store.write(s);
    const up = await engine().up([item("a", { value: "2", kind: "unique" }), item("b", { value: "y" })]);
    expect(up.errors).toEqual([{ urn: urn("b"), phase: "Update", message: expect.stringContaining(`item ${b.id} not found`) }]);
    expect(engine().state.resources.find((r) => r.name === "b")).toEqual(snapshot);
    await engine().refresh(); // drops b
  });

  it("deletes resources no longer declared, then destroy empties state and the remote", async () => {
    await engine().up([item("a", { value: "2", kind: "unique" }), item("b", { value: "x" })]);
    const { result, calls } = await callsDuring(() => engine().up([item("a", { value: "2", kind: "unique" })]));
    expect(ops(result.steps)).toEqual({ a: "same", b: "delete" });
    expect(rpcs(calls).at(-1)).toBe("Delete b");
    const d = await engine().destroy();
    expect(d.errors).toEqual([]);
    expect(engine().state.resources).toEqual([]);
    expect(store.read().items).toEqual({});
  });
});

describe("Engine error handling", () => {
  let engine: Engine;
  beforeEach(() => {
    engine = new Engine({ host, project: "driver", stack: "dev" });
  });

  it("check failures surface property paths, abort only that resource, and make up report errors", async () => {
    const up = await engine.up([item("good", { value: "ok" }), item("bad", { value: 7, tags: ["x", 3] })]);
    const bad = up.steps.find((s) => s.urn === urn("bad"))!;
    expect(bad.failures).toEqual([
      { property: "value", reason: "value must be a string" },
      { property: "tags[1]", reason: "tags must be strings" },
    ]);
    expect(up.errors.map((e) => [e.urn, e.phase])).toEqual([[urn("bad"), "Check"]]);
    expect(up.errors[0]!.message).toContain("tags[1]: tags must be strings");
    expect(engine.state.resources.map((r) => r.name)).toEqual(["good"]);
    await engine.destroy();
  });

  it("a partial create is recorded in state with its id, and can be destroyed", async () => {
    const up = await engine.up([item("p", { value: "1", failAfterCreate: true })]);
    expect(up.errors).toEqual([{ urn: urn("p"), phase: "Create", message: expect.stringContaining("created but its follow-up step failed") }]);
    const p = engine.state.resources.find((r) => r.name === "p")!;
    expect(p.id).toMatch(/^item-\d+$/);
    expect(store.read().items[p.id]).toBeDefined();
    expect(p.outputs).toMatchObject({ itemId: p.id });
    await engine.destroy();
    expect(store.read().items[p.id]).toBeUndefined();
  });

  it("a failed delete keeps the state entry", async () => {
    await engine.up([item("stuck", { value: "undeletable" })]);
    const d = await engine.destroy();
    expect(d.errors).toEqual([{ urn: urn("stuck"), phase: "Delete", message: expect.stringContaining("refuses to be deleted") }]);
    expect(engine.state.resources.map((r) => r.name)).toEqual(["stuck"]);
    const s = store.read();
    for (const r of engine.state.resources) delete s.items[r.id];
    store.write(s);
    engine.state = emptyState();
  });

  it("DIFF_UNKNOWN: the engine compares old and new inputs itself", async () => {
    await engine.up([item("u", { value: "1", diffMode: "unknown" })]);
    const same = await callsDuring(() => engine.up([item("u", { value: "1", diffMode: "unknown" })]));
    expect(ops(same.result.steps)).toEqual({ u: "same" });
    expect(same.calls.map((c) => c.rpc)).toEqual(["Check", "Diff"]);
    const changed = await engine.up([item("u", { value: "2", diffMode: "unknown" })]);
    expect(ops(changed.steps)).toEqual({ u: "update" });
    await engine.destroy();
  });
});

describe("Engine references between resources", () => {
  it("a function input sees the referenced resource's id: UNKNOWN in preview, real in up; delete order reversed", async () => {
    const engine = new Engine({ host, project: "driver", stack: "refs" });
    const specs: ResourceSpec[] = [
      { type: FIXTURE_TYPE, name: "child", inputs: (ref) => ({ name: "child", value: ref("parent").id, tags: [String(ref("parent").outputs.version)], __provider: text }) },
      item("parent", { value: "p" }),
    ];
    const pv = await engine.preview(specs);
    expect(pv.errors).toEqual([]);
    expect(pv.steps.find((s) => s.urn.endsWith("::child"))!.inputs).toMatchObject({ value: UNKNOWN, tags: [UNKNOWN] });
    expect(host.calls.filter((c) => c.urn.includes("::refs::") && (c.rpc === "Create" || c.rpc === "Update"))).toEqual([]);

    const up = await engine.up(specs);
    expect(up.errors).toEqual([]);
    const parent = engine.state.resources.find((r) => r.name === "parent")!;
    const child = engine.state.resources.find((r) => r.name === "child")!;
    expect(child.inputs).toMatchObject({ value: parent.id, tags: ["1"] });
    expect(child.dependencies).toEqual([parent.urn]);
    expect(engine.state.resources.map((r) => r.name)).toEqual(["parent", "child"]);

    // an existing referenced resource resolves to its state during preview
    const pv2 = await engine.preview(specs);
    expect(ops(pv2.steps)).toEqual({ parent: "same", child: "same" });

    const from = host.calls.length;
    await engine.destroy();
    const seq = rpcs(host.calls.slice(from));
    expect(seq).toEqual(["Delete child", "Delete parent"]);
  });

  it("a reference to a failed or unknown resource fails the dependent, not the others", async () => {
    const engine = new Engine({ host, project: "driver", stack: "refs2" });
    const up = await engine.up([
      item("broken", { value: 1 }),
      { type: FIXTURE_TYPE, name: "dependent", inputs: (ref) => ({ name: "d", value: ref("broken").id, __provider: text }) },
      { type: FIXTURE_TYPE, name: "dangling", inputs: (ref) => ({ name: "d", value: ref("nope").id, __provider: text }) },
      item("fine", { value: "ok" }),
    ]);
    expect(up.errors.map((e) => [e.urn.split("::").pop(), e.phase]).sort()).toEqual([
      ["broken", "Check"],
      ["dangling", "dependency"],
      ["dependent", "dependency"],
    ]);
    expect(engine.state.resources.map((r) => r.name)).toEqual(["fine"]);
    await engine.destroy();
  });
});

describe("Engine concurrency", () => {
  /** Most calls in flight at one instant. */
  const maxOverlap = (calls: CallRecord[]) => {
    const edges = calls.flatMap((c) => [[c.start, 1] as const, [c.start + c.ms, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let cur = 0;
    let max = 0;
    for (const [, d] of edges) max = Math.max(max, (cur += d));
    return max;
  };

  it("never has more than `parallel` steps in flight, and runs independent ones concurrently", async () => {
    const engine = new Engine({ host, project: "driver", stack: "par" });
    const specs = Array.from({ length: 12 }, (_, i) => item(`n${i}`, { value: String(i) }));
    const one = await callsDuring(() => engine.up(specs, { parallel: 1 }));
    expect(one.result.errors).toEqual([]);
    expect(maxOverlap(one.calls)).toBe(1);
    const four = await callsDuring(() => engine.destroy({ parallel: 4 }));
    expect(four.result.errors).toEqual([]);
    expect(maxOverlap(four.calls)).toBeLessThanOrEqual(4);
    expect(maxOverlap(four.calls)).toBeGreaterThan(1);
  });
});

describe("state file", () => {
  it("round-trips, so a second engine sees updates instead of creates", async () => {
    const path = join(store.dir, "state.json");
    expect(loadState(path)).toEqual(emptyState());
    const first = new Engine({ host, project: "driver", stack: "file" });
    await first.up([item("s", { value: "1" })]);
    saveState(path, first.state);
    const second = new Engine({ host, project: "driver", stack: "file", state: loadState(path) });
    expect(second.state).toEqual(first.state);
    expect(ops((await second.preview([item("s", { value: "1" })])).steps)).toEqual({ s: "same" });
    expect(ops((await second.up([item("s", { value: "2" })])).steps)).toEqual({ s: "update" });
    await second.destroy();
    saveState(path, second.state);
    expect(loadState(path)).toEqual({ resources: [] });
  });
});

describe("checkpoint: every change is reported, creates in flight are pending operations", () => {
  it("a create in flight is a pending operation until it completes; each step ends with a reported state", async () => {
    const seen: Array<ReturnType<typeof emptyState>> = [];
    const engine = new Engine({ host, project: "driver", stack: "journal", onStateChange: (s) => seen.push(JSON.parse(JSON.stringify(s))) });
    const up = await engine.up([item("j1", { value: "1" }), item("j2", { value: "2" })], { parallel: 1 });
    expect(up.errors).toEqual([]);
    const firstBegin = seen[0]!;
    expect(firstBegin.resources).toEqual([]);
    expect(firstBegin.pendingOperations).toEqual([{ type: "creating", urn: engine.urn(FIXTURE_TYPE, "j1"), resource: expect.objectContaining({ name: "j1" }) }]);
    // j1 recorded and no longer pending before j2 begins
    const j2Begins = seen.find((s) => s.pendingOperations?.some((o) => o.resource.name === "j2"))!;
    expect(j2Begins.resources.map((r) => r.name)).toEqual(["j1"]);
    expect(j2Begins.pendingOperations).toHaveLength(1);
    expect(seen.at(-1)).toEqual(engine.state);
    expect(engine.state.pendingOperations).toBeUndefined();
  });

  it("the next up does not step a pending create of a killed run: it creates the resource again and keeps the pending operation (as Pulumi does)", async () => {
    const engine = new Engine({ host, project: "driver", stack: "killed" });
    const stale = { type: "creating" as const, urn: engine.urn(FIXTURE_TYPE, "k"), resource: { type: FIXTURE_TYPE, name: "k", inputs: { name: "k" } } };
    engine.state.pendingOperations = [stale];
    const up = await engine.up([item("k", { value: "1" })]);
    expect(ops(up.steps)).toEqual({ k: "create" });
    expect(engine.state.pendingOperations).toEqual([stale]);
    await engine.destroy();
  });
});

describe("state file: pending operations", () => {
  it("round-trips creates in flight, their secret inputs as ciphertext only", () => {
    const path = join(store.dir, "pending.json");
    const op = { type: "creating" as const, urn: urn("p"), resource: { type: FIXTURE_TYPE, name: "p", inputs: { name: "p", token: secret("pending-S3cret") } } };
    saveState(path, { resources: [], pendingOperations: [op] });
    expect(readFileSync(path, "utf8")).not.toContain("pending-S3cret");
    expect(loadState(path)).toEqual({ resources: [], pendingOperations: [op] });
    saveState(path, { resources: [] });
    expect(loadState(path)).toEqual({ resources: [] });
  });
});
