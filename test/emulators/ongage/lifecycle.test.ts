import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { jsonFileState, stateSection } from "../../../emulators/harness/state-file";
import { type OngageEmulator, startOngageEmulator } from "../../../emulators/ongage/server";
import { call, EMAIL_DATE_LIST, errorEnvelope } from "./http";

let clockMs = Date.UTC(2024, 0, 1);
let em: OngageEmulator;
beforeAll(async () => {
  em = await startOngageEmulator({ defaultListId: 10000, lists: [EMAIL_DATE_LIST], now: () => clockMs });
});
afterAll(async () => em.close());
beforeEach(() => em.reset());

const rule = (operand: string[], extra: Record<string, unknown> = {}) => ({ field_id: 1234, type: "email", position: 0, operator: "LIKE", operand, condition: "and", ...extra });

async function create(body: Record<string, unknown>, listId = 2001): Promise<any> {
  const r = await call(em, "POST", `/${listId}/api/segments`, { type: "Active", ...body });
  expect(r.status, r.text).toBe(200);
  return r.body.payload;
}

describe("PUT /api/segments/<id>", () => {
  it("replaces the whole rule set with new rule ids, bumps modified, returns the GET-one shape", async () => {
    const seg = await create({ name: "v1", criteria: [rule(["gmail"]), rule(["yahoo"], { position: 1, condition: "or" })] });
    clockMs += 60_000;
    const r = await call(em, "PUT", `/2001/api/segments/${seg.id}`, { name: "v2", type: "Active", description: "d", criteria: [rule(["hotmail"])] });
    expect(r.status).toBe(200);
    const got = await call(em, "GET", `/2001/api/segments/${seg.id}`);
    expect(got.body.payload).toEqual(r.body.payload);
    const up = r.body.payload;
    expect(up).toMatchObject({ id: seg.id, name: "v2", description: "d", created: seg.created, mailings: [], can_delete: true });
    expect(Number(up.modified)).toBe(Number(seg.modified) + 60);
    expect(Number(up.user_modified)).toBe(Number(seg.user_modified) + 60);
    expect(up.rules).toHaveLength(1);
    expect(up.rules[0].operand).toBe('["hotmail"]');
    expect(seg.rules.map((x: any) => x.id)).not.toContain(up.rules[0].id);
  });

  it("requires name and type; ignores the external fields, which PUT does not accept", async () => {
    const seg = await create({ name: "v1" });
    const noName = await call(em, "PUT", `/2001/api/segments/${seg.id}`, { type: "Active" });
    expect(noName.status).toBe(412);
    expect(noName.body.payload.message).toContain("name:");
    expect((await call(em, "PUT", `/2001/api/segments/${seg.id}`, { name: "x" })).body.payload.message).toContain("type:");
    const r = await call(em, "PUT", `/2001/api/segments/${seg.id}`, { name: "v2", type: "Active", is_external: true, external_url: "https://x.example/a" });
    expect(r.body.payload).toMatchObject({ is_external: "0", external_url: null });
  });

  it("validates the new criteria against the kept white-list flag", async () => {
    const seg = await create({ name: "wl", is_whitelist: true, criteria: [rule(["a@b.co"], { operator: "=" })] });
    const r = await call(em, "PUT", `/2001/api/segments/${seg.id}`, { name: "wl", type: "Active", criteria: [rule(["gmail"])] });
    expect(r.status).toBe(412);
    expect(r.body.payload.message).toContain("criteria[0].operator:");
  });

  it("unknown or deleted segment → 404", async () => {
    expect((await call(em, "PUT", "/2001/api/segments/999", { name: "x", type: "Active" })).body).toEqual(errorEnvelope(404));
  });
});

describe("DELETE /api/segments/<id>", () => {
  it("soft-deletes: GET 404, collection omits it, a second DELETE is 404, the store keeps it flagged", async () => {
    const keep = await create({ name: "keep" });
    const gone = await create({ name: "gone" });
    expect((await call(em, "DELETE", `/2001/api/segments/${gone.id}`)).status).toBe(200);
    expect((await call(em, "GET", `/2001/api/segments/${gone.id}`)).body).toEqual(errorEnvelope(404));
    const list = await call(em, "GET", "/2001/api/segments");
    expect(list.body.metadata.total).toBe("1");
    expect(list.body.payload.map((s: any) => s.id)).toEqual([keep.id]);
    expect((await call(em, "DELETE", `/2001/api/segments/${gone.id}`)).status).toBe(404);
    expect((await call(em, "DELETE", "/2001/api/segments/123456")).status).toBe(404);
    expect(em.store.rawSegment(Number(gone.id))?.deleted).toBe("1");
  });
});

describe("GET /api/segments (collection)", () => {
  it("summary rows with list_name and modifier, total as a string, offset/limit paging, sort and order", async () => {
    for (const name of ["c", "a", "d", "b", "e"]) await create({ name });
    const page1 = await call(em, "GET", "/2001/api/segments?limit=2&offset=0");
    expect(page1.body.metadata).toEqual({ error: false, total: "5" });
    expect(page1.body.payload).toHaveLength(2);
    const row = page1.body.payload[0];
    expect(row).not.toHaveProperty("rules");
    expect(Object.keys(row)).toEqual([
      "id", "list_id", "list_name", "name", "type", "description", "favorite", "last_sent", "last_count",
      "last_count_date", "created_by", "created", "modified", "deleted", "modifier",
    ]);
    expect(row).toMatchObject({ list_id: "2001", list_name: "Email and birthdate", deleted: "0", modifier: expect.any(String) });
    const all: string[] = [];
    for (let offset = 0; offset < 5; offset += 2) {
      const p = await call(em, "GET", `/2001/api/segments?limit=2&offset=${offset}`);
      all.push(...p.body.payload.map((s: any) => s.name));
    }
    expect(all).toEqual(["c", "a", "d", "b", "e"]);
    const byName = await call(em, "GET", "/2001/api/segments?sort=name&order=DESC&limit=3");
    expect(byName.body.payload.map((s: any) => s.name)).toEqual(["e", "d", "c"]);
    expect((await call(em, "GET", "/2001/api/segments?sort=nope")).status).toBe(412);
    expect((await call(em, "GET", "/2001/api/segments?order=UP")).status).toBe(412);
    expect((await call(em, "GET", "/2001/api/segments?limit=-1")).status).toBe(412);
  });

  it("only the addressed list's segments are listed", async () => {
    await create({ name: "in 2001" });
    await create({ name: "in default" }, 10000);
    const r = await call(em, "GET", "/api/segments");
    expect(r.body.payload.map((s: any) => s.name)).toEqual(["in default"]);
  });
});

describe("PUT /api/segments/<id>/populate_external", () => {
  it("trims emails, upserts recipients and keeps them in the store", async () => {
    const ext = await create({ name: "crm", is_external: true });
    const r = await call(em, "PUT", `/2001/api/segments/${ext.id}/populate_external`, {
      recipients: [{ email: "jane.doe1@somedomain.com" }, { email: " jane.doe2@somedomain.com " }],
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ metadata: { error: false }, payload: { segment_id: ext.id, received: "2", added: "2", updated: "0", total: "2" } });
    const again = await call(em, "PUT", `/2001/api/segments/${ext.id}/populate_external`, { recipients: [{ email: "JANE.DOE2@somedomain.com " }, { email: "x@y.io" }] });
    expect(again.body.payload).toMatchObject({ added: "1", updated: "1", total: "3" });
    expect(em.store.rawSegment(Number(ext.id))?.recipients.map((x) => x.email)).toEqual(["jane.doe1@somedomain.com", "JANE.DOE2@somedomain.com", "x@y.io"]);
  });

  it("rejects non-external segments, bad addresses, unknown field names and empty lists", async () => {
    const plain = await create({ name: "plain" });
    const ext = await create({ name: "crm", is_external: true });
    const put = (id: string, body: unknown) => call(em, "PUT", `/2001/api/segments/${id}/populate_external`, body);
    expect((await put(plain.id, { recipients: [{ email: "a@b.co" }] })).status).toBe(412);
    const bad = await put(ext.id, { recipients: [{ email: "a@b.co" }, { email: "not an address" }] });
    expect(bad.status).toBe(412);
    expect(bad.body.payload.message).toContain("recipients[1].email:");
    expect((await put(ext.id, { recipients: [{ email: "a@b.co", shoe_size: 9 }] })).body.payload.message).toContain("recipients[0].shoe_size:");
    expect((await put(ext.id, { recipients: [] })).status).toBe(412);
    expect((await put("999", { recipients: [{ email: "a@b.co" }] })).status).toBe(404);
    expect(em.store.rawSegment(Number(ext.id))?.recipients).toEqual([]);
  });
});

describe("contact counts", () => {
  it("POST with segment_id returns an id, updates last_count/last_count_date; GET returns the counts shape", async () => {
    const seg = await create({ name: "count me", criteria: [rule(["gmail"])] });
    clockMs += 3_600_000;
    const posted = await call(em, "POST", "/2001/api/contact_counts/", { segment_id: Number(seg.id) });
    expect(posted.status).toBe(200);
    expect(posted.body).toEqual({ metadata: { error: false }, payload: { id: expect.any(Number) } });
    const counts = await call(em, "GET", `/2001/api/contact_counts/${posted.body.payload.id}`);
    const p = counts.body.payload;
    expect(counts.body.metadata).toEqual({ error: false, total: String(p.active + p.bounced + p.complaint + p.unsubscribed) });
    for (const k of ["active", "bounced", "complaint", "unsubscribed"]) expect(typeof p[k]).toBe("number");
    const after = (await call(em, "GET", `/2001/api/segments/${seg.id}`)).body.payload;
    expect(after.last_count).toBe(String(p.active));
    expect(Number(after.last_count_date)).toBe(Number(seg.last_count_date) + 3600);
    expect(after.modified).toBe(seg.modified);
  });

  it("POST with criteria works without a segment; neither → 500 validation error; unknown ids → 404", async () => {
    const byCriteria = await call(em, "POST", "/2001/api/contact_counts", { criteria: [rule(["gmail"])] });
    expect(byCriteria.status).toBe(200);
    const none = await call(em, "POST", "/2001/api/contact_counts", {});
    expect(none.status).toBe(500);
    expect(none.body).toEqual(errorEnvelope(500));
    expect((await call(em, "POST", "/2001/api/contact_counts", { criteria: [rule(["x"], { operator: "??" })] })).body.payload.message).toContain("criteria[0].operator:");
    expect((await call(em, "POST", "/2001/api/contact_counts", { segment_id: 4242 })).status).toBe(404);
    expect((await call(em, "GET", "/2001/api/contact_counts/1")).status).toBe(404);
  });
});

describe("rate limit", () => {
  it("over the per-minute budget → 429 with the documented body, until the window passes", async () => {
    em.setRateLimit({ perMinute: 3 });
    try {
      for (let i = 0; i < 3; i++) expect((await call(em, "GET", "/api/segments")).status).toBe(200);
      const r = await call(em, "GET", "/api/segments");
      expect(r.status).toBe(429);
      expect(r.body).toEqual({ metadata: { error: true }, payload: { code: 429, errors: [], message: "Calls per minute exceeded" } });
      clockMs += 61_000;
      expect((await call(em, "GET", "/api/segments")).status).toBe(200);
    } finally {
      em.setRateLimit(undefined);
    }
  });

  it("above the parallel cap → 429", async () => {
    const slow = await startOngageEmulator({ rateLimit: { perMinute: 1000, parallel: 2 }, latencyMs: 150 });
    try {
      const replies = await Promise.all(Array.from({ length: 5 }, () => call(slow, "GET", "/api/segments")));
      const statuses = replies.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(2);
      expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    } finally {
      await slow.close();
    }
  });
});

describe("persistence", () => {
  it("segments, rule ids and recipients survive a restart; ids keep counting up", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "ongage-emu-")), "state.json");
    const persistence = stateSection(jsonFileState(file), "ongage");
    const first = await startOngageEmulator({ persistence, lists: [EMAIL_DATE_LIST] });
    const created = await call(first, "POST", "/2001/api/segments", { name: "persisted", type: "Active", is_external: true });
    await call(first, "PUT", `/2001/api/segments/${created.body.payload.id}/populate_external`, { recipients: [{ email: "a@b.co" }] });
    await first.close();
    expect(Object.keys(JSON.parse(readFileSync(file, "utf8")))).toEqual(["ongage"]);

    const second = await startOngageEmulator({ persistence, lists: [EMAIL_DATE_LIST] });
    try {
      const got = await call(second, "GET", `/2001/api/segments/${created.body.payload.id}`);
      expect(got.body.payload).toEqual((await call(second, "GET", `/2001/api/segments/${created.body.payload.id}`)).body.payload);
      expect(got.body.payload).toMatchObject({ name: "persisted", is_external: "1" });
      expect(second.store.rawSegment(Number(created.body.payload.id))?.recipients).toEqual([{ email: "a@b.co" }]);
      const next = await call(second, "POST", "/2001/api/segments", { name: "next", type: "Active" });
      expect(Number(next.body.payload.id)).toBeGreaterThan(Number(created.body.payload.id));
    } finally {
      await second.close();
    }
  });
});
