import * as pulumi from "@pulumi/pulumi";
import type { Inputify } from "../pulumi/input-types";
import type { RecipientsInputs } from "./schemas";
import recipientsShim = require("./recipients-shim");

export type ExternalRecipientsArgs = Inputify<RecipientsInputs>;

/**
 * The recipients of an external Ongage segment (`pulumi-nodejs:dynamic/ongage:ExternalRecipients`),
 * pushed with populate_external whenever their content changes. State keeps only a count and a hash.
 */
export class ExternalRecipients extends pulumi.dynamic.Resource {
  declare readonly segmentId: pulumi.Output<string>;
  declare readonly recipientCount: pulumi.Output<number>;
  declare readonly contentHash: pulumi.Output<string>;

  constructor(name: string, args: ExternalRecipientsArgs, opts?: pulumi.CustomResourceOptions) {
    super(recipientsShim, name, { recipientCount: undefined, contentHash: undefined, ...args }, opts, "ongage", "ExternalRecipients");
  }
}
