/**
 * The ants folder as the rest of the package uses it (review/, definitions/, cli/, doctor/ import it only
 * through this file: ARCHITECTURE.md). What users see is public.ts (the resource classes and argument
 * types), re-exported by provider/index.ts; provider/definitions/loader.ts builds resources from it.
 */
export { CanonicalSegment as AntsCanonicalSegment } from "./canonical";
export { antsAuth } from "./auth";
export { AntsClient, CreateResponse, LISTING_COLUMNS, LISTING_PAGE_SIZE, ListingPage, classifyAnts } from "./client";
export type { CanonicalSegment, UploadInfo } from "./canonical";
export { listingTimeMs } from "./dates";
export { AUDIENCE_ITEM_TYPE, SegmentInputs } from "./inputs";
export { modulesInUse } from "./modules-in-use";
export { attributeDatatype, operatorsFor, resolveRules, toRequestBody } from "./normalize";
export { segmentProvider } from "./provider";
export { ANTS_KEYS, antsClientOptions, antsCredentials, deleteStrategy, updateStrategy } from "./settings";
export { TokenResponse, WireListingEntry } from "./wire";
