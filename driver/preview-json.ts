import { deepEqual } from "./deep-equal";
import type { RunResult, StepOp } from "./engine";
import type { Props } from "./provider-host";
import { blindSecrets } from "./secrets";
import type { StackState, StateResource } from "./state";

/** A resource as `pulumi preview --json` prints it in `oldState` / `newState` (checkpoint shape, secrets blinded). */
export interface PreviewResource {
  urn: string;
  custom: true;
  id?: string;
  type: string;
  inputs?: Props;
  outputs?: Props;
  protect?: boolean;
  retainOnDelete?: boolean;
  dependencies?: string[];
}

export interface PreviewStep {
  op: StepOp;
  urn: string;
  oldState?: PreviewResource;
  newState?: PreviewResource;
  diffReasons?: string[];
  replaceReasons?: string[];
  detailedDiff: null;
}

/** What `pulumi preview --json` prints (design/pulumi-preview-json.md), for the steps this driver models. */
export interface PreviewDigest {
  steps: PreviewStep[];
  diagnostics: Array<{ urn?: string; message: string; severity: "error" | "warning" }>;
  changeSummary: Partial<Record<StepOp, number>>;
}

function resource(r: StateResource, inputs = r.inputs, outputs: Props | undefined = r.outputs): PreviewResource {
  return {
    urn: r.urn,
    custom: true,
    id: r.id,
    type: r.type,
    inputs: blindSecrets(inputs),
    ...(outputs === undefined ? {} : { outputs: blindSecrets(outputs) }),
    ...(r.protect ? { protect: true } : {}),
    ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
    ...(r.dependencies?.length ? { dependencies: r.dependencies } : {}),
  };
}

/**
 * The preview digest of a `preview` run: one step per resource (sames included, as with
 * `--show-sames`), planned inputs as check returned them, secrets shown as "[secret]", check failures
 * and other errors as error diagnostics, `warnings` (e.g. the provider host's stderr lines) as warnings.
 * `before` is the state the preview ran against (a preview does not change state).
 */
export function previewDigest(run: RunResult, before: StackState = run.state, warnings: string[] = []): PreviewDigest {
  const steps: PreviewStep[] = run.steps.map((s) => {
    const old = before.resources.find((r) => r.urn === s.urn && (s.op === "delete" || !r.delete));
    const type = old?.type ?? s.urn.split("::")[2]!;
    const newState: PreviewResource | undefined =
      s.op === "delete" || s.inputs === undefined
        ? undefined
        : { urn: s.urn, custom: true, type, inputs: blindSecrets(s.inputs), ...(s.op === "create" || s.op === "replace" ? {} : { id: old?.id, outputs: blindSecrets(old?.outputs ?? {}) }) };
    const step: PreviewStep = { op: s.op, urn: s.urn, detailedDiff: null };
    if (old) step.oldState = resource(old);
    if (newState) step.newState = newState;
    if ((s.op === "update" || s.op === "replace") && old && s.inputs) {
      step.diffReasons = [...new Set([...Object.keys(old.inputs), ...Object.keys(s.inputs)])].filter((k) => !deepEqual(old.inputs[k], s.inputs![k])).sort();
    }
    if (s.op === "replace") step.replaceReasons = s.replaces;
    return step;
  });
  const changeSummary: Partial<Record<StepOp, number>> = {};
  for (const s of run.steps) changeSummary[s.op] = (changeSummary[s.op] ?? 0) + 1;
  return {
    steps,
    diagnostics: [
      ...run.errors.map((e) => ({ ...(e.urn ? { urn: e.urn } : {}), message: e.message, severity: "error" as const })),
      ...warnings.map((message) => ({ message, severity: "warning" as const })),
    ],
    changeSummary,
  };
}
