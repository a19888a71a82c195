import { z } from "zod";
import { DELIMITERS, type DelimiterCode } from "../member-files/file-input";
import { AlertChannel, DayHour, MATCH_OPERATORS, REPEAT_RANGES, RepeatOnValue, USER_ROLES, type RepeatUnit } from "./inputs";

// The canonical form of ANTS segments: the single normalized shape on both sides of every diff, what
// check hands to create/update, and (with what the server assigned) the segment's outputs.

export const CanonicalFile = z.object({
  path: z.string(),
  delimiter: z.enum(Object.keys(DELIMITERS) as [DelimiterCode, ...DelimiterCode[]]),
  /** sha256 (hex) of the file's bytes: a new file version is a diff. */
  sha256: z.string(),
  /** Header names in column order. */
  headers: z.array(z.string()),
});

export const CanonicalMatchRule = z.object({
  column: z.string(),
  attribute: z.string(),
  /** Present only when the program sets it; the resolved operator lives in outputs. */
  operator: z.enum(MATCH_OPERATORS).optional(),
});

export const CanonicalSchedule = z.discriminatedUnion("type", [
  z.object({ type: z.literal("static") }),
  z.object({
    type: z.literal("dynamic"),
    repeat: z.object({ every: z.number(), unit: z.enum(Object.keys(REPEAT_RANGES) as [RepeatUnit, ...RepeatUnit[]]), on: z.array(RepeatOnValue).optional() }),
    start: DayHour.optional(),
    end: z.union([z.object({ never: z.literal(true) }), z.object({ onDay: DayHour }), z.object({ afterRuns: z.number() })]),
  }),
]);

export const CanonicalShareAccess = z.object({
  description: z.string(),
  isPublic: z.boolean(),
  publicRole: z.enum(["editor", "viewer"]).optional(),
  /** Sorted by userId; ids as strings; every allow flag explicit. */
  users: z.array(z.object({
    userId: z.string(),
    role: z.enum(Object.keys(USER_ROLES) as [keyof typeof USER_ROLES, ...(keyof typeof USER_ROLES)[]]),
    allowEdit: z.boolean(),
    allowView: z.boolean(),
    allowComment: z.boolean(),
  })),
});

export const CanonicalAlerts = z.object({
  /** Sorted, unique, as strings. */
  accountIds: z.array(z.string()),
  onSuccess: z.array(AlertChannel),
  onFailure: z.array(AlertChannel),
});

/** Inputs after check: defaults filled, lists sorted, file hashed. */
export const CanonicalSegment = z.object({
  name: z.string(),
  audience: z.enum(["customer", "visitor"]),
  file: CanonicalFile,
  matchRules: z.array(CanonicalMatchRule),
  logic: z.enum(["and", "or"]),
  schedule: CanonicalSchedule,
  shareAccess: CanonicalShareAccess,
  alerts: CanonicalAlerts,
  adopt: z.boolean().optional(),
});
export type CanonicalSegment = z.infer<typeof CanonicalSegment>;
export type CanonicalSchedule = z.infer<typeof CanonicalSchedule>;
export type CanonicalMatchRule = z.infer<typeof CanonicalMatchRule>;

/** Where the member file landed on the CDP (Upload response, docs/api/ants.md §5). */
export const UploadInfo = z.object({
  filePath: z.string(),
  fileName: z.string(),
  /** The local file name sent as `original_file_name`. */
  originalFileName: z.string(),
  extension: z.string(),
  /** The delimiter character as Upload returned it. */
  delimiter: z.string(),
  /** Header codes in index order, as Upload returned them. */
  headers: z.array(z.string()),
});
export type UploadInfo = z.infer<typeof UploadInfo>;

/** A rule as sent to ANTS: header index resolved, operator resolved from the attribute's datatype. */
export const ResolvedRule = z.object({
  column: z.string(),
  headerIndex: z.number(),
  attribute: z.string(),
  operator: z.enum(MATCH_OPERATORS),
});
export type ResolvedRule = z.infer<typeof ResolvedRule>;

/**
 * Server status as Listing last showed it. Informational: never part of a diff, and refreshed by
 * read (so `refresh` reports these fields moving while the CDP computes).
 */
export const SegmentStatus = z.object({
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  status: z.number().optional(),
  processStatus: z.number().optional(),
  segmentSize: z.number().optional(),
  lastProcessedDate: z.string().optional(),
});
export type SegmentStatus = z.infer<typeof SegmentStatus>;

/** Outputs of `ants.Segment`: the canonical definition plus what the server assigned. */
export const SegmentOutputs = CanonicalSegment.extend({
  segmentId: z.string(),
  itemTypeId: z.number(),
  upload: UploadInfo,
  resolvedRules: z.array(ResolvedRule),
  serverStatus: SegmentStatus,
});
export type SegmentOutputs = z.infer<typeof SegmentOutputs>;
