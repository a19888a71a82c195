/**
 * The ongage folder as the rest of the package uses it (review/, definitions/, cli/ import it only
 * through this file: ARCHITECTURE.md). What users see is public.ts (the resource classes and argument
 * types), re-exported by provider/index.ts; provider/definitions/loader.ts builds resources from it.
 */
export { segmentCampaigns } from "./campaigns-in-use";
export { MAILING_STATUSES, WireMailing, WireSegmentMailing, campaignStatus } from "./campaigns";
export { CanonicalSegment, type CanonicalRule } from "./canonical";
export { OngageClient, classifyOngage } from "./client";
export { parseDateToEpoch } from "./dates";
export { RecipientsInputs, SegmentIdInput, ValidSegmentInputs, refineSegment, ruleSchemas, segmentInputShape, type MatchGroup, type MatchGroupOf, type SegmentInputs } from "./inputs";
export { compileMatch, locatedRules } from "./match";
export { decompileMatch } from "./match-decompile";
export { canonicalFromInputs, canonicalFromWire, managedPart, toRequestBody } from "./normalize";
export { fieldResolver, segmentProvider } from "./provider";
export { recipientsProvider } from "./recipients-provider";
export { ongageClientOptions, ongageDefaultListId } from "./settings";
export { WireError, WireListField, WireSegment, WireSegmentSummary, isDeletedSegment, ongageEnvelope } from "./wire";
