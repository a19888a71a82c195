export { Segment, type SegmentArgs } from "./segment";
export { ExternalRecipients, type ExternalRecipientsArgs } from "./external-recipients";
export type {
  BehavioralOperand,
  BehavioralRule,
  BetweenTimeRange,
  CustomTimeRange,
  DateAbsoluteRule,
  DateRelativeRule,
  EmailRule,
  GroupedBehavioralRule,
  GroupedDateAbsoluteRule,
  GroupedDateRelativeRule,
  GroupedEmailRule,
  GroupedNumericRule,
  GroupedRule,
  GroupedSegmentRule,
  GroupedStringRule,
  MatchAll,
  MatchAny,
  MatchGroup,
  MatchItem,
  NumericRule,
  Rule,
  SegmentRule,
  StringRule,
  TimeRange,
} from "./segment-args";
export type { Operator, RecipientsInputs, RuleInput, SegmentInputs } from "./inputs";
export type { CanonicalRule, CanonicalSegment, SegmentOutputs } from "./canonical";
