/** The value the engine sends for a not-yet-known property during preview (rpc.unknownValue); one definition, shared with the providers. */
export { PREVIEW_UNKNOWN as UNKNOWN } from "../provider/pulumi/unknowns";
