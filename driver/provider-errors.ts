/** A failed provider RPC: the gRPC status code and the message the provider host sent. */
export class ProviderError extends Error {
  constructor(
    readonly rpc: string,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}

/**
 * Create/Update failed after the remote object came into being: the host sent
 * `pulumirpc.ErrorResourceInitFailed`, which the engine records in state (id + properties).
 * `properties` is exactly what the provider put on its error; the host does NOT add `__provider`.
 */
export class ResourceInitFailedError extends ProviderError {
  constructor(
    rpc: string,
    code: number,
    message: string,
    readonly id: string,
    readonly properties: Record<string, unknown>,
    readonly reasons: string[],
  ) {
    super(rpc, code, message);
    this.name = "ResourceInitFailedError";
  }
}
