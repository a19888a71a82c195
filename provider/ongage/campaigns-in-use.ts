import { NotFoundError } from "../http/errors";
import { isGoneAnswer } from "../pulumi/gone";
import type { OngageClient } from "./client";
import { IN_USE_STATUSES, MAILING_STATUSES, campaignFromWire, type SegmentCampaign, type WireSegmentMailing } from "./campaigns";
import { isDeletedSegment, type WireSegment } from "./wire";
import { ONGAGE_KEYS, deleteInUsePolicy } from "./settings";

/**
 * Deleting an Ongage segment unschedules every scheduled campaign that uses it (ongage.md §11), and
 * a campaign that excludes it would reach everyone. Before any delete (destroy, removal, the delete
 * half of a replacement) the segment is read; campaigns that still depend on it make the delete
 * fail unless `ongage:deleteInUse` is `allow`.
 */

/** A campaign's status code from its code or, when only the text is given, from the text. */
function statusCodeOf(c: SegmentCampaign): string | undefined {
  if (c.statusCode) return c.statusCode;
  return Object.entries(MAILING_STATUSES).find(([, desc]) => desc.toLowerCase() === c.status.toLowerCase())?.[0];
}

/**
 * The campaigns that still depend on the segment (New, Scheduled, In progress, On hold). Entries of
 * the segment's `mailings` without a status or a name (their shape is not documented) are looked up
 * with `GET /api/mailings/<id>`; a campaign whose status still cannot be told counts as in use.
 */
export async function campaignsInUse(client: OngageClient, listId: number | undefined, segment: WireSegment): Promise<SegmentCampaign[]> {
  const uses: SegmentCampaign[] = [];
  for (const ref of segment.mailings ?? []) {
    const c = await describe(client, listId, String(segment.id), ref);
    if (c?.inUse) uses.push(c);
  }
  return uses.sort((a, b) => Number(a.id) - Number(b.id));
}

async function describe(client: OngageClient, listId: number | undefined, segmentId: string, ref: WireSegmentMailing): Promise<SegmentCampaign | undefined> {
  let c = campaignFromWire(ref);
  if (statusCodeOf(c) === undefined || !c.name) {
    try {
      const m = await client.getMailing(listId, c.id);
      const entry = m.segments?.find((s) => s.segment_id === segmentId);
      c = campaignFromWire({ ...ref, name: m.name ?? ref.name, status: m.status ?? ref.status, status_desc: m.status_desc ?? ref.status_desc, exclude: entry?.exclude ?? ref.exclude });
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }
  const code = statusCodeOf(c);
  // A campaign whose status cannot be told is treated as in use: refusing is the safe side.
  if (code === undefined) return { ...c, name: c.name || "(unnamed)", status: "status unknown", inUse: true };
  return { ...c, name: c.name || "(unnamed)", statusCode: code, status: MAILING_STATUSES[code] ?? c.status, inUse: IN_USE_STATUSES.has(code) };
}

const describeUse = (c: SegmentCampaign) => `campaign ${c.id} ${JSON.stringify(c.name)} (${c.status}${c.excluded ? ", excluded" : ""})`;
const describeSegment = (segment: WireSegment) => `segment ${segment.id} (${JSON.stringify(segment.name)})`;

/** Thrown by a refused delete: names the segment, every campaign, and the ways to proceed. */
export class SegmentInUseError extends Error {
  constructor(
    segment: WireSegment,
    readonly campaigns: SegmentCampaign[],
  ) {
    const { config, env } = ONGAGE_KEYS.deleteInUse;
    super(
      `${describeSegment(segment)} was not deleted: ${campaigns.length} campaign${campaigns.length === 1 ? "" : "s"} still use${campaigns.length === 1 ? "s" : ""} it — ` +
        `${campaigns.map(describeUse).join(", ")}. Deleting it would unschedule scheduled campaigns and change who the others reach. ` +
        "To proceed, either detach the segment from these campaigns (or let them finish) and run `pulumi up` again; " +
        "or keep the segment in Ongage and let Pulumi forget it, with the `retainOnDelete: true` resource option (set it in one `up`, then remove or replace the segment); " +
        `or allow the delete: \`pulumi config set ${config} allow\` (or ${env}=allow).`,
    );
    this.name = "SegmentInUseError";
  }
}

/**
 * The pre-delete guard: reads the segment; undefined when it is gone already (nothing to delete).
 * Throws SegmentInUseError when campaigns use it and the policy is `refuse`; with `allow`, returns
 * the warning to print once the delete succeeded.
 */
export async function guardSegmentDelete(client: OngageClient, listId: number | undefined, id: string): Promise<{ warning?: string } | undefined> {
  const policy = deleteInUsePolicy();
  let segment: WireSegment;
  try {
    segment = await client.getSegment(listId, id);
  } catch (err) {
    if (await isGoneAnswer(err, client.goneProof(listId, id))) return undefined;
    throw err;
  }
  if (isDeletedSegment(segment)) return undefined;
  const uses = await campaignsInUse(client, listId, segment);
  if (uses.length === 0) return {};
  if (policy === "refuse") throw new SegmentInUseError(segment, uses);
  const unscheduled = uses.filter((u) => u.statusCode === "60002");
  const others = uses.filter((u) => !unscheduled.includes(u));
  const parts = [
    unscheduled.length > 0 ? `Ongage unscheduled ${unscheduled.map(describeUse).join(", ")}` : "",
    others.length > 0 ? `${others.map(describeUse).join(", ")} now name${others.length === 1 ? "s" : ""} a deleted segment` : "",
  ].filter(Boolean);
  return { warning: `deleted ${describeSegment(segment)} although campaigns used it (${ONGAGE_KEYS.deleteInUse.config} is allow): ${parts.join("; ")}.` };
}
