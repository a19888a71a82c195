export { Segment, type SegmentArgs } from "./segment";
export { ExternalRecipients, type ExternalRecipientsArgs } from "./external-recipients";
export type { CanonicalRule, CanonicalSegment, MatchGroup, MatchItem, Operator, RecipientsInputs, RuleInput, SegmentInputs, SegmentOutputs } from "./schemas";
