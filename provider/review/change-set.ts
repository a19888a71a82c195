import { UNKNOWN as UNKNOWN_ID, type Json } from "./values";

/** The resource kinds a review covers, by the type token's module and name. */
export const REVIEW_KINDS = {
  "pulumi-nodejs:dynamic/ongage:Segment": "ongage.Segment",
  "pulumi-nodejs:dynamic/ongage:ExternalRecipients": "ongage.ExternalRecipients",
  "pulumi-nodejs:dynamic/ants:Segment": "ants.Segment",
} as const;
export type ReviewKind = (typeof REVIEW_KINDS)[keyof typeof REVIEW_KINDS];
export type ReviewOp = "create" | "update" | "replace" | "delete";
export const REVIEW_OPS: readonly ReviewOp[] = ["create", "update", "replace", "delete"];

/** One side of a change: the checked inputs (what `check` returned), and outputs when the segment exists. */
export interface ResourceSide {
  /** Provider id; undefined when not known (a create, or `--base` mode). */
  id?: string;
  inputs: Json;
  outputs?: Json;
}

/** A resource the change creates, updates, replaces or deletes. */
export interface Change {
  /** Pulumi logical name = definition name. */
  name: string;
  kind: ReviewKind;
  op: ReviewOp;
  urn?: string;
  /** Absent for a create. */
  before?: ResourceSide;
  /** Absent for a delete. */
  after?: ResourceSide;
  /** `--base` mode: the definition's previous name when it was renamed in place. */
  renamedFrom?: string;
  /** Names of the resources `after` depends on. */
  dependsOn: string[];
  /** Properties that force the replacement, as the preview reports them. */
  replaceReasons?: string[];
}

/** A resource of the same program that the change leaves alone (used to name referenced segments). */
export interface Unchanged {
  name: string;
  kind: ReviewKind;
  side: ResourceSide;
}

/** What a review reads: from a preview digest, or from definition files at two git revisions. */
export interface ChangeSet {
  source: "preview" | "git";
  changes: Change[];
  unchanged: Unchanged[];
  /** Things the reader must know (preview errors, definitions that do not pass their checks). */
  notes: string[];
  /** Data rows of a member file version, when its bytes are at hand. */
  memberRows(path: string, sha256: string | undefined, delimiter: string | undefined): number | undefined;
  /**
   * `--base` mode: segment ids stand-ins for `{ ref: name }`, so references render by name; the
   * value is the referenced definition's name.
   */
  refIds?: ReadonlyMap<string, string>;
}

/** A review input that cannot be read (malformed digest, unknown git ref, not a repository): exit code 1. */
export class ReviewInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReviewInputError";
  }
}

/** The Ongage segment id (or provider id) of a side; undefined while unknown. */
export function segmentIdOf(s: ResourceSide | undefined): string | undefined {
  const id = s?.outputs?.segmentId ?? s?.id;
  return (typeof id === "string" || typeof id === "number") && id !== UNKNOWN_ID ? String(id) : undefined;
}
