import { ongageClientOptions } from "../../provider/ongage/settings";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { OngageClient } from "../../provider/ongage/client";
import { findInterruptedCreate } from "../../provider/ongage/interrupted-create";
import { segmentProvider } from "../../provider/ongage/provider";
import type { CanonicalSegment } from "../../provider/ongage/canonical";
import { forgetRecentCreates } from "../../provider/pulumi/recent-create-finder";
import { forgetConfig } from "../../provider/pulumi/settings";
import { interruptedCreate, withStderr } from "../pulumi/interrupted-run-helpers";

const CREDS = { username: "intr-user", password: "intr-Secret-123", accountCode: "INTRACC" };
const LIST = 10000;
let emu: OngageEmulator;
/** Offset of the emulator's clock from real time (to make segments that are old). */
let skewMs = 0;
const saved = { ...process.env };

beforeAll(async () => {
  emu = await startOngageEmulator({ credentials: CREDS, defaultListId: LIST, now: () => Date.now() + skewMs });
  Object.assign(process.env, {
    ONGAGE_BASE_URL: emu.url,
    ONGAGE_USERNAME: CREDS.username,
    ONGAGE_PASSWORD: CREDS.password,
    ONGAGE_ACCOUNT_CODE: CREDS.accountCode,
    ONGAGE_LIST_ID: String(LIST),
  });
});
afterAll(async () => {
  process.env = saved;
  await emu.close();
});
beforeEach(() => {
  emu.reset();
  skewMs = 0;
  forgetConfig();
  delete process.env.ONGAGE_INTERRUPTED_CREATE_WINDOW_HOURS;
  newProcess();
});

/** A new provider process: no listing taken, nothing adopted yet. */
function newProcess() {
  forgetRecentCreates();
}

async function checked(news: Record<string, unknown>): Promise<CanonicalSegment> {
  const res = await segmentProvider.check({}, news);
  expect(res.failures ?? []).toEqual([]);
  return res.inputs as unknown as CanonicalSegment;
}
const def = (name: string, patch: Record<string, unknown> = {}) =>
  checked({ name, description: "vip", rules: [{ type: "email", field: "email", operator: "LIKE", values: ["@vip.example.com"] }, { type: "numeric", field: "product_id", operator: ">", values: [3], condition: "or" }], ...patch });

const interrupted = (c: CanonicalSegment) => interruptedCreate("ONGAGE_INTERRUPTED_CREATE_WINDOW_HOURS", () => segmentProvider.create(c));
// One listing is its page and the empty page that confirms it (provider/http/listing.ts).
const listings = () => emu.http.requests.filter((r) => r.method === "GET" && /\/api\/segments$/.test(r.path)).length;
const reads = () => emu.http.requests.filter((r) => r.method === "GET" && /\/api\/segments\/\d+$/.test(r.path)).length;

describe("ongage: adopting what an interrupted run created", () => {
  it("same list, exact name, identical definition, created recently: adopted with a warning naming its id; one listing, one read", async () => {
    const c = await def("vip buyers");
    const id = await interrupted(c);
    emu.http.clearLog();
    const { value: outs, stderr } = await withStderr(() => findInterruptedCreate(new OngageClient(ongageClientOptions()), c));
    expect(outs).toMatchObject({ id, name: "vip buyers", list_id: String(LIST) });
    expect(stderr).toMatch(new RegExp(`adopted Ongage segment ${id} \\("vip buyers"\\), created by an interrupted run \\d+ s ago`));
    expect({ listings: listings(), reads: reads() }).toEqual({ listings: 2, reads: 1 });
  });

  it("a same-name segment with a different definition is left alone", async () => {
    await interrupted(await def("vip buyers", { description: "other" }));
    await interrupted(await def("vip buyers", { rules: [{ type: "email", field: "email", operator: "LIKE", values: ["@other.example.com"] }] }));
    emu.http.clearLog();
    expect(await findInterruptedCreate(new OngageClient(ongageClientOptions()), await def("vip buyers"))).toBeUndefined();
    expect(reads()).toBe(2);
  });

  it("a name that differs only in case or spacing inside is not the same name", async () => {
    await interrupted(await def("VIP buyers"));
    await interrupted(await def("vip  buyers"));
    expect(await findInterruptedCreate(new OngageClient(ongageClientOptions()), await def("vip buyers"))).toBeUndefined();
  });

  it("older than the window (default 24 h) is left alone; a longer window adopts it", async () => {
    skewMs = -25 * 3_600_000;
    const c = await def("old one");
    const id = await interrupted(c);
    skewMs = 0;
    expect(await findInterruptedCreate(new OngageClient(ongageClientOptions()), c)).toBeUndefined();
    newProcess();
    process.env.ONGAGE_INTERRUPTED_CREATE_WINDOW_HOURS = "26";
    expect((await withStderr(() => findInterruptedCreate(new OngageClient(ongageClientOptions()), c))).value).toMatchObject({ id });
  });

  it("window 0 turns adoption off without any request; a bad window value names both settings", async () => {
    const c = await def("vip buyers");
    await interrupted(c);
    emu.http.clearLog();
    process.env.ONGAGE_INTERRUPTED_CREATE_WINDOW_HOURS = "0";
    expect(await findInterruptedCreate(new OngageClient(ongageClientOptions()), c)).toBeUndefined();
    expect(emu.http.requests).toEqual([]);
    process.env.ONGAGE_INTERRUPTED_CREATE_WINDOW_HOURS = "a day";
    await expect(findInterruptedCreate(new OngageClient(ongageClientOptions()), c)).rejects.toThrow(/ongage:interruptedCreateWindowHours \/ ONGAGE_INTERRUPTED_CREATE_WINDOW_HOURS must be a number of hours/);
  });

  it("a deleted segment is not adopted", async () => {
    const c = await def("vip buyers");
    const id = await interrupted(c);
    await new OngageClient(ongageClientOptions()).deleteSegment(LIST, id);
    expect(await findInterruptedCreate(new OngageClient(ongageClientOptions()), c)).toBeUndefined();
  });

  it("each segment is adopted once: two identical definitions take the two copies, newest first; a third finds none", async () => {
    const c = await def("twin");
    const older = await interrupted(c);
    skewMs = 5_000;
    const newer = await interrupted(c);
    const client = new OngageClient(ongageClientOptions());
    const [a, b, third] = (await withStderr(() => Promise.all([findInterruptedCreate(client, c), findInterruptedCreate(client, c), findInterruptedCreate(client, c)]))).value;
    expect([a?.id, b?.id, third]).toEqual([newer, older, undefined]);
  });

  it("one listing per process, shared by every create; one read per name match", async () => {
    for (let i = 0; i < 5; i++) await interrupted(await def(`many ${i}`));
    emu.http.clearLog();
    const client = new OngageClient(ongageClientOptions());
    const found = (await withStderr(() => Promise.all(Array.from({ length: 8 }, async (_, i) => findInterruptedCreate(client, await def(`many ${i}`)))))).value;
    expect(found.filter(Boolean)).toHaveLength(5);
    expect({ listings: listings(), reads: reads() }).toEqual({ listings: 2, reads: 5 });
  });

  it("a failed listing fails the create (nothing posted) and is asked again by the next create", async () => {
    const c = await def("vip buyers");
    const id = await interrupted(c);
    emu.http.failNext({ reply: { status: 403, body: { metadata: { error: true }, payload: { code: 403, errors: [], message: "Forbidden" } } } });
    await expect(findInterruptedCreate(new OngageClient(ongageClientOptions()), c)).rejects.toThrow();
    expect((await withStderr(() => findInterruptedCreate(new OngageClient(ongageClientOptions()), c))).value).toMatchObject({ id });
  });
});
