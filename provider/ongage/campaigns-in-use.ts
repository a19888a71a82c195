import { NotFoundError } from "../http/errors";
import { isGoneAnswer } from "../pulumi/gone";
import { decideDelete, type InUseWording } from "../pulumi/in-use";
import type { OngageClient } from "./client";
import { campaignStatus, finalCampaignStatus, flagSet, type SegmentCampaign, type WireMailing, type WireSegmentMailing } from "./campaigns";
import { isDeletedSegment, type WireSegment } from "./wire";
import { ONGAGE_KEYS, deleteInUsePolicy } from "./settings";

/**
 * Deleting an Ongage segment unschedules every scheduled campaign that uses it (docs/api/ongage-mailings.md
 * §1), and a campaign that excludes it would reach everyone. Before any delete (destroy, removal, the
 * delete half of a replacement) the segment is read and every campaign it names is judged by one rule
 * (campaignStatus in ./campaigns.ts); `review --live` reads the same facts through `segmentCampaigns`.
 */

/** What Ongage shows of the campaigns of an existing segment. */
export interface SegmentCampaigns {
  segment: WireSegment;
  /** The campaigns that keep the segment in use, by id. */
  inUse: SegmentCampaign[];
  /** Set when the segment's answer does not show its campaigns: why. */
  unknown?: string;
}

/** Shown instead of a name when neither the segment nor the campaign look-up gives one. */
export const NO_CAMPAIGN_NAME = "(no name shown by Ongage)";

/**
 * The segment's campaigns under the one rule; undefined when the segment is gone (404, or soft-deleted).
 * An entry of `mailings` without a documented status or a name (the entry shape is undocumented) is
 * looked up with `GET /api/mailings/<id>`; a campaign whose status still cannot be told counts as in use,
 * and so does one with a status outside the documented table. A segment answer without a `mailings`
 * list leaves use unknown.
 */
export async function segmentCampaigns(client: OngageClient, listId: number | undefined, id: string): Promise<SegmentCampaigns | undefined> {
  let segment: WireSegment;
  try {
    segment = await client.getSegment(listId, id);
  } catch (err) {
    if (await isGoneAnswer(err, client.goneProof(listId, id))) return undefined;
    throw err;
  }
  if (isDeletedSegment(segment)) return undefined;
  if (!Array.isArray(segment.mailings)) {
    return { segment, inUse: [], unknown: `Ongage's answer to GET /api/segments/${id} has no \`mailings\` list` };
  }
  const campaigns: SegmentCampaign[] = [];
  for (const ref of segment.mailings) campaigns.push(await campaignOf(client, listId, id, ref));
  return { segment, inUse: campaigns.filter((c) => c.inUse).sort((a, b) => Number(a.id) - Number(b.id)) };
}

async function campaignOf(client: OngageClient, listId: number | undefined, segmentId: string, ref: WireSegmentMailing): Promise<SegmentCampaign> {
  const given = ref.name?.trim() ? ref.name : undefined;
  const fromEntry = campaignStatus(ref.status, ref.status_desc);
  if (fromEntry && given) return { id: ref.id, name: given, status: fromEntry.text, statusCode: fromEntry.code, excluded: flagSet(ref.exclude), inUse: fromEntry.inUse };
  const lookup = `GET /api/mailings/${ref.id}`;
  let m: WireMailing | undefined;
  try {
    m = await client.getMailing(listId, ref.id);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  const status = fromEntry
    ?? (m
      ? finalCampaignStatus(m.status, m.status_desc ?? ref.status_desc, `neither the segment's \`mailings\` entry nor ${lookup} gives one`)
      : { text: `status unknown: the segment names it, but ${lookup} answers 404`, inUse: true });
  const entry = m?.segments?.find((s) => s.segment_id === segmentId);
  return {
    id: ref.id,
    name: given ?? (m?.name?.trim() ? m.name : NO_CAMPAIGN_NAME),
    status: status.text,
    statusCode: status.code,
    excluded: flagSet(ref.exclude) || flagSet(entry?.exclude),
    inUse: status.inUse,
  };
}

/** `campaign 7 "Sale" (Scheduled, excluded)`. */
export const describeCampaign = (c: SegmentCampaign) =>
  `campaign ${c.id} ${c.name === NO_CAMPAIGN_NAME ? c.name : JSON.stringify(c.name)} (${c.status}${c.excluded ? ", excluded" : ""})`;

const wording = (segment: WireSegment): InUseWording => ({
  segment: `segment ${segment.id} (${JSON.stringify(segment.name)})`,
  noun: "campaign",
  consequence: "Deleting it would unschedule scheduled campaigns and change who the others reach.",
  detach: "detach the segment from these campaigns (or let them finish)",
  system: "Ongage",
  setting: ONGAGE_KEYS.deleteInUse,
});

/**
 * The pre-delete guard: reads the segment; undefined when it is gone already (nothing to delete).
 * Throws SegmentInUseError when campaigns use it (or Ongage does not show whether any do) and the
 * policy is `refuse`; with `allow`, returns the warning to print once the delete succeeded.
 */
export async function guardSegmentDelete(client: OngageClient, listId: number | undefined, id: string): Promise<{ warning?: string } | undefined> {
  const policy = deleteInUsePolicy();
  const found = await segmentCampaigns(client, listId, id);
  if (!found) return undefined;
  const uses = found.inUse;
  const unscheduled = uses.filter((u) => u.statusCode === "60002");
  const others = uses.filter((u) => !unscheduled.includes(u));
  const detail = [
    unscheduled.length > 0 ? `Ongage unscheduled ${unscheduled.map(describeCampaign).join(", ")}` : "",
    others.length > 0 ? `${others.map(describeCampaign).join(", ")} now name${others.length === 1 ? "s" : ""} a deleted segment` : "",
  ].filter(Boolean).join("; ");
  const warning = decideDelete(policy, wording(found.segment), { users: uses.map(describeCampaign), unknown: found.unknown }, detail || undefined);
  return warning === undefined ? {} : { warning };
}
