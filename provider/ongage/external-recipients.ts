import * as pulumi from "@pulumi/pulumi";
import type { Inputify } from "../pulumi/input-types";
import type { RecipientsInputs } from "./schemas";
import { Segment } from "./segment";
import recipientsShim = require("./recipients-shim");

type SegmentIdInput = pulumi.Input<string | number>;
type Common = Omit<Inputify<RecipientsInputs>, "segmentId" | "file" | "recipients">;
type Source =
  /** A CSV/TSV file (an `email` column plus list-field columns); state keeps its path, sha256 and the count. */
  | { file: Inputify<NonNullable<RecipientsInputs["file"]>>; recipients?: never }
  /** Inline rows: marked secret (encrypted in state, `[secret]` in previews). A file keeps them out of the program. */
  | { recipients: Inputify<RecipientsInputs>["recipients"] & object; file?: never };
type Target =
  /** The external segment itself (its `segmentId` and `listId` are used), or its id. */
  | { segment: Segment | SegmentIdInput; segmentId?: never }
  /** The external segment's id (e.g. `segment.segmentId`). */
  | { segmentId: SegmentIdInput; segment?: never };

export type ExternalRecipientsArgs = Common & Source & Target;

/**
 * The recipients of an external Ongage segment (`pulumi-nodejs:dynamic/ongage:ExternalRecipients`),
 * pushed with populate_external whenever their content changes. State keeps a count and a hash (and a
 * file's path and sha256), never a row.
 */
export class ExternalRecipients extends pulumi.dynamic.Resource {
  declare readonly segmentId: pulumi.Output<string>;
  declare readonly recipientCount: pulumi.Output<number>;
  declare readonly contentHash: pulumi.Output<string>;

  constructor(name: string, args: ExternalRecipientsArgs, opts?: pulumi.CustomResourceOptions) {
    const { segment, segmentId, recipients, ...rest } = args as ExternalRecipientsArgs & { segment?: Segment | SegmentIdInput; segmentId?: SegmentIdInput; recipients?: unknown };
    if (segment !== undefined && segmentId !== undefined) throw new Error(`ExternalRecipients "${name}": give \`segment\` or \`segmentId\`, not both`);
    const target =
      segment instanceof Segment
        ? { segmentId: segment.segmentId, listId: rest.listId ?? segment.listId }
        : { segmentId: segment ?? segmentId };
    super(
      recipientsShim,
      name,
      {
        recipientCount: undefined,
        contentHash: undefined,
        ...rest,
        ...target,
        ...(recipients === undefined ? {} : { recipients: pulumi.secret(recipients as pulumi.Input<unknown>) }),
      },
      opts,
      "ongage",
      "ExternalRecipients",
    );
  }
}
