/**
 * The ants folder as the rest of the package uses it (review/, definitions/, cli/ import it only
 * through this file: ARCHITECTURE.md). What users see is public.ts (the resource classes and argument
 * types), re-exported by provider/index.ts; provider/definitions/loader.ts builds resources from it.
 */
export { CanonicalSegment as AntsCanonicalSegment } from "./canonical";
export { AntsClient } from "./client";
export { AUDIENCE_ITEM_TYPE, SegmentInputs } from "./inputs";
export { modulesInUse } from "./modules-in-use";
export { attributeDatatype, operatorsFor } from "./normalize";
export { segmentProvider } from "./provider";
export { antsClientOptions } from "./settings";
