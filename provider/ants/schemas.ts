import { z } from "zod";

// ---------------------------------------------------------------------------------------------
// User inputs (strict: a typo is a check failure). Types exported here are the only definitions.
// ---------------------------------------------------------------------------------------------

/** Audience → ANTS item type id (docs/api/ants.md §2). */
export const AUDIENCE_ITEM_TYPE = { customer: -1003, visitor: -1007 } as const;
export type Audience = keyof typeof AUDIENCE_ITEM_TYPE;

/** Delimiter codes as Upload's `delimiterCode`, and the characters they stand for. */
export const DELIMITERS = { tab: "\t", comma: ",", semicolon: ";", pipe: "|" } as const;
export type DelimiterCode = keyof typeof DELIMITERS;

/** Mapping operators (docs/api/ants.md §6.2). */
export const MATCH_OPERATORS = ["exactly", "equals", "not_equals"] as const;
export type MatchOperator = (typeof MATCH_OPERATORS)[number];

/** Allowed `repeat.every` per unit (docs/api/ants.md §6.3; the issue fixes hours at 1-24). */
export const REPEAT_RANGES = { hours: [1, 24], days: [1, 365], weeks: [1, 52], months: [1, 12] } as const;
export type RepeatUnit = keyof typeof REPEAT_RANGES;

/** Share roles (docs/api/ants.md §6.4): list_access role codes. */
export const USER_ROLES = { owner: 1, editor: 2, viewer: 3, commenter: 4 } as const;
export const PUBLIC_ROLES = { editor: 2, viewer: 3 } as const;

const isCalendarDate = (d: string) => {
  const t = Date.parse(`${d}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d);
};

/** `{ day: "YYYY-MM-DD", hour: "HH:mm" }` in the portal's time zone. */
export const DayHour = z.strictObject({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD").refine(isCalendarDate, "is not a calendar date"),
  hour: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected HH:mm (00:00-23:59)"),
});
export type DayHour = z.infer<typeof DayHour>;

export const FileInput = z.strictObject({
  /** CSV/TSV/TXT file, relative to the Pulumi project directory (or absolute). */
  path: z.string().min(1),
  /** Delimiter; detected from the header line when omitted. */
  delimiter: z.enum(Object.keys(DELIMITERS) as [DelimiterCode, ...DelimiterCode[]]).optional(),
});

export const MatchRuleInput = z.strictObject({
  /** Header name of a file column. */
  column: z.string().trim().min(1),
  /** BO attribute internal code (`item_property_name`). */
  attribute: z.string().trim().min(1),
  /** Defaults from the attribute's datatype: `exactly` for STRING, `equals` otherwise. */
  operator: z.enum(MATCH_OPERATORS).optional(),
});

const RepeatOnValue = z.union([z.number().int(), z.string().min(1)]);

export const RepeatInput = z
  .strictObject({
    every: z.number().int(),
    unit: z.enum(Object.keys(REPEAT_RANGES) as [RepeatUnit, ...RepeatUnit[]]),
    /** Specific week days / month dates to run on; only with weeks or months. Format unverified on a tenant. */
    on: z.array(RepeatOnValue).min(1).optional(),
  })
  .superRefine((r, ctx) => {
    const range = REPEAT_RANGES[r.unit];
    if (!range) return;
    const [min, max] = range;
    if (r.every < min || r.every > max) ctx.addIssue({ code: "custom", path: ["every"], message: `must be ${min}-${max} for unit "${r.unit}", got ${r.every}` });
    if (r.on !== undefined && r.unit !== "weeks" && r.unit !== "months") {
      ctx.addIssue({ code: "custom", path: ["on"], message: 'is only allowed with unit "weeks" or "months"' });
    }
  });

export const EndInput = z.union([
  z.strictObject({ never: z.literal(true) }),
  z.strictObject({ onDay: DayHour }),
  z.strictObject({ afterRuns: z.number().int().min(1).max(10_000) }),
], { error: "expected { never: true }, { onDay: { day, hour } } or { afterRuns: n }" });

export const ScheduleInput = z.discriminatedUnion("type", [
  /** Computed once, when the segment is created. */
  z.strictObject({ type: z.literal("static") }),
  /** Recomputed on a schedule. */
  z.strictObject({ type: z.literal("dynamic"), repeat: RepeatInput, start: DayHour.optional(), end: EndInput.optional() }),
]);

const UserId = z.union([z.string().regex(/^\d+$/, "expected a numeric user id"), z.number().int().positive()]);

export const ShareUserInput = z.strictObject({
  userId: UserId,
  role: z.enum(Object.keys(USER_ROLES) as [keyof typeof USER_ROLES, ...(keyof typeof USER_ROLES)[]]),
  /** Defaults follow the role: owner/editor all true; commenter view+comment; viewer view only. */
  allowEdit: z.boolean().optional(),
  allowView: z.boolean().optional(),
  allowComment: z.boolean().optional(),
});

export const ShareAccessInput = z
  .strictObject({
    description: z.string().max(2000).optional(),
    isPublic: z.boolean().optional(),
    /** Role of everyone in the portal; only with isPublic (defaults to viewer then). */
    publicRole: z.enum(["editor", "viewer"]).optional(),
    users: z.array(ShareUserInput).max(500).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.publicRole !== undefined && s.isPublic !== true) {
      ctx.addIssue({ code: "custom", path: ["publicRole"], message: "applies only to public segments; set isPublic: true or remove it" });
    }
    const ids = (s.users ?? []).map((u) => String(u.userId));
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: "custom", path: ["users", i, "userId"], message: `user ${id} is listed more than once` });
    });
  });

const AlertChannel = z.enum(["email", "app_push"]);

export const AlertsInput = z.strictObject({
  /** Users notified about computation results. */
  accountIds: z.array(UserId).optional(),
  onSuccess: z.array(AlertChannel).optional(),
  onFailure: z.array(AlertChannel).optional(),
});

/** Arguments of `ants.Segment`. */
export const SegmentInputs = z
  .strictObject({
    name: z.string().trim().min(1).max(255),
    audience: z.enum(["customer", "visitor"]),
    file: FileInput,
    /** 1-5 rules mapping a file column to a BO attribute. */
    matchRules: z.array(MatchRuleInput).min(1, "needs at least one rule").max(5, "ANTS accepts at most 5 match rules"),
    /** "or": any rule matches (default, as in the documented example); "and": all must match. */
    logic: z.enum(["and", "or"]).optional(),
    /** Default `{ type: "static" }`. */
    schedule: ScheduleInput.optional(),
    shareAccess: ShareAccessInput.optional(),
    alerts: AlertsInput.optional(),
    /** Take over an existing segment with exactly this name and audience instead of creating one. */
    adopt: z.boolean().optional(),
  })
  .superRefine((s, ctx) => {
    const seen = new Map<string, number>();
    s.matchRules.forEach((r, i) => {
      const key = `${r.column}\u0000${r.attribute}`;
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["matchRules", i], message: `duplicates matchRules[${seen.get(key)}]` });
      else seen.set(key, i);
    });
  });
export type SegmentInputs = z.input<typeof SegmentInputs>;
export type ParsedSegmentInputs = z.output<typeof SegmentInputs>;

// ---------------------------------------------------------------------------------------------
// Canonical form: the single normalized shape used on both sides of every diff.
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Wire: responses (loose: new server fields never break read).
// ---------------------------------------------------------------------------------------------

/** `{ code, message, data: { entries, meta } }` around an entry schema. */
export function antsEnvelope<T extends z.ZodType>(entry: T) {
  return z.object({
    code: z.number(),
    message: z.string().optional(),
    data: z.object({
      entries: z.array(entry),
      meta: z.object({ total: z.coerce.number().optional(), perPage: z.coerce.number().optional() }).loose().optional(),
    }).loose(),
  }).loose();
}

export const TokenResponse = z.object({
  accessToken: z.string().min(1),
  accessTokenExpiresAt: z.string(),
  scope: z.string().optional(),
}).loose();

export const WireListingEntry = z.object({
  segment_id: z.union([z.number(), z.string()]),
  segment_display: z.string().nullable().optional(),
  item_type_id: z.union([z.number(), z.string()]).nullable().optional(),
  update_method: z.string().nullable().optional(),
  status: z.union([z.number(), z.string()]).nullable().optional(),
  process_status: z.union([z.number(), z.string()]).nullable().optional(),
  segment_size: z.union([z.number(), z.string()]).nullable().optional(),
  last_processed_date: z.string().nullable().optional(),
  ctime: z.string().nullable().optional(),
  utime: z.string().nullable().optional(),
  /** The creator (docs/api/ants.md §4.2): the proof an interrupted or lost create is this provider's. */
  c_user_id: z.union([z.string(), z.number()]).nullable().optional(),
}).loose();
export type WireListingEntry = z.infer<typeof WireListingEntry>;

export const WireUploadEntry = z.object({
  filePath: z.string(),
  fileName: z.string(),
  extension: z.string(),
  delimiter: z.string(),
  delimiterCode: z.string().optional(),
  headerFiles: z.array(z.object({ headerCode: z.string(), headerIndex: z.number() }).loose()),
}).loose();
export type WireUploadEntry = z.infer<typeof WireUploadEntry>;

/**
 * One BO attribute. The datatype's property name is undocumented (docs/api/ants.md §8): `data_type`,
 * `dataType` and `datatype` are all read.
 */
export const WireBoAttribute = z.object({
  item_property_name: z.string(),
  data_type: z.string().nullable().optional(),
  dataType: z.string().nullable().optional(),
  datatype: z.string().nullable().optional(),
}).loose();
export type WireBoAttribute = z.infer<typeof WireBoAttribute>;

/** Any ANTS body that carries the envelope's own status. */
export const WireEnvelopeCode = z.object({ code: z.coerce.number(), message: z.unknown().optional(), data: z.unknown().optional() }).loose();
