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

/** A campaign that names a segment, with the in-use rule's verdict (provider/ongage/campaigns-in-use.ts). */
export interface SegmentCampaign {
  id: string;
  /** The campaign's name, or a phrase saying Ongage showed none. */
  name: string;
  /** Ongage's status text (`Scheduled`), or `unknown status 60077`, or why the status is not known. */
  status: string;
  /** The status code when one was given. */
  statusCode?: string;
  excluded: boolean;
  /** True when a delete of the segment must be refused for this campaign. */
  inUse: boolean;
}

/** A status as the rule reads it: documented (from the table) or not, and whether it keeps a segment in use. */
export interface CampaignStatus {
  code?: string;
  text: string;
  inUse: boolean;
}

const codeOfText = (text: string): string | undefined =>
  Object.entries(MAILING_STATUSES).find(([, desc]) => desc.toLowerCase() === text.trim().toLowerCase())?.[0];

/**
 * The status of a campaign from its `status` code and `status_desc` text (docs/api/ongage-mailings.md
 * §5). A documented code decides; a code outside the table counts as in use and is named
 * (`unknown status 60077`); without a code, a documented text decides. Undefined when neither gives a
 * documented answer and no code was given: the caller looks the campaign up, then calls
 * `finalCampaignStatus`.
 */
export function campaignStatus(status: string | null | undefined, statusDesc: string | null | undefined): CampaignStatus | undefined {
  const code = status?.trim();
  if (code) {
    const documented = code in MAILING_STATUSES ? code : codeOfText(code);
    if (documented) return { code: documented, text: MAILING_STATUSES[documented]!, inUse: IN_USE_STATUSES.has(documented) };
    return { code, text: `unknown status ${/^\d+$/.test(code) ? code : JSON.stringify(code)}`, inUse: true };
  }
  const fromText = statusDesc ? codeOfText(statusDesc) : undefined;
  if (fromText) return { code: fromText, text: MAILING_STATUSES[fromText]!, inUse: IN_USE_STATUSES.has(fromText) };
  return undefined;
}

/** Like `campaignStatus`, after the look-up: a text outside the table, or no status at all, counts as in use. */
export function finalCampaignStatus(status: string | null | undefined, statusDesc: string | null | undefined, why: string): CampaignStatus {
  const known = campaignStatus(status, statusDesc);
  if (known) return known;
  if (statusDesc?.trim()) return { text: `unknown status ${JSON.stringify(statusDesc.trim())}`, inUse: true };
  return { text: `status unknown: ${why}`, inUse: true };
}
