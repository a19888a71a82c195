import * as pulumi from "@pulumi/pulumi";
import { registeredOptions, registeredProperties, type OutputProperties, type ResourceRegistration } from "../pulumi/resource-registration";
import { SegmentOutputs } from "./canonical";
import type { SegmentArgs } from "./segment-args";
import segmentShim = require("./shim");

export type { SegmentArgs };

/** Every member of SegmentOutputs is a registered output (defaults filled: `logic`, `schedule`, `shareAccess`, `alerts`). */
const REGISTRATION: ResourceRegistration<typeof SegmentOutputs> = { outputs: SegmentOutputs };

/** The outputs of an ANTS CDP segment, one per member of its output schema. */
export interface Segment extends OutputProperties<SegmentOutputs> {}

/**
 * An ANTS CDP matching-file segment (`pulumi-nodejs:dynamic/ants:Segment`). A change of audience or
 * of static/dynamic replaces the segment; other changes use the assumed update endpoint unless
 * `ants:updateStrategy` is `replace`. A new version of the member file (by content hash) is
 * re-uploaded; an unchanged file never is.
 */
export class Segment extends pulumi.dynamic.Resource {
  constructor(name: string, args: SegmentArgs, opts?: pulumi.CustomResourceOptions) {
    super(segmentShim, name, registeredProperties(REGISTRATION, args), registeredOptions(REGISTRATION, opts), "ants", "Segment");
  }
}
