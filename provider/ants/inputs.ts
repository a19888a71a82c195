import { z } from "zod";
import { FileInput } from "../member-files/file-input";
import { isCalendarDate } from "./dates";

// ---------------------------------------------------------------------------------------------
// User inputs (strict: a typo is a check failure). Types exported here are the only definitions.
// ---------------------------------------------------------------------------------------------

/** Audience → ANTS item type id (docs/api/ants.md §2). */
export const AUDIENCE_ITEM_TYPE = { customer: -1003, visitor: -1007 } as const;
export type Audience = keyof typeof AUDIENCE_ITEM_TYPE;

/** Mapping operators (docs/api/ants.md §6.2). */
export const MATCH_OPERATORS = ["exactly", "equals", "not_equals"] as const;
export type MatchOperator = (typeof MATCH_OPERATORS)[number];

/** Allowed `repeat.every` per unit (docs/api/ants.md §6.3: hours 1-24 as the API allows, although the UI stops at 23). */
export const REPEAT_RANGES = { hours: [1, 24], days: [1, 365], weeks: [1, 52], months: [1, 12] } as const;
export type RepeatUnit = keyof typeof REPEAT_RANGES;

/** Share roles (docs/api/ants.md §6.4): list_access role codes. */
export const USER_ROLES = { owner: 1, editor: 2, viewer: 3, commenter: 4 } as const;
export const PUBLIC_ROLES = { editor: 2, viewer: 3 } as const;


/** `{ day: "YYYY-MM-DD", hour: "HH:mm" }` in the portal's time zone. */
export const DayHour = z.strictObject({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD").refine(isCalendarDate, "is not a calendar date"),
  hour: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected HH:mm (00:00-23:59)"),
});
export type DayHour = z.infer<typeof DayHour>;

export const MatchRuleInput = z.strictObject({
  /** Header name of a file column. */
  column: z.string().trim().min(1),
  /** BO attribute internal code (`item_property_name`). */
  attribute: z.string().trim().min(1),
  /** Defaults from the attribute's datatype: `exactly` for STRING, `equals` otherwise. */
  operator: z.enum(MATCH_OPERATORS).optional(),
});

export const RepeatOnValue = z.union([z.number().int(), z.string().min(1)]);

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

export const AlertChannel = z.enum(["email", "app_push"]);

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
