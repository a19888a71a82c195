/** Public surface of pulumi-segments. */
export * as ongage from "./ongage/index";
export * as ants from "./ants/index";
