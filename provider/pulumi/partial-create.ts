/**
 * Thrown when the remote object exists but a later step of create failed: the host reports
 * ErrorResourceInitFailed so the engine records the id and `properties` instead of orphaning the object.
 * Build it with `partialCreate` so `properties` carry `__provider`.
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

/**
 * A PartialCreateError for `id` with `outs` as its properties. The host records them without adding
 * `__provider`, so it is copied from `inputs`, or later refresh/destroy calls could not load the provider.
 */
export function partialCreate(id: string, inputs: object, outs: object, cause: unknown): PartialCreateError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const provider = (inputs as { __provider?: unknown }).__provider;
  const properties = provider === undefined ? { ...outs } : { ...outs, __provider: provider };
  return new PartialCreateError(`segment ${id} was created but could not be read back: ${reason}`, id, properties, [reason]);
}
