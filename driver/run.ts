import { deepEqual } from "./deep-equal";
import { deleteAll } from "./delete-step";
import type { Limiter } from "./limiter";
import { ResourceInitFailedError } from "./provider-errors";
import type { Props } from "./provider-host";
import { annotateSecrets } from "./secrets";
import type { StackState, StateResource } from "./state";
import type { Deployment, ResolvedSpec, RunError, RunMode, RunResult, Step, StepOutcome } from "./steps";
import { UNKNOWN } from "./unknown";

/** The state entry a registration steps against: its own, or one it takes over through an alias. */
interface OldEntry {
  old?: StateResource;
  /** Set when `old` was found under an alias (its URN before this run). */
  aliasedFrom?: string;
  /** Why the registration cannot be stepped (a URN claimed twice), in the engine's words. */
  conflict?: string;
}

/**
 * One deployment in progress. `step` performs the engine's per-resource sequence for a resource whose
 * inputs are known; `finish` performs the end-of-run deletes (replaced old copies, then undeclared
 * resources) and reorders state so that reverse state order is a valid delete order. Every change of
 * state goes through the deployment's journal, which saves it.
 *
 * Aliases follow the engine's step generator (pkg/resource/deploy/step_generator.go, getOldResource):
 * a registration looks up its own URN first, then each alias; an entry found under an alias is taken
 * over (Diff against it; on success it gets the new URN and records the old one in `aliases`) and is
 * never deleted as undeclared. A URN claimed both by a registration and by another one's alias is an
 * error on the later registration.
 */
export class Run {
  private readonly steps: Step[] = [];
  private readonly errors: RunError[] = [];
  private readonly declared = new Set<string>();
  /** Old URN → the URN of the registration that took it over through an alias. */
  private readonly aliased = new Map<string, string>();
  /** Declared entries in completion order. */
  private readonly completed: StateResource[] = [];

  constructor(
    private readonly deployment: Deployment,
    readonly mode: RunMode,
    private readonly limiter: Limiter,
  ) {}

  private get state(): StackState {
    return this.deployment.journal.state;
  }

  /** Records a resource that never reached Check (failed dependency, bad inputs function). Its old entry (own or aliased) stays. */
  recordFailure(spec: { type: string; name: string; aliases?: string[] }, phase: string, message: string): void {
    const urn = this.deployment.urn(spec.type, spec.name);
    this.declared.add(urn);
    const { old } = this.oldEntry(urn, spec.aliases?.map((a) => this.deployment.urn(spec.type, a)));
    if (old) this.completed.push(old);
    this.errors.push({ urn, phase, message });
  }

  async step(spec: ResolvedSpec): Promise<StepOutcome> {
    const urn = spec.urn ?? this.deployment.urn(spec.type, spec.name);
    if (this.declared.has(urn)) throw new Error(`duplicate resource ${urn}`);
    const entry = this.oldEntry(urn, spec.aliases);
    this.declared.add(urn);
    const outcome = await this.limiter.run(() => this.stepOne(urn, spec, entry));
    const now = this.current(urn);
    if (now) this.completed.push(now);
    return outcome;
  }

  private current(urn: string): StateResource | undefined {
    return this.state.resources.find((r) => r.urn === urn && !r.delete);
  }

  /** The engine's getOldResource: own URN first, then aliases in order; claims the alias it matched. */
  private oldEntry(urn: string, aliases: readonly string[] = []): OldEntry {
    const claimant = this.aliased.get(urn);
    if (claimant) return { conflict: `Duplicate resource URN '${urn}' conflicting with alias on resource with URN '${claimant}'` };
    const own = this.current(urn);
    if (own) return { old: own };
    for (const alias of aliases) {
      if (alias === urn) continue;
      const old = this.current(alias);
      if (!old) continue;
      const other = this.declared.has(alias) ? alias : this.aliased.get(alias);
      if (other) return { conflict: `Duplicate resource alias '${alias}' applied to resource with URN '${urn}' conflicting with resource with URN '${other}'` };
      this.aliased.set(alias, urn);
      return { old, aliasedFrom: alias };
    }
    return {};
  }

  private async stepOne(urn: string, spec: ResolvedSpec, { old, aliasedFrom, conflict }: OldEntry): Promise<StepOutcome> {
    const { host, journal } = this.deployment;
    const preview = this.mode === "preview";
    const step: Step = { urn, op: old ? "update" : "create", replaces: [], failures: [], dependencies: spec.dependencies ?? [], ...(aliasedFrom ? { aliasedFrom } : {}) };
    this.steps.push(step);
    const failed = (phase: string, message: string): StepOutcome => {
      step.error = message;
      this.errors.push({ urn, phase, message });
      return { urn, ok: false, op: step.op, id: old?.id ?? "", outputs: old?.outputs ?? {}, restUnknown: false, error: message };
    };
    if (conflict) return failed("alias", conflict);

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
    /** Records the stepped entry: in place, or taken over from its alias (new URN, old one recorded). */
    const keep = (entry: StateResource, fields: Partial<StateResource>) => {
      if (aliasedFrom) journal.takeOver(entry, urn, { ...fields, name: spec.name });
      else journal.update(entry, fields);
    };
    const created = async (): Promise<StepOutcome> => {
      const pending = journal.beginCreate(urn, spec.type, spec.name, checked);
      try {
        const c = await host.create(urn, checked);
        const outputs = annotateSecrets(c.outputs, checked);
        pending.end(record(c.id, outputs));
        return { urn, ok: true, op: step.op, id: c.id, outputs, restUnknown: false };
      } catch (e) {
        pending.end(e instanceof ResourceInitFailedError ? record(e.id, annotateSecrets(e.properties, checked)) : undefined);
        return failed("Create", (e as Error).message);
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
      if (!preview) keep(old, { inputs: checked, dependencies: spec.dependencies ?? [], ...resourceOptions(spec) });
      return { urn, ok: true, op: "same", id: old.id, outputs: old.outputs, restUnknown: false };
    }
    if (step.op === "update") {
      if (preview) return previewed(old.id);
      try {
        const u = await host.update(old.id, urn, old.outputs, checked);
        const outputs = annotateSecrets(u.outputs, checked);
        keep(old, record(old.id, outputs));
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
        if (!old.retainOnDelete) await host.delete(old.id, old.urn, old.outputs);
      } catch (e) {
        return failed("Delete", (e as Error).message);
      }
      journal.remove(old);
      return created();
    }
    journal.markForDeletion(old, true); // deleted by finish(), after every other step
    const outcome = await created();
    if (!outcome.ok && !this.current(urn)) journal.markForDeletion(old, false); // creation failed outright: the old copy stays live
    return outcome;
  }

  /**
   * Ends the run. With `deleteUndeclared` (default), resources in state that were not declared in this
   * run (nor taken over through an alias) are deleted; pass false when the declared set is incomplete
   * (the program failed). Preview only lists those deletes as steps.
   */
  async finish(opts: { deleteUndeclared?: boolean } = {}): Promise<RunResult> {
    const deleteUndeclared = opts.deleteUndeclared ?? true;
    const undeclared = (r: StateResource) => !this.declared.has(r.urn) && !this.aliased.has(r.urn);
    const doomed = this.state.resources.filter((r) => r.delete || (deleteUndeclared && undeclared(r)));
    const result: RunResult = { steps: this.steps, errors: this.errors, state: this.state };
    if (this.mode === "preview") {
      for (const r of doomed) this.steps.push({ urn: r.urn, op: "delete", replaces: [], failures: [] });
      return result;
    }
    await deleteAll(this.deployment, doomed, this.limiter, result);
    if (!deleteUndeclared) return result;
    const live = new Set(this.state.resources);
    const ordered = this.completed.filter((r, i) => live.has(r) && this.completed.indexOf(r) === i);
    const rest = this.state.resources.filter((r) => !ordered.includes(r));
    const order = [...ordered, ...rest];
    if (order.some((r, i) => r !== this.state.resources[i])) this.deployment.journal.reorder(order);
    return result;
  }
}

/** The resource options a state entry records (unset ones are removed from the entry). */
function resourceOptions(spec: ResolvedSpec): Pick<StateResource, "protect" | "retainOnDelete"> {
  return { protect: spec.protect || undefined, retainOnDelete: spec.retainOnDelete || undefined };
}

/** The step generator's text for a replacement of a protected resource (pkg/resource/deploy/step_generator.go). */
function replaceProtectedMessage(urn: string): string {
  return (
    `unable to replace resource "${urn}"\nas it is currently marked for protection. To unprotect the resource, ` +
    "remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`"
  );
}
