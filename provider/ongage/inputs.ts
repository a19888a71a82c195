import { z } from "zod";
import { FileInput } from "../member-files/file-input";
import { renamedKeys } from "../pulumi/issue-paths";
import { parseDateToEpoch } from "./dates";
import { ruleOperator } from "./issue-messages";
import { JOINING_MASK, locatedRules, type MatchGroupOf, type MatchItemOf } from "./match";

// ---------------------------------------------------------------------------------------------
// User inputs (strict: a typo is a check failure). Types exported here are the only definitions.
// ---------------------------------------------------------------------------------------------

/** The 13 operator tokens Ongage documents. */
export const OPERATORS = ["LIKE", "NOT LIKE", "_LIKE", "LIKE_", "empty", "notempty", "=", "!=", "><", ">", "<", ">=", "<="] as const;
export type Operator = (typeof OPERATORS)[number];

export const TEXT_OPERATORS = ["LIKE", "NOT LIKE", "_LIKE", "LIKE_", "empty", "notempty", "=", "!="] as const;
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

const TextRule = <T extends "email" | "string">(type: T) =>
  z.strictObject({
    type: z.literal(type),
    ...FieldAddress,
    operator: ruleOperator(type, TEXT_OPERATORS),
    values: z.array(z.string()).optional(),
    caseSensitive: z.boolean().optional(),
    ...Joining,
  });

const NumericRule = z.strictObject({
  type: z.literal("numeric"),
  ...FieldAddress,
  operator: ruleOperator("numeric", ORDERED_OPERATORS),
  values: z.array(NumericValue).optional(),
  ...Joining,
});

const DateAbsoluteRule = z.strictObject({
  type: z.literal("date_absolute"),
  ...FieldAddress,
  operator: ruleOperator("date_absolute", ORDERED_OPERATORS),
  values: z.array(DateValue).optional(),
  ...Joining,
});

const DateRelativeRule = z.strictObject({
  type: z.literal("date_relative"),
  ...FieldAddress,
  operator: ruleOperator("date_relative", ORDERED_OPERATORS),
  /** Days ago. */
  values: z.array(z.number().int().min(0).max(36_500)).optional(),
  ...Joining,
});

export const TIME_UNITS = ["minute", "hour", "day", "week", "month", "year"] as const;

/** A custom range, `fromDate` / `toDate` as the API's from_date / to_date (formerly `from` / `to`). */
const CustomTimeRange = z.strictObject({ operator: z.literal("custom"), fromDate: DateValue, toDate: DateValue }, { error: renamedKeys({ from: "fromDate", to: "toDate" }) });

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
  operator: ruleOperator("behavioral", EQUALITY_OPERATORS),
  operand: BehavioralOperand.optional(),
  ...Joining,
});



/** A segment id: digits, or a positive number; `example` names where a program gets one. */
const segmentIdInput = (example: string) =>
  z.union([z.string().regex(/^\d+$/, `expected a segment id (digits), e.g. ${example}`), z.number().int().positive()], { error: `expected a segment id (digits), e.g. ${example}` });

/** A segment id in a segment-of-segment rule. */
export const SegmentIdInput = segmentIdInput("other.segmentId");

export type { MatchGroupOf, MatchItemOf } from "./match";

/**
 * The rule schemas of `ongage.Segment`, with `segmentIds` items given by `segmentId`. The resource
 * uses `SegmentIdInput`; definition files widen it to also accept `{ ref }`. Everything else (every
 * rule type, its bounds, the nested group syntax) is shared, so the two can never disagree.
 */
export function ruleSchemas<Id extends z.ZodType>(segmentId: Id) {
  const SegmentRule = z.strictObject({
    type: z.literal("segment"),
    /** "=" member of any of the segments, "!=" member of none. */
    operator: ruleOperator("segment", EQUALITY_OPERATORS),
    /** Ids of other segments in the same list (e.g. `other.segmentId`). */
    segmentIds: z.array(segmentId).min(1),
    ...Joining,
  });
  const rule = z.discriminatedUnion("type", [TextRule("email"), TextRule("string"), NumericRule, DateAbsoluteRule, DateRelativeRule, BehavioralRule, SegmentRule]);
  const unjoined = z.discriminatedUnion("type", [
    TextRule("email").omit(JOINING_MASK),
    TextRule("string").omit(JOINING_MASK),
    NumericRule.omit(JOINING_MASK),
    DateAbsoluteRule.omit(JOINING_MASK),
    DateRelativeRule.omit(JOINING_MASK),
    BehavioralRule.omit(JOINING_MASK),
    SegmentRule.omit(JOINING_MASK),
  ]);
  type Rule = z.input<typeof rule>;
  // A recursive schema's type cannot be inferred: it is stated once, by MatchGroupOf.
  const groups: z.ZodType<MatchGroupOf<Rule>, MatchGroupOf<Rule>> = z.lazy(() =>
    z.union([
      z.strictObject({ all: z.array(item).min(1), label: z.string().max(255).optional() }),
      z.strictObject({ any: z.array(item).min(1), label: z.string().max(255).optional() }),
    ]),
  );
  // provider/definitions/schemas.ts gives the definition files' group an id (in its own registry), so the JSON
  // Schema names the recursive group once and refers to it by that name.
  const group = groups;
  const itemError = `expected a rule (an object with \`type\`: ${unjoined.options.map((o) => o.shape.type.value).join(", ")}) or a group (an object with \`all\` or \`any\`)`;
  const item: z.ZodType<MatchItemOf<Rule>, MatchItemOf<Rule>> = z.lazy(() => z.union([unjoined, group], { error: itemError })) as z.ZodType<MatchItemOf<Rule>, MatchItemOf<Rule>>;
  /** `rules` and `match` of a segment, with their bounds. */
  const shape = { rules: z.array(rule).max(100).optional(), match: group.optional() };
  return { rule, group, shape };
}

const RESOURCE_RULES = ruleSchemas(SegmentIdInput);

export const RuleInput = RESOURCE_RULES.rule;
export type RuleInput = z.input<typeof RuleInput>;
export const MatchGroupSchema = RESOURCE_RULES.group;
export type MatchGroup = MatchGroupOf<RuleInput>;
export type MatchItem = MatchItemOf<RuleInput>;

export const ExternalInput = z.strictObject({
  /** URL Ongage retrieves the segment from; the segment then has no rules. */
  url: z.url({ protocol: /^https?$/ }).optional(),
  /** Add contacts not in the list (default false). */
  insertMissing: z.boolean().optional(),
  /** Include unsubscribed contacts (default false). */
  includeUnsubscribes: z.boolean().optional(),
});

/**
 * The properties of `ongage.Segment`, in documentation order, around the given `rules` and `match`
 * schemas (see ruleSchemas): the resource and definition files build their inputs from this one shape.
 */
export function segmentInputShape<R extends z.ZodType, M extends z.ZodType>(rules: R, match: M) {
  return {
    /** List the segment lives in; defaults to `ongage:listId` / ONGAGE_LIST_ID, else the account default. */
    listId: z.number().int().positive().optional(),
    name: z.string().trim().min(1).max(255),
    description: z.string().max(2000).optional(),
    favorite: z.boolean().optional(),
    /** White-list segment: members receive campaigns under all circumstances; email "=" rules only, ≤ 100 addresses. */
    whitelist: z.boolean().optional(),
    /** Rules in Ongage's flat encoding. Exclusive with `match`. */
    rules,
    /** Rules as nested all/any groups. Exclusive with `rules`. */
    match,
    /** Makes this an external segment (create-only settings). */
    external: ExternalInput.optional(),
    /** Adopt an existing segment with the same name in the list instead of creating one. */
    adopt: z.boolean().optional(),
  };
}

/** Arguments of `ongage.Segment` (shape only; `ValidSegmentInputs` adds the cross-field rules). */
export const SegmentInputs = z.strictObject(segmentInputShape(RESOURCE_RULES.shape.rules, RESOURCE_RULES.shape.match));
export type SegmentInputs = z.input<typeof SegmentInputs>;

const WHITELIST_MAX_ADDRESSES = 100;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Cross-field rules of a segment definition that a shape check cannot express. Adds one issue per
 * violation, at the exact property path. Accepts any rule type whose segment ids are widened (refs).
 */
export function refineSegment(inputs: SegmentInputs, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
  if (inputs.rules !== undefined && inputs.match !== undefined) {
    issue(["match"], "give either `rules` or `match`, not both");
    return;
  }
  const located = locatedRules(inputs);
  if (inputs.external?.url !== undefined && located.length > 0) {
    issue(["external", "url"], "an external segment retrieved from a URL must have no rules");
  }
  if (inputs.whitelist && inputs.external) issue(["whitelist"], "a white-list segment cannot be external");

  let depth = 0;
  let whitelistAddresses = 0;
  located.forEach(({ rule, path }) => {
    const values = "values" in rule ? rule.values : undefined;
    if (rule.type === "behavioral") {
      if ((rule.event === undefined) === (rule.conversionPointId === undefined)) {
        issue([...path, "event"], "a behavioral rule needs exactly one of `event` or `conversionPointId`");
      }
    } else if (rule.type !== "segment") {
      if ((rule.field === undefined) === (rule.fieldId === undefined)) {
        issue([...path, "field"], "give exactly one of `field` (name) or `fieldId`");
      }
      if (VALUELESS_OPERATORS.has(rule.operator)) {
        if (values !== undefined && values.length > 0) issue([...path, "values"], `operator "${rule.operator}" takes no values`);
      } else if (rule.operator === "><") {
        if (values?.length !== 2) issue([...path, "values"], 'operator "><" (between) takes exactly two values: [low, high]');
      } else if (!values || values.length === 0) {
        issue([...path, "values"], `operator "${rule.operator}" needs at least one value`);
      }
      if (rule.type === "email" && rule.field !== undefined && rule.field.startsWith("ocx_")) {
        issue([...path, "field"], "email rules address the list's email field, not an ocx_* system field");
      }
    }
    if (inputs.whitelist) {
      if (rule.type !== "email" || rule.operator !== "=") {
        issue([...path, "operator"], 'a white-list segment allows only email rules with operator "="');
      } else {
        for (const [i, v] of (rule.values ?? []).entries()) {
          if (!EMAIL.test(v)) issue([...path, "values", i], "white-list values must be email addresses");
        }
        whitelistAddresses += rule.values?.length ?? 0;
      }
    }
    depth += rule.openParens ?? 0;
    depth -= rule.closeParens ?? 0;
    if (depth < 0) issue([...path, "closeParens"], "closes a parenthesis that was never opened");
    depth = Math.max(depth, 0);
  });
  if (depth > 0) issue([inputs.match ? "match" : "rules"], `${depth} parenthesis(es) opened but never closed`);
  if (whitelistAddresses > WHITELIST_MAX_ADDRESSES) {
    issue([inputs.match ? "match" : "rules"], `a white-list segment holds at most ${WHITELIST_MAX_ADDRESSES} addresses (got ${whitelistAddresses})`);
  }
}

/** Segment arguments with every cross-field rule applied; what `check` validates against. */
export const ValidSegmentInputs = SegmentInputs.superRefine(refineSegment);

// ---------------------------------------------------------------------------------------------
// External segment recipients (populate_external)
// ---------------------------------------------------------------------------------------------

/** One recipient: an email plus list-field values keyed by list field name. */
export const Recipient = z
  .object({ email: z.string().trim().pipe(z.email("expected an email address")) })
  .catchall(z.union([z.string(), z.number()]));

/** Arguments of `ongage.ExternalRecipients`: the recipients come from a file or inline, never both. */
export const RecipientsInputs = z.strictObject({
  /** The external segment's list; defaults like `ongage.Segment`. */
  listId: z.number().int().positive().optional(),
  /** Id of an external segment (e.g. `segment.segmentId`). */
  segmentId: segmentIdInput("segment.segmentId"),
  /** A CSV/TSV file with an `email` column and one column per list field (read like an ANTS member file). */
  file: FileInput.optional(),
  /** Inline rows; the resource marks them secret. Prefer `file`: it keeps them out of the program. */
  recipients: z.array(Recipient).max(100_000).optional(),
});
export type RecipientsInputs = z.input<typeof RecipientsInputs>;

