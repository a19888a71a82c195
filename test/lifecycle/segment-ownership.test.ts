import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine, ProviderHost, ResourceSpec } from "../../driver";
import { startAntsEmulator, type AntsEmulator } from "../../emulators/ants/server";
import { ONGAGE_FAULT_REPLIES } from "../../emulators/ongage/routes";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { serializedProvider, startEngine, TYPES } from "./harness";

// A segment is a resource's only with proof, through the SDK's provider host: a renamed resource
// (no alias) keeps its one segment, a same-name segment someone else made is never taken or written,
// and a lost create never takes a sibling's segment (one id is never held by two resources).
const CREDS = { username: "own-user", password: "own-S3cret-pw", accountCode: "OWNACC" };
const LIST = 10000;
let ongage: OngageEmulator;
let ongageProvider: string;

const ongageConfig = (extra: Record<string, string> = {}) => ({
  "ongage:baseUrl": ongage.url, "ongage:username": CREDS.username, "ongage:password": CREDS.password, "ongage:accountCode": CREDS.accountCode, "ongage:listId": String(LIST), ...extra,
});
const ongageSegment = (name: string, segmentName: string, domain = "@example.com"): ResourceSpec => ({
  type: TYPES.ongageSegment,
  name,
  inputs: { name: segmentName, rules: [{ type: "email", field: "email", operator: "LIKE", values: [domain] }], __provider: ongageProvider },
});
const live = (engine: Engine) => engine.state.resources.filter((r) => !r.delete);
const ongageLive = (name: string) => ongage.store.liveSegments(LIST).filter((s) => s.name === name).map((s) => String(s.id));

async function withEngine<T>(config: Record<string, string>, run: (engine: Engine, host: ProviderHost) => Promise<T>, stack = "test"): Promise<T> {
  const { host, engine } = await startEngine(config, { stack });
  try {
    return await run(engine, host);
  } finally {
    await host.close();
  }
}

/** The host's stderr once it contains `text` (it arrives asynchronously), or as it is after 5 s. */
async function stderrUntil(host: ProviderHost, text: string): Promise<string> {
  for (let i = 0; i < 100 && !host.output().stderr.includes(text); i++) await new Promise((r) => setTimeout(r, 50));
  return host.output().stderr;
}

beforeAll(async () => {
  ongage = await startOngageEmulator({ credentials: CREDS, lists: [{ id: LIST }] });
  ongageProvider = await serializedProvider("ongageSegment");
});
afterAll(async () => ongage?.close());

describe("ongage: whose segment it is", () => {
  it("a rename without alias within the window: one segment remains, the new resource holds it, its campaign stays scheduled, and the run says so", async () => {
    const first = await withEngine(ongageConfig(), async (engine) => {
      expect((await engine.up([ongageSegment("old-name", "renamed readers")])).errors).toEqual([]);
      return engine.state;
    });
    const id = first.resources[0]!.id;
    const headers = { "content-type": "application/json", X_USERNAME: CREDS.username, X_PASSWORD: CREDS.password, X_ACCOUNT_CODE: CREDS.accountCode };
    const mailing = await fetch(`${ongage.url}/${LIST}/api/mailings`, {
      method: "POST",
      headers,
      body: JSON.stringify({ name: "weekly", email_message: [27], segments: [Number(id)], distribution: [{ esp_connection_id: 12345, percent: 100 }], schedule_date: Math.floor(Date.now() / 1000) + 86_400 }),
    });
    const mailingId = ((await mailing.json()) as { payload: { id: number } }).payload.id;

    // Another process (a later `pulumi up`) over the saved state, the resource renamed in the program.
    const { host, engine } = await startEngine(ongageConfig());
    try {
      engine.state = first;
      const up = await engine.up([ongageSegment("new-name", "renamed readers")]);
      expect(up.errors).toEqual([]);
      expect(live(engine).map((r) => [r.name, r.id])).toEqual([["new-name", id]]);
      expect(ongageLive("renamed readers")).toEqual([id]);
      const stderr = await stderrUntil(host, "was not deleted");
      expect(stderr).toContain(`adopted Ongage segment ${id} ("renamed readers"), created by an interrupted run`);
      expect(stderr).toMatch(new RegExp(`Ongage segment ${id} \\("renamed readers"\\) was not deleted: it was taken over as an interrupted run's segment in this run by the resource for "renamed readers"`));
    } finally {
      await host.close();
    }
    const status = await fetch(`${ongage.url}/${LIST}/api/mailings/${mailingId}`, { headers });
    expect(((await status.json()) as { payload: { status_desc: string } }).payload.status_desc).toBe("Scheduled");
  });

  it("a same-name segment with another definition, made by someone else: a new segment is created, theirs is never written", async () => {
    const theirs = await withEngine(ongageConfig(), async (engine) => {
      expect((await engine.up([ongageSegment("colleague", "shared name", "@colleague.example.com")])).errors).toEqual([]);
      return engine.state.resources[0]!.id;
    }, "ui");
    const before = JSON.stringify(ongage.store.rawSegment(Number(theirs)));
    ongage.http.clearLog();
    await withEngine(ongageConfig(), async (engine) => {
      expect((await engine.up([ongageSegment("ours", "shared name")])).errors).toEqual([]);
      expect(live(engine)[0]!.id).not.toBe(theirs);
    });
    expect(JSON.stringify(ongage.store.rawSegment(Number(theirs)))).toBe(before);
    expect(ongage.http.requests.filter((r) => r.method !== "GET" && r.path.includes(`/segments/${theirs}`))).toEqual([]);
    expect(ongageLive("shared name")).toHaveLength(2);
  });

  it("same-name siblings, one POST answered 502 without reaching Ongage: no resource takes the sibling's id; the failed one names it; the next up makes it", async () => {
    let state: Engine["state"] | undefined;
    await withEngine(ongageConfig({ "ongage:timeoutMs": "1000" }), async (engine) => {
      ongage.http.failNext({ reply: ONGAGE_FAULT_REPLIES.serverError(502), match: ONGAGE_FAULT_REPLIES.isCreate });
      const specs = [ongageSegment("twin-a", "twins"), ongageSegment("twin-b", "twins")];
      const up = await engine.up(specs);
      const ids = live(engine).map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ongageLive("twins").sort()).toEqual([...ids].sort());
      expect(up.errors).toHaveLength(1);
      expect(up.errors[0]!.message).toMatch(new RegExp(`no segment named "twins" created since the request is proven to be its: ${ids[0]} \\(created in this run by the resource for "twins"\\)`));
      state = engine.state;
    });
    // The next `up`, another process: the sibling's segment is held (its diff), so the missing twin is created.
    await withEngine(ongageConfig(), async (engine) => {
      engine.state = state!;
      const again = await engine.up([ongageSegment("twin-a", "twins"), ongageSegment("twin-b", "twins")]);
      expect(again.errors).toEqual([]);
      const ids = live(engine).map((r) => r.id);
      expect(ids).toHaveLength(2);
      expect(new Set(ids).size).toBe(2);
      expect(ongageLive("twins").sort()).toEqual([...ids].sort());
    });
  }, 60_000);
});

describe("ants: whose segment it is", () => {
  const CLIENT = { clientId: "own-client", clientSecret: "own-Client-S3cret" };
  const COLLEAGUE = { clientId: "colleague-client", clientSecret: "colleague-S3cret" };
  let ants: AntsEmulator;
  let antsProvider: string;
  let dir: string;
  let members: string;
  beforeAll(async () => {
    ants = await startAntsEmulator({ clients: [CLIENT, COLLEAGUE], computeDelayMs: 0 });
    antsProvider = await serializedProvider("antsSegment");
    dir = mkdtempSync(join(tmpdir(), "ants-ownership-"));
    members = join(dir, "members.csv");
    writeFileSync(members, "customer_id,email\n1001,a@example.com\n");
  });
  afterAll(async () => {
    await ants?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const config = (client = CLIENT) => ({ "ants:baseUrl": ants.url, "ants:authUrl": ants.authUrl, "ants:clientId": client.clientId, "ants:clientSecret": client.clientSecret });
  const segment = (name: string, segmentName: string): ResourceSpec => ({
    type: TYPES.antsSegment,
    name,
    inputs: { name: segmentName, audience: "customer", file: { path: members }, matchRules: [{ column: "customer_id", attribute: "customer_id" }], schedule: { type: "static" }, __provider: antsProvider },
  });
  const antsLive = (name: string) => ants.store.allSegments().filter((s) => s.segmentDisplay === name).map((s) => String(s.segmentId));

  it("a rename without alias within the window: one segment remains, the new resource holds it, and the run says so", async () => {
    const first = await withEngine(config(), async (engine) => {
      expect((await engine.up([segment("old-name", "renamed members")])).errors).toEqual([]);
      return engine.state;
    });
    const id = first.resources[0]!.id;
    const { host, engine } = await startEngine(config());
    try {
      engine.state = first;
      const up = await engine.up([segment("new-name", "renamed members")]);
      expect(up.errors).toEqual([]);
      expect(live(engine).map((r) => [r.name, r.id])).toEqual([["new-name", id]]);
      expect(antsLive("renamed members")).toEqual([id]);
      expect(await stderrUntil(host, "was not deleted")).toMatch(new RegExp(`ANTS segment ${id} \\("renamed members"\\) was not deleted`));
    } finally {
      await host.close();
    }
  });

  it("a same-name segment another client made (a colleague): the create refuses with its id and the ways out, nothing is written; after `window 0` a new one is made", async () => {
    ants.reset();
    const theirs = await withEngine(config(COLLEAGUE), async (engine) => {
      expect((await engine.up([segment("colleague", "team members")])).errors).toEqual([]);
      return engine.state.resources[0]!.id;
    }, "ui");
    const before = JSON.stringify(ants.store.allSegments().find((s) => String(s.segmentId) === theirs));
    await withEngine(config(), async (engine) => {
      const up = await engine.up([segment("ours", "team members")]);
      expect(up.errors.map((e) => e.message).join("\n")).toMatch(new RegExp(`cannot create "team members": .*${theirs} \\(created by "colleague-client"`));
      expect(live(engine)).toEqual([]);
    });
    // The account now shows no segment of own-client, so the proof cannot say "not ours": the way out is explicit.
    await withEngine({ ...config(), "ants:interruptedCreateWindowHours": "0" }, async (engine) => {
      expect((await engine.up([segment("ours", "team members")])).errors).toEqual([]);
      expect(live(engine)[0]!.id).not.toBe(theirs);
    });
    expect(JSON.stringify(ants.store.allSegments().find((s) => String(s.segmentId) === theirs))).toBe(before);
  });
});
