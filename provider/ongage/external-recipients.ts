import * as pulumi from "@pulumi/pulumi";
import type { Inputify } from "../pulumi/input-types";
import { registeredOptions, registeredProperties, type OutputProperties, type ResourceRegistration } from "../pulumi/resource-registration";
import { RecipientsOutputs } from "./canonical";
import type { RecipientsInputs } from "./inputs";
import recipientsShim = require("./recipients-shim");

export type ExternalRecipientsArgs = Inputify<RecipientsInputs>;

/** Outputs are a count and a hash only; the recipients never reach the outputs. */
const REGISTRATION: ResourceRegistration<typeof RecipientsOutputs> = { outputs: RecipientsOutputs };

/** The outputs of ExternalRecipients, one per member of its output schema. */
export interface ExternalRecipients extends OutputProperties<RecipientsOutputs> {}

/**
 * The recipients of an external Ongage segment (`pulumi-nodejs:dynamic/ongage:ExternalRecipients`),
 * pushed with populate_external whenever their content changes. State keeps only a count and a hash.
 */
export class ExternalRecipients extends pulumi.dynamic.Resource {
  constructor(name: string, args: ExternalRecipientsArgs, opts?: pulumi.CustomResourceOptions) {
    super(recipientsShim, name, registeredProperties(REGISTRATION, args), registeredOptions(REGISTRATION, opts), "ongage", "ExternalRecipients");
  }
}
