/**
 * Benchmark (npm run bench [-- --quick] [-- --json] [-- --p1] [-- --parallel N]): provider overhead against an API that
 * answers in 50 ms with the documented 10 calls in parallel (P1, both APIs; the emulators in processes
 * of their own), the same on a zero-latency loopback emulator (host CPU overhead only), host CPU per
 * resource operation and its owners, state size, quota behaviour, call counts, cold start and memory,
 * through the SDK's gRPC provider host against the emulators.
 * Imports nothing from test/.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { ResourceSpec } from "../driver";
import type { RateLimit } from "../emulators/harness/request-budget";
import type { RecordedRequest } from "../emulators/harness/http-server";
import { startAntsEmulator } from "../emulators/ants/server";
import { startOngageEmulator } from "../emulators/ongage/server";
import { serializedProvider, specs, startEngine, TYPES } from "../driver/consumer-project";
import { interruptedCreateListing, isListCall, sameWork, type ExtraCalls } from "./call-check";
import { attribute } from "./cpu-profile";
import { directAntsLifecycle, type AntsPhases } from "./direct-ants";
import { directOngageLifecycle } from "./direct-ongage";
import { startEmulatorProcess } from "./emulator-process";
import { processCpuMs } from "./measure";

const argv = process.argv.slice(2);
const args = new Set(argv);
const QUICK = args.has("--quick");
const JSON_OUT = args.has("--json");
/** --p1: only the latency-true P1 of both APIs (the key figure, to re-run when the machine is quiet). */
const P1_ONLY = args.has("--p1");
const P1_N = QUICK ? 50 : 500;
const P1_ANTS_N = QUICK ? 20 : 100;
const P3_N = QUICK ? 100 : 1000;
const P3_PER_MINUTE = 1000;
const P4_N = QUICK ? 20 : 100;
/** P1 latency-true: what each API call costs, and the documented cap of calls in parallel. */
const LATENCY_MS = 50;
const API_PARALLEL = 10;
const UNLIMITED = "1000000"; // the settings' ceiling; far above the calls of any run here
/**
 * Engine parallelism (resource operations in flight): what `pulumi up`/`preview`/`refresh`/`destroy`
 * use when `--parallel` is not given. Source: pulumi/pulumi pkg/cmd/pulumi/operations/up.go,
 * `defaultParallel()`: `PULUMI_PARALLEL` when set, else 4 × GOMAXPROCS (the usable CPUs), since
 * "Set a default limit for --parallel" (#15016, January 2024; see #14989); the same function is the
 * flag's default in preview.go, refresh.go and destroy.go. Before that the default was unbounded.
 * `--parallel N` here plays `pulumi up --parallel N`.
 */
function engineParallel(): number {
  const i = argv.indexOf("--parallel");
  const given = i >= 0 ? argv[i + 1] : process.env.PULUMI_PARALLEL;
  if (given !== undefined) {
    const n = Number(given);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--parallel / PULUMI_PARALLEL must be an integer ≥ 1, got ${given}`);
    return n;
  }
  return 4 * availableParallelism();
}
const ENGINE_PARALLEL = engineParallel();
const LIST = 10000;
const CREDS = { username: "bench-user", password: "bench-pass", accountCode: "BENCH" };
const ANTS_CLIENT = { clientId: "bench-client", clientSecret: "bench-secret" };
const log = (s: string) => { if (!JSON_OUT) process.stderr.write(`${s}\n`); };

function ongageConfig(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return { "ongage:baseUrl": url, "ongage:username": CREDS.username, "ongage:password": CREDS.password, "ongage:accountCode": CREDS.accountCode, "ongage:listId": String(LIST), ...extra };
}
function ongageDefs(n: number, version: number, provider: string): ResourceSpec[] {
  const defs: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < n; i++) defs[`s${i}`] = { name: `bench ${i}`, description: `v${version}`, rules: [{ type: "email", field: "email", operator: "LIKE", values: [`@v${version}-${i}.example.com`] }] };
  return specs(TYPES.ongageSegment, provider, defs);
}
async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
}
function assertOk(what: string, r: { errors: unknown[] }) {
  if (r.errors.length > 0) throw new Error(`${what}: ${JSON.stringify(r.errors.slice(0, 3))}`);
}
const RESOURCE_RPCS = new Set(["Check", "Diff", "Create", "Read", "Update", "Delete"]);

interface Lifecycle {
  ms: number;
  /** HTTP calls per phase as the emulator received them. */
  phases: Record<"create" | "preview" | "update" | "refresh" | "destroy", RecordedRequest[]>;
  /** Wall time per phase (the state snapshot after create is counted in create). */
  phaseMs: Record<"create" | "preview" | "update" | "refresh" | "destroy", number>;
  stateBytesPerResource: number;
  /** Host CPU (user + system) from after Configure to the end, and the resource RPCs it served. */
  hostCpuMs: number;
  /** CPU of this process meanwhile: the driver, which does the engine's part (the emulator runs in its own process). */
  engineSideCpuMs: number;
  resourceRpcs: number;
  coldStartMs: number;
  peakRssMb: number;
  /** id → name of each segment as created (the direct replays map ids through it). */
  idToName: Map<string, string>;
}

/** create, no-op preview, update, refresh, destroy through the provider host; `hostEnv` reaches the host process. */
async function lifecycle(
  requests: () => Promise<RecordedRequest[]>,
  config: Record<string, string>,
  v1: ResourceSpec[],
  v2: ResourceSpec[],
  hostEnv: Record<string, string> = {},
): Promise<Lifecycle> {
  const { host, engine } = await startEngine(config, { project: "bench", stack: "bench", env: hostEnv });
  if (hostEnv.BENCH_CPU_PROFILE) {
    process.kill(host.pid!, "SIGUSR2"); // host-profile.cjs: start sampling now that the provider is loaded
    await new Promise((r) => setTimeout(r, 100));
  }
  const cpu0 = processCpuMs(host.pid!);
  const own0 = process.cpuUsage();
  const rpc0 = host.calls.length;
  const phases = {} as Lifecycle["phases"];
  const phaseMs = {} as Lifecycle["phaseMs"];
  let mark = (await requests()).length;
  let since = performance.now();
  const phase = async (name: keyof Lifecycle["phases"]) => {
    phaseMs[name] = Math.round(performance.now() - since);
    const all = await requests();
    phases[name] = all.slice(mark);
    mark = all.length;
    since = performance.now();
  };
  let stateBytes = 0;
  const idToName = new Map<string, string>();
  const [, ms] = await timed(async () => {
    assertOk("create", await engine.up(v1, { parallel: ENGINE_PARALLEL }));
    await phase("create");
    stateBytes = JSON.stringify(engine.state).length;
    for (const r of engine.state.resources) idToName.set(String(r.id), String((r.outputs as { name?: unknown }).name));
    const preview = await engine.preview(v1, { parallel: ENGINE_PARALLEL });
    assertOk("preview", preview);
    if (preview.steps.some((s) => s.op !== "same")) throw new Error("no-op preview planned changes");
    await phase("preview");
    assertOk("update", await engine.up(v2, { parallel: ENGINE_PARALLEL }));
    await phase("update");
    assertOk("refresh", await engine.refresh({ parallel: ENGINE_PARALLEL }));
    await phase("refresh");
    assertOk("destroy", await engine.destroy({ parallel: ENGINE_PARALLEL }));
    await phase("destroy");
  });
  const hostCpuMs = processCpuMs(host.pid!) - cpu0;
  const own = process.cpuUsage(own0);
  const engineSideCpuMs = (own.user + own.system) / 1000;
  const resourceRpcs = host.calls.slice(rpc0).filter((c) => RESOURCE_RPCS.has(c.rpc)).length;
  const peakRssMb = Math.round(host.peakRssBytes() / 1024 / 1024);
  await host.close();
  return { ms, phases, phaseMs, stateBytesPerResource: Math.round(stateBytes / v1.length), hostCpuMs, engineSideCpuMs, resourceRpcs, coldStartMs: host.coldStartMs, peakRssMb, idToName };
}
/** Calls per phase as "METHOD /path" → count (ids in paths folded to N): shows what the provider sends. */
function callsByPhase(l: Lifecycle): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [phase, rs] of Object.entries(l.phases)) {
    const c: Record<string, number> = {};
    for (const r of rs) {
      const k = `${r.method} ${r.path.replace(/-?\d+/g, "N")}`;
      c[k] = (c[k] ?? 0) + 1;
    }
    out[phase] = c;
  }
  return out;
}
const cpuSince = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

async function ongageP1(providerText: string, latency: { latencyMs: number; rateLimit?: RateLimit } | undefined, hostEnv?: Record<string, string>) {
  const options = { credentials: CREDS, defaultListId: LIST, ...latency };
  const emu = await startEmulatorProcess("ongage", options);
  const l = await lifecycle(emu.requests, ongageConfig(emu.url, { "ongage:requestsPerMinute": UNLIMITED, "ongage:maxConcurrency": String(API_PARALLEL) }), ongageDefs(P1_N, 1, providerText), ongageDefs(P1_N, 2, providerText), hostEnv);
  const rejected = (await emu.requests()).filter((r) => r.status === 429).length;
  await emu.close();
  const direct = await startEmulatorProcess("ongage", options);
  const c0 = process.cpuUsage();
  const listing = interruptedCreateListing(l.phases);
  const d = { ...(await directOngageLifecycle({ url: direct.url, listId: LIST, credentials: CREDS }, P1_N, listing)), cpuMs: cpuSince(c0) };
  await direct.close();
  const extra = sameWork("P1 Ongage", l.phases, d.calls);
  return { l, d, rejected, listing: listing.length, extra };
}

async function antsP1(providerText: string, file: string, latency: { latencyMs: number; rateLimit?: RateLimit } | undefined) {
  const defs = (v: number) => {
    const d: Record<string, Record<string, unknown>> = {};
    for (let i = 0; i < P1_ANTS_N; i++) d[`a${i}`] = { name: `bench ants ${i}${v === 1 ? "" : ` v${v}`}`, audience: "customer", file: { path: file }, matchRules: [{ column: "customer_id", attribute: "customer_id" }], schedule: { type: "static" } };
    return specs(TYPES.antsSegment, providerText, d);
  };
  const config = (emu: { url: string; authUrl: string }) => ({ "ants:baseUrl": emu.url, "ants:authUrl": emu.authUrl, "ants:clientId": ANTS_CLIENT.clientId, "ants:clientSecret": ANTS_CLIENT.clientSecret, "ants:requestsPerMinute": UNLIMITED, "ants:maxConcurrency": String(API_PARALLEL) });
  const options = { clients: [ANTS_CLIENT], computeDelayMs: 0, ...latency };
  const emu = await startEmulatorProcess("ants", options);
  const l = await lifecycle(emu.requests, config({ url: emu.url, authUrl: emu.authUrl! }), defs(1), defs(2));
  const rejected = (await emu.requests()).filter((r) => r.status === 429).length;
  await emu.close();
  const direct = await startEmulatorProcess("ants", options);
  const origin = new URL(direct.authUrl!).origin;
  const phases: AntsPhases = { create: l.phases.create, update: l.phases.update, refresh: l.phases.refresh, destroy: l.phases.destroy };
  const c0 = process.cpuUsage();
  const d = { ...(await directAntsLifecycle(origin, phases, l.idToName)), cpuMs: cpuSince(c0) };
  await direct.close();
  const extra = sameWork("P1 ANTS", l.phases, d.calls, l.phases.refresh.filter(isListCall).length);
  return { l, d, rejected, listing: interruptedCreateListing(l.phases).length, extra };
}

/** `<prefix>ProviderMs`, `…DirectMs`, `…Ratio`, CPU used, `…Calls`, `…Rejected429`, `…CallsByPhase` of one P1 run. */
function p1Figures(prefix: string, r: { l: Lifecycle; d: { ms: number; calls: number; cpuMs: number }; rejected: number; listing: number; extra: ExtraCalls[] }): Record<string, unknown> {
  for (const e of r.extra) log(`${prefix}: tolerated ${e.calls.length} ${e.name} call(s) the direct baseline does not replay: ${e.calls.join(", ")}`);
  return {
    /** Calls of the interrupted-create listing (replayed by the direct baseline too, within …Calls). */
    [`${prefix}InterruptedListingCalls`]: r.listing,
    /** Documented evidence calls only the provider made (root checks), by name; not in …Calls. */
    [`${prefix}ToleratedExtraCalls`]: Object.fromEntries(r.extra.map((e) => [e.name, e.calls.length])),
    /** CPU the client side needed (provider: host + driver; direct: undici), emulator excluded. */
    [`${prefix}ProviderCpuMs`]: Math.round(r.l.hostCpuMs + r.l.engineSideCpuMs),
    [`${prefix}DirectCpuMs`]: Math.round(r.d.cpuMs),
    [`${prefix}ProviderMs`]: Math.round(r.l.ms),
    [`${prefix}DirectMs`]: Math.round(r.d.ms),
    [`${prefix}Ratio`]: Number((r.l.ms / r.d.ms).toFixed(3)),
    [`${prefix}Calls`]: r.d.calls,
    [`${prefix}Rejected429`]: r.rejected,
    [`${prefix}CallsByPhase`]: callsByPhase(r.l),
    [`${prefix}ProviderPhaseMs`]: r.l.phaseMs,
  };
}

async function main() {
  const out: Record<string, unknown> = { quick: QUICK, cores: cpus().length, loadAverage1m: Number(loadavg()[0]!.toFixed(2)), date: new Date().toISOString(), p1Segments: P1_N, p1AntsSegments: P1_ANTS_N };
  const ongageProvider = await serializedProvider("ongageSegment");
  const antsProvider = await serializedProvider("antsSegment");
  const latency = { latencyMs: LATENCY_MS, rateLimit: { perMinute: Number(UNLIMITED), parallel: API_PARALLEL } };
  out.p1LatencyPerCallMs = LATENCY_MS;
  out.p1ApiParallel = API_PARALLEL;
  out.p1EngineParallel = ENGINE_PARALLEL;

  // P1 latency-true (Ongage): every call takes 50 ms, an 11th call in parallel is refused with 429.
  const lat = await ongageP1(ongageProvider, latency);
  Object.assign(out, p1Figures("p1Latency", lat));
  out.hostCpuMsPerOp = Number((lat.l.hostCpuMs / lat.l.resourceRpcs).toFixed(3));
  out.hostResourceOps = lat.l.resourceRpcs;
  out.hostCpuMs = Math.round(lat.l.hostCpuMs);
  out.p2StateBytesPerSegment = lat.l.stateBytesPerResource;
  out.p4PreviewCalls = lat.l.phases.preview.length;
  out.p4RefreshSegments = P1_N;
  out.p4RefreshCallsOngage = lat.l.phases.refresh.length;
  out.coldStartMs = Math.round(lat.l.coldStartMs);
  out.peakRssMb = lat.l.peakRssMb;
  log(`P1 latency Ongage: provider ${out.p1LatencyProviderMs} ms, direct ${out.p1LatencyDirectMs} ms`);

  // P1 latency-true (ANTS): token, upload + create, no-op preview, update, Listing refresh, delete.
  const dir = mkdtempSync(join(tmpdir(), "bench-"));
  const file = join(dir, "members.csv");
  writeFileSync(file, "customer_id,email\n1001,a@example.com\n");
  try {
    const ants = await antsP1(antsProvider, file, latency);
    Object.assign(out, p1Figures("p1AntsLatency", ants));
    log(`P1 latency ANTS: provider ${out.p1AntsLatencyProviderMs} ms, direct ${out.p1AntsLatencyDirectMs} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  if (P1_ONLY) {
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }

  // P1 zero-latency: the loopback emulator answers at once, so this measures only the CPU cost of the
  // SDK's host, gRPC and the provider against bare undici calls; not what a user waits for.
  const zero = await ongageP1(ongageProvider, undefined);
  Object.assign(out, p1Figures("p1ZeroLatency", zero));
  out.p2ProviderBytes = Buffer.byteLength(ongageProvider);

  // Where the host's CPU goes: the zero-latency lifecycle again, the host sampled by the inspector.
  const profDir = mkdtempSync(join(tmpdir(), "bench-prof-"));
  try {
    const profile = join(profDir, "host.cpuprofile");
    const env = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${join(__dirname, "host-profile.cjs")}`.trim(), BENCH_CPU_PROFILE: profile };
    await ongageP1(ongageProvider, undefined, env);
    const { busyMs, byOwner } = attribute(profile);
    const share: Record<string, number> = {};
    for (const [k, v] of Object.entries(byOwner).sort((x, y) => y[1] - x[1])) share[k] = Number((v / busyMs).toFixed(3));
    out.hostCpuShareOwnCode = share["pulumi-segments"] ?? 0;
    out.hostCpuShareByOwner = share;
    if (process.env.BENCH_KEEP_PROFILE) writeFileSync(process.env.BENCH_KEEP_PROFILE, readFileSync(profile));
  } finally {
    rmSync(profDir, { recursive: true, force: true });
  }
  log(`P1 zero latency and host profile done`);

  // P4 (ANTS): refresh of P4_N segments.
  const p4 = await startAntsEmulator({ clients: [ANTS_CLIENT], computeDelayMs: 0 });
  const p4Dir = mkdtempSync(join(tmpdir(), "bench-"));
  try {
    const p4File = join(p4Dir, "members.csv");
    writeFileSync(p4File, "customer_id,email\n1001,a@example.com\n");
    const a = await startEngine({ "ants:baseUrl": p4.url, "ants:authUrl": p4.authUrl, "ants:clientId": ANTS_CLIENT.clientId, "ants:clientSecret": ANTS_CLIENT.clientSecret, "ants:requestsPerMinute": UNLIMITED });
    const defs: Record<string, Record<string, unknown>> = {};
    for (let i = 0; i < P4_N; i++) defs[`a${i}`] = { name: `bench ants ${i}`, audience: "customer", file: { path: p4File }, matchRules: [{ column: "customer_id", attribute: "customer_id" }], schedule: { type: "static" } };
    assertOk("ants create", await a.engine.up(specs(TYPES.antsSegment, antsProvider, defs), { parallel: ENGINE_PARALLEL }));
    await new Promise((r) => setTimeout(r, 5_100)); // let the Listing snapshot taken by the creates expire
    const before = p4.http.requests.length;
    assertOk("ants refresh", await a.engine.refresh({ parallel: ENGINE_PARALLEL }));
    out.p4RefreshCallsAnts = p4.http.requests.length - before;
    out.p4RefreshSegmentsAnts = P4_N;
    await a.host.close();
  } finally {
    await p4.close();
    rmSync(p4Dir, { recursive: true, force: true });
  }
  log(`P4 done`);

  // P3: quota mode, a scaled quota; the provider's limiter is set to the same figure.
  const quota = await startOngageEmulator({ credentials: CREDS, defaultListId: LIST, rateLimit: { perMinute: P3_PER_MINUTE, parallel: API_PARALLEL } });
  const q = await startEngine(ongageConfig(quota.url, { "ongage:requestsPerMinute": String(P3_PER_MINUTE) }));
  const [up, p3Ms] = await timed(() => q.engine.up(ongageDefs(P3_N, 1, ongageProvider), { parallel: 32 }));
  const calls = quota.http.requests.length;
  out.p3Segments = P3_N;
  out.p3QuotaPerMinute = P3_PER_MINUTE;
  out.p3Ms = Math.round(p3Ms);
  out.p3Calls = calls;
  out.p3Rejected429 = quota.http.requests.filter((r) => r.status === 429).length;
  // Listing pages the run spent looking for segments of interrupted runs (README *Interrupted runs*), within p3Calls.
  out.p3ListingCalls = quota.http.requests.filter((r) => r.method === "GET" && /\/api\/segments$/.test(r.path)).length;
  out.p3Failures = up.errors.length;
  out.p3QuotaFraction = Number((calls / (p3Ms / 60_000) / P3_PER_MINUTE).toFixed(3));
  await q.host.close();
  await quota.close();

  if (JSON_OUT) {
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    const pct = (x: unknown) => `${(Number(x) * 100).toFixed(1)} %`;
    const owners = Object.entries(out.hostCpuShareByOwner as Record<string, number>).map(([k, v]) => `${k} ${pct(v)}`).join(", ");
    const rows: Array<[string, string]> = [
      [`P1 Ongage, ${LATENCY_MS} ms/call, ${API_PARALLEL} parallel: provider host (ms)`, String(out.p1LatencyProviderMs)],
      [`P1 Ongage, same ${out.p1LatencyCalls} calls direct with undici (ms)`, String(out.p1LatencyDirectMs)],
      ["P1 Ongage latency ratio (goal <= 1.10)", `${out.p1LatencyRatio} (${out.p1LatencyRejected429} calls refused with 429)`],
      ["P1 Ongage CPU used, all processes: provider path / direct (ms)", `${out.p1LatencyProviderCpuMs} / ${out.p1LatencyDirectCpuMs}`],
      [`P1 ANTS, ${LATENCY_MS} ms/call, ${API_PARALLEL} parallel: provider host (ms)`, String(out.p1AntsLatencyProviderMs)],
      [`P1 ANTS, same ${out.p1AntsLatencyCalls} calls direct with undici (ms)`, String(out.p1AntsLatencyDirectMs)],
      ["P1 ANTS latency ratio (goal <= 1.10)", `${out.p1AntsLatencyRatio} (${out.p1AntsLatencyRejected429} calls refused with 429)`],
      ["P1 ANTS CPU used, all processes: provider path / direct (ms)", `${out.p1AntsLatencyProviderCpuMs} / ${out.p1AntsLatencyDirectCpuMs}`],
      ["P1 zero-latency loopback (host CPU overhead only): provider / direct (ms)", `${out.p1ZeroLatencyProviderMs} / ${out.p1ZeroLatencyDirectMs} (ratio ${out.p1ZeroLatencyRatio})`],
      [`host CPU per resource operation (${out.hostResourceOps} Check/Diff/Create/Read/Update/Delete)`, `${out.hostCpuMsPerOp} ms`],
      ["host CPU samples in pulumi-segments' own code", pct(out.hostCpuShareOwnCode)],
      ["host CPU samples by owner", owners],
      ["P2 __provider bytes per resource", String(out.p2ProviderBytes)],
      ["P2 state bytes per segment", String(out.p2StateBytesPerSegment)],
      [`P3 ${P3_N} creates at ${P3_PER_MINUTE}/min: time (ms)`, String(out.p3Ms)],
      ["P3 failures / 429s seen", `${out.p3Failures} / ${out.p3Rejected429}`],
      ["P3 throughput / quota", String(out.p3QuotaFraction)],
      ["P3 listing calls (interrupted-create search)", String(out.p3ListingCalls)],
      ["P4 calls of a no-op preview", String(out.p4PreviewCalls)],
      [`P4 refresh calls, Ongage (${P1_N} segments)`, String(out.p4RefreshCallsOngage)],
      [`P4 refresh calls, ANTS (${P4_N} segments)`, String(out.p4RefreshCallsAnts)],
      ["provider cold start (ms)", String(out.coldStartMs)],
      ["provider peak RSS (MB)", String(out.peakRssMb)],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    process.stdout.write(`pulumi-segments benchmark${QUICK ? " (quick)" : ""}, ${out.cores} cores, engine parallel ${ENGINE_PARALLEL}, load average ${out.loadAverage1m} at start, ${out.date}\n`);
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
