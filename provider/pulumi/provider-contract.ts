import type { CheckFailure } from "./check-failures";
import type { ConfigureRequest } from "./settings";

/**
 * The dynamic ResourceProvider contract as the provider host calls it (pulumi/sdk/nodejs/dynamic).
 * Declared here so provider modules do not load @pulumi/pulumi at runtime.
 */
export interface DynamicProvider<I, O> {
  configure(req: ConfigureRequest): Promise<void>;
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ inputs?: Record<string, unknown>; failures?: CheckFailure[] }>;
  diff(id: string, olds: O, news: I): Promise<{ changes?: boolean; replaces?: string[]; deleteBeforeReplace?: boolean }>;
  create(inputs: I): Promise<{ id: string; outs: O }>;
  read(id: string, props: O): Promise<{ id?: string; props?: O; inputs?: I }>;
  update(id: string, olds: O, news: I): Promise<{ outs: O }>;
  delete(id: string, props: O): Promise<void>;
}

/**
 * Thrown when the remote object exists but a later step failed: the host reports
 * ErrorResourceInitFailed so the engine records the id instead of orphaning the object.
 */
export class PartialCreateError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Record<string, unknown>,
    readonly reasons: string[],
  ) {
    super(message);
    this.name = "PartialCreateError";
  }
}

/** Removes the host's serialized provider from property bags before validation or output. */
export function withoutProvider<T extends Record<string, unknown>>(props: T): Omit<T, "__provider"> {
  const { __provider: _ignored, ...rest } = props;
  return rest;
}

/**
 * Properties for a PartialCreateError: the host records them as the resource's outputs without adding
 * `__provider`, so it is copied from the inputs or later refresh/destroy calls could not load the provider.
 */
export function withProviderOf(inputs: object, outs: object): Record<string, unknown> {
  const provider = (inputs as { __provider?: unknown }).__provider;
  return provider === undefined ? { ...outs } : { ...outs, __provider: provider };
}

/** Writes a warning the way the provider host passes it through to the engine's output. */
export function warn(message: string): void {
  process.stderr.write(`warning: pulumi-segments: ${message}\n`);
}
