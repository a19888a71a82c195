import { z } from "zod";
import { FileInput, type DelimiterCode } from "../ants/schemas";
import { renamedKeys } from "../pulumi/issue-paths";

// ---------------------------------------------------------------------------------------------
// User inputs (strict: a typo is a check failure). Types exported here are the only definitions.
// ---------------------------------------------------------------------------------------------

/** The 13 operator tokens Ongage documents. */
export const OPERATORS = ["LIKE", "NOT LIKE", "_LIKE", "LIKE_", "empty", "notempty", "=", "!=", "><", ">", "<", ">=", "<="] as const;
export type Operator = (typeof OPERATORS)[number];

const TEXT_OPERATORS = ["LIKE", "NOT LIKE", "_LIKE", "LIKE_", "empty", "notempty", "=", "!="] as const;
const ORDERED_OPERATORS = ["=", "!=", ">", "<", ">=", "<=", "><", "empty", "notempty"] as const;
const EQUALITY_OPERATORS = ["=", "!="] as const;

/** Operators that take no value. */
export const VALUELESS_OPERATORS: ReadonlySet<string> = new Set(["empty", "notempty"]);

/** Date input: epoch seconds, or an ISO date / date-time string (UTC when no offset is given). */
const DateValue = z.union([
  z.number().int().nonnegative(),
  z.string().refine((s) => parseDateToEpoch(s) !== undefined, {
    message: "expected epoch seconds or an ISO date such as 2024-01-31 or 2024-01-31T10:00:00Z",
  }),
], { error: "expected epoch seconds or an ISO date such as 2024-01-31 or 2024-01-31T10:00:00Z" });

const NumericValue = z.union([z.number().finite(), z.string().regex(/^-?\d+(\.\d+)?$/, "expected a number")], { error: "expected a number" });

const FieldAddress = {
  /** List field by name (resolved to its id through list_fields), or an `ocx_*` system field. */
  field: z.string().min(1).optional(),
  /** List field by numeric id. */
  fieldId: z.number().int().positive().optional(),
};

const Joining = {
  /** How this rule joins the one before it; ignored for the first rule. Default "and". */
  condition: z.enum(["and", "or"]).optional(),
  /** Parentheses opened before this rule. */
  openParens: z.number().int().min(0).max(10).optional(),
  /** Parentheses closed after this rule. */
  closeParens: z.number().int().min(0).max(10).optional(),
  /** OR-group label shared by the rules of one group. */
  group: z.string().max(255).optional(),
};

const TextRule = (type: "email" | "string") =>
  z.strictObject({
    type: z.literal(type),
    ...FieldAddress,
    operator: z.enum(TEXT_OPERATORS),
    values: z.array(z.string()).optional(),
    caseSensitive: z.boolean().optional(),
    ...Joining,
  });

const NumericRule = z.strictObject({
  type: z.literal("numeric"),
  ...FieldAddress,
  operator: z.enum(ORDERED_OPERATORS),
  values: z.array(NumericValue).optional(),
  ...Joining,
});

const DateAbsoluteRule = z.strictObject({
  type: z.literal("date_absolute"),
  ...FieldAddress,
  operator: z.enum(ORDERED_OPERATORS),
  values: z.array(DateValue).optional(),
  ...Joining,
});

const DateRelativeRule = z.strictObject({
  type: z.literal("date_relative"),
  ...FieldAddress,
  operator: z.enum(ORDERED_OPERATORS),
  /** Days ago. */
  values: z.array(z.number().int().min(0).max(36_500)).optional(),
  ...Joining,
});

const TIME_UNITS = ["minute", "hour", "day", "week", "month", "year"] as const;

/** A custom range, `fromDate` / `toDate` as the API's from_date / to_date (formerly `from` / `to`). */
const CustomTimeRange = z.strictObject({ operator: z.literal("custom"), fromDate: DateValue, toDate: DateValue });
renamedKeys.add(CustomTimeRange, { renamed: { from: "fromDate", to: "toDate" } });

export const BehavioralOperand = z.strictObject({
  mailingIds: z.array(z.number().int().positive()).optional(),
  espConnectionIds: z.array(z.number().int().positive()).optional(),
  timeRange: z
    .discriminatedUnion("operator", [
      z.strictObject({
        operator: z.literal("between"),
        inLast: z.number().int().min(0),
        inLastUnit: z.enum(TIME_UNITS),
        to: z.number().int().min(0),
        toUnit: z.enum(TIME_UNITS),
      }),
      CustomTimeRange,
    ])
    .optional(),
  repeat: z.strictObject({ operator: z.enum(["=", "!=", ">", "<", ">=", "<="]), counter: z.number().int().min(0) }).optional(),
  browsers: z.array(z.string().min(1)).optional(),
  /** ISO 3166-1 alpha-2 codes. */
  countries: z.array(z.string().regex(/^[A-Z]{2}$/, "expected an ISO 3166-1 alpha-2 code such as US")).optional(),
  platforms: z.array(z.string().min(1)).optional(),
});

const BehavioralRule = z.strictObject({
  type: z.literal("behavioral"),
  /** The contact activity: opened, clicked or sent. Exclusive with conversionPointId. */
  event: z.enum(["opened", "clicked", "sent"]).optional(),
  conversionPointId: z.number().int().positive().optional(),
  /** "=" did, "!=" did not. */
  operator: z.enum(EQUALITY_OPERATORS),
  operand: BehavioralOperand.optional(),
  ...Joining,
});

const SEGMENT_ID_MESSAGE = "expected a segment id (digits), e.g. other.segmentId";

const SegmentRule = z.strictObject({
  type: z.literal("segment"),
  /** "=" member of any of the segments, "!=" member of none. */
  operator: z.enum(EQUALITY_OPERATORS),
  /** Ids of other segments in the same list (e.g. `other.segmentId`). */
  segmentIds: z.array(z.union([z.string().regex(/^\d+$/, SEGMENT_ID_MESSAGE), z.number().int().positive()], { error: SEGMENT_ID_MESSAGE })).min(1),
  ...Joining,
});

export const RuleInput = z.discriminatedUnion("type", [
  TextRule("email"),
  TextRule("string"),
  NumericRule,
  DateAbsoluteRule,
  DateRelativeRule,
  BehavioralRule,
  SegmentRule,
]);
export type RuleInput = z.input<typeof RuleInput>;

/** A nested all/any group; compiles to Ongage's flat position/parenthesis/condition encoding. */
export type MatchGroup =
  | { all: MatchItem[]; label?: string }
  | { any: MatchItem[]; label?: string };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A rule inside a group: the group decides condition, parentheses and label. */
export type MatchItem = MatchGroup | DistributiveOmit<RuleInput, "condition" | "openParens" | "closeParens" | "group">;

const RuleWithoutJoining = z.discriminatedUnion("type", [
  TextRule("email").omit({ condition: true, openParens: true, closeParens: true, group: true }),
  TextRule("string").omit({ condition: true, openParens: true, closeParens: true, group: true }),
  NumericRule.omit({ condition: true, openParens: true, closeParens: true, group: true }),
  DateAbsoluteRule.omit({ condition: true, openParens: true, closeParens: true, group: true }),
  DateRelativeRule.omit({ condition: true, openParens: true, closeParens: true, group: true }),
  BehavioralRule.omit({ condition: true, openParens: true, closeParens: true, group: true }),
  SegmentRule.omit({ condition: true, openParens: true, closeParens: true, group: true }),
]);

export const MatchGroupSchema: z.ZodType<MatchGroup, MatchGroup> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(MatchItemSchema).min(1), label: z.string().max(255).optional() }),
    z.strictObject({ any: z.array(MatchItemSchema).min(1), label: z.string().max(255).optional() }),
  ]),
);
const MatchItemSchema: z.ZodType<MatchItem, MatchItem> = z.lazy(() =>
  z.union([RuleWithoutJoining, MatchGroupSchema], {
    error: `expected a rule (an object with \`type\`: ${RuleInput.options.map((o) => o.shape.type.value).join(", ")}) or a group (an object with \`all\` or \`any\`)`,
  }),
) as z.ZodType<MatchItem, MatchItem>;

export const ExternalInput = z.strictObject({
  /** URL Ongage retrieves the segment from; the segment then has no rules. */
  url: z.url({ protocol: /^https?$/ }).optional(),
  /** Add contacts not in the list (default false). */
  insertMissing: z.boolean().optional(),
  /** Include unsubscribed contacts (default false). */
  includeUnsubscribes: z.boolean().optional(),
});

/** Arguments of `ongage.Segment`. */
export const SegmentInputs = z.strictObject({
  /** List the segment lives in; defaults to `ongage:listId` / ONGAGE_LIST_ID, else the account default. */
  listId: z.number().int().positive().optional(),
  name: z.string().trim().min(1).max(255),
  description: z.string().max(2000).optional(),
  favorite: z.boolean().optional(),
  /** White-list segment: members receive campaigns under all circumstances; email "=" rules only, ≤ 100 addresses. */
  whitelist: z.boolean().optional(),
  /** Rules in Ongage's flat encoding. Exclusive with `match`. */
  rules: z.array(RuleInput).max(100).optional(),
  /** Rules as nested all/any groups. Exclusive with `rules`. */
  match: MatchGroupSchema.optional(),
  /** Makes this an external segment (create-only settings). */
  external: ExternalInput.optional(),
  /** Adopt an existing segment with the same name in the list instead of creating one. */
  adopt: z.boolean().optional(),
});
export type SegmentInputs = z.input<typeof SegmentInputs>;

// ---------------------------------------------------------------------------------------------
// Canonical form: the single normalized shape used on both sides of every diff.
// ---------------------------------------------------------------------------------------------

export interface CanonicalRule {
  type: RuleInput["type"];
  field?: string;
  fieldId?: number;
  event?: string;
  conversionPointId?: number;
  operator: string;
  /** Text → string; numeric, date_absolute (epoch seconds), date_relative (days) → number. */
  values?: Array<string | number>;
  /** Segment-of-segment rules: ids as strings, sorted. */
  segmentIds?: string[];
  operand?: Record<string, unknown>;
  caseSensitive?: boolean;
  condition: "and" | "or";
  openParens: number;
  closeParens: number;
  group: string;
}

export interface CanonicalSegment {
  listId?: number;
  name: string;
  description: string;
  favorite: boolean;
  whitelist: boolean;
  rules: CanonicalRule[];
  external?: { url?: string; insertMissing: boolean; includeUnsubscribes: boolean };
  adopt?: boolean;
}

/** Outputs of `ongage.Segment`: the canonical definition plus the server's ids. */
export interface SegmentOutputs extends CanonicalSegment {
  segmentId: string;
  listId: number;
}

// ---------------------------------------------------------------------------------------------
// Wire: responses (non-strict: new server fields never break read).
// ---------------------------------------------------------------------------------------------

const Scalar = z.union([z.string(), z.number(), z.boolean()]).nullable().optional();

export const WireRule = z.object({
  id: Scalar,
  position: Scalar,
  field_id: Scalar,
  field_name: z.string().nullable().optional(),
  conversion_point_id: Scalar,
  operator: z.string(),
  operand: z.unknown().optional(),
  condition: z.string().nullable().optional(),
  case_sensitive: Scalar,
  type: z.string(),
  group: z.string().nullable().optional(),
  left_parenthesis: Scalar,
  right_parenthesis: Scalar,
});
export type WireRule = z.infer<typeof WireRule>;

/**
 * A campaign as a segment's GET lists it in `mailings` (entry shape ASSUMED: ongage-mailings.md §1,
 * the summary fields; `exclude` "1" for an excluded segment). Any field may be missing.
 */
export const WireMailingRef = z.object({
  id: z.union([z.string(), z.number()]),
  name: z.string().nullable().optional(),
  status: Scalar,
  status_desc: z.string().nullable().optional(),
  schedule_date: Scalar,
  exclude: Scalar,
});
export type WireMailingRef = z.infer<typeof WireMailingRef>;

/** One campaign, `GET /api/mailings/<id>` (ongage-mailings.md §4; only what a delete guard needs). */
export const WireMailing = z.object({
  id: z.union([z.string(), z.number()]),
  name: z.string().nullable().optional(),
  status: Scalar,
  status_desc: z.string().nullable().optional(),
  segments: z.array(z.object({ segment_id: z.union([z.string(), z.number()]), exclude: Scalar })).nullable().optional(),
});
export type WireMailing = z.infer<typeof WireMailing>;

export const WireSegment = z.object({
  id: z.union([z.string(), z.number()]),
  list_id: z.union([z.string(), z.number()]),
  name: z.string(),
  type: z.string().optional(),
  description: z.string().nullable().optional(),
  favorite: Scalar,
  is_whitelist: Scalar,
  is_external: Scalar,
  external_url: z.string().nullable().optional(),
  external_insert_missing: Scalar,
  external_include_unsubscribes: Scalar,
  deleted: Scalar,
  created: Scalar,
  rules: z.array(WireRule).nullable().optional(),
  /** Campaigns that name the segment ("associated mailings"). */
  mailings: z.array(WireMailingRef).nullable().optional(),
});
export type WireSegment = z.infer<typeof WireSegment>;

export const WireSegmentSummary = z.object({
  id: z.union([z.string(), z.number()]),
  list_id: z.union([z.string(), z.number()]).optional(),
  name: z.string(),
  created: Scalar,
});
export type WireSegmentSummary = z.infer<typeof WireSegmentSummary>;

export const WireListField = z.object({
  id: z.union([z.string(), z.number()]),
  name: z.string(),
  type: z.string().optional(),
});
export type WireListField = z.infer<typeof WireListField>;

/** `{"metadata":{"error":false},"payload":…}` around any payload schema. */
export function envelope<T extends z.ZodType>(payload: T) {
  return z.object({
    metadata: z.object({ error: z.boolean().optional(), total: z.union([z.string(), z.number()]).optional() }).optional(),
    payload,
  });
}

/** The documented error envelope; `payload.code` mirrors the HTTP status. */
export const WireError = z.object({
  metadata: z.object({ error: z.literal(true) }),
  payload: z.object({ code: z.union([z.number(), z.string()]).optional(), message: z.string().optional() }).optional(),
});

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

/** Epoch seconds from epoch seconds or an ISO-ish date string (UTC when no offset); undefined if invalid. */
export function parseDateToEpoch(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? value : undefined;
  const s = value.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? "00"}:${m[5] ?? "00"}:${m[6] ?? "00"}${m[7] ?? "Z"}`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.getUTCMonth() !== Number(m[2]) - 1) return undefined;
  return Math.floor(ms / 1000);
}

// ---------------------------------------------------------------------------------------------
// External segment recipients (populate_external)
// ---------------------------------------------------------------------------------------------

const RECIPIENTS_SEGMENT_ID_MESSAGE = "expected a segment id (digits), e.g. segment.segmentId";

/** One recipient: an email plus list-field values keyed by list field name. */
export const Recipient = z
  .object({ email: z.string().trim().pipe(z.email("expected an email address")) })
  .catchall(z.union([z.string(), z.number()]));

/** Arguments of `ongage.ExternalRecipients`: the recipients come from a file or inline, never both. */
export const RecipientsInputs = z.strictObject({
  /** The external segment's list; defaults like `ongage.Segment`. */
  listId: z.number().int().positive().optional(),
  /** Id of an external segment (e.g. `segment.segmentId`). */
  segmentId: z.union([z.string().regex(/^\d+$/, RECIPIENTS_SEGMENT_ID_MESSAGE), z.number().int().positive()], { error: RECIPIENTS_SEGMENT_ID_MESSAGE }),
  /** A CSV/TSV file with an `email` column and one column per list field (as for ANTS member files). */
  file: FileInput.optional(),
  /** Inline rows; the resource marks them secret. Prefer `file`: it keeps them out of the program. */
  recipients: z.array(Recipient).max(100_000).optional(),
});
export type RecipientsInputs = z.input<typeof RecipientsInputs>;

/** What check returns and create/update receive: the file by path and hash, or the canonical rows. */
export interface CanonicalRecipients {
  listId?: number;
  segmentId: string;
  /** File form: the path as state records it, the sha256 of its bytes, the delimiter if one was given. */
  file?: { path: string; sha256: string; delimiter?: DelimiterCode };
  /** Inline form: sorted by email, emails trimmed, values as strings (secret in state). */
  recipients?: Array<Record<string, string>>;
  recipientCount: number;
  /** sha256 of the canonical recipient list, the same for both forms: the only content diffed. */
  contentHash: string;
}

export interface RecipientsOutputs {
  listId?: number;
  segmentId: string;
  file?: { path: string; sha256: string };
  recipientCount: number;
  contentHash: string;
}
