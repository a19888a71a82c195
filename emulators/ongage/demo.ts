import type { StoredMailing } from "./mailings";
import type { OngageStore } from "./store";

/**
 * Demo campaigns for a list, so a demo or a dev stack shows campaigns using its segments: a
 * Scheduled one (includes the first segment, excludes the second), an In progress one (the second)
 * and a New draft (the first). Idempotent: when campaigns with these names exist, those are returned.
 */

export const DEMO_CAMPAIGN_NAMES = ["Black Friday preview", "Weekly newsletter", "Spring sale (draft)"] as const;

export interface DemoSeedOptions {
  /** Default: the account's default list. */
  listId?: number;
  /** Segments to use (first and second); default: the list's two oldest live segments. */
  segmentIds?: readonly number[];
}

/** Creates the demo campaigns unless they exist; [] when the list has no live segment to use. */
export function seedDemoCampaigns(store: OngageStore, opts: DemoSeedOptions = {}): StoredMailing[] {
  const listId = opts.listId ?? store.defaultListId;
  const existing = store.listMailings(listId).filter((m) => (DEMO_CAMPAIGN_NAMES as readonly string[]).includes(m.name) && m.deleted === "0");
  if (existing.length > 0) return existing;
  const ids = opts.segmentIds ?? store.liveSegments(listId).map((s) => Number(s.id)).sort((a, b) => a - b).slice(0, 2);
  const [first, second] = ids;
  if (first === undefined) return [];
  const week = store.nowSeconds() + 7 * 86_400;
  return [
    store.createMailing({
      listId, name: DEMO_CAMPAIGN_NAMES[0], description: "Demo campaign", email_message: [2025],
      segments: second === undefined ? [first] : [first, { segment_id: second, exclude: true }],
      distribution: [{ esp_connection_id: 60133, percent: 70 }, { esp_connection_id: 60387, percent: 30 }],
      schedule_date: week,
    }),
    store.createMailing({ listId, name: DEMO_CAMPAIGN_NAMES[1], description: "Demo campaign", email_message: [2026], segments: [second ?? first], status: "In progress" }),
    store.createMailing({ listId, name: DEMO_CAMPAIGN_NAMES[2], description: "Demo campaign", email_message: [2027], segments: [first], status: "New" }),
  ];
}
