import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startEmulators } from "../../../emulators/index";
import { DEMO_CAMPAIGN_NAMES, seedDemoCampaigns, startOngageEmulator } from "../../../emulators/ongage/server";
import { call } from "./http";

/** Demo campaigns: `seedDemo` on startEmulators / startOngageEmulator, and seedDemoCampaigns itself. */

const segment = async (em: Parameters<typeof call>[0], name: string) => {
  const r = await call(em, "POST", "/10000/api/segments", { name, type: "Active" });
  expect(r.status, r.text).toBe(200);
  return r.body.payload.id as string;
};

describe("seedDemo", () => {
  it("seeds the three demo campaigns once the default list has two segments, once, and not again after a --state restart", async () => {
    const statePath = join(mkdtempSync(join(tmpdir(), "ongage-demo-")), "state.json");
    const first = await startEmulators({ statePath, seedDemo: true, population: { size: 0 } });
    let a: string;
    let b: string;
    try {
      a = await segment(first.ongage, "first");
      expect(first.ongage.store.listMailings(10000)).toEqual([]);
      b = await segment(first.ongage, "second");
      await segment(first.ongage, "third");
      const made = first.ongage.store.listMailings(10000);
      expect(made.map((m) => [m.name, m.status])).toEqual([
        ["Black Friday preview", "60002"], ["Weekly newsletter", "60003"], ["Spring sale (draft)", "60001"],
      ]);
      const onA = (await call(first.ongage, "GET", `/10000/api/segments/${a}`)).body.payload.mailings;
      expect(onA.map((m: any) => [m.name, m.status_desc, m.exclude])).toEqual([["Black Friday preview", "Scheduled", "0"], ["Spring sale (draft)", "New", "0"]]);
      const onB = (await call(first.ongage, "GET", `/10000/api/segments/${b}`)).body.payload.mailings;
      expect(onB.map((m: any) => [m.name, m.status_desc, m.exclude])).toEqual([["Black Friday preview", "Scheduled", "1"], ["Weekly newsletter", "In progress", "0"]]);
    } finally {
      await first.close();
    }
    const second = await startEmulators({ statePath, seedDemo: true, population: { size: 0 } });
    try {
      await segment(second.ongage, "fourth");
      expect(second.ongage.store.listMailings(10000).map((m) => m.name)).toEqual([...DEMO_CAMPAIGN_NAMES]);
    } finally {
      await second.close();
    }
  });

  it("is off by default; seedDemoCampaigns takes explicit segments and returns [] without any", async () => {
    const em = await startOngageEmulator({ population: { size: 0 }, defaultListId: 10000 });
    try {
      expect(seedDemoCampaigns(em.store)).toEqual([]);
      await segment(em, "x");
      const y = await segment(em, "y");
      expect(em.store.listMailings(10000)).toEqual([]);
      const made = seedDemoCampaigns(em.store, { segmentIds: [Number(y)] });
      expect(made.map((m) => m.segments)).toEqual([[{ segment_id: y, exclude: "0" }], [{ segment_id: y, exclude: "0" }], [{ segment_id: y, exclude: "0" }]]);
      expect(seedDemoCampaigns(em.store)).toEqual(made);
    } finally {
      await em.close();
    }
  });
});
