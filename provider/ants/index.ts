export { Segment, type SegmentArgs } from "./segment";
export type { DynamicSchedule, MatchRule, Schedule, StaticSchedule } from "./segment-args";
export type { CanonicalSegment, ResolvedRule, SegmentInputs, SegmentOutputs, SegmentStatus, UploadInfo } from "./schemas";
