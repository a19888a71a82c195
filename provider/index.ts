/** Public surface of pulumi-segments. */
export * as ongage from "./ongage/index";
