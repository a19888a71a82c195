export { Segment, type SegmentArgs } from "./segment";
export { ExternalRecipients, type ExternalRecipientsArgs } from "./external-recipients";
export type { MatchGroup, MatchItem, Operator, RecipientsInputs, RuleInput, SegmentInputs } from "./inputs";
export type { CanonicalRule, CanonicalSegment, SegmentOutputs } from "./canonical";
