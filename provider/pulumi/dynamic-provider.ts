import type { CheckFailure } from "./check-failures";
import type { ConfigureRequest } from "./settings";

/** What check answers: the inputs create/update/diff will see, and failures that stop the plan. */
export interface CheckResult {
  inputs?: Record<string, unknown>;
  failures?: CheckFailure[];
}

/**
 * The dynamic ResourceProvider contract as the provider host calls it (pulumi/sdk/nodejs/dynamic).
 * Declared here so provider modules do not load @pulumi/pulumi at runtime. `I` is the canonical
 * inputs check produces, `O` the outputs create/update/read produce.
 */
export interface DynamicProvider<I, O> {
  configure(req: ConfigureRequest): Promise<void>;
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckResult>;
  diff(id: string, olds: O, news: I): Promise<{ changes?: boolean; replaces?: string[]; deleteBeforeReplace?: boolean }>;
  create(inputs: I): Promise<{ id: string; outs: O }>;
  read(id: string, props: O): Promise<{ id?: string; props?: O; inputs?: I }>;
  update(id: string, olds: O, news: I): Promise<{ outs: O }>;
  delete(id: string, props: O): Promise<void>;
}
