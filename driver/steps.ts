import type { StateJournal } from "./journal";
import type { CheckFailure, Props, ProviderHost } from "./provider-host";
import type { StackState, StateResourceOutputs } from "./state";

export type StepOp = "create" | "update" | "replace" | "same" | "delete";
export type RunMode = "preview" | "up";

/** A resource the program declares. `inputs` must contain `__provider` (the serialized provider text). */
export interface ResourceSpec {
  /** Full type token, e.g. "pulumi-nodejs:dynamic/ongage:Segment". */
  type: string;
  name: string;
  /**
   * Plain inputs, or a function of other resources' outputs. The function is called again after each
   * resource it asks for via `ref` has completed, so the names it asks for become its dependencies.
   * During preview, a resource that would be created/replaced yields `id` = UNKNOWN and UNKNOWN for every
   * output that is not also a checked input (what the engine sends); an unchanged one yields its state.
   */
  inputs: Props | ((ref: (name: string) => StateResourceOutputs) => Props);
  /** Names of resources that must complete first (in addition to those `inputs` asks for). */
  dependsOn?: string[];
  /** Resource option; when set it wins over the provider's Diff answer. */
  deleteBeforeReplace?: boolean;
  /** Resource option `protect`: deleting or replacing the resource fails (as the engine's step does). */
  protect?: boolean;
  /** Resource option `retainOnDelete`: a delete drops it from state without calling the provider. */
  retainOnDelete?: boolean;
  /** Resource option `aliases` given as previous names (`{ name }` aliases: same type, same stack and project). */
  aliases?: string[];
}

/** A resource with its inputs already known (what a program registration carries). */
export interface ResolvedSpec {
  type: string;
  name: string;
  /** Defaults to urn:pulumi:<stack>::<project>::<type>::<name>. */
  urn?: string;
  inputs: Props;
  /** URNs this resource depends on. */
  dependencies?: string[];
  deleteBeforeReplace?: boolean;
  protect?: boolean;
  retainOnDelete?: boolean;
  /** URNs the resource may have had before (resource option `aliases`, already collapsed to URNs), tried in order. */
  aliases?: string[];
}

export interface Step {
  urn: string;
  /** For a resource whose Check failed: the step it would have been ("create" if new, else "update"). */
  op: StepOp;
  replaces: string[];
  failures: CheckFailure[];
  deleteBeforeReplace?: boolean;
  /** The checked inputs (absent when Check did not succeed, and on deletes). */
  inputs?: Props;
  /** URNs the resource depends on in this run (absent on deletes). */
  dependencies?: string[];
  /** The URN of the state entry this resource took over through an alias (it had that URN before this run). */
  aliasedFrom?: string;
  /** Set when the step failed. */
  error?: string;
  /** A delete of a `retainOnDelete` resource: dropped from state, the provider was not called. */
  retained?: boolean;
}

export interface RunError {
  urn: string;
  /** The RPC or phase that failed: "Check", "Create", "Delete", "dependency", "alias", "program", ... */
  phase: string;
  message: string;
}

export interface RunResult {
  steps: Step[];
  errors: RunError[];
  state: StackState;
}

export interface RefreshResult {
  /** URNs whose outputs or inputs changed. */
  changed: string[];
  /** URNs the provider reported gone; removed from state. */
  dropped: string[];
  errors: RunError[];
  state: StackState;
}

/** Outcome of stepping one resource: what the engine hands back to the program. */
export interface StepOutcome {
  urn: string;
  ok: boolean;
  op: StepOp;
  /** UNKNOWN during preview of a create or replace. */
  id: string;
  /** Known output values. */
  outputs: Props;
  /** Preview only: outputs not present in `outputs` are unknown rather than absent. */
  restUnknown: boolean;
  error?: string;
}

/** What a deployment needs from its engine: the provider, the journal of the state, and URNs. */
export interface Deployment {
  readonly host: ProviderHost;
  readonly journal: StateJournal;
  urn(type: string, name: string): string;
}
