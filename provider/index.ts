/** Public surface of pulumi-segments. */
export * as ongage from "./ongage/index";
export * as ants from "./ants/index";
export { loadSegments, DefinitionsError, type DefinedResource, type LoadSegmentsOptions } from "./definitions/loader";
