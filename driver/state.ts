/** One resource as the engine records it after a step. JSON-serializable. */
export interface StateResource {
  urn: string;
  /** Full type token, e.g. "pulumi-nodejs:dynamic/ongage:Segment". */
  type: string;
  name: string;
  id: string;
  /** The checked inputs recorded at the last step (include `__provider`). */
  inputs: Record<string, unknown>;
  /** Provider outputs (include `__provider`). */
  outputs: Record<string, unknown>;
  /** URNs this resource depended on when last stepped; deletes run in reverse of these edges. */
  dependencies?: string[];
  /** Resource options as last stepped: `protect` refuses deletes, `retainOnDelete` skips the provider's Delete. */
  protect?: boolean;
  retainOnDelete?: boolean;
  /** The URN the entry had before a registration took it over through an alias (as the engine records `aliases`). */
  aliases?: string[];
  /** The old copy of a create-before-delete replacement that still has to be deleted (the engine's `delete: true`). */
  delete?: boolean;
}

/**
 * A step that began and has not ended, as Pulumi's checkpoint records it (`pending_operations`). When a
 * deployment is killed, the checkpoint keeps it; the next `up` does not step it (the resource is not in
 * `resources`, so it is created again) and keeps pending creates for `pulumi refresh` to clear.
 */
export interface PendingOperation {
  type: "creating";
  urn: string;
  /** The resource's type token and name, and the checked inputs sent to Create. */
  resource: { type: string; name: string; inputs: Record<string, unknown> };
}

export interface StackState {
  resources: StateResource[];
  /** Creates in flight (absent when none): what a killed deployment leaves behind. */
  pendingOperations?: PendingOperation[];
}

/** What a reference to another resource yields: its id and outputs (possibly unknown during preview). */
export interface StateResourceOutputs {
  urn: string;
  id: string;
  outputs: Record<string, unknown>;
}

export function emptyState(): StackState {
  return { resources: [] };
}

export function makeUrn(stack: string, project: string, type: string, name: string): string {
  return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}
