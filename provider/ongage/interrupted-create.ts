import { sameCanonical } from "../pulumi/canonical";
import { fetchUnlessGone } from "../pulumi/read";
import { adoptInterruptedCreate, interruptedCreateWindowMs, type RecentCreateSource } from "../pulumi/recent-create-finder";
import type { OngageClient } from "./client";
import type { CanonicalSegment } from "./canonical";
import { canonicalFromWire, managedPart } from "./normalize";
import { ONGAGE_KEYS, ongageBaseUrl, ongageCredentials } from "./settings";
import { isDeletedSegment, type WireSegmentSummary } from "./wire";

/** Epoch seconds (Ongage's `created`, a numeric string) → ms; undefined when absent or not a number. */
function createdMs(created: unknown): number | undefined {
  const s = Number(created);
  return created === null || created === undefined || created === "" || !Number.isFinite(s) || s <= 0 ? undefined : s * 1000;
}

/**
 * The segment an interrupted run created for this definition (issue 9 §3), claimed for adoption:
 * exactly this name in the definition's list, `created` within `ongage:interruptedCreateWindowHours`,
 * and — read back with one GET — an identical canonical definition (description, favorite, rules,
 * external settings; the white-list flag is write-only in Ongage and cannot be compared).
 * Undefined: create as usual. The collection is listed once per process and list, at the first create.
 */
export async function findInterruptedCreate(client: OngageClient, c: CanonicalSegment): Promise<WireSegmentSummary | undefined> {
  const windowMs = interruptedCreateWindowMs(ONGAGE_KEYS.interruptedCreateWindowHours);
  if (windowMs === 0) return undefined;
  const source: RecentCreateSource<WireSegmentSummary> = {
    apiTitle: "Ongage",
    key: `ongage|${ongageBaseUrl()}|${ongageCredentials().accountCode}|${c.listId ?? "default"}`,
    list: async function* () {
      for await (const s of client.listSegments(c.listId)) yield { id: String(s.id), name: s.name, createdAtMs: createdMs(s.created), entry: s };
    },
  };
  const adopted = await adoptInterruptedCreate(source, c.name, windowMs, async (candidate) => {
    const seg = await fetchUnlessGone(() => client.getSegment(c.listId, candidate.id), client.goneProof(c.listId, candidate.id));
    if (seg === undefined || isDeletedSegment(seg) || (seg.type !== undefined && seg.type !== "Active")) return undefined;
    const current = canonicalFromWire(seg, c);
    return sameCanonical(managedPart(current), { ...c, listId: current.listId }) ? candidate.entry : undefined;
  });
  return adopted?.entry;
}
