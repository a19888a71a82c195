import { NotFoundError } from "../http/errors";
import type { OngageClient } from "./client";
import type { WireMailingRef, WireSegment } from "./wire";
import { ONGAGE_KEYS, deleteInUsePolicy } from "./settings";

/**
 * Deleting an Ongage segment unschedules every scheduled campaign that uses it (ongage.md §11), and
 * a campaign that excludes it would reach everyone. Before any delete (destroy, removal, the delete
 * half of a replacement) the segment is read; campaigns that still depend on it make the delete
 * fail unless `ongage:deleteInUse` is `allow`.
 */

/** Campaign states a segment delete can still affect (ongage-mailings.md §5: New, Scheduled, In progress, On hold). */
const IN_USE: Record<string, string> = { "60001": "New", "60002": "Scheduled", "60003": "In progress", "60009": "On hold" };
const STATUS_NAMES: Record<string, string> = {
  ...IN_USE,
  "60004": "Completed",
  "60005": "Error",
  "60006": "Cancelled",
  "60007": "Deleted",
  "60008": "Completed with errors",
  "60010": "Stopped",
};

export interface CampaignUse {
  id: string;
  name: string;
  /** The status as Ongage names it (New, Scheduled, In progress, On hold). */
  status: string;
  excluded: boolean;
}

const flag = (v: unknown) => v === true || v === 1 || v === "1" || v === "true";
const statusName = (code: unknown, desc: unknown): string | undefined =>
  typeof desc === "string" && desc !== "" ? desc : code === undefined || code === null ? undefined : STATUS_NAMES[String(code)];
const isInUse = (status: string) => Object.values(IN_USE).some((s) => s.toLowerCase() === status.toLowerCase());

/**
 * The campaigns that still depend on the segment. Entries of the segment's `mailings` without a
 * status (their shape is not documented) are looked up with `GET /api/mailings/<id>`.
 */
export async function campaignsInUse(client: OngageClient, listId: number | undefined, segment: WireSegment): Promise<CampaignUse[]> {
  const uses: CampaignUse[] = [];
  for (const ref of segment.mailings ?? []) {
    const use = await describe(client, listId, String(segment.id), ref);
    if (use && isInUse(use.status)) uses.push(use);
  }
  return uses.sort((a, b) => Number(a.id) - Number(b.id));
}

async function describe(client: OngageClient, listId: number | undefined, segmentId: string, ref: WireMailingRef): Promise<CampaignUse | undefined> {
  const id = String(ref.id);
  let status = statusName(ref.status, ref.status_desc);
  let name = ref.name ?? undefined;
  let excluded = flag(ref.exclude);
  if (status === undefined || name === undefined) {
    try {
      const m = await client.getMailing(listId, id);
      status = statusName(m.status, m.status_desc);
      name = m.name ?? name;
      excluded = flag(m.segments?.find((s) => String(s.segment_id) === segmentId)?.exclude ?? ref.exclude);
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }
  // A campaign whose status cannot be told is treated as in use: refusing is the safe side.
  return { id, name: name ?? "(unnamed)", status: status ?? "status unknown", excluded };
}

const describeUse = (c: CampaignUse) => `campaign ${c.id} ${JSON.stringify(c.name)} (${c.status}${c.excluded ? ", excluded" : ""})`;
const describeSegment = (segment: WireSegment) => `segment ${segment.id} (${JSON.stringify(segment.name)})`;

/** Thrown by a refused delete: names the segment, every campaign, and the ways to proceed. */
export class SegmentInUseError extends Error {
  constructor(
    segment: WireSegment,
    readonly campaigns: CampaignUse[],
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
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
  if (flag(segment.deleted)) return undefined;
  const uses = await campaignsInUse(client, listId, segment);
  if (uses.length === 0) return {};
  if (policy === "refuse") throw new SegmentInUseError(segment, uses);
  const unscheduled = uses.filter((u) => u.status.toLowerCase() === "scheduled");
  const others = uses.filter((u) => !unscheduled.includes(u));
  const parts = [
    unscheduled.length > 0 ? `Ongage unscheduled ${unscheduled.map(describeUse).join(", ")}` : "",
    others.length > 0 ? `${others.map(describeUse).join(", ")} now name${others.length === 1 ? "s" : ""} a deleted segment` : "",
  ].filter(Boolean);
  return { warning: `deleted ${describeSegment(segment)} although campaigns used it (${ONGAGE_KEYS.deleteInUse.config} is allow): ${parts.join("; ")}.` };
}
