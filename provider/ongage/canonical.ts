import { z } from "zod";
import { FileInput } from "../member-files/file-input";
import type { RuleInput } from "./inputs";

// The canonical form of Ongage resources: the single normalized shape on both sides of every diff,
// what check hands to create/update, and (with the server's ids) every resource's outputs.

/** The rule types, as `type` in inputs and on the wire. */
export const RULE_TYPES = ["email", "string", "numeric", "date_absolute", "date_relative", "behavioral", "segment"] as const satisfies ReadonlyArray<RuleInput["type"]>;

/**
 * A behavioral operand, camelCase, ids sorted, empty lists dropped, dates as epoch seconds. Members are
 * optional because a segment read back from Ongage may carry only part of them.
 */
export const CanonicalOperand = z.object({
  mailingIds: z.array(z.number()).optional(),
  espConnectionIds: z.array(z.number()).optional(),
  /**
   * "custom": `fromDate`/`toDate` epoch seconds; "between": `inLast` `inLastUnit` ago to `to` `toUnit`
   * ago. State written before the rename holds a custom range's `from`/`to` (normalize.ts upgrades it).
   */
  timeRange: z
    .object({
      operator: z.string(),
      fromDate: z.number().optional(),
      toDate: z.number().optional(),
      from: z.number().optional(),
      to: z.number().optional(),
      inLast: z.number().optional(),
      inLastUnit: z.string().optional(),
      toUnit: z.string().optional(),
    })
    .optional(),
  repeat: z.object({ operator: z.string(), counter: z.number().optional() }).optional(),
  browsers: z.array(z.string()).optional(),
  countries: z.array(z.string()).optional(),
  platforms: z.array(z.string()).optional(),
});
export type CanonicalOperand = z.infer<typeof CanonicalOperand>;

/** One rule in Ongage's flat encoding with every joining property explicit. */
export const CanonicalRule = z.object({
  type: z.enum(RULE_TYPES),
  field: z.string().optional(),
  fieldId: z.number().optional(),
  event: z.string().optional(),
  conversionPointId: z.number().optional(),
  operator: z.string(),
  /** Text → string; numeric, date_absolute (epoch seconds), date_relative (days) → number. */
  values: z.array(z.union([z.string(), z.number()])).optional(),
  /** Segment-of-segment rules: ids as strings, sorted. */
  segmentIds: z.array(z.string()).optional(),
  operand: CanonicalOperand.optional(),
  caseSensitive: z.boolean().optional(),
  condition: z.enum(["and", "or"]),
  openParens: z.number(),
  closeParens: z.number(),
  group: z.string(),
});
export type CanonicalRule = z.infer<typeof CanonicalRule>;

export const CanonicalExternal = z.object({
  url: z.string().optional(),
  insertMissing: z.boolean(),
  includeUnsubscribes: z.boolean(),
});

/** `ongage.Segment` after check: defaults filled, `match` compiled to flat rules, list defaulted. */
export const CanonicalSegment = z.object({
  listId: z.number().optional(),
  name: z.string(),
  description: z.string(),
  favorite: z.boolean(),
  whitelist: z.boolean(),
  rules: z.array(CanonicalRule),
  external: CanonicalExternal.optional(),
  adopt: z.boolean().optional(),
});
export type CanonicalSegment = z.infer<typeof CanonicalSegment>;

/** Outputs of `ongage.Segment`: the canonical definition plus the server's ids. */
export const SegmentOutputs = CanonicalSegment.extend({
  /** Ongage's id of the segment. */
  segmentId: z.string(),
  /** The list the segment lives in. */
  listId: z.number(),
});
export type SegmentOutputs = z.infer<typeof SegmentOutputs>;

/** `ongage.ExternalRecipients` after check: the file by path and hash, or the canonical rows. */
export const CanonicalRecipients = z.object({
  listId: z.number().optional(),
  segmentId: z.string(),
  /** File form: the path as state records it, the sha256 of its bytes, the delimiter if one was given. */
  file: z.object({ path: z.string(), sha256: z.string(), delimiter: FileInput.shape.delimiter }).optional(),
  /** Inline form: sorted by email, emails trimmed, values as strings (a secret in state). */
  recipients: z.array(z.record(z.string(), z.string())).optional(),
  recipientCount: z.number(),
  /** sha256 of the canonical recipient list, the same for both forms: the only content diffed. */
  contentHash: z.string(),
});
export type CanonicalRecipients = z.infer<typeof CanonicalRecipients>;

/** Outputs of `ongage.ExternalRecipients`: the count and hashes (and a file's path), never the recipients themselves. */
export const RecipientsOutputs = CanonicalRecipients.omit({ recipients: true });
export type RecipientsOutputs = z.infer<typeof RecipientsOutputs>;
