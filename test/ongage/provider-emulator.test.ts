import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { segmentProvider } from "../../provider/ongage/provider";
import { recipientsProvider } from "../../provider/ongage/recipients-provider";
import type { CanonicalSegment, SegmentOutputs } from "../../provider/ongage/canonical";
import { forgetClaims } from "../../provider/pulumi/claims";
import { forgetConfig } from "../../provider/pulumi/settings";

const CREDS = { username: "prov-user", password: "prov-Secret-123", accountCode: "PROVACC" };
const LIST = 10000;
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
    ONGAGE_TIMEOUT_MS: "1500",
  });
});
afterAll(async () => {
  process.env = saved;
  await emu.close();
});
beforeEach(() => {
  emu.http.clearFaults();
  emu.http.clearLog();
});

async function checked(news: Record<string, unknown>): Promise<CanonicalSegment> {
  const res = await segmentProvider.check({}, news);
  expect(res.failures ?? []).toEqual([]);
  return res.inputs as unknown as CanonicalSegment;
}

const posts = () => emu.http.requests.filter((r) => r.method === "POST" && /\/api\/segments$/.test(r.path));

async function listNamed(name: string): Promise<string[]> {
  const res = await fetch(`${emu.url}/${LIST}/api/segments?limit=1000`, {
    headers: { X_USERNAME: CREDS.username, X_PASSWORD: CREDS.password, X_ACCOUNT_CODE: CREDS.accountCode },
  });
  const body = (await res.json()) as { payload: Array<{ id: string; name: string }> };
  return body.payload.filter((s) => s.name === name).map((s) => s.id);
}

describe("ongage provider against the emulator", () => {
  it("create → read equals outputs → no diff → update → read → delete → read gone", async () => {
    const inputs = await checked({ name: "lifecycle", rules: [
      { type: "email", field: "email", operator: "LIKE", values: ["gmail"] },
      { type: "date_absolute", field: "birthdate", operator: "<", values: ["1998-01-10"] },
      { type: "numeric", field: "product_id", operator: "><", values: [1, 9] },
      { type: "date_relative", field: "ocx_created_date", operator: "<=", values: [13] },
      { type: "behavioral", event: "clicked", operator: "=", operand: { timeRange: { operator: "custom", fromDate: "2017-02-01 10:30:00", toDate: "2017-02-23T10:30:00Z" } } },
    ] });
    const { id, outs } = await segmentProvider.create(inputs);
    const read = await segmentProvider.read(id, outs);
    expect(read.props).toEqual(outs);
    expect(read.inputs).toEqual(inputs);
    expect(await segmentProvider.diff(id, outs, inputs)).toEqual({ changes: false, replaces: [] });

    const renamed = await checked({ name: "lifecycle 2", rules: [{ type: "email", field: "email", operator: "notempty" }] });
    const diff = await segmentProvider.diff(id, outs, renamed);
    expect(diff).toEqual({ changes: true, replaces: [] });
    const { outs: outs2 } = await segmentProvider.update(id, outs, renamed);
    expect((await segmentProvider.read(id, outs2)).props).toEqual(outs2);
    expect(await segmentProvider.diff(id, outs2, renamed)).toMatchObject({ changes: false });

    await segmentProvider.delete(id, outs2);
    expect(await segmentProvider.read(id, outs2)).toEqual({});
    await expect(segmentProvider.delete(id, outs2)).resolves.toBeUndefined();
  });

  it("refresh sees an edit made in Ongage as drift in props and inputs", async () => {
    const inputs = await checked({ name: "drift", description: "before", rules: [{ type: "string", field: "first_name", operator: "=", values: ["Ann"] }] });
    const { id, outs } = await segmentProvider.create(inputs);
    const headers = { X_USERNAME: CREDS.username, X_PASSWORD: CREDS.password, X_ACCOUNT_CODE: CREDS.accountCode };
    const fields = (await (await fetch(`${emu.url}/${LIST}/api/list_fields`, { headers })).json()) as { payload: Array<{ id: number; name: string }> };
    const firstName = fields.payload.find((f) => f.name === "first_name")!.id;
    const res = await fetch(`${emu.url}/${LIST}/api/segments/${id}`, {
      method: "PUT",
      headers: { "content-type": "application/json", X_USERNAME: CREDS.username, X_PASSWORD: CREDS.password, X_ACCOUNT_CODE: CREDS.accountCode },
      body: JSON.stringify({ name: "drift", type: "Active", description: "edited in the UI", criteria: [{ type: "string", field_id: firstName, operator: "=", operand: ["Bob"], condition: "and", position: 0 }] }),
    });
    expect(res.status).toBe(200);
    const read = await segmentProvider.read(id, outs);
    expect(read.props?.description).toBe("edited in the UI");
    expect(read.inputs?.rules[0]?.values).toEqual(["Bob"]);
    expect((await segmentProvider.diff(id, read.props as SegmentOutputs, inputs)).changes).toBe(true);
  });

  it("a create whose response is lost after the commit adopts the segment instead of posting twice", async () => {
    const inputs = await checked({ name: "lost response", rules: [{ type: "email", field: "email", operator: "notempty" }] });
    emu.http.failNext({ dropAfterCommit: true, match: (r) => r.method === "POST" });
    const { id, outs } = await segmentProvider.create(inputs);
    expect(posts()).toHaveLength(1);
    expect(await listNamed("lost response")).toEqual([id]);
    expect(await segmentProvider.diff(id, outs, inputs)).toMatchObject({ changes: false });
  });

  it("refresh drops a segment Ongage reports as not found inside an HTTP 200 body (one way: NotFoundError)", async () => {
    const inputs = await checked({ name: "gone in a 200", rules: [] });
    const { id, outs } = await segmentProvider.create(inputs);
    emu.http.failNext({
      reply: { status: 200, body: { metadata: { error: true }, payload: { code: 404, errors: [], message: "Segment not found" } } },
      match: (r) => r.method === "GET" && r.path.endsWith(`/api/segments/${id}`),
    });
    await expect(segmentProvider.read(id, outs)).resolves.toEqual({});
    // A real failure in the same shape is not mistaken for "gone".
    emu.http.failNext({
      reply: { status: 200, body: { metadata: { error: true }, payload: { code: 412, errors: [], message: "Invalid data" } } },
      match: (r) => r.method === "GET" && r.path.endsWith(`/api/segments/${id}`),
    });
    await expect(segmentProvider.read(id, outs)).rejects.toThrow(/412/);
  });

  it("a create answered by a server error is not retried (it may have been processed)", async () => {
    const inputs = await checked({ name: "server error", rules: [] });
    emu.http.failNext({ reply: { status: 503, body: { metadata: { error: true }, payload: { code: 503, errors: [], message: "Service unavailable" } } }, match: (r) => r.method === "POST" });
    await expect(segmentProvider.create(inputs)).rejects.toThrow(/ongage POST \/10000\/api\/segments → 503 Service unavailable/);
    expect(posts()).toHaveLength(1);
  });

  it("a 429 on create is retried (nothing was processed) and creates exactly one segment", async () => {
    const inputs = await checked({ name: "rate limited", rules: [] });
    emu.http.failNext({ reply: { status: 429, headers: { "retry-after": "0" }, body: { metadata: { error: true }, payload: { code: 429, errors: [], message: "Calls per minute exceeded" } } }, match: (r) => r.method === "POST" }, 2);
    const { id } = await segmentProvider.create(inputs);
    expect(posts()).toHaveLength(3);
    expect(await listNamed("rate limited")).toEqual([id]);
  });

  it("adopt takes over the one existing segment with that name and converges it without a POST", async () => {
    const first = await segmentProvider.create(await checked({ name: "adoptee", description: "old", rules: [] }));
    forgetClaims(); // the adopting run is another process: this one's claim on its own create would refuse it
    emu.http.clearLog();
    const { id, outs } = await segmentProvider.create(await checked({ name: "adoptee", description: "new", adopt: true, rules: [] }));
    expect(id).toBe(first.id);
    expect(outs.description).toBe("new");
    expect(posts()).toHaveLength(0);
  });

  it("adopt refuses an ambiguous name, listing the ids", async () => {
    await segmentProvider.create(await checked({ name: "twin", rules: [] }));
    await segmentProvider.create(await checked({ name: "twin", rules: [] }));
    await expect(segmentProvider.create(await checked({ name: "twin", adopt: true, rules: [] }))).rejects.toThrow(/2 segments share that name/);
  });

  it("an unknown list field name fails before anything is created, naming the rule and the known fields", async () => {
    const inputs = await checked({ name: "bad field", rules: [{ type: "string", field: "favourite_colour", operator: "notempty" }] });
    await expect(segmentProvider.create(inputs)).rejects.toThrow(/rules\[0\]\.field: list 10000 has no field named "favourite_colour" \(fields: .*first_name/);
    expect(posts()).toHaveLength(0);
  });

  it("wrong credentials give an authentication error without any credential text", async () => {
    process.env.ONGAGE_PASSWORD = "wrong-password-xyz";
    try {
      const err = await segmentProvider.create(await checked({ name: "auth", rules: [] })).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).name).toBe("AuthenticationError");
      expect((err as Error).message).toMatch(/→ 401/);
      expect((err as Error).message).not.toMatch(/wrong-password-xyz|prov-user|PROVACC/);
    } finally {
      process.env.ONGAGE_PASSWORD = CREDS.password;
    }
  });

  it("external recipients: unchanged content makes no call; changed content re-populates", async () => {
    const seg = await segmentProvider.create(await checked({ name: "crm", external: {} }));
    const news = (await recipientsProvider.check({}, { segmentId: seg.id, recipients: [{ email: " b@example.com ", first_name: "B" }, { email: "a@example.com" }] })).inputs as never;
    const created = await recipientsProvider.create(news);
    expect(created.outs).toMatchObject({ segmentId: seg.id, recipientCount: 2 });
    expect(await recipientsProvider.diff(created.id, created.outs, news)).toEqual({ changes: false, replaces: [] });
    const reordered = (await recipientsProvider.check({}, { segmentId: seg.id, recipients: [{ email: "a@example.com" }, { email: "b@example.com", first_name: "B" }] })).inputs as never;
    expect((await recipientsProvider.diff(created.id, created.outs, reordered)).changes).toBe(false);
    const changed = (await recipientsProvider.check({}, { segmentId: seg.id, recipients: [{ email: "c@example.com" }] })).inputs as never;
    expect((await recipientsProvider.diff(created.id, created.outs, changed)).changes).toBe(true);
    emu.http.clearLog();
    await recipientsProvider.update(created.id, created.outs, changed);
    expect(emu.http.requests.filter((r) => r.path.endsWith("/populate_external"))).toHaveLength(1);
  });
});
