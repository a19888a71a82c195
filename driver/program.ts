import { dirname, extname, resolve, sep } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { Engine } from "./engine";
import type { RunMode, RunResult } from "./steps";
import type { Props } from "./provider-host";
import { secret } from "./secrets";
import { makeUrn } from "./state";
import { UNKNOWN } from "./unknown";

export interface ProgramOptions {
  mode: RunMode;
  /** Steps in flight at once (default 8). */
  parallel?: number;
}

export interface ProgramResult extends RunResult {
  /** What the program threw or rejected with; when set, undeclared resources were not deleted. */
  programError?: Error;
  /** The program's return value (stack outputs), with Outputs resolved; unknowns during preview are UNKNOWN. */
  outputs?: unknown;
  /**
   * SDK promises still pending after the run (e.g. outputs of resources that depend on a failed one).
   * Taken from the SDK's leak detector, which this clears so it does not report them at process exit.
   */
  leakedPromises: number;
}

const DYNAMIC_PREFIX = "pulumi-nodejs:dynamic";

/** Registration details the SDK sends but MockMonitor drops before calling `newResource`. */
interface Registration {
  parent: string;
  dependencies: string[];
  protect?: boolean;
  retainOnDelete?: boolean;
  /** The `aliases` resource option as the SDK sends it to a monitor that supports alias specs. */
  aliases: AliasSpec[];
}

/** One alias of a registration: a full URN, or the parts of the old URN that differ (empty = the resource's own). */
type AliasSpec = { urn: string } | { name: string; type: string; stack: string; project: string; parentUrn: string; noParent: boolean };

/**
 * Runs a Pulumi program (code that does `new SomeDynamicResource(...)`) through `engine` without the CLI.
 *
 * `pulumi.runtime.setMocks` stands in for the engine's resource monitor; its `newResource` performs the
 * engine's step for each dynamic resource through the real provider host and hands back the real id and
 * outputs, so outputs flow into dependent resources as in a deployment (during preview: ids of creates
 * and computed outputs are unknown, as the engine reports them). Completion is awaited with
 * `pulumi.runtime.disconnect()` (drains the SDK's RPC queue: every registration has been answered).
 * Then resources in state that the program did not declare are deleted, unless the program or any step
 * failed (then the declared set may be incomplete, and the real engine skips deletes too).
 *
 * Only dynamic custom resources are stepped; component resources are accepted without provider calls
 * and are not recorded in state. Invokes, `Resource.get` and `import` are rejected.
 * The SDK's runtime is process-global: run one program at a time per process.
 */
export async function runProgram(engine: Engine, program: () => unknown, opts: ProgramOptions): Promise<ProgramResult> {
  const run = engine.beginRun(opts.mode, { parallel: opts.parallel });
  const registrations = new Map<string, Registration>();
  const sdkErrors: Error[] = [];

  const mocks: pulumi.runtime.Mocks = {
    call: (args) => {
      throw new Error(`runProgram: invoke ${args.token} is not supported`);
    },
    newResource: async (args) => {
      const reg = registrations.get(`${args.type}::${args.name}`);
      const urn = sdkUrn(engine, args.type, args.name, reg?.parent ?? "");
      if (!args.custom) return { id: undefined, state: args.inputs as Props };
      if (!args.type.startsWith(DYNAMIC_PREFIX)) throw new Error(`runProgram: ${urn} is not a dynamic resource`);
      if (args.id) throw new Error(`runProgram: ${urn}: get/import (id ${args.id}) is not supported`);
      const outcome = await run.step({
        type: args.type,
        name: args.name,
        urn,
        inputs: toEngineValue(args.inputs) as Props,
        dependencies: reg?.dependencies ?? [],
        protect: reg?.protect,
        retainOnDelete: reg?.retainOnDelete,
        aliases: (reg?.aliases ?? []).map((a) => aliasUrn(engine, a, args.type, args.name, reg?.parent ?? "")),
      });
      if (!outcome.ok) throw new Error(`${urn}: ${outcome.error}`);
      return { id: outcome.id === UNKNOWN ? undefined : outcome.id, state: outcome.outputs };
    },
  };

  await pulumi.runtime.setMocks(mocks, engine.project, engine.stack, opts.mode === "preview");
  captureRegistrations(registrations);
  const onRejection = (e: unknown) => sdkErrors.push(e instanceof Error ? e : new Error(String(e)));
  process.on("unhandledRejection", onRejection);

  let programError: Error | undefined;
  let outputs: unknown;
  try {
    const returned = await program();
    if (returned !== undefined) outputs = await resolveOutputs(returned);
  } catch (e) {
    programError = e instanceof Error ? e : new Error(String(e));
  }
  await pulumi.runtime.disconnect();
  await new Promise((r) => setImmediate(r)); // let rejections of failed registrations surface
  process.off("unhandledRejection", onRejection);

  const probe = await run.finish({ deleteUndeclared: false });
  const incomplete = programError !== undefined || probe.errors.length > 0 || sdkErrors.length > 0;
  const result = incomplete ? probe : await run.finish({ deleteUndeclared: true });
  for (const e of sdkErrors) {
    if (!result.errors.some((x) => e.message.includes(x.message))) result.errors.push({ urn: "", phase: "program", message: e.message });
  }
  if (programError) result.errors.push({ urn: "", phase: "program", message: programError.message });
  return { ...result, programError, outputs, leakedPromises: takeLeakedPromises() };
}

/**
 * Loads a program module fresh (its directory's cached modules outside node_modules are dropped first)
 * and runs it with runProgram. The module either does its work at load time, or exports a function
 * (module.exports or `default`) whose result is the stack outputs. `.ts` programs are loaded through tsx.
 */
export async function runProgramModule(engine: Engine, path: string, opts: ProgramOptions): Promise<ProgramResult> {
  const file = resolve(path);
  // A real deployment runs the program in a fresh process: every project module (anything outside
  // node_modules, e.g. a sibling folder the program imports) must run again; the driver itself stays.
  const driverDir = __dirname + sep;
  for (const key of Object.keys(require.cache)) {
    if (!key.includes(`${sep}node_modules${sep}`) && !key.startsWith(driverDir)) delete require.cache[key];
  }
  const ext = extname(file);
  if ((ext === ".ts" || ext === ".mts" || ext === ".cts") && !require.extensions[".ts"]) {
    const tsx = require("tsx/cjs/api") as { register(): () => void };
    tsx.register();
  }
  return runProgram(
    engine,
    () => {
      const mod = require(file) as unknown;
      const fn = typeof mod === "function" ? mod : (mod as { default?: unknown } | undefined)?.default;
      return typeof fn === "function" ? (fn as () => unknown)() : mod;
    },
    opts,
  );
}

function takeLeakedPromises(): number {
  const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { leakedPromises(): [Set<unknown>, string] };
  return debuggable.leakedPromises()[0].size;
}

/** The URN MockMonitor gives a registration (parent type prefixes the child's type). */
function sdkUrn(engine: Engine, type: string, name: string, parent: string): string {
  let t = type;
  if (parent) {
    const parentType = parent.split("::")[2]!.split("$").pop();
    t = `${parentType}$${type}`;
  }
  return engine.urn(t, name);
}

/**
 * The URN an alias names, as the engine's step generator collapses it (collapseAliasToUrn in
 * pkg/resource/deploy/step_generator.go): every part not given is the resource's own; a parent that is
 * the root stack resource means no parent.
 */
function aliasUrn(engine: Engine, alias: AliasSpec, type: string, name: string, parent: string): string {
  if ("urn" in alias) return alias.urn;
  const t = alias.type || type;
  let p = alias.noParent ? "" : alias.parentUrn || parent;
  if (p && p.split("::")[2] === "pulumi:pulumi:Stack") p = "";
  const qualified = p ? `${p.split("::")[2]!.split("$").pop()}$${t}` : t;
  return makeUrn(alias.stack || engine.stack, alias.project || engine.project, qualified, alias.name || name);
}

/** Records parent and dependencies of each registration, which MockMonitor does not pass to `newResource`. */
function captureRegistrations(into: Map<string, Registration>): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, cb: unknown): unknown;
  };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    into.set(`${req.getType()}::${req.getName()}`, {
      parent: req.getParent(),
      dependencies: req.getDependenciesList(),
      protect: req.getProtect() || undefined,
      retainOnDelete: req.getRetainondelete() || undefined,
      aliases: req.getAliasesList().map((a): AliasSpec => {
        const spec = a.getSpec();
        if (!spec) return { urn: a.getUrn() };
        return { name: spec.getName(), type: spec.getType(), stack: spec.getStack(), project: spec.getProject(), parentUrn: spec.getParenturn(), noParent: spec.getNoparent() };
      }),
    });
    return original(req, cb);
  };
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getAliasesList(): Array<{
    getUrn(): string;
    getSpec(): { getName(): string; getType(): string; getStack(): string; getProject(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
  }>;
}

/**
 * Deserialized SDK values → the engine's property values: unknown → UNKNOWN, secrets kept as the
 * engine's secret form (the engine strips them before calling the host and re-marks what comes back).
 */
function toEngineValue(v: unknown): unknown {
  if (pulumi.runtime.isRpcSecret(v)) return secret(toEngineValue(pulumi.runtime.unwrapRpcSecret(v)));
  if (pulumi.isUnknown(v)) return UNKNOWN;
  if (Array.isArray(v)) return v.map(toEngineValue);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toEngineValue(x);
    return out;
  }
  return v;
}

/** Resolves Outputs inside a program's return value; unknown (preview) values become UNKNOWN. */
async function resolveOutputs(value: unknown): Promise<unknown> {
  const out = pulumi.output(value as pulumi.Input<unknown>) as unknown as {
    promise(withUnknowns?: boolean): Promise<unknown>;
  };
  return toEngineValue(await out.promise(true));
}
