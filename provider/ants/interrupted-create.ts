import { adoptInterruptedCreate, interruptedCreateWindowMs, type RecentCreateSource } from "../pulumi/recent-create-finder";
import { credentialsKey } from "./auth";
import { listingTimeMs } from "./dates";
import type { AntsClient } from "./client";
import { type CanonicalSegment } from "./canonical";
import { AUDIENCE_ITEM_TYPE } from "./inputs";
import { type WireListingEntry } from "./wire";
import { ANTS_KEYS, antsBaseUrl, updateStrategy } from "./settings";

/**
 * The segment an interrupted run created for this definition (issue 9 §3), claimed for adoption:
 * exactly this name, this audience (item type), this static/dynamic method, `ctime` within
 * `ants:interruptedCreateWindowHours`. That is all Listing shows of a definition: the member file,
 * the match rules, their logic and the schedule's details cannot be compared, so what is adopted must
 * have the definition applied (the update endpoint); with `ants:updateStrategy replace` nothing is
 * adopted. Undefined: create as usual. Listing is read once per process and account, at the first
 * create; candidates need no further read.
 */
export async function findInterruptedCreate(client: AntsClient, c: CanonicalSegment): Promise<WireListingEntry | undefined> {
  const windowMs = interruptedCreateWindowMs(ANTS_KEYS.interruptedCreateWindowHours);
  if (windowMs === 0 || updateStrategy() !== "api") return undefined;
  const source: RecentCreateSource<WireListingEntry> = {
    apiTitle: "ANTS",
    key: `ants|${antsBaseUrl()}|${credentialsKey()}`,
    list: async function* () {
      for await (const e of client.listing()) yield { id: String(e.segment_id), name: e.segment_display ?? "", createdAtMs: listingTimeMs(e.ctime), entry: e };
    },
  };
  const adopted = await adoptInterruptedCreate(source, c.name, windowMs, async ({ entry }) => {
    if (Number(entry.item_type_id) !== AUDIENCE_ITEM_TYPE[c.audience]) return undefined;
    if (entry.update_method !== undefined && entry.update_method !== null && entry.update_method !== c.schedule.type) return undefined;
    return entry;
  });
  return adopted?.entry;
}
