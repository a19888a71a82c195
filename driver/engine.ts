import { deepEqual } from "./deep-equal";
import { deleteAll } from "./delete-step";
import { StateJournal } from "./journal";
import { Limiter } from "./limiter";
import type { CallRecord, Props, ProviderHost } from "./provider-host";
import { Run } from "./run";
import { annotateSecrets } from "./secrets";
import { makeUrn, type StackState, type StateResourceOutputs } from "./state";
import type { Deployment, RefreshResult, ResourceSpec, RunMode, RunResult, StepOutcome } from "./steps";
import { UNKNOWN } from "./unknown";

export { Run } from "./run";
export type { RefreshResult, ResolvedSpec, ResourceSpec, RunError, RunMode, RunResult, Step, StepOp, StepOutcome } from "./steps";

export interface EngineOptions {
  host: ProviderHost;
  project: string;
  stack: string;
  state?: StackState;
  /**
   * Called after every change to `state` (a create began, a step ended, an entry was dropped), as
   * Pulumi's snapshot manager persists each mutation of the checkpoint; e.g. `(s) => saveState(file, s)`.
   * Every change goes through one StateJournal (journal.ts), so no change is left unsaved.
   */
  onStateChange?: (state: StackState) => void;
}

class NotReady {
  constructor(readonly name: string) {}
}

/**
 * A small Pulumi engine over one ProviderHost: the step sequences of `pulumi preview`, `up`, `refresh`
 * and `destroy` for dynamic resources, with the engine's choice of olds per RPC and its alias
 * matching (run.ts). `state` is changed in place as steps complete, only through `journal`.
 */
export class Engine implements Deployment {
  readonly host: ProviderHost;
  readonly project: string;
  readonly stack: string;
  /** The only writer of `state`: each change is saved through `onStateChange`. */
  readonly journal: StateJournal;

  constructor(opts: EngineOptions) {
    this.host = opts.host;
    this.project = opts.project;
    this.stack = opts.stack;
    this.journal = new StateJournal(opts.state, opts.onStateChange);
  }

  get state(): StackState {
    return this.journal.state;
  }

  /** Starts over from another checkpoint (not saved: the engine changed nothing). */
  set state(state: StackState) {
    this.journal.reset(state);
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
              this.journal.remove(r);
              result.dropped.push(r.urn);
              return;
            }
            // The engine re-marks what it read with the secretness of what it sent (annotateSecrets).
            const props = annotateSecrets(read.props, r.outputs);
            const inputs = read.inputs ? annotateSecrets(read.inputs, r.inputs) : r.inputs;
            if (read.id === r.id && deepEqual(props, r.outputs) && deepEqual(inputs, r.inputs)) return;
            result.changed.push(r.urn);
            this.journal.update(r, { id: read.id, outputs: props, inputs });
          } catch (e) {
            result.errors.push({ urn: r.urn, phase: "Read", message: (e as Error).message });
          }
        }),
      ),
    );
    return result;
  }

  /** Delete every resource (old outputs) in reverse dependency order; failed deletes stay in state. */
  async destroy(opts: { parallel?: number } = {}): Promise<RunResult> {
    const result: RunResult = { steps: [], errors: [], state: this.state };
    await deleteAll(this, [...this.state.resources], new Limiter(opts.parallel ?? 8), result);
    return result;
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
        aliases: spec.aliases?.map((a) => this.urn(spec.type, a)),
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
