import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AntsEmulator, startAntsEmulator } from "../../../emulators/ants/server";
import { createSeedSegment, postJson, token } from "./client";

describe("ANTS emulator: Listing Segments", () => {
  let em: AntsEmulator;
  let tok: string;
  const ids: number[] = [];
  const names = ["Alpha buyers", "Beta testers", "Gamma VIP", "alpha churned", "Delta"];

  beforeAll(async () => {
    em = await startAntsEmulator({ computeDelayMs: 60_000 });
    tok = await token(em);
    for (const n of names) ids.push(await createSeedSegment(em, tok, n));
  });
  afterAll(() => em.close());

  const list = (q: Record<string, unknown>) =>
    postJson(em, "/segment/listing", { page: 1, limit: 100, columns: ["segment_id", "segment_display"], ...q }, tok);

  it("pages with a 1-based page, limit and meta.total", async () => {
    const p1 = await list({ page: 1, limit: 2, sort: "segment_id", sd: "asc" });
    expect(p1.body.data.meta).toEqual({ perPage: 2, total: 5 });
    expect(p1.body.data.entries.map((e: any) => e.segment_id)).toEqual(ids.slice(0, 2));
    const p3 = await list({ page: 3, limit: 2, sort: "segment_id", sd: "asc" });
    expect(p3.body.data.entries.map((e: any) => e.segment_id)).toEqual(ids.slice(4));
    const p4 = await list({ page: 4, limit: 2 });
    expect(p4.body.data.entries).toEqual([]);
    expect(p4.body.data.meta.total).toBe(5);
  });

  it("searches by id and by name (case-insensitive keyword)", async () => {
    const byId = await list({ search: String(ids[2]) });
    expect(byId.body.data.entries.map((e: any) => e.segment_display)).toEqual(["Gamma VIP"]);
    const byName = await list({ search: "ALPHA", sort: "segment_id", sd: "asc" });
    expect(byName.body.data.entries.map((e: any) => e.segment_display)).toEqual(["Alpha buyers", "alpha churned"]);
    expect(byName.body.data.meta.total).toBe(2);
  });

  it("sorts by any column, desc by default", async () => {
    const desc = await list({ sort: "segment_id" });
    expect(desc.body.data.entries.map((e: any) => e.segment_id)).toEqual([...ids].reverse());
    const asc = await list({ sort: "segment_display", sd: "asc" });
    const shown = asc.body.data.entries.map((e: any) => e.segment_display);
    expect(shown).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it("filters with the OR-of-AND shape", async () => {
    const r = await list({
      filters: {
        OR: [
          { AND: [{ column: "segment_display", data_type: "string", operator: "start_with", value: "alpha" }, { column: "segment_display", data_type: "string", operator: "contains", value: "churn" }] },
          { AND: [{ column: "segment_id", data_type: "number", operator: "equals", value: ids[4] }] },
        ],
      },
      sort: "segment_id",
      sd: "asc",
    });
    expect(r.body.data.entries.map((e: any) => e.segment_display)).toEqual(["alpha churned", "Delta"]);
    const any = await list({ filters: { OR: [{ AND: [{ column: "segment_id", data_type: "number", operator: "matches", value: [ids[0], ids[1]] }] }] } });
    expect(any.body.data.meta.total).toBe(2);
    const not = await list({ filters: { OR: [{ AND: [{ column: "update_method", data_type: "string", operator: "not_equals", value: "static" }] }] } });
    expect(not.body.data.meta.total).toBe(0);
  });

  it("validates page, limit, columns, sort, sd and filters", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ page: 0 }, /^page: /],
      [{ limit: 0 }, /^limit: /],
      [{ columns: [] }, /^columns: /],
      [{ columns: ["segment_id", "name"] }, /^columns\[1\]: /],
      [{ sort: "name" }, /^sort: /],
      [{ sd: "up" }, /^sd: /],
      [{ filters: { OR: [{ AND: [{ column: "segment_id", data_type: "date", operator: "equals", value: 1 }] }] } }, /^filters\.OR\[0\]\.AND\[0\]\.data_type: /],
      [{ filters: { OR: [{ AND: [{ column: "segment_id", data_type: "number", operator: "gt", value: 1 }] }] } }, /^filters\.OR\[0\]\.AND\[0\]\.operator: /],
    ];
    for (const [q, msg] of cases) {
      const r = await list(q);
      expect(r.status, JSON.stringify(q)).toBe(400);
      expect(r.body.message).toMatch(msg);
    }
    const noPage = await postJson(em, "/segment/listing", { limit: 10, columns: ["segment_id"] }, tok);
    expect(noPage.body.message).toBe("page: is required");
  });

  it("returns only the requested columns plus the keys the real API always adds", async () => {
    const r = await list({ columns: ["segment_display"], search: String(ids[0]) });
    expect(Object.keys(r.body.data.entries[0]).sort()).toEqual(["accepted_actions", "row_count", "segment_display", "segment_type", "used_by_modules"]);
    expect(r.body.codeMessage).toBeNull();
  });
});
