import { z } from "zod";

/**
 * Shapes of the Ongage request bodies (ongage.md §6, §9, §10, §13.2). Write-side value types are
 * loose in the documented examples (`1`, `"1"`, `true`), so numbers and flags accept those forms.
 * Segment-level unknown keys are ignored (PUT must tolerate the create-only external fields);
 * rule-level unknown keys are rejected so a misspelt rule field fails loudly.
 * Checks that need state (list fields, other segments) live in `rules.ts` and the store.
 */

export const RULE_TYPES = ["email", "string", "numeric", "date_absolute", "date_relative", "behavioral", "segment"] as const;
export type RuleType = (typeof RULE_TYPES)[number];

export const OPERATORS = ["LIKE", "NOT LIKE", "_LIKE", "LIKE_", "empty", "notempty", "=", "!=", "><", ">", "<", ">=", "<="] as const;
export type Operator = (typeof OPERATORS)[number];

export const SEGMENT_TYPES = ["Active", "Deleted"] as const;

/** Longest accepted segment name (ASSUMED; the real limit is undocumented). */
export const MAX_NAME_LENGTH = 255;

/** Custom message for a bad value, but "is required" when the field is missing. */
const unlessMissing = (message: string) => ({
  error: (iss: { input?: unknown }) => (iss.input === undefined ? "is required" : message),
});

/** Integer ≥ 0 given as a number or a digit string. */
export const nonNegativeInt = z.union(
  [z.number().int().min(0), z.string().regex(/^\d+$/).transform(Number)],
  unlessMissing("must be a non-negative integer"),
);
/** Integer ≥ 1 given as a number or a digit string (ids). */
export const positiveInt = z.union(
  [z.number().int().min(1), z.string().regex(/^[1-9]\d*$/).transform(Number)],
  unlessMissing("must be a positive integer"),
);
/** Boolean flag given as true/false, 0/1, "0"/"1" or "true"/"false". */
export const flag = z.union(
  [
    z.boolean(),
    z.literal(0).transform(() => false),
    z.literal(1).transform(() => true),
    z.enum(["0", "1", "true", "false"]).transform((v) => v === "1" || v === "true"),
  ],
  unlessMissing("must be a boolean (true/false, 0/1)"),
);

export const ruleSchema = z.strictObject({
  field_id: positiveInt.nullish(),
  field_name: z.string().min(1, "must not be empty").nullish(),
  conversion_point_id: positiveInt.nullish(),
  type: z.enum(RULE_TYPES, unlessMissing(`must be one of ${RULE_TYPES.join(", ")}`)),
  operator: z.enum(OPERATORS, unlessMissing(`must be one of ${OPERATORS.join(", ")}`)),
  operand: z.unknown().optional(),
  condition: z.string(unlessMissing("must be and or or")).regex(/^(and|or)$/i, "must be and or or"),
  position: nonNegativeInt.optional(),
  left_parenthesis: nonNegativeInt.optional(),
  right_parenthesis: nonNegativeInt.optional(),
  group: z.string().nullish(),
  case_sensitive: flag.optional(),
});
export type RuleInput = z.output<typeof ruleSchema>;

const segmentFields = {
  list_id: positiveInt.nullish(),
  name: z
    .string(unlessMissing("must be a string"))
    .refine((s) => s.trim() !== "", "must not be empty")
    .refine((s) => s.length <= MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`),
  type: z.enum(SEGMENT_TYPES, unlessMissing(`must be one of ${SEGMENT_TYPES.join(", ")}`)),
  is_whitelist: flag.nullish(),
  description: z.string().nullish(),
  favorite: flag.nullish(),
  criteria: z.array(ruleSchema).nullish(),
};

/** POST /api/segments body. */
export const createSegmentBody = z.object({
  ...segmentFields,
  is_external: flag.nullish(),
  external_url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).nullish(),
  external_insert_missing: flag.nullish(),
  external_include_unsubscribes: flag.nullish(),
});
export type CreateSegmentBody = z.output<typeof createSegmentBody>;

/** PUT /api/segments/<id> body: the external_* fields are not accepted and are ignored (stripped). */
export const updateSegmentBody = z.object(segmentFields);
export type UpdateSegmentBody = z.output<typeof updateSegmentBody>;

/** Behavioral `time_range` date: "YYYY-MM-DD HH:mm:ss" text (read as UTC) or epoch seconds. */
const dateTime = z.union(
  [
    z.number().int().min(0),
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, "must be \"YYYY-MM-DD HH:mm:ss\" or epoch seconds")
      .refine((s) => !Number.isNaN(Date.parse(`${s.replace(" ", "T")}Z`)), "is not a valid date-time")
      .transform((s) => Math.floor(Date.parse(`${s.replace(" ", "T")}Z`) / 1000)),
  ],
  unlessMissing("must be \"YYYY-MM-DD HH:mm:ss\" or epoch seconds"),
);
/** Behavioral time-range units (ASSUMED: the documented examples use day and month). */
export const TIME_UNITS = ["minute", "hour", "day", "week", "month", "year"] as const;
const unit = z.enum(TIME_UNITS, unlessMissing(`must be one of ${TIME_UNITS.join(", ")}`));
/** `[]` is how GET shows an empty sub-object; accept it back as "not given". */
const emptyArray = z.array(z.never()).max(0).transform(() => undefined);

const timeRange = z
  .strictObject({
    operator: z.enum(["between", "custom"], unlessMissing("must be between or custom")),
    in_last: nonNegativeInt.optional(),
    in_last_unit: unit.optional(),
    to: nonNegativeInt.optional(),
    to_unit: unit.optional(),
    from_date: dateTime.optional(),
    to_date: dateTime.optional(),
  })
  .superRefine((t, ctx) => {
    if (t.operator === "between") {
      if (t.in_last === undefined) ctx.addIssue({ code: "custom", path: ["in_last"], message: "is required when operator is between" });
      else if (t.in_last_unit === undefined) ctx.addIssue({ code: "custom", path: ["in_last_unit"], message: "is required when operator is between" });
      else if ((t.to === undefined) !== (t.to_unit === undefined)) ctx.addIssue({ code: "custom", path: ["to_unit"], message: "to and to_unit go together" });
    } else {
      if (t.from_date === undefined) ctx.addIssue({ code: "custom", path: ["from_date"], message: "is required when operator is custom" });
      else if (t.to_date === undefined) ctx.addIssue({ code: "custom", path: ["to_date"], message: "is required when operator is custom" });
      else if (t.from_date > t.to_date) ctx.addIssue({ code: "custom", path: ["to_date"], message: "must not be before from_date" });
    }
  });

/** Behavioral operand object (ongage.md §8); every key optional, omitted means "no restriction". */
export const behavioralOperand = z.strictObject(
  {
    mailing_ids: z.array(positiveInt).optional(),
    esp_connection_ids: z.array(positiveInt).optional(),
    time_range: z.union([emptyArray, timeRange]).optional(),
    repeat: z
      .union([
        emptyArray,
        z.strictObject({
          operator: z.enum(["=", "!=", ">", "<", ">=", "<="], unlessMissing("must be a comparison operator")),
          counter: nonNegativeInt,
        }),
      ])
      .optional(),
    browsers: z.array(z.string().min(1)).optional(),
    countries: z.array(z.string().regex(/^[A-Z]{2}$/, "must be an ISO-3166 alpha-2 code")).optional(),
    platforms: z.array(z.string().min(1)).optional(),
  },
  unlessMissing("must be an object for behavioral rules"),
);
export type BehavioralOperand = z.output<typeof behavioralOperand>;

/** PUT /api/segments/<id>/populate_external body; keys besides `email` are list field names. */
export const populateExternalBody = z.object({
  recipients: z
    .array(
      z.record(z.string(), z.union([z.string(), z.number(), z.null()]), unlessMissing("must be an object of field values")),
      unlessMissing("must be an array of recipients"),
    )
    .min(1, "must hold at least one recipient"),
});

/** POST /api/contact_counts body: `segment_id` or `criteria` (checked by the route). */
export const contactCountBody = z.object({
  list_id: positiveInt.nullish(),
  segment_id: positiveInt.nullish(),
  criteria: z.array(ruleSchema).nullish(),
});

/** Collection query parameters shared by segments and list_fields. */
export const collectionQuery = z.object({
  list_id: positiveInt.optional(),
  sort: z.string().optional(),
  order: z
    .string()
    .regex(/^(asc|desc)$/i, "must be ASC or DESC")
    .transform((o) => o.toUpperCase() as "ASC" | "DESC")
    .optional(),
  offset: nonNegativeInt.optional(),
  limit: nonNegativeInt.optional(),
});

/** `criteria[1].operator` for path ["criteria", 1, "operator"]. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out;
}

/** The first zod issue as `[field, message]`, naming an unknown key itself rather than its object. */
export function firstIssue(error: z.ZodError, prefix: readonly PropertyKey[] = []): [string, string] {
  const issue = error.issues[0];
  if (!issue) return [fieldPath(prefix) || "body", "is invalid"];
  if (issue.code === "unrecognized_keys") {
    return [fieldPath([...prefix, ...issue.path, issue.keys[0] ?? ""]), "is not an accepted field"];
  }
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    // A union of alternatives: report the branch whose problem is deepest (the most specific one).
    const nested = issue.errors.flat().sort((a, b) => b.path.length - a.path.length)[0];
    if (nested && nested.path.length > 0) return [fieldPath([...prefix, ...issue.path, ...nested.path]), nested.message];
  }
  return [fieldPath([...prefix, ...issue.path]) || "body", issue.message];
}

// ---- campaigns (ongage-mailings.md §2-§3) ------------------------------------------

/**
 * One entry of a campaign's `segments`: a plain segment id (included, as the documented create
 * example sends it) or, ASSUMED, the object form GET returns, `{ "segment_id": n, "exclude": 1 }`,
 * which marks an excluded segment.
 */
export const mailingSegmentEntry = z.union(
  [
    positiveInt.transform((segment_id) => ({ segment_id, exclude: false })),
    z.strictObject({ segment_id: positiveInt, exclude: flag.optional() }).transform((s) => ({ segment_id: s.segment_id, exclude: s.exclude ?? false })),
  ],
  unlessMissing('must be a segment id or { "segment_id": <id>, "exclude": 0|1 }'),
);
export type MailingSegmentEntry = z.output<typeof mailingSegmentEntry>;

const distributionEntry = z.strictObject({
  esp_connection_id: positiveInt,
  percent: z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/).transform(Number)], unlessMissing("must be a number from 1 to 100")),
  isp_id: z.union([positiveInt, z.null()]).optional(),
  domain: z.string().optional(),
});

/** Unix time in seconds, as a number or a digit string. */
const unixTime = z.union([z.number().int().min(1), z.string().regex(/^[1-9]\d*$/).transform(Number)], unlessMissing("must be Unix time in seconds"));

const mailingFields = {
  list_id: positiveInt.nullish(),
  name: z
    .string(unlessMissing("must be a string"))
    .refine((s) => s.trim() !== "", "must not be empty")
    .refine((s) => s.length <= MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`),
  description: z.string().nullish(),
  email_message: z.array(positiveInt, unlessMissing("must be an array of email message ids")).min(1, "must name at least one email message"),
  segments: z.array(mailingSegmentEntry, unlessMissing("must be an array of segment ids")).min(1, "must name at least one segment"),
  distribution: z.array(distributionEntry, unlessMissing("must be an array of { esp_connection_id, percent }")).min(1, "must name at least one ESP connection"),
  schedule_date: unixTime.nullish(),
  is_test: flag.nullish(),
};

/** POST /api/mailings body. Unknown top-level keys are ignored, as for segments. */
export const createMailingBody = z.object(mailingFields);
export type CreateMailingBody = z.output<typeof createMailingBody>;

/** PUT /api/mailings/<id> body: any subset of the create fields; absent ones keep their value. */
export const updateMailingBody = z.object({
  list_id: mailingFields.list_id,
  name: mailingFields.name.optional(),
  description: mailingFields.description,
  email_message: mailingFields.email_message.optional(),
  segments: mailingFields.segments.optional(),
  distribution: mailingFields.distribution.optional(),
  schedule_date: mailingFields.schedule_date,
});
export type UpdateMailingBody = z.output<typeof updateMailingBody>;

/** GET /api/mailings query: the collection parameters plus an ASSUMED `status` filter (codes, comma-separated). */
export const mailingsQuery = collectionQuery.extend({
  status: z
    .string()
    .regex(/^600(0[1-9]|10)(,600(0[1-9]|10))*$/, "must be status codes 60001-60010, comma-separated")
    .transform((s) => s.split(","))
    .optional(),
});
