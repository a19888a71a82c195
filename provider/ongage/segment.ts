import * as pulumi from "@pulumi/pulumi";
import type { CanonicalRule } from "./schemas";
import type { SegmentArgs } from "./segment-args";
import segmentShim = require("./shim");

export type { SegmentArgs };

/**
 * An Ongage segment (`pulumi-nodejs:dynamic/ongage:Segment`). A change of list or of the external
 * settings replaces the segment; everything else is updated in place. Deleting a segment unschedules
 * campaigns that use it: consider `protect: true` for production segments.
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
