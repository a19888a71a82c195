import { antsClientOptions } from "../../provider/ants/settings";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAntsEmulator, type AntsEmulator } from "../../emulators/ants/server";
import { forgetTokens } from "../../provider/ants/auth";
import { AntsClient, forgetClientCaches } from "../../provider/ants/client";
import { findInterruptedCreate } from "../../provider/ants/interrupted-create";
import { segmentProvider as provider } from "../../provider/ants/provider";
import type { CanonicalSegment } from "../../provider/ants/canonical";
import { forgetRecentCreates } from "../../provider/pulumi/recent-create-finder";
import { forgetConfig } from "../../provider/pulumi/settings";
import { interruptedCreate, withStderr } from "../pulumi/interrupted-run-helpers";

let em: AntsEmulator;
const dir = mkdtempSync(join(tmpdir(), "ants-interrupted-"));
const membersPath = join(dir, "members.csv");
const otherPath = join(dir, "other.csv");

beforeAll(async () => {
  em = await startAntsEmulator({ computeDelayMs: 0, clients: [{ clientId: "emulator-client", clientSecret: "emulator-secret" }, { clientId: "colleague", clientSecret: "colleague-secret" }] });
  writeFileSync(membersPath, "email,phone\na@example.com,84900000001\n");
  writeFileSync(otherPath, "email,phone\nz@example.com,84900000009\n");
});
afterAll(async () => {
  await em?.close();
});

async function configure(extra: Record<string, string> = {}) {
  forgetConfig();
  forgetTokens();
  forgetClientCaches();
  forgetRecentCreates();
  const config: Record<string, string> = {
    "ants:baseUrl": em.url,
    "ants:authUrl": em.authUrl,
    "ants:clientId": "emulator-client",
    "ants:clientSecret": "emulator-secret",
    "ants:requestsPerMinute": "60000",
    ...extra,
  };
  await provider.configure({ config: { get: (k: string) => config[k] } });
}

beforeEach(async () => {
  em.reset();
  await configure();
});

async function def(name: string, patch: Record<string, unknown> = {}): Promise<CanonicalSegment> {
  const res = await provider.check({}, { name, audience: "customer", file: { path: membersPath }, matchRules: [{ column: "email", attribute: "email" }], schedule: { type: "static" }, ...patch });
  expect(res.failures ?? []).toEqual([]);
  return res.inputs as unknown as CanonicalSegment;
}

/** A segment someone else makes (another client of the account, as a colleague in the UI), in another "process". */
async function madeByColleague(c: CanonicalSegment): Promise<string> {
  await configure({ "ants:clientId": "colleague", "ants:clientSecret": "colleague-secret" });
  const id = await interruptedCreate("ANTS_INTERRUPTED_CREATE_WINDOW_HOURS", () => provider.create(c));
  await configure();
  return id;
}
const stored = (id: string) => em.store.allSegments().find((s) => String(s.segmentId) === id);
const creates = () => em.http.requests.filter((r) => r.path.endsWith("/segment/create") || r.path.endsWith("/segment/update")).length;

const interrupted = (c: CanonicalSegment) => interruptedCreate("ANTS_INTERRUPTED_CREATE_WINDOW_HOURS", () => provider.create(c));
const fullListings = () => em.http.requests.filter((r) => r.path.endsWith("/segment/listing") && (JSON.parse(r.body) as { search?: string }).search === undefined).length;

describe("ants: adopting what an interrupted run created (name, audience, static/dynamic, ctime)", () => {
  it("exact name, same audience and method, created recently: adopted with a warning naming its id, from one full Listing (its page and the empty page that confirms it)", async () => {
    const c = await def("vip");
    const id = await interrupted(c);
    em.http.clearLog();
    const { value, stderr: warnings } = await withStderr(() => findInterruptedCreate(new AntsClient(antsClientOptions()), c));
    expect(String(value?.segment_id)).toBe(id);
    expect(warnings).toMatch(new RegExp(`adopted ANTS segment ${id} \\("vip"\\), created by an interrupted run`));
    expect(fullListings()).toBe(2);
    expect(em.http.requests.map((r) => r.path)).toEqual(["/access/api/segment/listing", "/access/api/segment/listing"]);
  });

  it("another audience or static/dynamic is left alone", async () => {
    await interrupted(await def("vip", { audience: "visitor" }));
    await interrupted(await def("vip", { schedule: { type: "dynamic", repeat: { every: 1, unit: "days" }, start: { day: "2025-01-06", hour: "03:00" } } }));
    expect(await findInterruptedCreate(new AntsClient(antsClientOptions()), await def("vip"))).toBeUndefined();
  });

  it("what Listing cannot show is not told apart: another member file with the same name and audience is adopted (the caller re-applies the definition)", async () => {
    const id = await interrupted(await def("vip", { file: { path: otherPath } }));
    const c = await def("vip");
    const { value } = await withStderr(() => findInterruptedCreate(new AntsClient(antsClientOptions()), c));
    expect(String(value?.segment_id)).toBe(id);
  });

  it("older than the window is left alone; window 0 makes no request", async () => {
    const c = await def("vip");
    await interrupted(c);
    await new Promise((r) => setTimeout(r, 400));
    await configure({ "ants:interruptedCreateWindowHours": String(0.3 / 3600) });
    expect(await findInterruptedCreate(new AntsClient(antsClientOptions()), c)).toBeUndefined();
    await configure({ "ants:interruptedCreateWindowHours": "0" });
    em.http.clearLog();
    expect(await findInterruptedCreate(new AntsClient(antsClientOptions()), c)).toBeUndefined();
    expect(em.http.requests).toEqual([]);
  });

  it("with ants:updateStrategy replace nothing is adopted: the definition could not be applied to what Listing cannot show", async () => {
    const c = await def("vip");
    await interrupted(c);
    await configure({ "ants:updateStrategy": "replace" });
    em.http.clearLog();
    expect(await findInterruptedCreate(new AntsClient(antsClientOptions()), c)).toBeUndefined();
    expect(em.http.requests).toEqual([]);
  });

  it("a same-name segment another creator made, with no segment of these credentials in the account: the create refuses, naming it and the ways out, and sends nothing", async () => {
    const c = await def("vip");
    const theirs = await madeByColleague(c);
    em.http.clearLog();
    const err = await provider.create(c).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(new RegExp(`^cannot create "vip": ANTS has a segment with this name .*: ${theirs} \\(created by "colleague"; no segment of the account shows the creator these credentials create with`));
    expect(err?.message).toMatch(/`adopt: true`.*ants:interruptedCreateWindowHours = 0/);
    expect(creates()).toBe(0);
    expect(stored(theirs)?.updatedBy).toBe("colleague");
  });

  it("a same-name segment another creator made, where the account shows these credentials' segments: left alone, a new one is created", async () => {
    await interrupted(await def("ours, older"));
    const c = await def("vip");
    const theirs = await madeByColleague(c);
    const before = stored(theirs);
    const { id } = await provider.create(c);
    expect(id).not.toBe(theirs);
    expect(stored(theirs)).toEqual(before);
    expect(stored(id)?.createdBy).toBe("emulator-client");
  });

  it("with a ready token the creator cannot be told: a recent same-name segment stops the create", async () => {
    const c = await def("vip");
    const id = await interrupted(c);
    const token = await (await fetch(`${em.authUrl}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: "emulator-client", client_secret: "emulator-secret", scope: "segment,item" }),
    })).json() as { accessToken: string };
    await configure({ "ants:clientId": "", "ants:clientSecret": "", "ants:accessToken": token.accessToken });
    await expect(provider.create(c)).rejects.toThrow(new RegExp(`${id} \\(created by "emulator-client"; with a ready token \\(ants:accessToken\\) the provider cannot tell`));
  });

  it("each segment is adopted once per process; a second identical definition finds none", async () => {
    const c = await def("vip");
    const id = await interrupted(c);
    const client = new AntsClient(antsClientOptions());
    const { value } = await withStderr(() => Promise.all([findInterruptedCreate(client, c), findInterruptedCreate(client, c)]));
    expect(value.map((a) => (a ? String(a.segment_id) : undefined))).toEqual([id, undefined]);
  });
});
