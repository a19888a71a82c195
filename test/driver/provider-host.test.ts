import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderHost } from "../../driver/provider-host";
import { ResourceInitFailedError, ProviderError } from "../../driver/provider-errors";
import { FIXTURE_TYPE, fixtureProviderText, newStore, repoRoot } from "./helpers";

const urn = (name: string) => `urn:pulumi:test::driver::${FIXTURE_TYPE}::${name}`;

describe("ProviderHost against the SDK's dynamic provider host", () => {
  let host: ProviderHost;
  let text: string;
  const store = newStore();
  const TOKEN = "tok-very-secret-1234";

  let startWallMs: number;

  beforeAll(async () => {
    text = await fixtureProviderText();
    const t0 = performance.now();
    host = await ProviderHost.start({ cwd: repoRoot, project: "driver" });
    startWallMs = performance.now() - t0;
    await host.configure({ "fixture:storePath": store.path, "fixture:token": TOKEN });
  });
  afterAll(async () => host.close());

  it("reports a plausible cold start: a real Node child loading the SDK, bounded by the wall clock around start()", () => {
    // Spawning node and loading @pulumi/pulumi takes tens of milliseconds at least, and never
    // longer than start() itself took or the 30 s start timeout.
    expect(host.coldStartMs).toBeGreaterThan(20);
    expect(host.coldStartMs).toBeLessThanOrEqual(startWallMs);
    expect(host.coldStartMs).toBeLessThan(30_000);
    expect(Number.isInteger(host.port) && host.port > 0 && host.port < 65_536).toBe(true);
    expect(host.pid).toBeGreaterThan(0);
    expect(host.pid).not.toBe(process.pid);
  });

  it("reports the child's peak RSS: plausible, at least its current RSS, never decreasing", () => {
    const status = readFileSync(`/proc/${host.pid}/status`, "utf8");
    const currentRss = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)![1]) * 1024;
    const peak = host.peakRssBytes();
    expect(peak).toBeGreaterThan(10 * 1024 * 1024);
    expect(peak).toBeLessThan(2 * 1024 * 1024 * 1024);
    expect(peak).toBeGreaterThanOrEqual(currentRss);
    // Not this process's figure: the child's own high-water mark.
    expect(host.peakRssBytes()).toBeGreaterThanOrEqual(peak);
  });

  it("runs the engine's lifecycle: check, create, read, diff none, update, replace diff, delete, read gone", async () => {
    const checked = await host.check(urn("a"), {}, { name: "a", value: "1", tags: ["z", "b"], __provider: text });
    expect(checked.failures).toEqual([]);
    expect(checked.inputs).toEqual({ name: "a", value: "1", kind: "plain", tags: ["b", "z"], __provider: text });

    const created = await host.create(urn("a"), checked.inputs);
    expect(created.id).toMatch(/^item-\d+$/);
    expect(created.outputs).toMatchObject({ name: "a", value: "1", version: 1, __provider: text });
    expect(store.read().items[created.id]).toMatchObject({ name: "a" });

    const read = await host.read(created.id, urn("a"), created.outputs, checked.inputs);
    expect(read.id).toBe(created.id);
    expect(read.props).toEqual(created.outputs);
    expect(read.inputs).toEqual(checked.inputs);

    expect(await host.diff(created.id, urn("a"), created.outputs, checked.inputs)).toEqual({ changes: "none", replaces: [], deleteBeforeReplace: false });

    const news = (await host.check(urn("a"), checked.inputs, { name: "a", value: "2", __provider: text })).inputs;
    expect((await host.diff(created.id, urn("a"), created.outputs, news)).changes).toBe("some");
    const updated = await host.update(created.id, urn("a"), created.outputs, news);
    expect(updated.outputs).toMatchObject({ value: "2", version: 2, __provider: text });

    const renamed = (await host.check(urn("a"), news, { name: "a", value: "2", kind: "unique", __provider: text })).inputs;
    expect(await host.diff(created.id, urn("a"), updated.outputs, renamed)).toEqual({ changes: "some", replaces: ["kind"], deleteBeforeReplace: true });

    await host.delete(created.id, urn("a"), updated.outputs);
    expect((await host.read(created.id, urn("a"), updated.outputs, news)).id).toBe("");
  });

  it("returns check failures with property paths", async () => {
    const r = await host.check(urn("bad"), {}, { name: "", value: 3, tags: ["ok", 7], __provider: text });
    expect(r.failures).toEqual([
      { property: "name", reason: "name is required" },
      { property: "value", reason: "value must be a string" },
      { property: "tags[1]", reason: "tags must be strings" },
    ]);
  });

  it("decodes a partial create into ResourceInitFailedError with id, properties and reasons", async () => {
    const inputs = (await host.check(urn("p"), {}, { name: "p", value: "1", failAfterCreate: true, __provider: text })).inputs;
    const err = await host.create(urn("p"), inputs).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceInitFailedError);
    const p = err as ResourceInitFailedError;
    expect(p.message).toMatch(/created but its follow-up step failed/);
    expect(p.id).toMatch(/^item-\d+$/);
    expect(p.properties).toMatchObject({ name: "p", itemId: p.id, __provider: text });
    expect(p.reasons).toEqual(["follow-up step failed"]);
    expect(store.read().items[p.id]).toBeDefined();
  });

  it("turns other failures into ProviderError with the provider's message", async () => {
    const err = await host.update("item-999", urn("x"), { __provider: text }, { name: "x", value: "1", __provider: text }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).not.toBeInstanceOf(ResourceInitFailedError);
    expect((err as ProviderError).message).toContain("item item-999 not found");
    const del = await host.delete("item-1", urn("x"), { value: "undeletable", __provider: text }).catch((e: unknown) => e);
    expect((del as ProviderError).message).toContain("refuses to be deleted");
    expect(host.calls.filter((c) => !c.ok).map((c) => c.rpc)).toEqual(expect.arrayContaining(["Update", "Delete"]));
  });

  it("captures what the provider printed, and the config secret stays out of it", () => {
    const { stdout } = host.output();
    expect(stdout).toContain("fixture: configured with a token");
    expect(stdout).toMatch(/fixture: created item-\d+/);
    expect(stdout + host.output().stderr).not.toContain(TOKEN);
  });

  it("keeps the last peak RSS reading once the child has exited (runs last: it closes the host)", async () => {
    const before = host.peakRssBytes();
    const pid = host.pid!;
    await host.close();
    expect(() => process.kill(pid, 0)).toThrow();
    expect(host.peakRssBytes()).toBeGreaterThanOrEqual(before);
    expect(host.peakRssBytes()).toBeGreaterThan(10 * 1024 * 1024);
  });
});
