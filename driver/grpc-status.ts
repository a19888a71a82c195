import * as grpc from "@grpc/grpc-js";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { ResourceInitFailedError, ProviderError } from "./provider-errors";

const INIT_FAILED = "pulumirpc.ErrorResourceInitFailed";

/** Turns a gRPC error from the provider host into ProviderError, or ResourceInitFailedError when it carries ErrorResourceInitFailed. */
export function toProviderError(rpc: string, err: grpc.ServiceError): ProviderError {
  const message = err.details || err.message;
  for (const raw of err.metadata?.get("grpc-status-details-bin") ?? []) {
    const bytes = typeof raw === "string" ? Buffer.from(raw, "base64") : raw;
    const status = statusproto.Status.deserializeBinary(new Uint8Array(bytes));
    for (const any of status.getDetailsList()) {
      if (any.getTypeName() !== INIT_FAILED) continue;
      const detail = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
      return new ResourceInitFailedError(
        rpc,
        err.code,
        status.getMessage() || message,
        detail.getId(),
        (detail.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
        detail.getReasonsList(),
      );
    }
  }
  return new ProviderError(rpc, err.code, message);
}
