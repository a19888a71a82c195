export { Segment, type SegmentArgs } from "./segment";
export type { CanonicalRule, CanonicalSegment, MatchGroup, MatchItem, Operator, RuleInput, SegmentInputs, SegmentOutputs } from "./schemas";
