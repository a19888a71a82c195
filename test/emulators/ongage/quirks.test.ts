import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { QuirkError } from "../../../emulators/harness/quirks";
import { ONGAGE_QUIRKS, type OngageEmulator, startOngageEmulator } from "../../../emulators/ongage/server";
import { call, EMAIL_DATE_LIST, errorEnvelope } from "./http";

// Each variance switch (emulators/ongage/quirks.ts) shown on the wire: the default answer, then the flipped one.
const clockMs = Date.UTC(2024, 0, 1);
let em: OngageEmulator;
beforeAll(async () => {
  em = await startOngageEmulator({ defaultListId: 10000, lists: [EMAIL_DATE_LIST, { id: 3003, population: { size: 0 } }], now: () => clockMs, population: { size: 0 } });
});
afterAll(async () => em.close());
beforeEach(() => {
  em.reset();
  em.setQuirks({});
});

const rule = (operand: string[]) => ({ field_id: 1234, type: "email", position: 0, operator: "LIKE", operand, condition: "and" });

async function create(name: string, listId = 2001): Promise<any> {
  const r = await call(em, "POST", `/${listId}/api/segments`, { type: "Active", name, criteria: listId === 2001 ? [rule(["gmail"])] : [] });
  expect(r.status, r.text).toBe(200);
  return r.body.payload;
}

async function segments(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await create(`s${i}`);
}

describe("switch validation", () => {
  it("an unknown switch or value is refused at start and at run time, naming the switch and the allowed values", async () => {
    await expect(startOngageEmulator({ quirks: { "page-size": "5" } })).rejects.toThrow(/unknown ongage quirk "page-size"; known: unknown-route, page-cap/);
    await expect(startOngageEmulator({ quirks: { "page-cap": "0" } })).rejects.toThrow('ongage quirk page-cap: "0" is not one of off, a positive integer');
    expect(() => em.setQuirks({ "listing-total": "maybe" })).toThrow(QuirkError);
    expect(() => em.setQuirks({ "listing-total": "maybe" })).toThrow("string, number, absent, page");
    expect(em.quirks["listing-total"]).toBe("string");
  });

  it("every switch defaults to its first value", () => {
    expect(em.quirks).toEqual(Object.fromEntries(Object.entries(ONGAGE_QUIRKS).map(([k, d]) => [k, d.values[0]])));
  });
});

describe("ongage variance switches on the wire", () => {
  it("unknown-route: nginx's HTML 404 by default; envelope gives the API's JSON 404", async () => {
    expect((await call(em, "GET", "/api/nothing")).text).toContain("<title>404 Not Found</title>");
    em.setQuirks({ "unknown-route": "envelope" });
    const r = await call(em, "GET", "/api/nothing");
    expect(r.status).toBe(404);
    expect(r.body).toEqual(errorEnvelope(404, "Not found: no route for GET /api/nothing"));
  });

  it("page-cap: a page never holds more than N rows, whatever limit asks for", async () => {
    await segments(5);
    expect((await call(em, "GET", "/2001/api/segments?limit=4")).body.payload).toHaveLength(4);
    em.setQuirks({ "page-cap": "2" });
    const r = await call(em, "GET", "/2001/api/segments?limit=4");
    expect(r.body.payload).toHaveLength(2);
    expect(r.body.metadata.total).toBe("5");
    expect((await call(em, "GET", "/2001/api/segments")).body.payload).toHaveLength(2);
  });

  it("offset-base=1: offset counts from 1, so offset=2 starts at the second row", async () => {
    await segments(4);
    const names = async (q: string) => (await call(em, "GET", `/2001/api/segments?${q}`)).body.payload.map((s: any) => s.name);
    expect(await names("offset=2&limit=2")).toEqual(["s2", "s3"]);
    em.setQuirks({ "offset-base": "1" });
    expect(await names("offset=2&limit=2")).toEqual(["s1", "s2"]);
    expect(await names("offset=0&limit=2")).toEqual(["s0", "s1"]);
  });

  it("listing-total: string, number, absent, or the rows of this page", async () => {
    await segments(3);
    const meta = async () => (await call(em, "GET", "/2001/api/segments?limit=2")).body.metadata;
    expect(await meta()).toEqual({ error: false, total: "3" });
    em.setQuirks({ "listing-total": "number" });
    expect(await meta()).toEqual({ error: false, total: 3 });
    em.setQuirks({ "listing-total": "absent" });
    expect(await meta()).toEqual({ error: false });
    em.setQuirks({ "listing-total": "page" });
    expect(await meta()).toEqual({ error: false, total: "2" });
  });

  it("scalars=native: ids, flags and positions are JSON numbers", async () => {
    const seg = await create("n");
    em.setQuirks({ scalars: "native" });
    const r = (await call(em, "GET", `/2001/api/segments/${seg.id}`)).body.payload;
    expect(r).toMatchObject({ id: Number(seg.id), list_id: 2001, deleted: 0, favorite: 0, name: "n" });
    expect(r.rules[0]).toMatchObject({ position: 0, field_id: 1234, segment_id: Number(seg.id) });
    expect((await call(em, "GET", "/2001/api/segments")).body.payload[0].id).toBe(Number(seg.id));
  });

  it("timestamps=datetime: created and modified as UTC date-time text", async () => {
    const seg = await create("t");
    expect(seg.created).toBe(String(clockMs / 1000));
    em.setQuirks({ timestamps: "datetime" });
    const r = (await call(em, "GET", `/2001/api/segments/${seg.id}`)).body.payload;
    expect(r.created).toBe("2024-01-01 00:00:00");
    expect(r.modified).toBe("2024-01-01 00:00:00");
  });

  it("operand=native: a rule's operand is a JSON array, not JSON text", async () => {
    const seg = await create("o");
    expect(seg.rules[0].operand).toBe('["gmail"]');
    em.setQuirks({ operand: "native" });
    expect((await call(em, "GET", `/2001/api/segments/${seg.id}`)).body.payload.rules[0].operand).toEqual(["gmail"]);
  });

  it("unknown-keys=extra: undocumented keys in metadata, payload and rules", async () => {
    const seg = await create("u");
    em.setQuirks({ "unknown-keys": "extra" });
    const r = (await call(em, "GET", `/2001/api/segments/${seg.id}`)).body;
    expect(r.metadata).toMatchObject({ error: false, api_version: "2.4" });
    expect(r.payload).toMatchObject({ x_origin: "api", tags: [] });
    expect(r.payload.rules[0]).toMatchObject({ x_origin: "api" });
    expect((await call(em, "GET", "/2001/api/segments")).body.payload[0]).toMatchObject({ x_origin: "api" });
  });

  it("error-envelope: flat {error,code,message} or plain text instead of the documented envelope", async () => {
    em.setQuirks({ "error-envelope": "flat" });
    const flat = await call(em, "GET", "/2001/api/segments/999");
    expect(flat.status).toBe(404);
    expect(flat.body).toEqual({ error: true, code: 404, message: "Not found: Segment 999 not found in list 2001" });
    em.setQuirks({ "error-envelope": "text" });
    const text = await call(em, "GET", "/2001/api/segments/999");
    expect(text.status).toBe(404);
    expect(text.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(text.text).toBe("404 Not found: Segment 999 not found in list 2001");
  });

  it("error-status=200: error bodies arrive with HTTP 200, the body's code still 404", async () => {
    em.setQuirks({ "error-status": "200" });
    const r = await call(em, "GET", "/2001/api/segments/999");
    expect(r.status).toBe(200);
    expect(r.body).toEqual(errorEnvelope(404));
  });

  it("missing-segment: an unknown id answers nginx's HTML 404, or 200 with an empty payload", async () => {
    em.setQuirks({ "missing-segment": "html" });
    const html = await call(em, "GET", "/2001/api/segments/999");
    expect(html.status).toBe(404);
    expect(html.text).toContain("<center>nginx</center>");
    em.setQuirks({ "missing-segment": "empty" });
    const empty = await call(em, "GET", "/2001/api/segments/999");
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ metadata: { error: false }, payload: [] });
  });

  it("deleted-segment=row: GET after DELETE answers the row with deleted \"1\"", async () => {
    const seg = await create("d");
    expect((await call(em, "DELETE", `/2001/api/segments/${seg.id}`)).status).toBe(200);
    expect((await call(em, "GET", `/2001/api/segments/${seg.id}`)).status).toBe(404);
    em.setQuirks({ "deleted-segment": "row" });
    const r = await call(em, "GET", `/2001/api/segments/${seg.id}`);
    expect(r.status).toBe(200);
    expect(r.body.payload).toMatchObject({ id: seg.id, name: "d", deleted: "1" });
    expect((await call(em, "GET", "/2001/api/segments/999")).status).toBe(404);
  });

  it("segment-lookup=account: a segment of another list is reached (and deleted) through this list's prefix", async () => {
    const foreign = await create("foreign", 3003);
    expect((await call(em, "GET", `/2001/api/segments/${foreign.id}`)).status).toBe(404);
    em.setQuirks({ "segment-lookup": "account" });
    const r = await call(em, "GET", `/2001/api/segments/${foreign.id}`);
    expect(r.status).toBe(200);
    expect(r.body.payload).toMatchObject({ name: "foreign", list_id: "3003" });
    expect((await call(em, "DELETE", `/2001/api/segments/${foreign.id}`)).status).toBe(200);
    expect(em.store.rawSegment(Number(foreign.id))?.deleted).toBe("1");
  });

  it("create-reply: only {id}, or an empty payload, though the segment is created", async () => {
    em.setQuirks({ "create-reply": "id-only" });
    const idOnly = await call(em, "POST", "/2001/api/segments", { type: "Active", name: "a", criteria: [rule(["x"])] });
    expect(idOnly.body).toEqual({ metadata: { error: false }, payload: { id: expect.stringMatching(/^\d+$/) } });
    em.setQuirks({ "create-reply": "none" });
    const none = await call(em, "POST", "/2001/api/segments", { type: "Active", name: "b", criteria: [rule(["x"])] });
    expect(none.body).toEqual({ metadata: { error: false }, payload: [] });
    expect(em.store.liveSegments(2001).map((s) => s.name)).toEqual(["a", "b"]);
  });

  it("segment-mailings: campaign summaries, no key, or bare ids", async () => {
    const seg = await create("m");
    const m = em.store.createMailing({ listId: 2001, name: "uses m", segments: [Number(seg.id)], status: "Scheduled" });
    const get = async () => (await call(em, "GET", `/2001/api/segments/${seg.id}`)).body.payload;
    expect((await get()).mailings).toEqual([expect.objectContaining({ id: m.id, status: "60002", status_desc: "Scheduled" })]);
    em.setQuirks({ "segment-mailings": "absent" });
    expect(await get()).not.toHaveProperty("mailings");
    em.setQuirks({ "segment-mailings": "ids" });
    expect((await get()).mailings).toEqual([m.id]);
  });

  it("mailing-status: an undocumented code, or the description text, on campaigns and a segment's mailings", async () => {
    const seg = await create("m");
    const m = em.store.createMailing({ listId: 2001, name: "uses m", segments: [Number(seg.id)], status: "Scheduled" });
    em.setQuirks({ "mailing-status": "unknown" });
    expect((await call(em, "GET", `/2001/api/mailings/${m.id}`)).body.payload).toMatchObject({ status: "60011", status_desc: "Archived" });
    expect((await call(em, "GET", `/2001/api/segments/${seg.id}`)).body.payload.mailings[0]).toMatchObject({ status: "60011" });
    expect((await call(em, "GET", "/2001/api/mailings")).body.payload.map((x: any) => x.status)).toEqual(["60011"]);
    em.setQuirks({ "mailing-status": "text" });
    expect((await call(em, "GET", `/2001/api/mailings/${m.id}`)).body.payload).toMatchObject({ status: "Scheduled" });
    expect(em.store.rawMailing(m.id)?.status).toBe("60002");
  });
});
