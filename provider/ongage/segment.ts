import * as pulumi from "@pulumi/pulumi";
import type { Inputify } from "../pulumi/input-types";
import { registeredOptions, registeredProperties, type OutputProperties, type ResourceRegistration } from "../pulumi/resource-registration";
import { SegmentOutputs } from "./canonical";
import type { SegmentInputs } from "./inputs";
import segmentShim = require("./shim");

/** Arguments of an Ongage segment; every member accepts Pulumi inputs. */
export type SegmentArgs = Inputify<SegmentInputs>;

/** Every member of SegmentOutputs is a registered output (`rules` in canonical flat form, `match` compiled). */
const REGISTRATION: ResourceRegistration<typeof SegmentOutputs> = { outputs: SegmentOutputs };

/** The outputs of an Ongage segment, one per member of its output schema. */
export interface Segment extends OutputProperties<SegmentOutputs> {}

/**
 * An Ongage segment (`pulumi-nodejs:dynamic/ongage:Segment`). A change of list or of the external
 * settings replaces the segment; everything else is updated in place. Deleting a segment unschedules
 * campaigns that use it, so a delete is refused while unfinished campaigns use it (`ongage:deleteInUse`);
 * `protect: true` refuses every delete, `retainOnDelete: true` leaves the segment in Ongage.
 */
export class Segment extends pulumi.dynamic.Resource {
  constructor(name: string, args: SegmentArgs, opts?: pulumi.CustomResourceOptions) {
    super(segmentShim, name, registeredProperties(REGISTRATION, args), registeredOptions(REGISTRATION, opts), "ongage", "Segment");
  }
}
