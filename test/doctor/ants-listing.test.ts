import { describe, expect, it } from "vitest";
import type { ApiResponse } from "../../provider/http/client";
import { IMPOSSIBLE_ID, listingRows, sampleOf, type ListingFacts } from "../../provider/doctor/ants-listing";
import { LISTING_COLUMNS } from "../../provider/ants";

// The Listing rows made from facts built by hand: each row turns non-fine on the difference it names.

const entry = (id: number, extra: Record<string, unknown> = {}) => ({
  ...Object.fromEntries(LISTING_COLUMNS.map((c) => [c, null])),
  segment_id: id, segment_display: `Segment number ${id}`, ctime: "2026-12-01T10:00:00.000Z", utime: "2026-12-01T10:00:00.000Z",
  c_user_id: "me", status: 1, process_status: 2, used_by_modules: [], ...extra,
});
const answer = (entries: unknown[], meta: Record<string, unknown>, headers: Record<string, string> = {}): ApiResponse<unknown> => ({ status: 200, body: { code: 200, data: { entries, meta } }, requestId: undefined, headers });
const ALL = [entry(1), entry(2), entry(3)];

function facts(over: Partial<ListingFacts> = {}): ListingFacts {
  return {
    big: answer(ALL, { total: 3, perPage: 100 }),
    first1: answer([ALL[0]], { total: 3 }),
    first2: answer(ALL.slice(0, 2), { total: 3 }),
    second1: answer([ALL[1]], { total: 3 }),
    all: { ok: ALL as never },
    impossible: answer([], { total: 0 }),
    searched: { id: "3", keyword: "Segment number", byPrefix: { ok: ALL as never }, byId: { ok: ALL[2] as never } },
    ...over,
  };
}
const verdicts = (f: ListingFacts, scratch?: Record<string, unknown>) => Object.fromEntries(listingRows(f, "me", scratch).map((r) => [r.id, r.verdict]));

describe("ants Listing rows", () => {
  it("consistent facts give fine rows only", () => {
    expect(Object.values(verdicts(facts())).every((v) => v === "fine")).toBe(true);
    expect(sampleOf(facts())).toHaveLength(3);
  });

  it("a total counting only the page, a missing total, and shifted pages are named", () => {
    expect(verdicts(facts({ first1: answer([ALL[0]], { total: 1 }) }))["ants.listing.total"]).toBe("refuses");
    expect(verdicts(facts({ first1: answer([ALL[0]], {}) }))["ants.listing.total"]).toBe("report");
    expect(verdicts(facts({ first1: answer([ALL[1]], { total: 3 }), first2: answer([ALL[2]], { total: 3 }) }))["ants.listing.pages"]).toBe("report");
  });

  it("an id search that misses a listed segment is reported: a read would take it for gone", () => {
    const f = facts();
    f.searched = { ...f.searched!, byId: { ok: undefined } };
    expect(verdicts(f)["ants.listing.missing-segment"]).toBe("report");
  });

  it("a search that returns segments unrelated to the keyword is reported as ignored", () => {
    const v = verdicts(facts({ impossible: answer(ALL, { total: 3 }) }));
    expect(v["ants.listing.search"]).toBe("report");
  });

  it("used_by_modules absent, c_user_id missing, and numeric times refuse", () => {
    const withoutModules = ALL.map((e) => ({ ...e, used_by_modules: undefined }));
    expect(verdicts(facts({ big: answer(withoutModules, { total: 3 }) }))["ants.listing.used-by-modules"]).toBe("refuses");
    const noCreator = ALL.map(({ c_user_id: _c, ...e }) => e);
    expect(verdicts(facts({ big: answer(noCreator, { total: 3 }), first1: answer([noCreator[0]], { total: 3 }), first2: answer(noCreator.slice(0, 2), { total: 3 }), second1: answer([noCreator[1]], { total: 3 }) }))["ants.listing.columns"]).toBe("refuses");
    expect(verdicts(facts({ big: answer([entry(1, { ctime: 1764583200000 })], { total: 3 }) }))["ants.listing.times"]).toBe("refuses");
  });

  it("the scratch segment decides the creator row; another creator refuses", () => {
    expect(verdicts(facts(), entry(9, { c_user_id: "me" }))["ants.listing.creator"]).toBe("fine");
    expect(verdicts(facts(), entry(9, { c_user_id: 1600123 }))["ants.listing.creator"]).toBe("refuses");
    expect(verdicts(facts({ big: answer(ALL.map((e) => ({ ...e, c_user_id: 5 })), { total: 3 }) }))["ants.listing.creator"]).toBe("unknown");
  });

  it("rate-limit headers are reported with their names and values", () => {
    const rows = listingRows(facts({ big: answer(ALL, { total: 3 }, { "x-ratelimit-remaining": "199" }) }), "me");
    expect(rows.find((r) => r.id === "ants.rate-limit.headers")).toMatchObject({ verdict: "report", observed: "x-ratelimit-remaining: 199" });
  });

  it("the id asked for as missing is one no segment can have", () => {
    expect(IMPOSSIBLE_ID).toBe("9007199254740991");
  });
});

describe("a listing the provider ended early", () => {
  it("is reported by the total and complete rows, not taken as complete", () => {
    const v = verdicts(facts({ all: { ok: [] } }));
    expect(v["ants.listing.total"]).toBe("report");
    expect(v["ants.listing.complete"]).toBe("report");
  });
});
