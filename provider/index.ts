/** Public surface of pulumi-segments. */
export * as ongage from "./ongage/public";
export * as ants from "./ants/public";
export { loadSegments, DefinitionsError, type DefinedResource, type LoadSegmentsOptions } from "./definitions/loader";
