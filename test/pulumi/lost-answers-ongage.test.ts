import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { ONGAGE_FAULT_REPLIES } from "../../emulators/ongage/routes";
import { segmentProvider } from "../../provider/ongage/provider";
import type { CanonicalSegment } from "../../provider/ongage/canonical";
import { forgetConfig } from "../../provider/pulumi/settings";

// The chaos test's lost delete, made deterministic: the first DELETE is held by the server past the
// client's per-attempt timeout (the server still runs it afterwards), and the retry of that DELETE
// is refused with a 429. The last answer alone says "nothing was processed", yet the first attempt
// was: the segment is gone. A delete reported as failed keeps the segment in Pulumi's state, so a
// failed delete must mean the segment still exists — here the delete must succeed.
const CREDS = { username: "lost-del-user", password: "lost-del-Secret-1", accountCode: "LOSTDEL" };
const LIST = 10000;
const TIMEOUT_MS = 300;
const HOLD_MS = 600;
let emu: OngageEmulator;
const saved = { ...process.env };

beforeAll(async () => {
  emu = await startOngageEmulator({ credentials: CREDS, defaultListId: LIST });
  forgetConfig();
  Object.assign(process.env, {
    ONGAGE_BASE_URL: emu.url,
    ONGAGE_USERNAME: CREDS.username,
    ONGAGE_PASSWORD: CREDS.password,
    ONGAGE_ACCOUNT_CODE: CREDS.accountCode,
    ONGAGE_LIST_ID: String(LIST),
    ONGAGE_TIMEOUT_MS: String(TIMEOUT_MS),
    ONGAGE_MAX_RETRIES: "1",
    ONGAGE_RETRY_BASE_MS: "20",
  });
});
afterAll(async () => {
  process.env = saved;
  forgetConfig();
  await emu.close();
});
beforeEach(() => {
  emu.http.clearFaults();
  emu.http.clearLog();
});

const isDelete = (r: { method: string }) => r.method === "DELETE";
const live = (id: string) => emu.store.allSegments().some((s) => s.id === id && s.deleted === "0");

async function created(name: string) {
  const res = await segmentProvider.check({}, { name, rules: [{ type: "email", field: "email", operator: "LIKE", values: ["@lost.example.com"] }] });
  expect(res.failures ?? []).toEqual([]);
  return segmentProvider.create(res.inputs as unknown as CanonicalSegment);
}

describe("ongage delete whose first attempt's answer was lost", () => {
  it("succeeds when the held first DELETE removed the segment although the retry got a 429", async () => {
    const { id, outs } = await created("lost delete 429");
    emu.http.failNext({ delayMs: HOLD_MS, match: isDelete });
    emu.http.failNext({ reply: ONGAGE_FAULT_REPLIES.rateLimited(), match: isDelete });
    await expect(segmentProvider.delete(id, outs)).resolves.toBeUndefined();
    expect(live(id)).toBe(false);
  });

  it("fails, leaving the segment in Ongage, when no attempt was processed (two 429s)", async () => {
    const { id, outs } = await created("refused delete");
    emu.http.failNext({ reply: ONGAGE_FAULT_REPLIES.rateLimited(), match: isDelete }, 2);
    await expect(segmentProvider.delete(id, outs)).rejects.toThrow(/429/);
    expect(live(id)).toBe(true);
    // Reported failure ⇒ still there: no DELETE reached the route.
    expect(emu.http.requests.filter(isDelete).map((r) => r.status)).toEqual([429, 429]);
  });
});

describe("ongage create whose answer was lost while the listing fails", () => {
  it("keeps looking while the look-up fails and records the segment the held POST created (no orphan)", async () => {
    const res = await segmentProvider.check({}, { name: "lost create, failing listing", rules: [{ type: "email", field: "email", operator: "LIKE", values: ["@lost.example.com"] }] });
    emu.http.failNext({ delayMs: HOLD_MS, match: (r) => r.method === "POST" });
    // The first look-up answers (empty: the POST is still held); the next three fail, each after its retry.
    const isListing = (r: { method: string; path: string }) => r.method === "GET" && r.path.endsWith("/api/segments");
    let listings = 0;
    emu.http.setFaultPolicy((r) => (isListing(r) && ++listings >= 2 && listings <= 7 ? { reply: ONGAGE_FAULT_REPLIES.serverError(503) } : undefined));
    try {
      const { id } = await segmentProvider.create(res.inputs as unknown as CanonicalSegment);
      expect(live(id)).toBe(true);
      expect(emu.store.allSegments().filter((s) => s.name === "lost create, failing listing").map((s) => s.id)).toEqual([id]);
    } finally {
      emu.http.setFaultPolicy(undefined);
    }
  });
});
