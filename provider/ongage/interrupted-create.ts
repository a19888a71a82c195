import { sameCanonical } from "../pulumi/canonical";
import type { Verdict } from "../pulumi/proof";
import { fetchUnlessGone } from "../pulumi/read";
import { adoptInterruptedCreate, interruptedCreateWindowMs, type RecentCreateSource } from "../pulumi/recent-create-finder";
import type { OngageClient } from "./client";
import type { CanonicalSegment } from "./canonical";
import { canonicalFromWire, managedPart } from "./normalize";
import { readSetting } from "../pulumi/settings";
import { ONGAGE_DEFAULT_BASE_URL, ONGAGE_KEYS, ongageBaseUrl } from "./settings";
import { isDeletedSegment, type WireSegmentSummary } from "./wire";

/** Epoch seconds (Ongage's `created`, a numeric string) → ms; undefined when absent or not a number. */
function createdMs(created: unknown): number | undefined {
  const s = Number(created);
  return created === null || created === undefined || created === "" || !Number.isFinite(s) || s <= 0 ? undefined : s * 1000;
}

/**
 * The claim scope of the configured Ongage account (provider/pulumi/claims.ts): segment ids are unique in it.
 * Read without validation, so diff and read work (and record holds) even where a create could not.
 */
export function ongageClaimScope(): string {
  return `ongage|${readSetting(ONGAGE_KEYS.baseUrl) ?? ONGAGE_DEFAULT_BASE_URL}|${readSetting(ONGAGE_KEYS.accountCode) ?? ""}`;
}

/**
 * Whether segment `id` is this definition: read back with one GET and compared in canonical form with
 * the normalization `diff` uses (description, favorite, rules, external settings; the white-list flag
 * is write-only in Ongage and cannot be compared). Gone, deleted or inactive: not ours.
 */
export async function proveDefinition(client: OngageClient, c: CanonicalSegment, id: string): Promise<Verdict<true>> {
  const seg = await fetchUnlessGone(() => client.getSegment(c.listId, id), client.goneProof(c.listId, id));
  if (seg === undefined || isDeletedSegment(seg)) return { notOurs: "deleted" };
  if (seg.type !== undefined && seg.type !== "Active") return { notOurs: `not active (${seg.type})` };
  const current = canonicalFromWire(seg, c);
  return sameCanonical({ ...managedPart(current), adopt: undefined }, { ...managedPart(c), listId: current.listId, adopt: undefined })
    ? { ours: true }
    : { notOurs: "its definition differs" };
}

/**
 * The segment an interrupted run created for this definition, claimed for adoption: exactly this name
 * in the definition's list, `created` within `ongage:interruptedCreateWindowHours`, no other resource
 * of this process holding it, and an identical definition (`proveDefinition`). Undefined: create as
 * usual. The collection is listed once per process and list, at the first create.
 */
export async function findInterruptedCreate(client: OngageClient, c: CanonicalSegment): Promise<WireSegmentSummary | undefined> {
  const windowMs = interruptedCreateWindowMs(ONGAGE_KEYS.interruptedCreateWindowHours);
  if (windowMs === 0) return undefined;
  const source: RecentCreateSource<WireSegmentSummary> = {
    apiTitle: "Ongage",
    key: `${ongageClaimScope()}|${ongageBaseUrl()}|${c.listId ?? "default"}`,
    scope: ongageClaimScope(),
    // Ongage's verdict is always proven either way; kept for the contract.
    wayOut: "Check Ongage, then run `pulumi up` again.",
    list: async function* () {
      for await (const s of client.listSegments(c.listId)) yield { id: String(s.id), name: s.name, createdAtMs: createdMs(s.created), entry: s };
    },
  };
  const adopted = await adoptInterruptedCreate(source, c.name, windowMs, async (candidate) => {
    const verdict = await proveDefinition(client, c, candidate.id);
    return "ours" in verdict ? { ours: candidate.entry } : verdict;
  });
  return adopted?.entry;
}
