/**
 * Kill trials (README *Interrupted runs*): an `up` of N segments runs in a child engine process; at seeded random
 * points the engine and its provider host are SIGKILLed together (a cancelled CI job). The checkpoint
 * is what the killed engine last wrote; creates in flight are pending operations, which the next `up`
 * does not step (Pulumi keeps pending creates for `pulumi refresh` and creates the resource again).
 * After the kills one more `up` runs to its end; then every definition must exist exactly once in the
 * API and the state must hold exactly the API's segments. The emulators live in this process and keep
 * running across the kills.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EngineProcess, type UpJob, type UpOutcome } from "../driver/interrupted-run";
import type { ResourceSpec } from "../driver/engine";
import { loadState } from "../driver/state-file";
import { seededRandom } from "../emulators/harness/faults";
import type { EmulatorRequest, HttpEmulator } from "../emulators/harness/http-server";
import { startAntsEmulator } from "../emulators/ants/server";
import { startOngageEmulator } from "../emulators/ongage/server";
import { consumerDir, serializedProvider, specs, TYPES } from "../driver/consumer-project";

export type Api = "ongage" | "ants";

export interface TrialOptions {
  api: Api;
  trials: number;
  /** Segments per `up` (default 50). */
  segments?: number;
  seed?: number;
  /** Kills per trial: 1 or 2, chosen by the seed (default), or fixed. */
  killsPerTrial?: 1 | 2;
  /**
   * Kill only while creates are in flight: after the k-th create with 1 ≤ k ≤ half of the creates still
   * to come, within the API's handling time. Default: anywhere in the run, from host start to the last create.
   */
  midRun?: boolean;
  parallel?: number;
  log?: (line: string) => void;
}

export interface TrialFigures {
  api: Api;
  trials: number;
  segments: number;
  /** Times engine and provider host were SIGKILLed together. */
  kills: number;
  /** Creates in flight when killed: pending operations the next run forgot. */
  forgottenCreates: number;
  /** Segments in the API but not in the state right after a kill (committed, never recorded). */
  committedUnrecorded: number;
  /** After the final `up`: extra segments beyond one per definition. */
  duplicates: number;
  /** After the final `up`: segments in the API that no state entry holds. */
  orphans: number;
  /** After the final `up`: definitions without exactly one matching state entry and segment. */
  mismatches: number;
  /** Final runs that did not end cleanly (errors or a failed child). */
  failedRuns: number;
  /** Segments the provider adopted instead of creating (from its warnings). */
  adoptions: number;
  /** Full listings (all pages) requested per provider process, averaged over runs. */
  listingCallsPerRun: number;
  ms: number;
  /** First problems seen, for the report. */
  problems: string[];
}

interface Remote {
  id: string;
  name: string;
}

interface ApiUnderTest {
  http: HttpEmulator;
  config: Record<string, string>;
  reset(): void;
  close(): Promise<void>;
  isCreate(req: EmulatorRequest): boolean;
  /** A request of a full (unsearched) listing. */
  isListing(req: { method: string; path: string; body: string }): boolean;
  live(): Remote[];
  specs(trial: number, n: number): ResourceSpec[];
}

const ONGAGE_CREDS = { username: "interrupt-user", password: "interrupt-Ongage-S3cret", accountCode: "INTERRUPT" };
const ANTS_CLIENT = { clientId: "interrupt-client", clientSecret: "interrupt-Ants-S3cret" };
const LIST = 10000;
/** Handling time per API call: creates are in flight long enough for a kill to catch them. */
const LATENCY_MS = 5;

async function ongageUnderTest(): Promise<ApiUnderTest> {
  const emu = await startOngageEmulator({ credentials: ONGAGE_CREDS, defaultListId: LIST, latencyMs: LATENCY_MS });
  const provider = await serializedProvider("ongageSegment");
  return {
    http: emu.http,
    config: {
      "ongage:baseUrl": emu.url,
      "ongage:username": ONGAGE_CREDS.username,
      "ongage:password": ONGAGE_CREDS.password,
      "ongage:accountCode": ONGAGE_CREDS.accountCode,
      "ongage:listId": String(LIST),
      "ongage:requestsPerMinute": "1000000",
    },
    reset: () => emu.reset(),
    close: () => emu.close(),
    isCreate: (req) => req.method === "POST" && /\/api\/segments$/.test(req.path),
    isListing: (req) => req.method === "GET" && /\/api\/segments$/.test(req.path),
    live: () => emu.store.allSegments().filter((s) => s.deleted === "0").map((s) => ({ id: s.id, name: s.name })),
    specs: (trial, n) => {
      const defs: Record<string, Record<string, unknown>> = {};
      for (let i = 0; i < n; i++) {
        defs[`o${i}`] = { name: `interrupted ${trial} ${i}`, description: `trial ${trial}`, rules: [{ type: "email", field: "email", operator: "LIKE", values: [`@t${trial}-${i}.example.com`] }] };
      }
      return specs(TYPES.ongageSegment, provider, defs);
    },
  };
}

async function antsUnderTest(dir: string): Promise<ApiUnderTest> {
  const emu = await startAntsEmulator({ clients: [ANTS_CLIENT], computeDelayMs: 0, latencyMs: LATENCY_MS });
  const provider = await serializedProvider("antsSegment");
  const file = join(dir, "members.csv");
  writeFileSync(file, "customer_id,email\n1001,a@example.com\n1002,b@example.com\n");
  return {
    http: emu.http,
    config: {
      "ants:baseUrl": emu.url,
      "ants:authUrl": emu.authUrl,
      "ants:clientId": ANTS_CLIENT.clientId,
      "ants:clientSecret": ANTS_CLIENT.clientSecret,
      "ants:requestsPerMinute": "1000000",
    },
    reset: () => emu.reset(),
    close: () => emu.close(),
    isCreate: (req) => req.method === "POST" && /\/segment\/create$/.test(req.path),
    isListing: (req) => req.method === "POST" && /\/segment\/listing$/.test(req.path) && (JSON.parse(req.body || "{}") as { search?: string }).search === undefined,
    live: () => emu.store.allSegments().map((s) => ({ id: String(s.segmentId), name: s.segmentDisplay })),
    specs: (trial, n) => {
      const defs: Record<string, Record<string, unknown>> = {};
      for (let i = 0; i < n; i++) {
        defs[`a${i}`] = {
          name: `interrupted ${trial} ${i}`,
          audience: "customer",
          file: { path: file },
          matchRules: [{ column: "customer_id", attribute: "customer_id" }],
          schedule: { type: "static" },
        };
      }
      return specs(TYPES.antsSegment, provider, defs);
    },
  };
}

const debug = (line: string) => {
  if (process.env.INTERRUPT_DEBUG) process.stderr.write(`  ${line}\n`);
};

/** The child's environment: no ONGAGE_/ANTS_ variable, so only Configure carries settings. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(ONGAGE|ANTS)_/.test(k)) env[k] = v;
  return env;
}

/**
 * One `up` in a child process. With `killAfterCreates` = k ≥ 1 both processes are SIGKILLed `jitterMs`
 * after the API received the k-th create of this run; with 0, `jitterMs` after the host started.
 */
async function upOnce(api: ApiUnderTest, jobFile: string, kill?: { afterCreates: number; jitterMs: number }): Promise<UpOutcome> {
  let creates = 0;
  const t0 = performance.now();
  const engine = EngineProcess.start(jobFile, { env: childEnv() });
  void engine.whenHostStarted().then(() => debug(`host up after ${Math.round(performance.now() - t0)} ms`));
  if (kill) {
    const fire = () => setTimeout(() => engine.kill(), kill.jitterMs);
    if (kill.afterCreates === 0) void engine.whenHostStarted().then(fire);
    api.http.setFaultPolicy((req) => {
      if (api.isCreate(req) && ++creates === kill.afterCreates) fire();
      return undefined;
    });
  }
  const outcome = await engine.outcome;
  debug(`${outcome.kind} after ${Math.round(performance.now() - t0)} ms, ${creates} creates`);
  api.http.setFaultPolicy(undefined);
  if (outcome.kind === "killed" && !(await engine.bothGone())) throw new Error("a killed engine or provider host is still alive");
  return outcome;
}

export async function runInterruptTrials(opts: TrialOptions): Promise<TrialFigures> {
  const n = opts.segments ?? 50;
  const random = seededRandom(opts.seed ?? 1);
  const dir = mkdtempSync(join(tmpdir(), `interrupt-${opts.api}-`));
  const api = opts.api === "ongage" ? await ongageUnderTest() : await antsUnderTest(dir);
  const figures: TrialFigures = {
    api: opts.api, trials: 0, segments: n, kills: 0, forgottenCreates: 0, committedUnrecorded: 0,
    duplicates: 0, orphans: 0, mismatches: 0, failedRuns: 0, adoptions: 0, listingCallsPerRun: 0, ms: 0, problems: [],
  };
  const problem = (p: string) => {
    if (figures.problems.length < 10) figures.problems.push(p);
  };
  let runs = 0;
  let listingCalls = 0;
  const t0 = performance.now();
  try {
    for (let trial = 1; trial <= opts.trials; trial++) {
      api.reset();
      const stateFile = join(dir, `state-${trial}.json`);
      const job: UpJob = { cwd: consumerDir(), project: "interrupt", stack: `trial${trial}`, config: api.config, stateFile, specs: api.specs(trial, n), parallel: opts.parallel ?? 16 };
      const jobFile = join(dir, `job-${trial}.json`);
      writeFileSync(jobFile, JSON.stringify(job));
      const kills = opts.killsPerTrial ?? (random() < 0.5 ? 1 : 2);
      const unrecorded = new Set<string>();
      const countRun = (from: number) => {
        runs++;
        listingCalls += api.http.requests.slice(from).filter((r) => api.isListing(r)).length;
      };
      for (let k = 0; k < kills; k++) {
        const recorded = loadState(stateFile).resources.length;
        const remaining = n - recorded;
        const afterCreates = opts.midRun ? 1 + Math.floor(random() * Math.max(1, Math.floor(remaining / 2))) : Math.floor(random() * (remaining + 1));
        const jitterMs = Math.floor(random() * (opts.midRun ? LATENCY_MS : afterCreates === 0 ? 400 : 25));
        const from = api.http.requests.length;
        const outcome = await upOnce(api, jobFile, { afterCreates, jitterMs });
        countRun(from);
        if (outcome.kind === "failed") throw new Error(`trial ${trial}: ${outcome.message}`);
        if (outcome.kind === "done") figures.adoptions += adoptionsIn(outcome.summary.warnings);
        if (outcome.kind !== "killed") continue;
        figures.kills++;
        const state = loadState(stateFile);
        figures.forgottenCreates += (state.pendingOperations ?? []).filter((op) => !state.resources.some((r) => r.urn === op.urn)).length;
        const inState = new Set(state.resources.map((r) => r.id));
        for (const s of api.live()) if (!inState.has(s.id)) unrecorded.add(s.id);
      }
      figures.committedUnrecorded += unrecorded.size;
      const from = api.http.requests.length;
      const final = await upOnce(api, jobFile);
      countRun(from);
      figures.trials++;
      if (final.kind !== "done") {
        figures.failedRuns++;
        problem(`trial ${trial}: final up ${final.kind === "failed" ? final.message : "was killed"}`);
      } else {
        figures.adoptions += adoptionsIn(final.summary.warnings);
        if (final.summary.errors.length > 0) {
          figures.failedRuns++;
          problem(`trial ${trial}: final up errors: ${final.summary.errors.slice(0, 2).map((e) => `${e.urn.split("::").pop()} ${e.phase}: ${e.message}`).join(" | ")}`);
        }
      }
      const verdict = verify(api, loadState(stateFile).resources, job.specs);
      figures.duplicates += verdict.duplicates;
      figures.orphans += verdict.orphans;
      figures.mismatches += verdict.mismatches;
      for (const p of verdict.problems) problem(`trial ${trial}: ${p}`);
      opts.log?.(`${opts.api} trial ${trial}/${opts.trials}: kills ${kills}, duplicates ${verdict.duplicates}, orphans ${verdict.orphans}, mismatches ${verdict.mismatches}`);
    }
  } finally {
    figures.ms = Math.round(performance.now() - t0);
    figures.listingCallsPerRun = runs === 0 ? 0 : Number((listingCalls / runs).toFixed(2));
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

/** Warnings of the form the providers print when they adopt an interrupted run's segment. */
function adoptionsIn(warnings: string[]): number {
  return warnings.filter((w) => /adopted .*segment .* created by an interrupted run/i.test(w)).length;
}

/** Exactly one segment per definition, held by exactly the definition's state entry, and nothing else. */
function verify(api: ApiUnderTest, resources: Array<{ name: string; id: string; inputs: Record<string, unknown> }>, declared: ResourceSpec[]) {
  const live = api.live();
  const byName = new Map<string, Remote[]>();
  for (const s of live) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  const stateIds = new Set(resources.map((r) => r.id));
  const problems: string[] = [];
  let duplicates = 0;
  for (const [name, segs] of byName) {
    if (segs.length > 1) {
      duplicates += segs.length - 1;
      problems.push(`"${name}" exists ${segs.length} times (ids ${segs.map((s) => s.id).join(", ")})`);
    }
  }
  const orphans = live.filter((s) => !stateIds.has(s.id));
  if (orphans.length > 0) problems.push(`orphans ${orphans.slice(0, 5).map((s) => s.id).join(", ")}`);
  let mismatches = 0;
  for (const spec of declared) {
    const name = (spec.inputs as { name: string }).name;
    const entries = resources.filter((r) => r.name === spec.name);
    const remote = entries.length === 1 ? live.find((s) => s.id === entries[0]!.id) : undefined;
    if (entries.length !== 1 || !remote || remote.name !== name) {
      mismatches++;
      problems.push(`${spec.name}: ${entries.length} state entries, remote ${remote ? `"${remote.name}"` : "missing"}`);
    }
  }
  if (resources.length !== declared.length) {
    mismatches += Math.abs(resources.length - declared.length);
    problems.push(`state holds ${resources.length} resources for ${declared.length} definitions`);
  }
  return { duplicates, orphans: orphans.length, mismatches, problems };
}
