export { Segment, type SegmentArgs } from "./segment";
export type { CanonicalSegment, ResolvedRule, SegmentInputs, SegmentOutputs, SegmentStatus, UploadInfo } from "./schemas";
