import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine, ProviderHost, ResourceSpec } from "../../driver";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { ongageApi, ongageConfig, serializedProvider, startEngine, TYPES } from "./harness";

// Deleting an Ongage segment unschedules the campaigns that use it. Through the SDK's provider host:
// a delete (destroy, removal, the delete half of a replacement) of a segment that New, Scheduled,
// In progress or On hold campaigns use is refused, naming them, and leaves state and Ongage
// consistent; `ongage:deleteInUse allow` deletes and warns; protect / retainOnDelete work.
const CREDS = { username: "use-user", password: "use-S3cret-pw", accountCode: "USEACC" };
const LIST = 10000;
const OTHER_LIST = 20000;
const HOUR = 3600;

let emu: OngageEmulator;
let provider: string;

const api = (method: string, path: string, body?: unknown) => ongageApi(emu)(method, path, body);

/** A campaign through the documented route; `scheduled` gives it a schedule_date in the future. */
async function campaign(name: string, segments: Array<number | { segment_id: number; exclude: 1 }>, opts: { scheduled?: boolean; list?: number } = {}) {
  const body: Record<string, unknown> = { name, email_message: [27], segments, distribution: [{ esp_connection_id: 12345, percent: 100 }] };
  if (opts.scheduled) body.schedule_date = Math.floor(Date.now() / 1000) + 48 * HOUR;
  const res = await api("POST", `/${opts.list ?? LIST}/api/mailings`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { id: String(res.body.payload.id), name };
}
const statusOf = async (id: string) => (await api("GET", `/${LIST}/api/mailings/${id}`)).body.payload.status_desc as string;
const segmentExists = async (list: number, id: string) => {
  const res = await api("GET", `/${list}/api/segments/${id}`);
  return res.status === 200 && res.body.payload.deleted === "0";
};

const config = (extra: Record<string, string> = {}) => ongageConfig(emu, { "ongage:listId": String(LIST), ...extra });
const segment = (name: string, inputs: Record<string, unknown>, opts: Partial<ResourceSpec> = {}): ResourceSpec => ({
  type: TYPES.ongageSegment,
  name,
  inputs: { name: `${name} readers`, rules: [{ type: "email", field: "email", operator: "LIKE", values: ["@example.com"] }], ...inputs, __provider: provider },
  ...opts,
});
const live = (engine: Engine) => engine.state.resources.filter((r) => !r.delete);

beforeAll(async () => {
  emu = await startOngageEmulator({ credentials: CREDS, lists: [{ id: LIST }, { id: OTHER_LIST }] });
  provider = await serializedProvider("ongageSegment");
});
afterAll(async () => emu?.close());

describe("a replacement whose old segment is in use", () => {
  let host: ProviderHost;
  let engine: Engine;
  beforeAll(async () => ({ host, engine } = await startEngine(config())));
  afterAll(async () => host?.close());

  it("is refused after the new segment is created: the error names the segment, each campaign and the ways out", async () => {
    expect((await engine.up([segment("news", {})])).errors).toEqual([]);
    const oldId = engine.state.resources[0]!.id;
    const other = await api("POST", `/${LIST}/api/segments`, { name: "hand-made", type: "Active", criteria: [] });
    const otherId = Number(other.body.payload.id);
    const scheduled = await campaign("Black Friday", [Number(oldId)], { scheduled: true });
    // A draft (New) that sends to everyone of `other` except the segment's contacts.
    const draft = await campaign("Weekly digest", [otherId, { segment_id: Number(oldId), exclude: 1 }], { scheduled: true });
    expect((await api("PUT", `/${LIST}/api/mailings/${draft.id}/unschedule`)).status).toBe(200);
    const cancelled = await campaign("Old promo", [Number(oldId)], { scheduled: true });
    expect((await api("PUT", `/${LIST}/api/mailings/${cancelled.id}/cancel`)).status).toBe(200);

    const up = await engine.up([segment("news", { listId: OTHER_LIST })]);
    expect(up.steps.find((s) => s.urn.endsWith("::news") && s.op === "replace")).toBeDefined();
    expect(up.errors).toHaveLength(1);
    const message = up.errors[0]!.message;
    expect(up.errors[0]!.phase).toBe("Delete");
    expect(message).toContain(`segment ${oldId} ("news readers")`);
    expect(message).toContain(`campaign ${scheduled.id} "Black Friday" (Scheduled)`);
    expect(message).toContain(`campaign ${draft.id} "Weekly digest" (New, excluded)`);
    expect(message).not.toContain("Old promo");
    expect(message).toMatch(/retainOnDelete/);
    expect(message).toMatch(/ongage:deleteInUse/);
    expect(message).toMatch(/ONGAGE_DELETE_IN_USE/);
    expect(message).toMatch(/detach|finish/i);

    // State: the new segment is live, the old one is still recorded (pending delete); Ongage: both exist,
    // the campaigns are untouched.
    const news = live(engine);
    expect(news).toHaveLength(1);
    expect(news[0]!.outputs.listId).toBe(OTHER_LIST);
    expect(await segmentExists(OTHER_LIST, news[0]!.id)).toBe(true);
    expect(engine.state.resources.filter((r) => r.delete).map((r) => r.id)).toEqual([oldId]);
    expect(await segmentExists(LIST, oldId)).toBe(true);
    expect(await statusOf(scheduled.id)).toBe("Scheduled");
    expect(await statusOf(draft.id)).toBe("New");

    // Another up while the campaigns still use it: refused again, nothing created twice.
    const again = await engine.up([segment("news", { listId: OTHER_LIST })]);
    expect(again.steps.find((s) => s.urn.endsWith("::news") && s.op !== "delete")!.op).toBe("same");
    expect(again.errors.map((e) => e.phase)).toEqual(["Delete"]);
    expect(engine.calls.filter((c) => c.rpc === "Create")).toHaveLength(2);

    // Detach the campaigns (one moves to another segment, one is cancelled): the next up finishes the replacement.
    expect((await api("PUT", `/${LIST}/api/mailings/${scheduled.id}`, { segments: [otherId] })).status).toBe(200);
    expect((await api("PUT", `/${LIST}/api/mailings/${draft.id}/cancel`)).status).toBe(200);
    const creates = engine.calls.filter((c) => c.rpc === "Create").length;
    const finished = await engine.up([segment("news", { listId: OTHER_LIST })]);
    expect(finished.errors).toEqual([]);
    expect(engine.calls.filter((c) => c.rpc === "Create")).toHaveLength(creates);
    expect(engine.state.resources).toHaveLength(1);
    expect(await segmentExists(LIST, oldId)).toBe(false);
    expect(await statusOf(scheduled.id)).toBe("Scheduled");
  });
});

describe("destroy and removal of a segment in use", () => {
  it("destroy is refused and the segment stays in state and in Ongage; a removal is refused the same way", async () => {
    const { host, engine } = await startEngine(config());
    try {
      await engine.up([segment("promo", {})]);
      const id = engine.state.resources[0]!.id;
      const c = await campaign("Spring sale", [Number(id)], { scheduled: true });
      const removed = await engine.up([]);
      expect(removed.errors.map((e) => e.phase)).toEqual(["Delete"]);
      expect(removed.errors[0]!.message).toContain(`campaign ${c.id} "Spring sale" (Scheduled)`);
      const destroyed = await engine.destroy();
      expect(destroyed.errors).toHaveLength(1);
      expect(engine.state.resources.map((r) => r.id)).toEqual([id]);
      expect(await segmentExists(LIST, id)).toBe(true);
      expect(await statusOf(c.id)).toBe("Scheduled");
      expect(JSON.stringify(host.output())).not.toContain(CREDS.password);
    } finally {
      await host.close();
    }
  });

  it("with ongage:deleteInUse allow, the delete goes ahead and a warning lists the campaigns it unscheduled", async () => {
    const { host, engine } = await startEngine(config({ "ongage:deleteInUse": "allow" }));
    try {
      await engine.up([segment("flash", {})]);
      const id = engine.state.resources[0]!.id;
      const c = await campaign("Flash sale", [Number(id)], { scheduled: true });
      const destroyed = await engine.destroy();
      expect(destroyed.errors).toEqual([]);
      expect(await segmentExists(LIST, id)).toBe(false);
      expect(await statusOf(c.id)).not.toBe("Scheduled");
      expect(host.output().stderr).toMatch(new RegExp(`warning: .*segment ${id} \\("flash readers"\\).*campaign ${c.id} "Flash sale" \\(Scheduled\\)`));
    } finally {
      await host.close();
    }
  });

  it("the environment variable works too, and a bad value fails check naming the setting and its values", async () => {
    const bad = await startEngine(config(), { env: { ONGAGE_DELETE_IN_USE: "sometimes" } });
    try {
      const up = await bad.engine.up([segment("bad-setting", {})]);
      expect(up.errors.map((e) => e.phase)).toEqual(["Check"]);
      for (const part of ["ongage:deleteInUse", "ONGAGE_DELETE_IN_USE", '"refuse"', '"allow"', '"sometimes"']) expect(up.errors[0]!.message).toContain(part);
      expect(bad.engine.calls.map((c) => c.rpc)).not.toContain("Create");
    } finally {
      await bad.host.close();
    }
    const allow = await startEngine(config(), { env: { ONGAGE_DELETE_IN_USE: "allow" } });
    try {
      allow.engine.state = { resources: [] };
      await allow.engine.up([segment("env-allow", {})]);
      const id = allow.engine.state.resources[0]!.id;
      await campaign("Env campaign", [Number(id)], { scheduled: true });
      expect((await allow.engine.destroy()).errors).toEqual([]);
      expect(await segmentExists(LIST, id)).toBe(false);
    } finally {
      await allow.host.close();
    }
  });

  it("a segment only Completed or Cancelled campaigns name is deleted without a word", async () => {
    const { host, engine } = await startEngine(config());
    try {
      await engine.up([segment("done", {})]);
      const id = engine.state.resources[0]!.id;
      const c = await campaign("Done deal", [Number(id)], { scheduled: true });
      await api("PUT", `/${LIST}/api/mailings/${c.id}/cancel`);
      expect((await engine.destroy()).errors).toEqual([]);
      expect(await segmentExists(LIST, id)).toBe(false);
      expect(host.output().stderr).not.toContain("Done deal");
    } finally {
      await host.close();
    }
  });
});

describe("a campaign whose status is not one of the documented ten", () => {
  it("counts as in use: destroy is refused naming \"unknown status 60077\", the segment stays and nothing is unscheduled", async () => {
    const { host, engine } = await startEngine(config());
    try {
      await engine.up([segment("odd-status", {})]);
      const id = engine.state.resources[0]!.id;
      const c = await campaign("Odd status", [Number(id)], { scheduled: true });
      const scheduledAt = (await api("GET", `/${LIST}/api/mailings/${c.id}`)).body.payload.schedule_date;
      // Ongage answers a status code outside the documented table: put it into the emulator's state.
      const snap = emu.store.snapshot() as { mailings: Array<{ id: string; status: string }> };
      snap.mailings.find((m) => m.id === c.id)!.status = "60077";
      emu.store.restore(snap);
      expect((await api("GET", `/${LIST}/api/segments/${id}`)).body.payload.mailings).toEqual([expect.objectContaining({ id: c.id, status: "60077" })]);

      const from = emu.http.requests.length;
      const destroyed = await engine.destroy();
      expect(destroyed.errors.map((e) => e.phase)).toEqual(["Delete"]);
      expect(destroyed.errors[0]!.message).toContain(`segment ${id} ("odd-status readers") was not deleted: 1 campaign still uses it — campaign ${c.id} "Odd status" (unknown status 60077)`);
      expect(emu.http.requests.slice(from).filter((r) => r.method === "DELETE")).toEqual([]);
      expect(engine.state.resources.map((r) => r.id)).toEqual([id]);
      expect(await segmentExists(LIST, id)).toBe(true);
      const after = (await api("GET", `/${LIST}/api/mailings/${c.id}`)).body.payload;
      expect({ status: after.status, schedule_date: after.schedule_date }).toEqual({ status: "60077", schedule_date: scheduledAt });
    } finally {
      await host.close();
    }
  });
});

describe("protect and retainOnDelete", () => {
  it("protect refuses destroy and replacement before any call to Ongage", async () => {
    const { host, engine } = await startEngine(config());
    try {
      await engine.up([segment("vault", {}, { protect: true })]);
      const id = engine.state.resources[0]!.id;
      const from = engine.calls.length;
      const replaced = await engine.up([segment("vault", { listId: OTHER_LIST }, { protect: true })]);
      expect(replaced.errors[0]!.message).toMatch(/marked for protection/);
      const destroyed = await engine.destroy();
      expect(destroyed.errors[0]!.message).toMatch(/because it is protected/);
      expect(engine.calls.slice(from).map((c) => c.rpc)).toEqual(["Check", "Diff"]);
      expect(await segmentExists(LIST, id)).toBe(true);
    } finally {
      await host.close();
    }
  });

  it("retainOnDelete: a removed segment leaves state, stays in Ongage, and its campaign stays scheduled", async () => {
    const { host, engine } = await startEngine(config());
    try {
      await engine.up([segment("kept", {}, { retainOnDelete: true })]);
      const id = engine.state.resources[0]!.id;
      const c = await campaign("Kept campaign", [Number(id)], { scheduled: true });
      const removed = await engine.up([]);
      expect(removed.errors).toEqual([]);
      expect(engine.state.resources).toEqual([]);
      expect(await segmentExists(LIST, id)).toBe(true);
      expect(await statusOf(c.id)).toBe("Scheduled");
    } finally {
      await host.close();
    }
  });
});
