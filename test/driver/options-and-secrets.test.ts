import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../driver/engine";
import { previewDigest } from "../../driver/preview-digest";
import { isSecret, secret } from "../../driver/secrets";
import { loadState, saveState } from "../../driver/state-file";
import { startFixtureHost } from "./helpers";

let fx: Awaited<ReturnType<typeof startFixtureHost>>;
beforeAll(async () => {
  fx = await startFixtureHost();
});
afterAll(async () => fx.host.close());

const item: (typeof fx)["item"] = (...args) => fx.item(...args);
const rpcsDuring: (typeof fx)["rpcsDuring"] = (fn) => fx.rpcsDuring(fn);
const remoteValues = () => Object.values(fx.store.read().items).map((i) => i.value).sort();

describe("resource option protect (the engine's DeleteStep and replace check)", () => {
  it("refuses to delete a protected resource: Pulumi's message, no Delete call, still in state", async () => {
    const engine = new Engine({ host: fx.host, project: "driver", stack: "protect" });
    expect((await engine.up([item("p", { value: "kept-1" }, { protect: true })])).errors).toEqual([]);
    expect(engine.state.resources[0]!.protect).toBe(true);

    const { result, rpcs } = await rpcsDuring(() => engine.destroy());
    expect(rpcs).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]!.message).toMatch(/cannot be deleted\nbecause it is protected.*remove the `protect` flag/s);
    expect(engine.state.resources.map((r) => r.name)).toEqual(["p"]);
    expect(remoteValues()).toContain("kept-1");

    // Removing the definition is a delete too.
    const removed = await engine.up([]);
    expect(removed.errors[0]!.message).toMatch(/because it is protected/);
    expect(engine.state.resources).toHaveLength(1);
  });

  it("refuses to replace a protected resource before creating anything; unprotecting in the same run allows it", async () => {
    const engine = new Engine({ host: fx.host, project: "driver", stack: "protect-replace" });
    await engine.up([item("r", { value: "v-r" }, { protect: true })]);
    const { result, rpcs } = await rpcsDuring(() => engine.up([item("r", { value: "v-r", kind: "other" }, { protect: true })]));
    expect(rpcs).toEqual(["Check r", "Diff r"]);
    expect(result.errors[0]!.message).toMatch(/unable to replace resource .*::r"\nas it is currently marked for protection/);

    const unprotected = await engine.up([item("r", { value: "v-r", kind: "other" })]);
    expect(unprotected.errors).toEqual([]);
    expect(unprotected.steps.find((s) => s.op === "replace")).toBeDefined();
  });
});

describe("resource option retainOnDelete", () => {
  it("a removed resource leaves state without a Delete call and stays in the remote system", async () => {
    const engine = new Engine({ host: fx.host, project: "driver", stack: "retain" });
    await engine.up([item("keep", { value: "retained-1" }, { retainOnDelete: true })]);
    const { result, rpcs } = await rpcsDuring(() => engine.up([]));
    expect(result.errors).toEqual([]);
    expect(rpcs).toEqual([]);
    expect(result.steps).toEqual([expect.objectContaining({ op: "delete", retained: true })]);
    expect(engine.state.resources).toEqual([]);
    expect(remoteValues()).toContain("retained-1");
  });

  it("destroy of a retained resource saves the state without it (the checkpoint is written after the retained delete)", async () => {
    const saved: string[] = [];
    const engine = new Engine({ host: fx.host, project: "driver", stack: "retain-destroy", onStateChange: (s) => saved.push(JSON.stringify(s)) });
    await engine.up([item("kept", { value: "retained-2" }, { retainOnDelete: true }), item("gone", { value: "deleted-2" })]);
    expect(JSON.parse(saved.at(-1)!).resources.map((r: { name: string }) => r.name).sort()).toEqual(["gone", "kept"]);
    const before = saved.length;
    const { result, rpcs } = await rpcsDuring(() => engine.destroy({ parallel: 1 }));
    expect(result.errors).toEqual([]);
    expect(rpcs).toEqual(["Delete gone"]);
    expect(engine.state.resources).toEqual([]);
    // Each delete is saved as it happens: the last checkpoint is the empty stack, not one still holding "kept".
    expect(saved.length).toBeGreaterThanOrEqual(before + 2);
    expect(JSON.parse(saved.at(-1)!)).toEqual({ resources: [] });
    expect(remoteValues()).toContain("retained-2");
  });

  it("the old copy of a replacement is retained when it was recorded with retainOnDelete", async () => {
    const engine = new Engine({ host: fx.host, project: "driver", stack: "retain-replace" });
    await engine.up([item("rr", { value: "old-copy" }, { retainOnDelete: true })]);
    const { result, rpcs } = await rpcsDuring(() => engine.up([item("rr", { value: "old-copy", kind: "k2" }, { retainOnDelete: true })]));
    expect(result.errors).toEqual([]);
    expect(rpcs).toEqual(["Check rr", "Diff rr", "Create rr"]);
    expect(remoteValues().filter((v) => v === "old-copy")).toHaveLength(2);
    expect(engine.state.resources).toHaveLength(1);
  });
});

describe("secrets (the host does not accept them: stripped on the way in, re-marked on the way out)", () => {
  it("keeps a secret input secret in checked inputs and outputs, encrypts it in the state file, blinds it in the preview digest", async () => {
    const engine = new Engine({ host: fx.host, project: "driver", stack: "secrets" });
    const specs = [item("s", { value: secret("very-secret-value"), tags: ["public-tag"] })];
    const up = await engine.up(specs);
    expect(up.errors).toEqual([]);
    // The provider saw the plain value (it stored it remotely).
    expect(remoteValues()).toContain("very-secret-value");
    const r = engine.state.resources[0]!;
    expect(isSecret(r.inputs.value)).toBe(true);
    expect(isSecret(r.outputs.value)).toBe(true);
    expect(r.inputs.tags).toEqual(["public-tag"]);

    const path = join(fx.store.dir, "secrets-state.json");
    saveState(path, engine.state, "pass");
    const fileText = readFileSync(path, "utf8");
    expect(fileText).not.toContain("very-secret-value");
    expect(fileText).toContain("public-tag");
    const reloaded = loadState(path, "pass");
    expect(reloaded).toEqual(engine.state);

    const next = new Engine({ host: fx.host, project: "driver", stack: "secrets", state: reloaded });
    const before = structuredClone(next.state);
    const preview = await next.preview([item("s", { value: secret("very-secret-value"), tags: ["public-tag", "t2"] })]);
    const digest = previewDigest(before, preview) as { steps: unknown[]; changeSummary: unknown };
    const digestText = JSON.stringify(digest);
    expect(digestText).not.toContain("very-secret-value");
    expect(digest.steps[0]).toMatchObject({ op: "update", oldState: { inputs: { value: "[secret]" } }, newState: { inputs: { value: "[secret]", tags: ["public-tag", "t2"] } }, diffReasons: ["tags"] });
    expect(digest.changeSummary).toEqual({ update: 1 });
  });
});
