export { Segment, type SegmentArgs } from "./segment";
export type { DynamicSchedule, MatchRule, Schedule, StaticSchedule } from "./segment-args";
export type { CanonicalSegment, ResolvedRule, SegmentOutputs, SegmentStatus, UploadInfo } from "./canonical";
export type { SegmentInputs } from "./inputs";
