import { z } from "zod";
import { LIVE_CHECKS } from "../definitions/live-checks";

/**
 * The review report (`review --format json`): one zod schema, the only source of its TypeScript types
 * and of schema/review-report.schema.json. No value is ever `null`: a fact that is not known is left
 * out and a sibling key says why (`idUnknown`, `audienceUnknown`).
 */

/** Bumped on any change a consumer of the JSON must adapt to. */
export const REPORT_SCHEMA_VERSION = 2;

/** The warning codes of a review (stable: part of the JSON format). */
export const WARNING_CODES = ["replace-new-id", "delete", "campaigns-affected", "referenced-by", "whitelist-changed", "recipients-changed"] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

/** The policy rules (`segments.policy.yaml`), in evaluation order. */
export const POLICY_RULES = [
  "audience-drop",
  "audience-growth",
  "audience-empty",
  "audience-unknown",
  "new-segment-audience",
  "campaigns-affected",
  "delete",
  "replace",
  "whitelist-changed",
] as const;
export type PolicyRule = (typeof POLICY_RULES)[number];

export const ReviewKindSchema = z.enum(["ongage.Segment", "ongage.ExternalRecipients", "ants.Segment"]);
export const ReviewOpSchema = z.enum(["create", "update", "replace", "delete"]);

export const CampaignRef = z.object({
  id: z.string(),
  name: z.string(),
  /** Ongage's status text (`Scheduled`, `New`, …). */
  status: z.string(),
  /** True when the campaign is sent to everyone except this segment. */
  excluded: z.boolean(),
});
export type CampaignRef = z.infer<typeof CampaignRef>;

export const ReportWarning = z.object({
  code: z.enum(WARNING_CODES),
  message: z.string(),
  campaigns: z.array(CampaignRef).optional(),
});
export type ReportWarning = z.infer<typeof ReportWarning>;

export const SideReport = z.object({
  /** The logic in words (Ongage rules; ANTS match); absent for recipients. */
  logic: z.string().optional(),
  /** Ongage: active contacts; ANTS: before = Listing's size, after = the new file's data rows. */
  audience: z.number().int().nonnegative().optional(),
  /** Why `audience` is absent (`not counted: no --live`, `external segment`, …). */
  audienceUnknown: z.string().optional(),
});
export type SideReport = z.infer<typeof SideReport>;

export const PropertyChange = z.object({
  property: z.string(),
  /** Absent: the property has no value on that side (a create's before, a delete's after). */
  before: z.string().optional(),
  after: z.string().optional(),
});
export type PropertyChange = z.infer<typeof PropertyChange>;

/**
 * A `--live` error: the definition cannot work in the account (a list field, segment, list or ANTS
 * attribute that does not exist or does not fit), or a check could not be made (`message` says so).
 * Any error makes `review` exit 1.
 */
export const LiveError = z.object({
  check: z.enum(LIVE_CHECKS),
  /** Property path in the resource's inputs (`rules[2].field`); absent when the check concerns the whole segment. */
  path: z.string().optional(),
  message: z.string(),
});
export type LiveError = z.infer<typeof LiveError>;

export const SegmentReport = z.object({
  name: z.string(),
  kind: ReviewKindSchema,
  op: ReviewOpSchema,
  /** The existing segment's id (recipients: the resource id). */
  id: z.string().optional(),
  /** Why `id` is absent (`id assigned at apply`, `not found in list 10000`, …). */
  idUnknown: z.string().optional(),
  /** The segment's name; absent for recipients. */
  displayName: z.string().optional(),
  /** Ongage kinds: the list id, or `account default`, `known after apply`, `[secret]`. */
  list: z.union([z.number(), z.string()]).optional(),
  /** ANTS: customer or visitor. */
  audience: z.string().optional(),
  before: SideReport.optional(),
  after: SideReport.optional(),
  /** after − before, and its percentage of before (absent when before is 0), when both are known. */
  audienceChange: z.object({ difference: z.number().int(), percent: z.number().optional() }).optional(),
  /** Other properties in words: every one for a create or delete, the changed ones otherwise. */
  changes: z.array(PropertyChange),
  warnings: z.array(ReportWarning),
  /**
   * A delete or replacement of a segment: who uses the existing segment. `campaigns` as `--live` found
   * them (an empty list: checked, none); `unknown` says why they could not be checked.
   */
  /** Who uses the deleted or replaced segment: Ongage campaigns, ANTS modules (in words), or why it is unknown. */
  usedBy: z.object({ campaigns: z.array(CampaignRef).optional(), modules: z.array(z.string()).optional(), unknown: z.string().optional() }).optional(),
  /** `--base` mode: the definition's previous name. */
  renamedFrom: z.string().optional(),
  /** `--live` errors: the segment cannot be applied as defined, or could not be checked. */
  errors: z.array(LiveError).optional(),
  /** Why a figure is missing, and other facts about this segment. */
  notes: z.array(z.string()).optional(),
});
export type SegmentReport = z.infer<typeof SegmentReport>;

export const PolicyLevel = z.enum(["warn", "fail"]);
export type PolicyLevel = z.infer<typeof PolicyLevel>;

export const PolicyFinding = z.object({
  rule: z.enum(POLICY_RULES),
  level: PolicyLevel,
  /** The definition name of the segment it concerns. */
  segment: z.string(),
  message: z.string(),
  /** True when an exception of the policy allows it (it then counts for nothing in the verdict). */
  allowed: z.boolean(),
  /** The exception's reason (only when allowed). */
  reason: z.string().optional(),
});
export type PolicyFinding = z.infer<typeof PolicyFinding>;

export const PolicyResult = z.object({
  verdict: z.enum(["pass", "warn", "fail"]),
  /** The policy file read; absent when there is none. */
  file: z.string().optional(),
  findings: z.array(PolicyFinding),
});
export type PolicyResult = z.infer<typeof PolicyResult>;

export const Report = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  /** `change`: a pull request's change; `drift`: what differs between the live segments and the files. */
  mode: z.enum(["change", "drift"]),
  summary: z.object({ create: z.number().int(), update: z.number().int(), replace: z.number().int(), delete: z.number().int() }),
  segments: z.array(SegmentReport),
  notes: z.array(z.string()),
  policy: PolicyResult,
});
export type Report = z.infer<typeof Report>;

/** What `--live` found out about one change (not part of the JSON: the report carries it). */
export const LiveFacts = z.object({
  /** The existing segment's id when only the API knew it (`--base` mode finds segments by name). */
  id: z.string().optional(),
  before: z.number().nullable().optional(),
  after: z.number().nullable().optional(),
  /** Campaigns that use the existing segment (provider/ongage/campaigns-in-use.ts: the delete guard's rule). */
  campaigns: z.array(CampaignRef).optional(),
  /** ANTS modules that use the existing segment, in words (provider/ants/modules-in-use.ts). */
  modules: z.array(z.string()).optional(),
  /** Why the API does not show whether anything uses the existing segment (the delete guard refuses then). */
  inUseUnknown: z.string().optional(),
  /** Why a figure is missing (shown as a note on the segment). */
  problems: z.array(z.string()),
  /** What the account checks (provider/definitions/live-checks.ts) found wrong, or could not check. */
  errors: z.array(LiveError).optional(),
});
export type LiveFacts = z.infer<typeof LiveFacts>;

/** Where the generated JSON Schemas are published inside the package. */
export const REPORT_JSON_SCHEMA_PATH = "schema/review-report.schema.json";

/** The report's JSON Schema text (draft-07, 2-space, trailing newline: stable, so a test can compare it). */
export function reportJsonSchemaText(): string {
  const { $schema, ...rest } = z.toJSONSchema(Report, { target: "draft-7", io: "output", unrepresentable: "any" }) as Record<string, unknown>;
  const doc = {
    $schema,
    $id: "https://unpkg.com/pulumi-segments/schema/review-report.schema.json",
    title: "pulumi-segments review report",
    description: "What `pulumi-segments review --format json` prints. Generated from provider/review/report-schema.ts; do not edit.",
    ...rest,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
