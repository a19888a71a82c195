import type { RunResult } from "./steps";
import type { Props } from "./provider-host";
import { blindSecrets } from "./secrets";
import type { StackState, StateResource } from "./state";

/**
 * Writes what `pulumi preview --json` prints (docs/pulumi-preview-json.md) for a preview run by the
 * driver, so that tests and the demo feed `pulumi-segments review` the same document CI gets from the
 * real CLI: one step per changed resource with `oldState` / `newState` (planned inputs are what Check
 * returned, planned outputs of an update are the old outputs), `diffReasons`, `replaceReasons`,
 * `detailedDiff: null` (dynamic providers cannot return one), `changeSummary`, and Check failures as
 * error diagnostics. Unknown values are already the engine's sentinel in the checked inputs.
 */

export interface PreviewDigestOptions {
  /** Include `same` steps, like `--show-sames`. */
  showSames?: boolean;
  /** Stack config printed under `config`; keys listed in `secretConfig` are blinded as "[secret]". */
  config?: Record<string, string>;
  secretConfig?: readonly string[];
  /** Top-level input/output keys to print as "[secret]" (what the CLI does for secret values), per logical name. */
  secretProperties?: Record<string, readonly string[]>;
  /** Nanoseconds, as Go's time.Duration. */
  durationNs?: number;
}

const SECRET = "[secret]";

function typeOfUrn(urn: string): string {
  const m = /^urn:pulumi:[^:]*::[^:]*::(.+?)::/.exec(urn);
  return m ? m[1]!.split("$").pop()! : "";
}
const nameOfUrn = (urn: string) => urn.split("::").slice(3).join("::");

/** Secret values (the engine's secret form, anywhere) and the listed top-level keys, as "[secret]". */
function blind(props: Props | undefined, keys: readonly string[] | undefined): Props | undefined {
  if (!props) return props;
  const blinded = blindSecrets(props);
  if (!keys?.length) return blinded;
  return Object.fromEntries(Object.entries(blinded).map(([k, v]) => [k, keys.includes(k) ? SECRET : v]));
}

function stateOf(r: StateResource, keys: readonly string[] | undefined): Record<string, unknown> {
  return { urn: r.urn, custom: true, id: r.id, type: r.type, inputs: blind(r.inputs, keys), outputs: blind(r.outputs, keys), dependencies: r.dependencies ?? [] };
}

function diffKeys(a: Props | undefined, b: Props | undefined): string[] {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  keys.delete("__provider");
  return [...keys].filter((k) => JSON.stringify(a?.[k]) !== JSON.stringify(b?.[k])).sort();
}

/** The digest of a preview: `before` is the stack state the preview ran against (a preview leaves it as it was). */
export function previewDigest(before: StackState, result: RunResult, opts: PreviewDigestOptions = {}): Record<string, unknown> {
  const steps: Record<string, unknown>[] = [];
  const diagnostics: Record<string, unknown>[] = [];
  const changeSummary: Record<string, number> = {};
  for (const step of result.steps) {
    // A resource taken over through an alias steps against the entry under its old URN.
    const old = before.resources.find((r) => r.urn === (step.aliasedFrom ?? step.urn) && !r.delete);
    const keys = opts.secretProperties?.[nameOfUrn(step.urn)];
    if (step.failures.length > 0 || step.error) {
      const message = step.failures.length > 0 ? step.failures.map((f) => `${f.property}: ${f.reason}`).join("\n") : step.error;
      diagnostics.push({ urn: step.urn, prefix: "error: ", message, severity: "error" });
      continue;
    }
    changeSummary[step.op] = (changeSummary[step.op] ?? 0) + 1;
    if (step.op === "same" && !opts.showSames) continue;
    const planned = step.inputs && {
      urn: step.urn,
      custom: true,
      type: old?.type ?? typeOfUrn(step.urn),
      ...(step.op === "update" || step.op === "same" ? { id: old!.id } : {}),
      inputs: blind(step.inputs, keys),
      ...(step.op === "update" || step.op === "same" ? { outputs: blind(old!.outputs, keys) } : {}),
      dependencies: step.dependencies ?? [],
    };
    const out: Record<string, unknown> = { op: step.op, urn: step.urn, provider: "" };
    if (old && step.op !== "create") out.oldState = stateOf(old, keys);
    if (planned && step.op !== "delete") out.newState = planned;
    if (step.op === "update" || step.op === "replace") out.diffReasons = diffKeys(old?.inputs, step.inputs);
    if (step.op === "replace") out.replaceReasons = step.replaces;
    out.detailedDiff = null;
    steps.push(out);
  }
  const config = opts.config && Object.fromEntries(Object.entries(opts.config).map(([k, v]) => [k, opts.secretConfig?.includes(k) ? SECRET : v]));
  return {
    ...(config ? { config } : {}),
    ...(steps.length > 0 ? { steps } : {}),
    ...(diagnostics.length > 0 ? { diagnostics } : {}),
    duration: opts.durationNs ?? 0,
    changeSummary,
  };
}
