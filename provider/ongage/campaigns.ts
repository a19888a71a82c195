import { z } from "zod";

/**
 * Ongage campaigns (mailings) as segments see them, and contact counts (docs/api/ongage-mailings.md,
 * docs/api/ongage.md §13.2). Wire shapes are non-strict: new server fields never break a read.
 */

/** Campaign status codes → Ongage's own status text (docs/api/ongage-mailings.md §5). */
export const MAILING_STATUSES: Record<string, string> = {
  "60001": "New",
  "60002": "Scheduled",
  "60003": "In progress",
  "60004": "Completed",
  "60005": "Error",
  "60006": "Cancelled",
  "60007": "Deleted",
  "60008": "Completed with errors",
  "60009": "On hold",
  "60010": "Stopped",
};

/** Statuses in which a delete of a segment the campaign names still affects it (docs/api/ongage-mailings.md §5 [A]). */
export const IN_USE_STATUSES: ReadonlySet<string> = new Set(["60001", "60002", "60003", "60009"]);

const Str = z.union([z.string(), z.number()]).transform(String);
const Flag = z.union([z.string(), z.number(), z.boolean()]).nullable().optional();

/**
 * One entry of a segment's `mailings` array. The entry shape is undocumented [A]: modelled as the
 * mailing summary fields plus `exclude` ("1" when the campaign excludes the segment).
 */
export const WireSegmentMailing = z
  .object({ id: Str, name: z.string().nullable().optional(), status: Str.nullable().optional(), status_desc: z.string().nullable().optional(), schedule_date: Flag, exclude: Flag })
  .loose();
export type WireSegmentMailing = z.infer<typeof WireSegmentMailing>;

/** One campaign, `GET /api/mailings/<id>` (docs/api/ongage-mailings.md §4): what a delete guard needs. */
export const WireMailing = z
  .object({
    id: Str,
    name: z.string().nullable().optional(),
    status: Str.nullable().optional(),
    status_desc: z.string().nullable().optional(),
    segments: z.array(z.object({ segment_id: Str, exclude: Flag }).loose()).nullable().optional(),
  })
  .loose();
export type WireMailing = z.infer<typeof WireMailing>;

/** The part of `GET /api/segments/<id>` that names the campaigns using the segment. */
export const WireSegmentWithMailings = z.object({ id: Str, mailings: z.array(WireSegmentMailing).nullable().optional() }).loose();

/** `GET /api/contact_counts/<id>` payload (numbers as documented; strings tolerated). */
export const WireContactCounts = z
  .object({
    active: z.coerce.number().optional(),
    bounced: z.coerce.number().optional(),
    complaint: z.coerce.number().optional(),
    unsubscribed: z.coerce.number().optional(),
  })
  .loose();
export type WireContactCounts = z.infer<typeof WireContactCounts>;

export const flagSet = (v: unknown): boolean => v === true || v === 1 || v === "1" || v === "true";

/** A campaign that names a segment, as a review shows it. */
export interface SegmentCampaign {
  id: string;
  name: string;
  status: string;
  statusCode: string;
  excluded: boolean;
  inUse: boolean;
}

export function campaignFromWire(m: WireSegmentMailing): SegmentCampaign {
  const code = m.status ?? "";
  return {
    id: m.id,
    name: m.name ?? "",
    status: m.status_desc ?? MAILING_STATUSES[code] ?? code,
    statusCode: code,
    excluded: flagSet(m.exclude),
    inUse: IN_USE_STATUSES.has(code),
  };
}
