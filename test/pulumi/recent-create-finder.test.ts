import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { claimForCreate, noteHeld } from "../../provider/pulumi/claims";
import { adoptInterruptedCreate, forgetRecentCreates, interruptedCreateWindowMs, type ListedSegment, type RecentCreateSource } from "../../provider/pulumi/recent-create-finder";
import { forgetConfig } from "../../provider/pulumi/settings";

const NOW = 1_800_000_000_000;
const H = 3_600_000;
const KEY = { config: "test:interruptedCreateWindowHours", env: "TEST_INTERRUPTED_CREATE_WINDOW_HOURS" };

function source(rows: Array<Omit<ListedSegment<string>, "entry">>, opts: { failFirst?: boolean } = {}) {
  let listings = 0;
  const s: RecentCreateSource<string> & { listings(): number } = {
    apiTitle: "Test",
    key: "test|one",
    scope: "test",
    wayOut: "Do the right thing.",
    list: async function* () {
      listings++;
      if (opts.failFirst && listings === 1) throw new Error("listing failed");
      for (const r of rows) yield { ...r, entry: `entry ${r.id}` };
    },
    listings: () => listings,
  };
  return s;
}
const yes = async (c: ListedSegment<string>) => ({ ours: c.entry });

beforeEach(() => {
  forgetRecentCreates();
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.TEST_INTERRUPTED_CREATE_WINDOW_HOURS;
  forgetConfig();
});

describe("adoptInterruptedCreate", () => {
  it("takes the newest confirmed candidate inside the window; older, undated and other names are never offered", async () => {
    const src = source([
      { id: "1", name: "a", createdAtMs: NOW - 2 * H },
      { id: "2", name: "a", createdAtMs: NOW - 1 * H },
      { id: "3", name: "a", createdAtMs: NOW - 25 * H },
      { id: "4", name: "a", createdAtMs: undefined },
      { id: "5", name: "A", createdAtMs: NOW },
    ]);
    const offered: string[] = [];
    const confirm = async (c: ListedSegment<string>) => (offered.push(c.id), c.id === "2" ? { notOurs: "differs" } : { ours: c.entry });
    const got = await adoptInterruptedCreate(src, "a", 24 * H, confirm, () => NOW);
    expect(got).toEqual({ id: "1", entry: "entry 1", confirmed: "entry 1" });
    expect(offered).toEqual(["2", "1"]);
  });

  it("one listing per key for every create of the process; each id adopted once; a rejected candidate stays available", async () => {
    const src = source([{ id: "1", name: "a", createdAtMs: NOW }, { id: "2", name: "a", createdAtMs: NOW - 1 }]);
    const results = await Promise.all([1, 2, 3].map(() => adoptInterruptedCreate(src, "a", H, yes, () => NOW)));
    expect(results.map((r) => r?.id)).toEqual(["1", "2", undefined]);
    expect(src.listings()).toBe(1);
  });

  it("a confirm that throws releases its candidate and fails that create", async () => {
    const src = source([{ id: "1", name: "a", createdAtMs: NOW }]);
    await expect(adoptInterruptedCreate(src, "a", H, async () => { throw new Error("read failed"); }, () => NOW)).rejects.toThrow("read failed");
    expect((await adoptInterruptedCreate(src, "a", H, yes, () => NOW))?.id).toBe("1");
  });

  it("a failed listing is not kept: the create fails, the next one lists again", async () => {
    const src = source([{ id: "1", name: "a", createdAtMs: NOW }], { failFirst: true });
    await expect(adoptInterruptedCreate(src, "a", H, yes, () => NOW)).rejects.toThrow("listing failed");
    expect((await adoptInterruptedCreate(src, "a", H, yes, () => NOW))?.id).toBe("1");
    expect(src.listings()).toBe(2);
  });

  it("an id a resource of this process holds, or another create took, is never offered", async () => {
    const src = source([{ id: "1", name: "a", createdAtMs: NOW }, { id: "2", name: "a", createdAtMs: NOW - 1 }, { id: "3", name: "a", createdAtMs: NOW - 2 }]);
    noteHeld("test", "1", "a");
    expect(claimForCreate("test", "2", { kind: "created", segment: "a" })).toBe(true);
    const offered: string[] = [];
    const got = await adoptInterruptedCreate(src, "a", H, async (c) => (offered.push(c.id), { ours: c.entry }), () => NOW);
    expect(got?.id).toBe("3");
    expect(offered).toEqual(["3"]);
  });

  it("a candidate that cannot be proven either way stops the create, naming every such id and the way out; one proven ours is adopted", async () => {
    const src = source([{ id: "1", name: "a", createdAtMs: NOW }, { id: "2", name: "a", createdAtMs: NOW - 1 }, { id: "3", name: "a", createdAtMs: NOW - 2 }]);
    const verdicts: Record<string, { unproven: string } | { notOurs: string }> = { "1": { unproven: "creator unknown" }, "2": { notOurs: "another creator" }, "3": { unproven: "no creator shown" } };
    await expect(adoptInterruptedCreate(src, "a", H, async (c) => verdicts[c.id]!, () => NOW)).rejects.toThrow(
      'cannot create "a": Test has 2 segments with this name created within the interrupted-create window that may be an interrupted run\'s create of this definition or someone else\'s: 1 (creator unknown), 3 (no creator shown). Nothing was created. Do the right thing.',
    );
    // Nothing stays claimed by the refused create; a proven candidate wins over unproven ones.
    expect((await adoptInterruptedCreate(src, "a", H, async (c) => (c.id === "3" ? { ours: c.entry } : verdicts[c.id]!), () => NOW))?.id).toBe("3");
  });

  it("window 0: no listing at all", async () => {
    const src = source([{ id: "1", name: "a", createdAtMs: NOW }]);
    expect(await adoptInterruptedCreate(src, "a", 0, yes, () => NOW)).toBeUndefined();
    expect(src.listings()).toBe(0);
  });
});

describe("interruptedCreateWindowMs", () => {
  it("defaults to 24 h; takes fractional hours; 0 is off; anything else names both settings", () => {
    expect(interruptedCreateWindowMs(KEY)).toBe(24 * H);
    process.env.TEST_INTERRUPTED_CREATE_WINDOW_HOURS = "1.5";
    expect(interruptedCreateWindowMs(KEY)).toBe(1.5 * H);
    process.env.TEST_INTERRUPTED_CREATE_WINDOW_HOURS = "0";
    expect(interruptedCreateWindowMs(KEY)).toBe(0);
    for (const bad of ["-1", "24h", " "]) {
      process.env.TEST_INTERRUPTED_CREATE_WINDOW_HOURS = bad;
      expect(() => interruptedCreateWindowMs(KEY)).toThrow(/test:interruptedCreateWindowHours \/ TEST_INTERRUPTED_CREATE_WINDOW_HOURS must be a number of hours ≥ 0/);
    }
  });
});
