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
  /** The old copy of a create-before-delete replacement that still has to be deleted (the engine's `delete: true`). */
  delete?: boolean;
}

export interface StackState {
  resources: StateResource[];
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
