import * as pulumi from "@pulumi/pulumi";
import type { Inputify } from "../pulumi/input-types";
import { registeredOptions, registeredProperties, type OutputProperties, type ResourceRegistration } from "../pulumi/resource-registration";
import { RecipientsOutputs } from "./canonical";
import type { RecipientsInputs } from "./inputs";
import { Segment } from "./segment";
import recipientsShim = require("./recipients-shim");

type SegmentIdInput = pulumi.Input<string | number>;
type Common = Omit<Inputify<RecipientsInputs>, "segmentId" | "file" | "recipients">;
type Source =
  /** A CSV/TSV file (an `email` column plus list-field columns); state keeps its path, sha256 and the count. */
  | { file: Inputify<NonNullable<RecipientsInputs["file"]>>; recipients?: never }
  /** Inline rows: marked secret (encrypted in state, `[secret]` in previews). A file keeps them out of the program. */
  | { recipients: NonNullable<Inputify<RecipientsInputs>["recipients"]>; file?: never };
type Target =
  /** The external segment itself (its `segmentId` and `listId` are used), or its id. */
  | { segment: Segment | SegmentIdInput; segmentId?: never }
  /** The external segment's id (e.g. `segment.segmentId`). */
  | { segmentId: SegmentIdInput; segment?: never };

export type ExternalRecipientsArgs = Common & Source & Target;

/**
 * Outputs are a count and hashes (and a file's path) only. Inline recipients are a secret input:
 * wrapped in `pulumi.secret`, so Pulumi encrypts them in state and previews show `[secret]`.
 */
const REGISTRATION: ResourceRegistration<typeof RecipientsOutputs> = { outputs: RecipientsOutputs, secretInputs: ["recipients"] };

/** The outputs of ExternalRecipients, one per member of its output schema. */
export interface ExternalRecipients extends OutputProperties<RecipientsOutputs> {}

/**
 * The recipients of an external Ongage segment (`pulumi-nodejs:dynamic/ongage:ExternalRecipients`),
 * pushed with populate_external whenever their content changes. State keeps a count and a hash (and a
 * file's path and sha256), never a row.
 */
export class ExternalRecipients extends pulumi.dynamic.Resource {
  constructor(name: string, args: ExternalRecipientsArgs, opts?: pulumi.CustomResourceOptions) {
    const { segment, segmentId, ...rest } = args as Common & Partial<Source> & { segment?: Segment | SegmentIdInput; segmentId?: SegmentIdInput };
    if (segment !== undefined && segmentId !== undefined) throw new Error(`ExternalRecipients "${name}": give \`segment\` or \`segmentId\`, not both`);
    const target = segment instanceof Segment ? { segmentId: segment.segmentId, listId: rest.listId ?? segment.listId } : { segmentId: segment ?? segmentId };
    super(recipientsShim, name, registeredProperties(REGISTRATION, { ...rest, ...target }), registeredOptions(REGISTRATION, opts), "ongage", "ExternalRecipients");
  }
}
