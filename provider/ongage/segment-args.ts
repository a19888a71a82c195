import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { Assert, Covers, DiscriminatedInput, InputsOf } from "../pulumi/input-types";
import type { MatchGroupSchema, RuleInput, SegmentInputs } from "./inputs";

// Named argument types of `ongage.Segment`, each derived from the zod input schema (the only
// definition of their shape): every property accepts a Pulumi input, except discriminants (a rule's
// `type`, a time range's `operator`), which are plain literals so TypeScript picks the member an
// object literal names and reports a mistake against that member. Each interface restates its own
// discriminant (the compiler checks it against the schema) only so that a hover names the interface.

type RuleOf<T extends RuleInput["type"]> = Extract<RuleInput, { type: T }>;
/** Keys by which a flat rule joins the one before it; inside a match group, the group decides them. */
type JoiningKey = "condition" | "openParens" | "closeParens" | "group";
type GroupedRuleOf<T extends RuleInput["type"]> = Omit<RuleOf<T>, JoiningKey>;

type OperandInput = NonNullable<RuleOf<"behavioral">["operand"]>;
type TimeRangeInput = NonNullable<OperandInput["timeRange"]>;

/** `{ operator: "between", inLast, inLastUnit, to, toUnit }`: from `inLast` units ago up to `to` units ago. */
export interface BetweenTimeRange extends InputsOf<Extract<TimeRangeInput, { operator: "between" }>, "operator"> {
  operator: "between";
}
/** `{ operator: "custom", ... }`: between two dates (epoch seconds or ISO dates, UTC). */
export interface CustomTimeRange extends InputsOf<Extract<TimeRangeInput, { operator: "custom" }>, "operator"> {
  operator: "custom";
}
/** When the activity happened; `operator` picks the shape. */
export type TimeRange = BetweenTimeRange | CustomTimeRange;
type _TimeRangesNamed = Assert<Covers<TimeRange, TimeRangeInput, "operator">>;

/** Which mailings, connections, time range, repetitions, browsers, countries and platforms a behavioral rule counts. */
export interface BehavioralOperand
  extends InputsOf<OperandInput, never, { timeRange: DiscriminatedInput<TimeRange, never, "operator"> }> {}

/** Rule on the list's email field: text operators, string values. */
export interface EmailRule extends InputsOf<RuleOf<"email">, "type"> {
  type: "email";
}
/** Rule on a text list field: text operators, string values. */
export interface StringRule extends InputsOf<RuleOf<"string">, "type"> {
  type: "string";
}
/** Rule on a numeric list field: ordered operators, number values. */
export interface NumericRule extends InputsOf<RuleOf<"numeric">, "type"> {
  type: "numeric";
}
/** Rule on a date list field against fixed dates: epoch seconds or ISO dates (UTC). */
export interface DateAbsoluteRule extends InputsOf<RuleOf<"date_absolute">, "type"> {
  type: "date_absolute";
}
/** Rule on a date list field in days ago. */
export interface DateRelativeRule extends InputsOf<RuleOf<"date_relative">, "type"> {
  type: "date_relative";
}
/** Rule on contact activity (an event or a conversion point), with an optional operand. */
export interface BehavioralRule extends InputsOf<RuleOf<"behavioral">, "type", { operand: pulumi.Input<BehavioralOperand> }> {
  type: "behavioral";
}
/** Membership of other segments of the same list. */
export interface SegmentRule extends InputsOf<RuleOf<"segment">, "type"> {
  type: "segment";
}

/** One rule in Ongage's flat encoding (`rules`); `type` picks the shape. */
export type Rule = EmailRule | StringRule | NumericRule | DateAbsoluteRule | DateRelativeRule | BehavioralRule | SegmentRule;
type _RulesNamed = Assert<Covers<Rule, RuleInput>>;

/** An email rule inside a match group (the group decides condition, parentheses and label). */
export interface GroupedEmailRule extends InputsOf<GroupedRuleOf<"email">, "type"> {
  type: "email";
}
/** A string rule inside a match group. */
export interface GroupedStringRule extends InputsOf<GroupedRuleOf<"string">, "type"> {
  type: "string";
}
/** A numeric rule inside a match group. */
export interface GroupedNumericRule extends InputsOf<GroupedRuleOf<"numeric">, "type"> {
  type: "numeric";
}
/** A date_absolute rule inside a match group. */
export interface GroupedDateAbsoluteRule extends InputsOf<GroupedRuleOf<"date_absolute">, "type"> {
  type: "date_absolute";
}
/** A date_relative rule inside a match group. */
export interface GroupedDateRelativeRule extends InputsOf<GroupedRuleOf<"date_relative">, "type"> {
  type: "date_relative";
}
/** A behavioral rule inside a match group. */
export interface GroupedBehavioralRule
  extends InputsOf<GroupedRuleOf<"behavioral">, "type", { operand: pulumi.Input<BehavioralOperand> }> {
  type: "behavioral";
}
/** A segment rule inside a match group. */
export interface GroupedSegmentRule extends InputsOf<GroupedRuleOf<"segment">, "type"> {
  type: "segment";
}

/** A rule inside a match group; `type` picks the shape. */
export type GroupedRule =
  | GroupedEmailRule
  | GroupedStringRule
  | GroupedNumericRule
  | GroupedDateAbsoluteRule
  | GroupedDateRelativeRule
  | GroupedBehavioralRule
  | GroupedSegmentRule;
type _GroupedRulesNamed = Assert<Covers<GroupedRule, RuleInput>>;

type MatchGroupInput = z.input<typeof MatchGroupSchema>;
type GroupOf<K extends "all" | "any"> = Extract<MatchGroupInput, Record<K, unknown>>;

/** `{ all: [...], label? }`: every item matches (items joined by "and"). */
export interface MatchAll extends InputsOf<GroupOf<"all">, never, { all: DiscriminatedInput<GroupedRule, MatchGroup> }> {}
/** `{ any: [...], label? }`: at least one item matches (items joined by "or"). */
export interface MatchAny extends InputsOf<GroupOf<"any">, never, { any: DiscriminatedInput<GroupedRule, MatchGroup> }> {}
/** A nested all/any group (`match`); compiles to Ongage's flat position/parenthesis/condition encoding. */
export type MatchGroup = MatchAll | MatchAny;
/** An item of a match group: a rule or a nested group. */
export type MatchItem = GroupedRule | MatchGroup;

/** Arguments of `ongage.Segment`; every member accepts Pulumi inputs. */
export interface SegmentArgs
  extends InputsOf<SegmentInputs, never, { rules: DiscriminatedInput<Rule>; match: pulumi.Input<MatchGroup> }> {}
