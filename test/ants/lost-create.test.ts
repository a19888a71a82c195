import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ANTS_FAULT_REPLIES } from "../../emulators/ants/routes";
import { startAntsEmulator, type AntsEmulator } from "../../emulators/ants/server";
import type { EmulatorRequest } from "../../emulators/harness/http-server";
import { forgetTokens } from "../../provider/ants/auth";
import { forgetClientCaches } from "../../provider/ants/client";
import { segmentProvider as provider } from "../../provider/ants/provider";
import type { CanonicalSegment } from "../../provider/ants/canonical";
import { forgetRecentCreates } from "../../provider/pulumi/recent-create-finder";
import { forgetConfig } from "../../provider/pulumi/settings";

// An ANTS create whose answer is lost (a 502 that never reached the CDP, or a held request the CDP
// runs after the client gave up): a listed segment is taken as this create's only when it has the
// name, a `ctime` since the request, no other holder in the process, and this client as its creator.
const CLIENT = "lost-create-client";
let em: AntsEmulator;
const dir = mkdtempSync(join(tmpdir(), "ants-lost-create-"));
const membersPath = join(dir, "members.csv");

beforeAll(async () => {
  writeFileSync(membersPath, "customer_id,email\n1001,a@example.com\n");
  em = await startAntsEmulator({ computeDelayMs: 0, clients: [{ clientId: CLIENT, clientSecret: "lost-create-secret" }] });
});
afterAll(async () => {
  await em?.close();
  forgetConfig();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  em.reset();
  em.http.clearFaults();
  forgetConfig();
  forgetTokens();
  forgetClientCaches();
  forgetRecentCreates();
  const config: Record<string, string> = {
    "ants:baseUrl": em.url,
    "ants:authUrl": em.authUrl,
    "ants:clientId": CLIENT,
    "ants:clientSecret": "lost-create-secret",
    "ants:requestsPerMinute": "60000",
    "ants:timeoutMs": "300",
    "ants:maxRetries": "0",
    // The interrupted-run look-up is another test's subject.
    "ants:interruptedCreateWindowHours": "0",
  };
  await provider.configure({ config: { get: (k: string) => config[k] } });
});

async function def(name: string): Promise<CanonicalSegment> {
  const res = await provider.check({}, { name, audience: "customer", file: { path: membersPath }, matchRules: [{ column: "customer_id", attribute: "customer_id" }], schedule: { type: "static" } });
  expect(res.failures ?? []).toEqual([]);
  return res.inputs as unknown as CanonicalSegment;
}
const isListing = (r: EmulatorRequest) => r.method === "POST" && r.path.endsWith("/segment/listing");
/** The first page of a Listing (the next page, asked to confirm the end, is the emulator's own: empty for these names). */
const isFirstListingPage = (r: EmulatorRequest) => isListing(r) && (JSON.parse(r.rawBody.toString("utf8") || "{}") as { page?: number }).page === 1;
const listingOf = (entries: Record<string, unknown>[]) => ({ status: 200, body: { code: 200, message: "Success", data: { entries, meta: { perPage: 100, total: entries.length } } } });
const segments = () => em.store.allSegments().map((s) => String(s.segmentId));

describe("ants create whose answer was lost", () => {
  it("a listed segment without ctime is not taken as this create's (not counted as recent)", async () => {
    const c = await def("no ctime");
    em.http.failNext({ reply: ANTS_FAULT_REPLIES.serverError(502), match: ANTS_FAULT_REPLIES.isCreate });
    // Every look-up sees one same-name customer segment by this very client, without a ctime.
    const entry = { segment_id: 990001, segment_display: "no ctime", item_type_id: -1003, update_method: "static", c_user_id: CLIENT, ctime: null };
    em.http.failNext({ reply: listingOf([entry]), match: isFirstListingPage }, 20);
    await expect(provider.create(c)).rejects.toThrow(/no segment named "no ctime" appeared/);
  });

  it("the segment the held POST created, by this client, is recorded (no orphan, no second POST)", async () => {
    const c = await def("held create");
    em.http.failNext({ delayMs: 500, match: ANTS_FAULT_REPLIES.isCreate });
    const { id } = await provider.create(c);
    expect(segments()).toEqual([id]);
    expect(em.http.requests.filter((r) => r.method === "POST" && r.path.endsWith("/segment/create"))).toHaveLength(1);
  });

  it("a same-name segment by another creator is never taken: the create fails naming it and its creator", async () => {
    const c = await def("ui twin");
    em.http.failNext({ reply: ANTS_FAULT_REPLIES.serverError(502), match: ANTS_FAULT_REPLIES.isCreate });
    const entry = { segment_id: 990002, segment_display: "ui twin", item_type_id: -1003, update_method: "static", c_user_id: "Jane in the UI", ctime: new Date().toISOString() };
    em.http.failNext({ reply: listingOf([entry]), match: isFirstListingPage }, 20);
    await expect(provider.create(c)).rejects.toThrow(/no segment named "ui twin" created since the request is proven to be its: 990002 \(created by "Jane in the UI"; .*\)\. Check ANTS/);
  });
});
