import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import type { CallRecord, Engine, ProviderHost, RefreshResult, ResourceSpec, RunError, RunResult, StackState, StepOp } from "../../driver";
import { startAntsEmulator, type AntsEmulator, type AntsEmulatorOptions } from "../../emulators/ants/server";
import type { RecordedRequest } from "../../emulators/harness/http-server";
import { startOngageEmulator, type OngageEmulator, type OngageEmulatorOptions } from "../../emulators/ongage/server";
import { serializedProvider, startEngine, TYPES } from "./harness";

/**
 * Lifecycle tests as step tables, in the manner of Terraform's `resource.TestStep`: a case is a fresh
 * set of emulators, a fresh provider host and an empty stack, then steps, each a program version and
 * an operation with what must follow. After every successful `up` the runner previews the same
 * program again and requires no change (no perpetual diff) and no write to either API; after the last
 * step it destroys the stack and requires that the emulators hold none of the case's segments
 * (CheckDestroy), and that no credential of the configuration reached state or the host's output.
 * A failure names the case, the step (index and name) and the phase that failed.
 */

export type StepOpName = "up" | "preview" | "refresh" | "destroy";

/** A request one of the emulators received, tagged with the API. */
export type ApiRequest = RecordedRequest & { api: "ongage" | "ants" };

export interface CaseContext {
  /** The case's Ongage emulator (throws when the case started none). */
  readonly ongage: OngageEmulator;
  /** The case's ANTS emulator (throws when the case started none). */
  readonly ants: AntsEmulator;
  readonly engine: Engine;
  readonly host: ProviderHost;
  /** The configuration the current host was given. */
  readonly config: Record<string, string>;
  /** `__provider` texts of the package's resource kinds. */
  readonly providers: Record<keyof typeof TYPES, string>;
  /** A temporary directory, removed when the case ends. */
  readonly dir: string;
  /** What a step keeps for later steps of the same case (ids, campaign ids, files). */
  readonly kept: Record<string, any>;
  /** name → id of the resources in state that are not pending deletion. */
  ids(): Record<string, string>;
  /** Every request both emulators received so far in this case. */
  requests(): ApiRequest[];
}

/** What one step's operation produced. */
export interface StepResult {
  /** name → step (a replacement's delete of the old object does not hide the "replace"); empty for refresh. */
  ops: Record<string, StepOp>;
  errors: RunError[];
  run?: RunResult;
  refresh?: RefreshResult;
  /** Requests both emulators received while the operation ran. */
  requests: ApiRequest[];
  /** Provider RPCs made while the operation ran. */
  calls: CallRecord[];
}

export interface StepExpectations {
  /** Steps by resource name; only the names given are compared. An array allows any of its ops. */
  ops?: Record<string, StepOp | StepOp[]>;
  /** How many resources took each step (ops not given must not occur). */
  changes?: Partial<Record<StepOp, number>>;
  /** The errors, in any order, one pattern each (phase is compared when given). Absent: no error at all. */
  errors?: Array<RegExp | { phase: string; message?: RegExp }>;
  /** Refresh only: resource names whose outputs changed / that were dropped (sorted). Absent: none. */
  changed?: string[];
  dropped?: string[];
  /** Checks of the requests the emulators received during the operation. */
  requests?: (requests: ApiRequest[]) => void;
  /** Checks of the stack's state after the operation. */
  state?: (state: StackState, ctx: CaseContext) => void;
  /** Checks of what the emulators hold after the operation. */
  remote?: (ctx: CaseContext) => void | Promise<void>;
}

export interface Step {
  name: string;
  op: StepOpName;
  /** The program version of `up` and `preview`; called anew for each run, the automatic preview's too. */
  program?: (ctx: CaseContext) => ResourceSpec[];
  /** Out-of-band actions before the operation (an edit in the Ongage UI, a campaign that starts). */
  before?: (ctx: CaseContext) => void | Promise<void>;
  /** The operation runs in a new provider process (the next `pulumi` command), with `config` added and `env`. */
  newProcess?: { config?: Record<string, string>; env?: Record<string, string> };
  parallel?: number;
  /** Rerun the operation, as a user reruns a failed CI job, until it has no error; `afterEach` checks every run. */
  rerun?: { max: number; afterEach?: (ctx: CaseContext, result: StepResult, run: number) => void };
  expect?: StepExpectations;
  /** Anything special, after the expectations. */
  check?: (ctx: CaseContext, result: StepResult) => void | Promise<void>;
  /**
   * Milliseconds that requests the `up` abandoned (a client timeout while the emulator delays its answer)
   * may still take to reach the emulators' log, which records a request when it is answered: the
   * automatic preview counts write requests only from then on.
   */
  settleMs?: number;
  /** After a successful `up` the same program previews no change; a step that cannot promise that says why. */
  noChangePreview?: { skip: string };
}

export interface LifecycleCase {
  name: string;
  /** Emulators started for this case alone. */
  emulators: { ongage?: OngageEmulatorOptions; ants?: AntsEmulatorOptions };
  /** The provider configuration for the case's emulators. */
  config: (emulators: { ongage?: OngageEmulator; ants?: AntsEmulator }) => Record<string, string>;
  /** The providers the programs use (serialized before the first step); default: each started emulator's segment. */
  providers?: Array<keyof typeof TYPES>;
  /** Environment of the provider host. */
  env?: Record<string, string>;
  /** Before the first step: seeds the emulators, writes files; what the emulators then hold is not the case's. */
  setup?: (ctx: CaseContext) => void | Promise<void>;
  steps: Step[];
  /** CheckDestroy: the segments the case may leave behind on purpose (ids per API), or a reason to skip it. */
  checkDestroy?: { skip: string } | { leaves: (ctx: CaseContext) => { ongage?: string[]; ants?: string[] } };
  /** After CheckDestroy: checks of the whole run (the host's output, messages kept by steps). */
  after?: (ctx: CaseContext) => void | Promise<void>;
}

/** name → op; a replacement's follow-up delete of the old object does not hide the "replace". */
export function opsByName(steps: Array<{ urn: string; op: StepOp }>): Record<string, StepOp> {
  const out: Record<string, StepOp> = {};
  for (const s of steps) {
    const name = s.urn.split("::").pop()!;
    if (!(out[name] === "replace" && s.op === "delete")) out[name] = s.op;
  }
  return out;
}

const nameOf = (urn: string) => urn.split("::").pop()!;
const errorText = (errors: RunError[]) => errors.map((e) => `${nameOf(e.urn)} ${e.phase}: ${e.message}`).join("\n");

function fail(message: string): never {
  throw new Error(message);
}

/** Prefixes an error (an assertion's too, keeping its diff) with where in the table it happened. */
function located(err: unknown, where: string): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  const first = e.message;
  e.message = `${where}: ${first}`;
  if (e.stack?.includes(first)) e.stack = e.stack.replace(first, e.message);
  return e;
}

async function startEmulators(c: LifecycleCase) {
  const ongage = c.emulators.ongage ? await startOngageEmulator({ population: { size: 0 }, ...c.emulators.ongage }) : undefined;
  const ants = c.emulators.ants ? await startAntsEmulator({ computeDelayMs: 0, ...c.emulators.ants }) : undefined;
  return { ongage, ants };
}

/** Live segment ids (with names) per API. */
function liveSegments(emus: { ongage?: OngageEmulator; ants?: AntsEmulator }) {
  return {
    ongage: new Map((emus.ongage?.store.allSegments() ?? []).filter((s) => s.deleted === "0").map((s) => [String(s.id), s.name])),
    ants: new Map((emus.ants?.store.allSegments() ?? []).map((s) => [String(s.segmentId), s.segmentDisplay])),
  };
}

/** Runs one case from fresh emulators and a fresh stack to CheckDestroy. */
export async function runCase(c: LifecycleCase): Promise<void> {
  const emus = await startEmulators(c);
  const dir = mkdtempSync(join(tmpdir(), "lifecycle-case-"));
  const kinds = c.providers ?? [...(c.emulators.ongage ? ["ongageSegment" as const] : []), ...(c.emulators.ants ? ["antsSegment" as const] : [])];
  const texts = await Promise.all(kinds.map((k) => serializedProvider(k)));
  const serialized = new Map(kinds.map((k, i) => [k, texts[i]!]));
  const providers = {} as Record<keyof typeof TYPES, string>;
  for (const k of Object.keys(TYPES) as Array<keyof typeof TYPES>) {
    Object.defineProperty(providers, k, {
      enumerable: true,
      get: () => serialized.get(k) ?? fail(`case "${c.name}" uses the ${k} provider without listing it in \`providers\``),
    });
  }
  let config = c.config(emus);
  let current = await startEngine(config, { env: c.env });
  const hosts: ProviderHost[] = [current.host];
  const states: string[] = [];
  const requests = (): ApiRequest[] => [
    ...(emus.ongage?.http.requests.map((r) => ({ ...r, api: "ongage" as const })) ?? []),
    ...(emus.ants?.http.requests.map((r) => ({ ...r, api: "ants" as const })) ?? []),
  ];
  const ctx: CaseContext = {
    get ongage() {
      if (!emus.ongage) throw new Error(`case "${c.name}" started no Ongage emulator`);
      return emus.ongage;
    },
    get ants() {
      if (!emus.ants) throw new Error(`case "${c.name}" started no ANTS emulator`);
      return emus.ants;
    },
    get engine() {
      return current.engine;
    },
    get host() {
      return current.host;
    },
    get config() {
      return config;
    },
    providers,
    dir,
    kept: {},
    ids: () => Object.fromEntries(current.engine.state.resources.filter((r) => !r.delete).map((r) => [r.name, r.id])),
    requests,
  };
  try {
    try {
      await c.setup?.(ctx);
    } catch (err) {
      throw located(err, `case "${c.name}", setup`);
    }
    const baseline = liveSegments(emus);
    for (const [i, step] of c.steps.entries()) {
      const where = `case "${c.name}", step ${i + 1} of ${c.steps.length} "${step.name}" (${step.op})`;
      try {
        if (step.newProcess) {
          const state = current.engine.state;
          config = { ...config, ...step.newProcess.config };
          current = await startEngine(config, { env: { ...c.env, ...step.newProcess.env } });
          hosts.push(current.host);
          current.engine.state = state;
        }
        await step.before?.(ctx);
      } catch (err) {
        throw located(err, `${where}, before`);
      }
      let result: StepResult;
      try {
        result = await perform(ctx, step);
        states.push(JSON.stringify(ctx.engine.state));
        await verify(ctx, step, result);
        await step.check?.(ctx, result);
      } catch (err) {
        throw located(err, where);
      }
      if (step.op === "up" && result.errors.length === 0 && !step.noChangePreview) {
        try {
          await noChangePreview(ctx, step);
        } catch (err) {
          throw located(err, `${where}, the automatic no-change preview after it`);
        }
      }
    }
    try {
      await checkDestroy(ctx, c, () => liveSegments(emus), baseline);
      states.push(JSON.stringify(ctx.engine.state));
      const output = hosts.map((h) => JSON.stringify(h.output())).join("\n");
      for (const [key, value] of Object.entries(config)) {
        if (!/password|secret/i.test(key)) continue;
        expect(states.some((s) => s.includes(value)), `${key} appears in a state`).toBe(false);
        expect(output.includes(value), `${key} appears in the provider host's output`).toBe(false);
      }
    } catch (err) {
      throw located(err, `case "${c.name}", CheckDestroy`);
    }
    try {
      await c.after?.(ctx);
    } catch (err) {
      throw located(err, `case "${c.name}", after`);
    }
  } finally {
    for (const h of hosts) await h.close();
    await Promise.all([emus.ongage?.close(), emus.ants?.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function once(ctx: CaseContext, step: Step): Promise<StepResult> {
  const fromRequests = ctx.requests().length;
  const fromCalls = ctx.engine.calls.length;
  const opts = step.parallel === undefined ? {} : { parallel: step.parallel };
  const programOf = () => {
    if (!step.program) throw new Error(`a ${step.op} step needs a program`);
    return step.program(ctx);
  };
  let result: Pick<StepResult, "ops" | "errors" | "run" | "refresh">;
  if (step.op === "refresh") {
    const refresh = await ctx.engine.refresh(opts);
    result = { ops: {}, errors: refresh.errors, refresh };
  } else {
    const run = step.op === "destroy" ? await ctx.engine.destroy(opts) : await ctx.engine[step.op](programOf(), opts);
    result = { ops: opsByName(run.steps), errors: run.errors, run };
  }
  return { ...result, requests: ctx.requests().slice(fromRequests), calls: ctx.engine.calls.slice(fromCalls) };
}

async function perform(ctx: CaseContext, step: Step): Promise<StepResult> {
  if (!step.rerun) return once(ctx, step);
  for (let run = 1; ; run++) {
    const result = await once(ctx, step);
    step.rerun.afterEach?.(ctx, result, run);
    if (result.errors.length === 0) return result;
    if (run >= step.rerun.max) throw new Error(`no run of ${step.rerun.max} succeeded; the last one's errors:\n${errorText(result.errors)}`);
  }
}

async function verify(ctx: CaseContext, step: Step, result: StepResult): Promise<void> {
  const want = step.expect ?? {};
  if (want.errors === undefined) {
    expect(result.errors, `unexpected errors:\n${errorText(result.errors)}`).toEqual([]);
  } else {
    expect(result.errors.length, `errors:\n${errorText(result.errors)}`).toBe(want.errors.length);
    const unmatched = [...result.errors];
    for (const pattern of want.errors) {
      const at = unmatched.findIndex((e) =>
        pattern instanceof RegExp ? pattern.test(e.message) : e.phase === pattern.phase && (pattern.message?.test(e.message) ?? true),
      );
      expect(at, `no error matches ${String(pattern instanceof RegExp ? pattern : JSON.stringify({ phase: pattern.phase, message: String(pattern.message) }))} among:\n${errorText(unmatched)}`).toBeGreaterThanOrEqual(0);
      unmatched.splice(at, 1);
    }
  }
  if (want.ops) {
    for (const [name, op] of Object.entries(want.ops)) {
      expect(Array.isArray(op) ? op : [op], `the step of ${name} (all steps: ${JSON.stringify(result.ops)})`).toContain(result.ops[name]);
    }
  }
  if (want.changes) {
    const counts: Partial<Record<StepOp, number>> = {};
    for (const op of Object.values(result.ops)) counts[op] = (counts[op] ?? 0) + 1;
    expect(counts, "how many resources took each step").toEqual(want.changes);
  }
  if (result.refresh) {
    expect(result.refresh.changed.map(nameOf).sort(), "resources refresh changed").toEqual(want.changed ?? []);
    expect(result.refresh.dropped.map(nameOf).sort(), "resources refresh dropped").toEqual(want.dropped ?? []);
  }
  want.requests?.(result.requests);
  want.state?.(ctx.engine.state, ctx);
  await want.remote?.(ctx);
}

/** The same program previews no change, makes only Check and Diff calls, and writes nothing remotely. */
async function noChangePreview(ctx: CaseContext, step: Step): Promise<void> {
  if (step.settleMs) await new Promise((r) => setTimeout(r, step.settleMs));
  const preview = await once(ctx, { ...step, op: "preview", rerun: undefined });
  expect(preview.errors, errorText(preview.errors)).toEqual([]);
  const changed = Object.entries(preview.ops).filter(([, op]) => op !== "same");
  expect(changed, "resources the preview would change (a perpetual diff)").toEqual([]);
  expect(preview.calls.map((c) => c.rpc).filter((rpc) => rpc !== "Check" && rpc !== "Diff"), "RPCs other than Check and Diff").toEqual([]);
  expect(preview.requests.filter((r) => r.method !== "GET").map((r) => `${r.api} ${r.method} ${r.path}`), "write requests during the preview").toEqual([]);
}

/** Destroys the stack; the emulators must then hold no segment the case made (beyond what it declares it leaves). */
async function checkDestroy(ctx: CaseContext, c: LifecycleCase, live: () => ReturnType<typeof liveSegments>, baseline: ReturnType<typeof liveSegments>): Promise<void> {
  if (c.checkDestroy && "skip" in c.checkDestroy) return;
  const destroy = await ctx.engine.destroy();
  expect(destroy.errors, errorText(destroy.errors)).toEqual([]);
  expect(ctx.engine.state.resources.map((r) => r.name), "resources left in state").toEqual([]);
  const leaves = c.checkDestroy?.leaves(ctx) ?? {};
  const now = live();
  for (const api of ["ongage", "ants"] as const) {
    const allowed = new Set([...baseline[api].keys(), ...(leaves[api] ?? [])]);
    const left = [...now[api]].filter(([id]) => !allowed.has(id)).map(([id, name]) => `${id} ("${name}")`);
    expect(left, `${api} segments of the case still live after destroy`).toEqual([]);
  }
}
