import * as pulumi from "@pulumi/pulumi";
import type { Inputify } from "../pulumi/input-types";
import type { CanonicalRule, SegmentInputs } from "./schemas";
import segmentShim = require("./shim");

/** Arguments of an Ongage segment; every member accepts Pulumi inputs. */
export type SegmentArgs = Inputify<SegmentInputs>;

/**
 * An Ongage segment (`pulumi-nodejs:dynamic/ongage:Segment`). A change of list or of the external
 * settings replaces the segment; everything else is updated in place. Deleting a segment unschedules
 * campaigns that use it, so a delete is refused while unfinished campaigns use it (`ongage:deleteInUse`);
 * `protect: true` refuses every delete, `retainOnDelete: true` leaves the segment in Ongage.
 */
export class Segment extends pulumi.dynamic.Resource {
  /** Ongage's id of the segment. */
  declare readonly segmentId: pulumi.Output<string>;
  /** The list the segment lives in. */
  declare readonly listId: pulumi.Output<number>;
  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string>;
  declare readonly favorite: pulumi.Output<boolean>;
  declare readonly whitelist: pulumi.Output<boolean>;
  /** The rules as Ongage stores them, in canonical flat form (nested `match` groups compiled). */
  declare readonly rules: pulumi.Output<CanonicalRule[]>;

  constructor(name: string, args: SegmentArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      segmentShim,
      name,
      { segmentId: undefined, listId: undefined, description: undefined, favorite: undefined, whitelist: undefined, rules: undefined, ...args },
      opts,
      "ongage",
      "Segment",
    );
  }
}
