import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

/** The outputs a resource class exposes: one `pulumi.Output` per member of its output schema. */
export type OutputProperties<T> = { readonly [K in keyof T]-?: pulumi.Output<T[K]> };

/** What a resource class registers, derived from its output schema so declared and registered outputs cannot drift. */
export interface ResourceRegistration<O extends z.ZodObject> {
  /** The resource's outputs; every key becomes a registered output property. */
  outputs: O;
  /**
   * Hook: inputs whose values are secrets. They are wrapped in `pulumi.secret` before registration and
   * listed in `additionalSecretOutputs`, so state, previews and outputs show them only encrypted.
   */
  secretInputs?: ReadonlyArray<string>;
}

/**
 * The property bag a dynamic resource passes to `super`: every output key of the schema (undefined
 * until the provider answers), then the user's arguments, secret ones wrapped.
 */
export function registeredProperties<O extends z.ZodObject>(reg: ResourceRegistration<O>, args: object): Record<string, unknown> {
  const props: Record<string, unknown> = Object.fromEntries(Object.keys(reg.outputs.shape).map((k) => [k, undefined]));
  for (const [key, value] of Object.entries(args)) {
    props[key] = value !== undefined && reg.secretInputs?.includes(key) ? pulumi.secret(value) : value;
  }
  return props;
}

/** The resource options with the registration's secret inputs added to `additionalSecretOutputs`. */
export function registeredOptions<O extends z.ZodObject>(reg: ResourceRegistration<O>, opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions | undefined {
  if (!reg.secretInputs || reg.secretInputs.length === 0) return opts;
  return { ...opts, additionalSecretOutputs: [...new Set([...(opts?.additionalSecretOutputs ?? []), ...reg.secretInputs])] };
}
