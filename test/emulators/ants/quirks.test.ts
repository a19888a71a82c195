import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ANTS_QUIRKS, type AntsEmulator, startAntsEmulator } from "../../../emulators/ants/server";
import { createSeedSegment, postJson, seedCreateBody, token, uploadFile, SEED_FILE } from "./client";

// Each variance switch (emulators/ants/quirks.ts) shown on the wire: the default answer, then the flipped one.
let em: AntsEmulator;
let tok: string;
const ids: number[] = [];
const names = ["Alpha buyers", "Alpha", "Beta testers", "Gamma VIP"];

beforeAll(async () => {
  em = await startAntsEmulator({ computeDelayMs: 0 });
  tok = await token(em);
  for (const n of names) ids.push(await createSeedSegment(em, tok, n));
});
afterAll(() => em.close());
beforeEach(() => em.setQuirks({}));

const list = (q: Record<string, unknown> = {}) =>
  postJson(em, "/segment/listing", { page: 1, limit: 100, sort: "segment_id", sd: "asc", columns: ["segment_id", "segment_display", "ctime", "utime", "c_user_id", "u_user_id", "status", "process_status", "segment_size", "last_processed_date"], ...q }, tok);
const displays = async (q: Record<string, unknown>) => (await list(q)).body.data.entries.map((e: any) => e.segment_display);

describe("switch validation", () => {
  it("an unknown switch or value is refused at start and at run time", async () => {
    await expect(startAntsEmulator({ quirks: { "page-base": "2" } })).rejects.toThrow('ants quirk page-base: "2" is not one of 1, 0');
    await expect(startAntsEmulator({ quirks: { paging: "0" } })).rejects.toThrow(/unknown ants quirk "paging"/);
    expect(() => em.setQuirks({ "create-id": "uuid" })).toThrow("number, string, object");
  });

  it("every switch defaults to its first value", () => {
    expect(em.quirks).toEqual(Object.fromEntries(Object.entries(ANTS_QUIRKS).map(([k, d]) => [k, d.values[0]])));
  });
});

describe("ants variance switches on the wire", () => {
  it("listing-total: the number of matches, absent, or this page's entries", async () => {
    expect((await list({ limit: 2 })).body.data.meta).toEqual({ perPage: 2, total: 4 });
    em.setQuirks({ "listing-total": "absent" });
    expect((await list({ limit: 2 })).body.data.meta).toEqual({ perPage: 2 });
    em.setQuirks({ "listing-total": "page" });
    expect((await list({ limit: 3, page: 2 })).body.data.meta).toEqual({ perPage: 3, total: 1 });
  });

  it("page-base=0: page 0 is the first page and page 1 the second", async () => {
    expect(await displays({ limit: 2, page: 1 })).toEqual(["Alpha buyers", "Alpha"]);
    em.setQuirks({ "page-base": "0" });
    expect(await displays({ limit: 2, page: 1 })).toEqual(["Beta testers", "Gamma VIP"]);
    expect(await displays({ limit: 2, page: 0 })).toEqual(["Alpha buyers", "Alpha"]);
  });

  it("page-cap: at most N entries per page, meta.perPage says N", async () => {
    em.setQuirks({ "page-cap": "3" });
    const r = await list({ limit: 100 });
    expect(r.body.data.entries).toHaveLength(3);
    expect(r.body.data.meta).toEqual({ perPage: 3, total: 4 });
  });

  it("search: contains by default, ignored (every segment), or whole names only", async () => {
    expect(await displays({ search: "alpha" })).toEqual(["Alpha buyers", "Alpha"]);
    em.setQuirks({ search: "ignored" });
    expect(await displays({ search: "alpha" })).toEqual(names);
    em.setQuirks({ search: "exact" });
    expect(await displays({ search: "Alpha" })).toEqual(["Alpha"]);
    expect(await displays({ search: String(ids[3]) })).toEqual(["Gamma VIP"]);
  });

  it("segment-id=string: segment_id is a numeric string", async () => {
    expect((await list()).body.data.entries[0].segment_id).toBe(ids[0]);
    em.setQuirks({ "segment-id": "string" });
    expect((await list()).body.data.entries[0].segment_id).toBe(String(ids[0]));
  });

  it("ctime: ISO 8601, epoch milliseconds, or date-time text", async () => {
    const iso = (await list()).body.data.entries[0].ctime;
    expect(iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    em.setQuirks({ ctime: "epoch-ms" });
    expect((await list()).body.data.entries[0].ctime).toBe(Date.parse(iso));
    em.setQuirks({ ctime: "datetime" });
    const e = (await list()).body.data.entries[0];
    expect(e.ctime).toBe(iso.slice(0, 19).replace("T", " "));
    expect(e.utime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it("c-user-id=number: creator and updater as a numeric portal user id", async () => {
    expect((await list()).body.data.entries[0]).toMatchObject({ c_user_id: "emulator-client", u_user_id: "emulator-client" });
    em.setQuirks({ "c-user-id": "number" });
    const e = (await list()).body.data.entries[0];
    expect(typeof e.c_user_id).toBe("number");
    expect(e.u_user_id).toBe(e.c_user_id);
  });

  it("process-status=unknown: status and process_status outside the values the emulator otherwise uses", async () => {
    expect((await list()).body.data.entries[0]).toMatchObject({ status: 1, process_status: 2 });
    em.setQuirks({ "process-status": "unknown" });
    expect((await list()).body.data.entries[0]).toMatchObject({ status: 9, process_status: 7 });
  });

  it("missing-columns=optional: requested optional columns are left out", async () => {
    expect((await list()).body.data.entries[0]).toHaveProperty("segment_size");
    em.setQuirks({ "missing-columns": "optional" });
    const e = (await list()).body.data.entries[0];
    for (const k of ["segment_size", "utime", "last_processed_date", "c_user_id"]) expect(e).not.toHaveProperty(k);
    expect(e).toMatchObject({ segment_id: ids[0], segment_display: "Alpha buyers" });
  });

  it("error-http=200: a validation error arrives with HTTP 200, the body's code still 400", async () => {
    const bad = await postJson(em, "/segment/listing", { page: 0, limit: 1, columns: ["segment_id"] }, tok);
    expect(bad.status).toBe(400);
    em.setQuirks({ "error-http": "200" });
    const r = await postJson(em, "/segment/listing", { page: 0, limit: 1, columns: ["segment_id"] }, tok);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ code: 400, data: null });
  });

  it("create-id: entries[0] as a bare number, a numeric string, or {segment_id}", async () => {
    const create = async (name: string) => {
      const up = await uploadFile(em, tok, "members.csv", SEED_FILE);
      return (await postJson(em, "/segment/create", { ...seedCreateBody(up.body.data.entries[0]), segmentDisplay: name }, tok)).body.data.entries[0];
    };
    expect(typeof (await create("id number"))).toBe("number");
    em.setQuirks({ "create-id": "string" });
    expect(await create("id string")).toMatch(/^\d+$/);
    em.setQuirks({ "create-id": "object" });
    expect(await create("id object")).toEqual({ segment_id: expect.any(Number) });
  });
});
