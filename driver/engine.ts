import { deepEqual } from "./deep-equal";
import { deleteInReverseDependencyOrder } from "./delete-order";
import { Limiter } from "./limiter";
import { ResourceInitFailedError } from "./provider-errors";
import type { CallRecord, CheckFailure, Props, ProviderHost } from "./provider-host";
import { annotateSecrets } from "./secrets";
import { emptyState, makeUrn, type PendingOperation, type StackState, type StateResource, type StateResourceOutputs } from "./state";
import { UNKNOWN } from "./unknown";

export type StepOp = "create" | "update" | "replace" | "same" | "delete";
export type RunMode = "preview" | "up";

/** A resource the program declares. `inputs` must contain `__provider` (the serialized provider text). */
export interface ResourceSpec {
  /** Full type token, e.g. "pulumi-nodejs:dynamic/ongage:Segment". */
  type: string;
  name: string;
  /**
   * Plain inputs, or a function of other resources' outputs. The function is called again after each
   * resource it asks for via `ref` has completed, so the names it asks for become its dependencies.
   * During preview, a resource that would be created/replaced yields `id` = UNKNOWN and UNKNOWN for every
   * output that is not also a checked input (what the engine sends); an unchanged one yields its state.
   */
  inputs: Props | ((ref: (name: string) => StateResourceOutputs) => Props);
  /** Names of resources that must complete first (in addition to those `inputs` asks for). */
  dependsOn?: string[];
  /** Resource option; when set it wins over the provider's Diff answer. */
  deleteBeforeReplace?: boolean;
  /** Resource option `protect`: deleting or replacing the resource fails (as the engine's step does). */
  protect?: boolean;
  /** Resource option `retainOnDelete`: a delete drops it from state without calling the provider. */
  retainOnDelete?: boolean;
}

/** A resource with its inputs already known (what a program registration carries). */
export interface ResolvedSpec {
  type: string;
  name: string;
  /** Defaults to urn:pulumi:<stack>::<project>::<type>::<name>. */
  urn?: string;
  inputs: Props;
  /** URNs this resource depends on. */
  dependencies?: string[];
  deleteBeforeReplace?: boolean;
  protect?: boolean;
  retainOnDelete?: boolean;
}

export interface Step {
  urn: string;
  /** For a resource whose Check failed: the step it would have been ("create" if new, else "update"). */
  op: StepOp;
  replaces: string[];
  failures: CheckFailure[];
  deleteBeforeReplace?: boolean;
  /** The checked inputs (absent when Check did not succeed, and on deletes). */
  inputs?: Props;
  /** URNs the resource depends on in this run (absent on deletes). */
  dependencies?: string[];
  /** Set when the step failed. */
  error?: string;
  /** A delete of a `retainOnDelete` resource: dropped from state, the provider was not called. */
  retained?: boolean;
}

export interface RunError {
  urn: string;
  /** The RPC or phase that failed: "Check", "Create", "Delete", "dependency", "program", ... */
  phase: string;
  message: string;
}

export interface RunResult {
  steps: Step[];
  errors: RunError[];
  state: StackState;
}

export interface RefreshResult {
  /** URNs whose outputs or inputs changed. */
  changed: string[];
  /** URNs the provider reported gone; removed from state. */
  dropped: string[];
  errors: RunError[];
  state: StackState;
}

/** Outcome of stepping one resource: what the engine hands back to the program. */
export interface StepOutcome {
  urn: string;
  ok: boolean;
  op: StepOp;
  /** UNKNOWN during preview of a create or replace. */
  id: string;
  /** Known output values. */
  outputs: Props;
  /** Preview only: outputs not present in `outputs` are unknown rather than absent. */
  restUnknown: boolean;
  error?: string;
}

export interface EngineOptions {
  host: ProviderHost;
  project: string;
  stack: string;
  state?: StackState;
  /**
   * Called after every change to `state` (a create began, a step ended), as Pulumi's snapshot manager
   * persists each mutation of the checkpoint; e.g. `(s) => saveState(file, s)`.
   */
  onStateChange?: (state: StackState) => void;
}

class NotReady {
  constructor(readonly name: string) {}
}

/**
 * A small Pulumi engine over one ProviderHost: the step sequences of `pulumi preview`, `up`, `refresh`
 * and `destroy` for dynamic resources (design doc §11), with the engine's choice of olds per RPC.
 * `state` is mutated in place as steps complete.
 */
export class Engine {
  readonly host: ProviderHost;
  readonly project: string;
  readonly stack: string;
  state: StackState;
  private readonly onStateChange?: (state: StackState) => void;

  constructor(opts: EngineOptions) {
    this.host = opts.host;
    this.project = opts.project;
    this.stack = opts.stack;
    this.state = opts.state ?? emptyState();
    this.onStateChange = opts.onStateChange;
  }

  /** @internal Reports a change of `state` to the persistence hook. */
  stateChanged(): void {
    this.onStateChange?.(this.state);
  }

  /** @internal Records a create in flight; `end` removes it. Pending creates of earlier runs are kept, as Pulumi keeps them. */
  beginCreate(urn: string, type: string, name: string, inputs: Props): { end(): void } {
    const op: PendingOperation = { type: "creating", urn, resource: { type, name, inputs } };
    (this.state.pendingOperations ??= []).push(op);
    this.stateChanged();
    return {
      end: () => {
        const rest = (this.state.pendingOperations ?? []).filter((o) => o !== op);
        if (rest.length > 0) this.state.pendingOperations = rest;
        else delete this.state.pendingOperations;
      },
    };
  }

  /** Every RPC made through the host (name, urn, duration), in completion order. */
  get calls(): CallRecord[] {
    return this.host.calls;
  }

  urn(type: string, name: string): string {
    return makeUrn(this.stack, this.project, type, name);
  }

  /** Check every resource, Diff the ones in state; no other RPC. State is not modified. */
  preview(specs: ResourceSpec[], opts: { parallel?: number } = {}): Promise<RunResult> {
    return this.runSpecs("preview", specs, opts.parallel ?? 8);
  }

  /** Create/update/replace the declared resources, then delete replaced and undeclared ones. */
  up(specs: ResourceSpec[], opts: { parallel?: number } = {}): Promise<RunResult> {
    return this.runSpecs("up", specs, opts.parallel ?? 8);
  }

  /** Starts a deployment whose resources arrive one by one with known inputs (see program.ts). */
  beginRun(mode: RunMode, opts: { parallel?: number } = {}): Run {
    return new Run(this, mode, new Limiter(opts.parallel ?? 8));
  }

  /** Read every resource (props = state outputs, inputs = state inputs); "" drops it from state. */
  async refresh(opts: { parallel?: number } = {}): Promise<RefreshResult> {
    const limiter = new Limiter(opts.parallel ?? 8);
    const result: RefreshResult = { changed: [], dropped: [], errors: [], state: this.state };
    await Promise.all(
      [...this.state.resources].map((r) =>
        limiter.run(async () => {
          try {
            const read = await this.host.read(r.id, r.urn, r.outputs, r.inputs);
            if (read.id === "") {
              this.state.resources = this.state.resources.filter((x) => x !== r);
              result.dropped.push(r.urn);
              return;
            }
            // The engine re-marks what it read with the secretness of what it sent (annotateSecrets).
            const props = annotateSecrets(read.props, r.outputs);
            const inputs = read.inputs ? annotateSecrets(read.inputs, r.inputs) : r.inputs;
            if (read.id !== r.id || !deepEqual(props, r.outputs) || !deepEqual(inputs, r.inputs)) result.changed.push(r.urn);
            r.id = read.id;
            r.outputs = props;
            r.inputs = inputs;
          } catch (e) {
            result.errors.push({ urn: r.urn, phase: "Read", message: (e as Error).message });
          }
        }),
      ),
    );
    this.stateChanged();
    return result;
  }

  /** Delete every resource (old outputs) in reverse dependency order; failed deletes stay in state. */
  async destroy(opts: { parallel?: number } = {}): Promise<RunResult> {
    const result: RunResult = { steps: [], errors: [], state: this.state };
    await this.deleteAll([...this.state.resources], new Limiter(opts.parallel ?? 8), result);
    return result;
  }

  /** @internal Deletes resources in reverse dependency order, recording steps and errors. */
  async deleteAll(doomed: StateResource[], limiter: Limiter, result: RunResult): Promise<void> {
    await deleteInReverseDependencyOrder(
      doomed,
      limiter,
      async (r) => {
        const step: Step = { urn: r.urn, op: "delete", replaces: [], failures: [] };
        result.steps.push(step);
        // The engine's DeleteStep: a protected resource is never deleted (the old copy of a replacement
        // was checked when the replacement was planned); a retained one leaves state without a Delete call.
        if (r.protect && !r.delete) {
          step.error = deleteProtectedMessage(r.urn);
          result.errors.push({ urn: r.urn, phase: "Delete", message: step.error });
          return false;
        }
        if (r.retainOnDelete) {
          step.retained = true;
          this.state.resources = this.state.resources.filter((x) => x !== r);
          return true;
        }
        try {
          await this.host.delete(r.id, r.urn, r.outputs);
          this.state.resources = this.state.resources.filter((x) => x !== r);
          this.stateChanged();
          return true;
        } catch (e) {
          step.error = (e as Error).message;
          result.errors.push({ urn: r.urn, phase: "Delete", message: step.error });
          return false;
        }
      },
      (r, blocker) => result.errors.push({ urn: r.urn, phase: "dependency", message: `not deleted: dependent ${blocker.urn} could not be deleted` }),
    );
  }

  private async runSpecs(mode: RunMode, specs: ResourceSpec[], parallel: number): Promise<RunResult> {
    const run = this.beginRun(mode, { parallel });
    const byName = new Map(specs.map((s) => [s.name, s]));
    const settled = new Map<string, StepOutcome>();
    const outcomes = new Map<string, Promise<StepOutcome | undefined>>();
    const waitsFor = new Map<string, Set<string>>();
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
      from === to || [...(waitsFor.get(from) ?? [])].some((n) => !seen.has(n) && (seen.add(n), reaches(n, to, seen)));

    const outcomeOf = (name: string): Promise<StepOutcome | undefined> => {
      let p = outcomes.get(name);
      if (!p) {
        const spec = byName.get(name);
        p = spec ? stepSpec(spec) : Promise.resolve(undefined);
        outcomes.set(name, p);
      }
      return p;
    };

    /** Waits for `dep`; a reason string when `name` cannot proceed. */
    const awaitDependency = async (name: string, dep: string): Promise<string | undefined> => {
      if (!byName.has(dep)) return `references unknown resource "${dep}"`;
      if (reaches(dep, name)) return `dependency cycle through "${dep}"`;
      let deps = waitsFor.get(name);
      if (!deps) waitsFor.set(name, (deps = new Set()));
      deps.add(dep);
      const o = await outcomeOf(dep);
      return o?.ok ? undefined : `dependency "${dep}" failed`;
    };

    const stepSpec = async (spec: ResourceSpec): Promise<StepOutcome | undefined> => {
      await Promise.resolve(); // let every spec register its promise before any waits begin
      const depNames = new Set(spec.dependsOn ?? []);
      const fail = (message: string): undefined => {
        run.recordFailure(spec, "dependency", message);
        return undefined;
      };
      for (const dep of depNames) {
        const why = await awaitDependency(spec.name, dep);
        if (why) return fail(why);
      }
      let inputs: Props;
      for (;;) {
        if (typeof spec.inputs !== "function") {
          inputs = spec.inputs;
          break;
        }
        const asked = new Set<string>();
        try {
          inputs = spec.inputs((name) => {
            asked.add(name);
            const done = settled.get(name);
            if (!done) throw new NotReady(name);
            if (!done.ok) throw new Error(`dependency "${name}" failed`);
            return refView(done);
          });
          asked.forEach((n) => depNames.add(n));
          break;
        } catch (e) {
          if (!(e instanceof NotReady)) return fail((e as Error).message);
          depNames.add(e.name);
          const why = await awaitDependency(spec.name, e.name);
          if (why) return fail(why);
        }
      }
      const outcome = await run.step({
        type: spec.type,
        name: spec.name,
        inputs,
        dependencies: [...depNames].map((n) => this.urn(byName.get(n)!.type, n)),
        deleteBeforeReplace: spec.deleteBeforeReplace,
        protect: spec.protect,
        retainOnDelete: spec.retainOnDelete,
      });
      settled.set(spec.name, outcome);
      return outcome;
    };

    const seen = new Set<string>();
    for (const s of specs) {
      if (seen.has(s.name)) throw new Error(`duplicate resource name "${s.name}"`);
      seen.add(s.name);
    }
    await Promise.all(specs.map((s) => outcomeOf(s.name)));
    return run.finish();
  }
}

/** The view of a completed step that `ref(name)` hands to dependent inputs. */
function refView(o: StepOutcome): StateResourceOutputs {
  const outputs = o.restUnknown
    ? new Proxy(o.outputs, { get: (t, k) => (typeof k === "string" && !(k in t) ? UNKNOWN : t[k as string]) })
    : o.outputs;
  return { urn: o.urn, id: o.id, outputs };
}

/**
 * One deployment in progress. `step` performs the engine's per-resource sequence for a resource whose
 * inputs are known; `finish` performs the end-of-run deletes (replaced old copies, then undeclared
 * resources) and reorders state so that reverse state order is a valid delete order.
 */
export class Run {
  private readonly steps: Step[] = [];
  private readonly errors: RunError[] = [];
  private readonly declared = new Set<string>();
  /** Declared entries in completion order. */
  private readonly completed: StateResource[] = [];

  constructor(
    private readonly engine: Engine,
    readonly mode: RunMode,
    private readonly limiter: Limiter,
  ) {}

  private get state(): StackState {
    return this.engine.state;
  }

  /** Records a resource that never reached Check (failed dependency, bad inputs function). */
  recordFailure(spec: { type: string; name: string }, phase: string, message: string): void {
    const urn = this.engine.urn(spec.type, spec.name);
    this.declared.add(urn);
    const existing = this.current(urn);
    if (existing) this.completed.push(existing);
    this.errors.push({ urn, phase, message });
  }

  async step(spec: ResolvedSpec): Promise<StepOutcome> {
    const urn = spec.urn ?? this.engine.urn(spec.type, spec.name);
    if (this.declared.has(urn)) throw new Error(`duplicate resource ${urn}`);
    this.declared.add(urn);
    const old = this.current(urn);
    const outcome = await this.limiter.run(() => this.stepOne(urn, spec, old));
    const entry = this.current(urn);
    if (entry) this.completed.push(entry);
    return outcome;
  }

  private current(urn: string): StateResource | undefined {
    return this.state.resources.find((r) => r.urn === urn && !r.delete);
  }

  private async stepOne(urn: string, spec: ResolvedSpec, old: StateResource | undefined): Promise<StepOutcome> {
    const host = this.engine.host;
    const preview = this.mode === "preview";
    const step: Step = { urn, op: old ? "update" : "create", replaces: [], failures: [], dependencies: spec.dependencies ?? [] };
    this.steps.push(step);
    const failed = (phase: string, message: string): StepOutcome => {
      step.error = message;
      this.errors.push({ urn, phase, message });
      return { urn, ok: false, op: step.op, id: old?.id ?? "", outputs: old?.outputs ?? {}, restUnknown: false, error: message };
    };

    let checked: Props;
    try {
      const r = await host.check(urn, old?.inputs ?? {}, spec.inputs);
      if (r.failures.length > 0) {
        step.failures = r.failures;
        return failed("Check", r.failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
      }
      // The host cannot take secrets: the engine re-marks checked inputs whose same-named input was secret.
      checked = annotateSecrets(r.inputs, spec.inputs);
      step.inputs = checked;
    } catch (e) {
      return failed("Check", (e as Error).message);
    }

    const record = (id: string, outputs: Props): StateResource => ({
      urn,
      type: spec.type,
      name: spec.name,
      id,
      inputs: checked,
      outputs,
      dependencies: spec.dependencies ?? [],
      ...resourceOptions(spec),
    });
    const created = async (): Promise<StepOutcome> => {
      const pending = this.engine.beginCreate(urn, spec.type, spec.name, checked);
      try {
        const c = await host.create(urn, checked);
        pending.end();
        const outputs = annotateSecrets(c.outputs, checked);
        this.state.resources.push(record(c.id, outputs));
        return { urn, ok: true, op: step.op, id: c.id, outputs, restUnknown: false };
      } catch (e) {
        pending.end();
        if (e instanceof ResourceInitFailedError) this.state.resources.push(record(e.id, annotateSecrets(e.properties, checked)));
        return failed("Create", (e as Error).message);
      } finally {
        this.engine.stateChanged();
      }
    };
    const previewed = (id: string): StepOutcome => ({ urn, ok: true, op: step.op, id, outputs: checked, restUnknown: true });

    if (!old) {
      step.op = "create";
      return preview ? previewed(UNKNOWN) : created();
    }

    let diff;
    try {
      diff = await host.diff(old.id, urn, old.outputs, checked);
    } catch (e) {
      return failed("Diff", (e as Error).message);
    }
    const changed = diff.changes === "some" || (diff.changes === "unknown" && !deepEqual(old.inputs, checked));
    step.op = !changed ? "same" : diff.replaces.length > 0 ? "replace" : "update";
    step.replaces = changed ? diff.replaces : [];

    if (step.op === "same") {
      if (!preview) {
        old.inputs = checked;
        old.dependencies = spec.dependencies ?? [];
        Object.assign(old, resourceOptions(spec));
        this.engine.stateChanged();
      }
      return { urn, ok: true, op: "same", id: old.id, outputs: old.outputs, restUnknown: false };
    }
    if (step.op === "update") {
      if (preview) return previewed(old.id);
      try {
        const u = await host.update(old.id, urn, old.outputs, checked);
        const outputs = annotateSecrets(u.outputs, checked);
        Object.assign(old, record(old.id, outputs));
        this.engine.stateChanged();
        return { urn, ok: true, op: "update", id: old.id, outputs, restUnknown: false };
      } catch (e) {
        return failed("Update", (e as Error).message);
      }
    }
    // replace
    if (spec.protect && old.protect) return failed("Diff", replaceProtectedMessage(urn));
    const dbr = spec.deleteBeforeReplace ?? diff.deleteBeforeReplace;
    step.deleteBeforeReplace = dbr;
    if (preview) return previewed(UNKNOWN);
    if (dbr) {
      try {
        if (!old.retainOnDelete) await host.delete(old.id, urn, old.outputs);
      } catch (e) {
        return failed("Delete", (e as Error).message);
      }
      this.state.resources = this.state.resources.filter((r) => r !== old);
      this.engine.stateChanged();
      return created();
    }
    old.delete = true; // deleted by finish(), after every other step
    this.engine.stateChanged();
    const outcome = await created();
    if (!outcome.ok && !this.current(urn)) delete old.delete; // creation failed outright: the old copy stays live
    return outcome;
  }

  /**
   * Ends the run. With `deleteUndeclared` (default), resources in state that were not declared in this
   * run are deleted; pass false when the declared set is incomplete (the program failed).
   * Preview only lists those deletes as steps.
   */
  async finish(opts: { deleteUndeclared?: boolean } = {}): Promise<RunResult> {
    const deleteUndeclared = opts.deleteUndeclared ?? true;
    const doomed = this.state.resources.filter((r) => r.delete || (deleteUndeclared && !this.declared.has(r.urn)));
    const result: RunResult = { steps: this.steps, errors: this.errors, state: this.state };
    if (this.mode === "preview") {
      for (const r of doomed) this.steps.push({ urn: r.urn, op: "delete", replaces: [], failures: [] });
      return result;
    }
    await this.engine.deleteAll(doomed, this.limiter, result);
    if (!deleteUndeclared) return result;
    const live = new Set(this.state.resources);
    const ordered = this.completed.filter((r, i) => live.has(r) && this.completed.indexOf(r) === i);
    const rest = this.state.resources.filter((r) => !ordered.includes(r));
    this.state.resources = [...ordered, ...rest];
    this.engine.stateChanged();
    return result;
  }
}

/** The resource options a state entry records (only those that are set). */
function resourceOptions(spec: ResolvedSpec): Pick<StateResource, "protect" | "retainOnDelete"> {
  return { protect: spec.protect || undefined, retainOnDelete: spec.retainOnDelete || undefined };
}

/** The engine's deleteProtectedError text (pkg/resource/deploy/step.go). */
function deleteProtectedMessage(urn: string): string {
  return (
    `resource "${urn}" cannot be deleted\nbecause it is protected. To unprotect the resource, either remove the \`protect\` flag ` +
    `from the resource in your Pulumi program and run \`pulumi up\`, or use the command:\n\`pulumi state unprotect '${urn}'\``
  );
}

/** The step generator's text for a replacement of a protected resource (pkg/resource/deploy/step_generator.go). */
function replaceProtectedMessage(urn: string): string {
  return (
    `unable to replace resource "${urn}"\nas it is currently marked for protection. To unprotect the resource, ` +
    "remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`"
  );
}
