import type { z } from "zod";
import { issuesToFailures, toCheckFailures, type CheckFailure, type CheckIssue } from "./check-failures";
import type { CheckResult } from "./dynamic-provider";
import { plainProperties } from "./property-bag";
import { containsUnknown } from "./unknowns";

/** What a resource tells `checkInputs` about its inputs. */
export interface CheckSpec<S extends z.ZodType, C> {
  /** The user-facing schema (strict objects: a typo is a failure). */
  schema: S;
  /**
   * Settings the resource needs at apply time (the API's transport profile), validated at check so a
   * bad value fails the preview instead of the create. Reported as given, before canonicalisation.
   */
  settings?: () => CheckFailure[];
  /**
   * Validated inputs → the canonical form create/update/diff receive, or a non-empty list of issues zod
   * cannot see (files, duplicates, missing defaults). Must not make HTTP calls. Issues about values not
   * known yet are dropped (then the raw inputs are returned, to be checked again at apply time).
   */
  canonical(parsed: z.output<S>): C | CheckIssue[];
}

/**
 * The check of every resource: strips `__provider` and undefined members, validates with the schema,
 * validates settings, canonicalises. Never throws and never calls an API. While inputs are still
 * unknown (preview), only problems with known values fail; when the unknowns keep the inputs from
 * being validated or canonicalised, the raw inputs are returned and apply time checks again.
 */
export async function checkInputs<S extends z.ZodType, C extends Record<string, unknown>>(news: unknown, spec: CheckSpec<S, C>): Promise<CheckResult> {
  const raw = plainProperties(news);
  const pending = containsUnknown(raw);
  const answer = (failures: CheckResult["failures"] = []): CheckResult => (failures.length > 0 || pending ? { inputs: raw, failures } : { inputs: raw });
  try {
    const parsed = spec.schema.safeParse(raw);
    if (!parsed.success) return answer(toCheckFailures(parsed.error, raw, [], spec.schema));
    const settings = spec.settings?.() ?? [];
    if (settings.length > 0) return answer(settings);
    const canonical = spec.canonical(parsed.data);
    if (Array.isArray(canonical)) return answer(issuesToFailures(canonical, raw));
    return { inputs: { ...canonical } };
  } catch (err) {
    // A value that is not known yet can make canonicalisation fail; apply time decides.
    if (pending) return answer();
    return answer([{ property: "(resource)", reason: `cannot validate: ${(err as Error).message}` }]);
  }
}

/**
 * Canonical inputs as create/update/diff receive them (from check, or from state written by check):
 * parsed with the canonical schema, never with the user schema. Throws when they do not match it.
 */
export function canonicalInputs<S extends z.ZodType>(schema: S, props: unknown): z.output<S> {
  return schema.parse(plainProperties(props));
}
