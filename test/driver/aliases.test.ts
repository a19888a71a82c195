import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../driver/engine";
import { previewDigest } from "../../driver/preview-digest";
import { FIXTURE_TYPE, startFixtureHost } from "./helpers";

let fx: Awaited<ReturnType<typeof startFixtureHost>>;
beforeAll(async () => {
  fx = await startFixtureHost();
});
afterAll(async () => fx.host.close());

const item: (typeof fx)["item"] = (...args) => fx.item(...args);
const rpcsDuring: (typeof fx)["rpcsDuring"] = (fn) => fx.rpcsDuring(fn);
const remoteCount = () => Object.keys(fx.store.read().items).length;
const ops = (steps: { urn: string; op: string }[]) => steps.map((s) => `${s.op} ${s.urn.split("::").pop()}`);

describe("aliases: a renamed resource takes over its old state entry (the engine's getOldResource)", () => {
  it("a rename with an alias keeps the id: Check and Diff only, no Create or Delete; state has the new URN and records the old one, saved", async () => {
    const saved: string[] = [];
    const engine = new Engine({ host: fx.host, project: "driver", stack: "alias", onStateChange: (s) => saved.push(JSON.stringify(s)) });
    await engine.up([item("old", { value: "v" }), item("user", { value: "u" }, { dependsOn: ["old"] })]);
    const id = engine.state.resources.find((r) => r.name === "old")!.id;
    const remote = remoteCount();

    // The `name` input stays the same: only the Pulumi name changes.
    const renamed = () => [{ ...item("new", { value: "v" }, { aliases: ["old"] }), inputs: item("old", { value: "v" }).inputs }, item("user", { value: "u" }, { dependsOn: ["new"] })];
    const preview = await engine.preview(renamed());
    expect(ops(preview.steps)).toEqual(["same new", "same user"]);
    expect(previewDigest(engine.state, preview, { showSames: true }).steps).toContainEqual(expect.objectContaining({ op: "same", urn: engine.urn(FIXTURE_TYPE, "new"), oldState: expect.objectContaining({ id }) }));

    const { result, rpcs } = await rpcsDuring(() => engine.up(renamed()));
    expect(result.errors).toEqual([]);
    expect(rpcs.filter((r) => /^(Create|Delete|Update)/.test(r))).toEqual([]);
    expect(result.steps.find((s) => s.urn.endsWith("::new"))).toMatchObject({ op: "same", aliasedFrom: engine.urn(FIXTURE_TYPE, "old") });
    const entry = engine.state.resources.find((r) => r.id === id)!;
    expect(entry).toMatchObject({ urn: engine.urn(FIXTURE_TYPE, "new"), name: "new", aliases: [engine.urn(FIXTURE_TYPE, "old")] });
    expect(engine.state.resources.map((r) => r.urn)).not.toContain(engine.urn(FIXTURE_TYPE, "old"));
    // A dependency on the old URN now names the new one.
    expect(engine.state.resources.find((r) => r.name === "user")!.dependencies).toEqual([engine.urn(FIXTURE_TYPE, "new")]);
    expect(remoteCount()).toBe(remote);
    expect(JSON.parse(saved.at(-1)!)).toEqual(JSON.parse(JSON.stringify(engine.state)));
  });

  it("a rename with an alias and a changed input is an update of the same resource", async () => {
    const engine = new Engine({ host: fx.host, project: "driver", stack: "alias-update" });
    await engine.up([item("a1", { value: "1" })]);
    const id = engine.state.resources[0]!.id;
    const { result, rpcs } = await rpcsDuring(() => engine.up([{ ...item("a2", { value: "2" }, { aliases: ["a1"] }), inputs: item("a1", { value: "2" }).inputs }]));
    expect(result.errors).toEqual([]);
    expect(ops(result.steps)).toEqual(["update a2"]);
    expect(rpcs).toEqual(["Check a2", "Diff a2", "Update a2"]);
    expect(engine.state.resources).toEqual([expect.objectContaining({ urn: engine.urn(FIXTURE_TYPE, "a2"), id })]);
  });

  it("without the alias, the same rename is a create and a delete (a new id)", async () => {
    const engine = new Engine({ host: fx.host, project: "driver", stack: "no-alias" });
    await engine.up([item("n1", { value: "1" })]);
    const id = engine.state.resources[0]!.id;
    const { result, rpcs } = await rpcsDuring(() => engine.up([{ ...item("n2", { value: "1" }), inputs: item("n1", { value: "1" }).inputs }]));
    expect(ops(result.steps)).toEqual(["create n2", "delete n1"]);
    expect(rpcs).toEqual(["Check n2", "Create n2", "Delete n1"]);
    expect(engine.state.resources.map((r) => r.id)).not.toContain(id);
  });

  it("an alias naming a resource that is still declared is the engine's duplicate-alias error, and nothing is deleted", async () => {
    const engine = new Engine({ host: fx.host, project: "driver", stack: "alias-conflict" });
    await engine.up([item("c1", { value: "1" })]);
    const before = JSON.stringify(engine.state);
    const { result, rpcs } = await rpcsDuring(() => engine.up([item("c1", { value: "1" }), item("c2", { value: "1" }, { aliases: ["c1"], dependsOn: ["c1"] })]));
    expect(result.errors).toEqual([
      { urn: engine.urn(FIXTURE_TYPE, "c2"), phase: "alias", message: `Duplicate resource alias '${engine.urn(FIXTURE_TYPE, "c1")}' applied to resource with URN '${engine.urn(FIXTURE_TYPE, "c2")}' conflicting with resource with URN '${engine.urn(FIXTURE_TYPE, "c1")}'` },
    ]);
    expect(rpcs).toEqual(["Check c1", "Diff c1"]);
    expect(JSON.stringify(engine.state)).toBe(before);
  });

  it("a failed step of an aliased resource keeps the old entry under its old URN: not deleted as undeclared", async () => {
    const engine = new Engine({ host: fx.host, project: "driver", stack: "alias-fail" });
    await engine.up([item("f1", { value: "1" })]);
    const { result, rpcs } = await rpcsDuring(() => engine.up([{ ...item("f2", { value: 7 as unknown as string }, { aliases: ["f1"] }) }]));
    expect(result.errors.map((e) => e.phase)).toEqual(["Check"]);
    expect(rpcs).toEqual(["Check f2"]);
    expect(engine.state.resources.map((r) => r.urn)).toEqual([engine.urn(FIXTURE_TYPE, "f1")]);
  });
});
