import { z } from "zod";

/**
 * Shapes of the JSON request bodies (ants.md §4.1, §6, assumed §10). Unknown keys are rejected so
 * that a misspelt field fails loudly instead of being ignored. Cross-checks against uploads and BO
 * attributes live in the store.
 */

export const LISTING_COLUMNS = [
  "c_user_id",
  "compute_schedule",
  "compute_schedule_end",
  "compute_schedule_start",
  "ctime",
  "item_type_id",
  "label_ids",
  "last_processed_date",
  "process_status",
  "response_code",
  "segment_display",
  "segment_id",
  "segment_size",
  "source_names",
  "status",
  "storage_type",
  "u_user_id",
  "update_method",
  "utime",
] as const;
export type ListingColumn = (typeof LISTING_COLUMNS)[number];

export const FILTER_OPERATORS = ["equals", "not_equals", "contains", "start_with", "matches"] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** Largest `limit` the emulator accepts (the real maximum is undocumented). */
export const MAX_LIMIT = 1000;

const scalar = z.union([z.string(), z.number()]);

const filterCondition = z.strictObject({
  column: z.enum(LISTING_COLUMNS),
  data_type: z.enum(["string", "number"]),
  operator: z.enum(FILTER_OPERATORS),
  value: z.union([scalar, z.array(scalar)]),
});
export type FilterCondition = z.infer<typeof filterCondition>;

export const listingBody = z.strictObject({
  page: z.number().int().min(1),
  limit: z.number().int().min(1).max(MAX_LIMIT),
  search: z.string().optional(),
  columns: z.array(z.enum(LISTING_COLUMNS)).min(1),
  sort: z.enum(LISTING_COLUMNS).optional(),
  sd: z.enum(["asc", "desc"]).optional(),
  filters: z.strictObject({ OR: z.array(z.strictObject({ AND: z.array(filterCondition).min(1) })) }).optional(),
});
export type ListingBody = z.infer<typeof listingBody>;

/** Custom message for a bad value, but the usual "is required" when the field is missing. */
const unlessMissing = (message: string) => ({
  error: (iss: { input?: unknown }) => (iss.input === undefined ? "is required" : message),
});

const nonEmpty = z.string().refine((s) => s.trim() !== "", "must not be empty");
const itemTypeId = z.union([z.literal(-1003), z.literal(-1007)], unlessMissing("must be -1003 (Customer) or -1007 (Visitor)"));
const flag = z.union([z.literal(0), z.literal(1)], unlessMissing("must be 0 or 1"));
/** User ids: the seed sends strings in list_access and numbers in alertAccountIds; both are accepted. */
const userId = z.union([z.string().regex(/^\d+$/, "must be a numeric user id"), z.number().int().positive()]);

const dayHour = z.strictObject({
  day: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD")
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "is not a calendar date"),
  hour: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:mm (00:00-23:59)"),
});

const REPEAT_RANGES = { hours: [1, 24], days: [1, 365], weeks: [1, 52], months: [1, 12] } as const;

const computeSchedule = z
  .strictObject({
    type: z.enum(["static", "dynamic"]),
    repeatType: z.enum(["none", "hours", "days", "weeks", "months"]).optional(),
    repeatValue: z.number().int().optional(),
    repeatOnValue: z.array(scalar).optional(),
    repeatStartTime: dayHour.optional(),
    endTime: z
      .strictObject({
        type: z.enum(["none", "on_day", "after_num_running"]),
        onDay: dayHour.optional(),
        numRunning: z.number().int().min(1).optional(),
      })
      .superRefine((e, ctx) => {
        if (e.type === "on_day" && !e.onDay) ctx.addIssue({ code: "custom", path: ["onDay"], message: 'is required when endTime.type is "on_day"' });
        if (e.type === "after_num_running" && e.numRunning === undefined) {
          ctx.addIssue({ code: "custom", path: ["numRunning"], message: 'is required when endTime.type is "after_num_running"' });
        }
      })
      .optional(),
  })
  .superRefine((s, ctx) => {
    const rt = s.repeatType ?? "none";
    if (s.type === "static" && rt !== "none") {
      ctx.addIssue({ code: "custom", path: ["repeatType"], message: 'a static segment is computed once; only "none" is accepted' });
    }
    if (rt === "none") {
      if (s.repeatValue !== undefined) ctx.addIssue({ code: "custom", path: ["repeatValue"], message: 'is not accepted with repeatType "none"' });
    } else {
      const [min, max] = REPEAT_RANGES[rt];
      if (s.repeatValue === undefined) {
        ctx.addIssue({ code: "custom", path: ["repeatValue"], message: `is required with repeatType "${rt}" (${min}-${max})` });
      } else if (s.repeatValue < min || s.repeatValue > max) {
        ctx.addIssue({ code: "custom", path: ["repeatValue"], message: `${s.repeatValue} is out of range for repeatType "${rt}" (${min}-${max})` });
      }
    }
    if (s.repeatOnValue !== undefined && rt !== "weeks" && rt !== "months") {
      ctx.addIssue({ code: "custom", path: ["repeatOnValue"], message: 'is only accepted with repeatType "weeks" or "months"' });
    }
  });

const mappingField = z.strictObject({
  item_attribute_code: nonEmpty,
  operator: z.enum(["exactly", "equals", "not_equals"]),
  header_code: nonEmpty,
  header_index: z.number().int().min(0),
});

const conditions = z.strictObject({
  file_path: nonEmpty,
  file_name: nonEmpty,
  original_file_name: nonEmpty,
  extension: nonEmpty,
  delimiter: z.string().min(1),
  /** `create` is documented; the seed's own example sends `replace`. */
  method: z.enum(["create", "replace"]),
  criteria_logic: z.enum(["or", "and"]),
  mapping_fields: z.array(mappingField).min(1, "needs at least 1 mapping").max(5, "accepts at most 5 mappings"),
});

const alertChannel = z.enum(["email", "app_push"]);

const segmentFields = {
  segmentDisplay: nonEmpty,
  itemTypeId,
  conditions,
  computeSchedule,
  shareAccess: z.strictObject({
    description: z.string(),
    is_public: flag,
    public_role: z.union([z.literal(2), z.literal(3), z.null()], unlessMissing("must be 2 (editor), 3 (viewer) or null")),
    list_access: z.array(
      z.strictObject({
        user_id: userId,
        allow_edit: flag,
        allow_view: flag,
        allow_comment: flag,
        role: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)], unlessMissing("must be 1 (owner), 2 (editor), 3 (viewer) or 4 (commenter)")),
      }),
    ),
  }),
  alertSetting: z.strictObject({
    alertAccountIds: z.array(userId),
    alertScopes: z.strictObject({ success: z.array(alertChannel), failure: z.array(alertChannel) }),
  }),
};

export const createBody = z.strictObject(segmentFields);
export type CreateBody = z.infer<typeof createBody>;

/** Segment ids travel as numbers (as Create returns them); a digit string is also accepted. */
const segmentId = z.union([z.number().int().positive(), z.string().regex(/^\d+$/, "must be a segment id").transform(Number)]);

export const updateBody = z.strictObject({ segmentId, ...segmentFields });
export const deleteBody = z.strictObject({ segmentId });

/** `conditions.mapping_fields[2].operator: <message>` for the first issue. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "body: is invalid";
  const path = formatPath(issue.path);
  let message = issue.message;
  if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) message = "is required";
  if (issue.code === "unrecognized_keys") message = `unknown field(s): ${issue.keys.join(", ")}`;
  return `${path || "body"}: ${message}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}
