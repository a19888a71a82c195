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
  em = await startAntsEmulator({ computeDelayMs: 0, clients: [{ clientId: "emulator-client", clientSecret: "emulator-secret" }] });
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

const interrupted = (c: CanonicalSegment) => interruptedCreate("ANTS_INTERRUPTED_CREATE_WINDOW_HOURS", () => provider.create(c));
const fullListings = () => em.http.requests.filter((r) => r.path.endsWith("/segment/listing") && (JSON.parse(r.body) as { search?: string }).search === undefined).length;

describe("ants: adopting what an interrupted run created (name, audience, static/dynamic, ctime)", () => {
  it("exact name, same audience and method, created recently: adopted with a warning naming its id, from one full Listing", async () => {
    const c = await def("vip");
    const id = await interrupted(c);
    em.http.clearLog();
    const { value, stderr: warnings } = await withStderr(() => findInterruptedCreate(new AntsClient(antsClientOptions()), c));
    expect(String(value?.segment_id)).toBe(id);
    expect(warnings).toMatch(new RegExp(`adopted ANTS segment ${id} \\("vip"\\), created by an interrupted run`));
    expect(fullListings()).toBe(1);
    expect(em.http.requests.map((r) => r.path)).toEqual(["/access/api/segment/listing"]);
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

  it("each segment is adopted once per process; a second identical definition finds none", async () => {
    const c = await def("vip");
    const id = await interrupted(c);
    const client = new AntsClient(antsClientOptions());
    const { value } = await withStderr(() => Promise.all([findInterruptedCreate(client, c), findInterruptedCreate(client, c)]));
    expect(value.map((a) => (a ? String(a.segment_id) : undefined))).toEqual([id, undefined]);
  });
});
