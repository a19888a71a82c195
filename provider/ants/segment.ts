import * as pulumi from "@pulumi/pulumi";
import type { CanonicalMatchRule, CanonicalSchedule, ResolvedRule, SegmentStatus, UploadInfo } from "./schemas";
import type { SegmentArgs } from "./segment-args";
import segmentShim = require("./shim");

export type { SegmentArgs };

/**
 * An ANTS CDP matching-file segment (`pulumi-nodejs:dynamic/ants:Segment`). A change of audience or
 * of static/dynamic replaces the segment; other changes use the assumed update endpoint unless
 * `ants:updateStrategy` is `replace`. A new version of the member file (by content hash) is
 * re-uploaded; an unchanged file never is.
 */
export class Segment extends pulumi.dynamic.Resource {
  /** ANTS's id of the segment (`segment_id`). */
  declare readonly segmentId: pulumi.Output<string>;
  /** -1003 (customer) or -1007 (visitor). */
  declare readonly itemTypeId: pulumi.Output<number>;
  declare readonly name: pulumi.Output<string>;
  declare readonly audience: pulumi.Output<"customer" | "visitor">;
  /** The member file: path, delimiter, sha256 of its content, header names. */
  declare readonly file: pulumi.Output<{ path: string; delimiter: string; sha256: string; headers: string[] }>;
  declare readonly matchRules: pulumi.Output<CanonicalMatchRule[]>;
  declare readonly logic: pulumi.Output<"and" | "or">;
  declare readonly schedule: pulumi.Output<CanonicalSchedule>;
  /** Where the file landed on the CDP (upload file path/name, extension, delimiter, headers). */
  declare readonly upload: pulumi.Output<UploadInfo>;
  /** Rules as sent: header index and the operator resolved from the attribute's datatype. */
  declare readonly resolvedRules: pulumi.Output<ResolvedRule[]>;
  /** Listing status at the last create/update/refresh; informational, never diffed. */
  declare readonly serverStatus: pulumi.Output<SegmentStatus>;

  constructor(name: string, args: SegmentArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      segmentShim,
      name,
      { segmentId: undefined, itemTypeId: undefined, upload: undefined, resolvedRules: undefined, serverStatus: undefined, ...args },
      opts,
      "ants",
      "Segment",
    );
  }
}
