/**
 * Benchmark (npm run bench [-- --quick] [-- --json]): provider overhead, state size, quota behaviour,
 * call counts, cold start and memory, through the SDK's gRPC provider host against the emulators.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import type { ResourceSpec } from "../driver";
import { startAntsEmulator } from "../emulators/ants/server";
import { startOngageEmulator, type OngageEmulator } from "../emulators/ongage/server";
import { serializedProvider, specs, startEngine, TYPES } from "../driver/consumer-project";

const args = new Set(process.argv.slice(2));
const QUICK = args.has("--quick");
const JSON_OUT = args.has("--json");
const P1_N = QUICK ? 50 : 500;
const P3_N = QUICK ? 100 : 1000;
const P3_PER_MINUTE = 1000;
const P4_N = QUICK ? 20 : 100;
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
async function pool<T>(items: T[], width: number, f: (t: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => { while (next < items.length) await f(items[next++]!); }));
}

/** The same HTTP calls the provider makes for the lifecycle, sent directly with undici (10 in flight, the provider's cap). */
async function directLifecycle(emu: OngageEmulator, n: number): Promise<number> {
  const headers = { "content-type": "application/json", X_USERNAME: CREDS.username, X_PASSWORD: CREDS.password, X_ACCOUNT_CODE: CREDS.accountCode };
  const call = async (method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown) => {
    const res = await request(`${emu.url}/${LIST}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await res.body.json()) as { payload: any };
    if (res.statusCode !== 200) throw new Error(`${method} ${path} → ${res.statusCode} ${JSON.stringify(json)}`);
    return json.payload;
  };
  const criteria = (fieldId: number, v: number, i: number) => [{ field_id: fieldId, type: "email", position: 0, operator: "LIKE", operand: [`@v${v}-${i}.example.com`], condition: "and", case_sensitive: 0 }];
  const t0 = performance.now();
  const fields = (await call("GET", "/api/list_fields?limit=1000")) as Array<{ id: number; name: string }>;
  const emailId = Number(fields.find((f) => f.name === "email")!.id);
  const idx = Array.from({ length: n }, (_, i) => i);
  const ids: string[] = [];
  await pool(idx, 10, async (i) => { ids[i] = String((await call("POST", "/api/segments", { name: `direct ${i}`, type: "Active", description: "v1", criteria: criteria(emailId, 1, i) })).id); });
  await pool(idx, 10, async (i) => { await call("PUT", `/api/segments/${ids[i]}`, { name: `direct ${i}`, type: "Active", description: "v2", criteria: criteria(emailId, 2, i) }); });
  await pool(idx, 10, async (i) => { await call("GET", `/api/segments/${ids[i]}`); });
  // The provider reads each segment (its campaigns) before deleting it.
  await pool(idx, 10, async (i) => { await call("GET", `/api/segments/${ids[i]}`); await call("DELETE", `/api/segments/${ids[i]}`); });
  return performance.now() - t0;
}

async function main() {
  const out: Record<string, number | string | boolean> = { quick: QUICK, cores: cpus().length, p1Segments: P1_N };
  const ongageProvider = await serializedProvider("ongageSegment");
  const antsProvider = await serializedProvider("antsSegment");

  // P1, P2, P4 (Ongage): one lifecycle through the provider host, then the same calls directly.
  const emu = await startOngageEmulator({ credentials: CREDS, defaultListId: LIST });
  const { host, engine } = await startEngine(ongageConfig(emu.url, { "ongage:requestsPerMinute": "1000000" }));
  out.coldStartMs = Math.round(host.coldStartMs);
  let previewCalls = 0;
  let refreshCallsOngage = 0;
  const [, p1ProviderMs] = await timed(async () => {
    assertOk("create", await engine.up(ongageDefs(P1_N, 1, ongageProvider), { parallel: 16 }));
    out.p2StateBytesPerSegment = Math.round(JSON.stringify(engine.state).length / P1_N);
    const before = emu.http.requests.length;
    const preview = await engine.preview(ongageDefs(P1_N, 1, ongageProvider), { parallel: 16 });
    assertOk("preview", preview);
    if (preview.steps.some((s) => s.op !== "same")) throw new Error("no-op preview planned changes");
    previewCalls = emu.http.requests.length - before;
    assertOk("update", await engine.up(ongageDefs(P1_N, 2, ongageProvider), { parallel: 16 }));
    const beforeRefresh = emu.http.requests.length;
    assertOk("refresh", await engine.refresh({ parallel: 16 }));
    refreshCallsOngage = emu.http.requests.length - beforeRefresh;
    assertOk("destroy", await engine.destroy({ parallel: 16 }));
  });
  out.peakRssMb = Math.round(host.peakRssBytes() / 1024 / 1024);
  await host.close();
  const p1DirectMs = await directLifecycle(emu, P1_N);
  await emu.close();
  out.p1ProviderMs = Math.round(p1ProviderMs);
  out.p1DirectMs = Math.round(p1DirectMs);
  out.p1Ratio = Number((p1ProviderMs / p1DirectMs).toFixed(2));
  out.p2ProviderBytes = Buffer.byteLength(ongageProvider);
  out.p4PreviewCalls = previewCalls;
  out.p4RefreshSegments = P1_N;
  out.p4RefreshCallsOngage = refreshCallsOngage;
  log(`P1/P2 done: provider ${out.p1ProviderMs} ms, direct ${out.p1DirectMs} ms`);

  // P4 (ANTS): refresh of P4_N segments.
  const ants = await startAntsEmulator({ clients: [ANTS_CLIENT], computeDelayMs: 0 });
  const dir = mkdtempSync(join(tmpdir(), "bench-"));
  try {
    const file = join(dir, "members.csv");
    writeFileSync(file, "customer_id,email\n1001,a@example.com\n");
    const a = await startEngine({ "ants:baseUrl": ants.url, "ants:authUrl": ants.authUrl, "ants:clientId": ANTS_CLIENT.clientId, "ants:clientSecret": ANTS_CLIENT.clientSecret, "ants:requestsPerMinute": "1000000" });
    const defs: Record<string, Record<string, unknown>> = {};
    for (let i = 0; i < P4_N; i++) defs[`a${i}`] = { name: `bench ants ${i}`, audience: "customer", file: { path: file }, matchRules: [{ column: "customer_id", attribute: "customer_id" }], schedule: { type: "static" } };
    assertOk("ants create", await a.engine.up(specs(TYPES.antsSegment, antsProvider, defs), { parallel: 16 }));
    await new Promise((r) => setTimeout(r, 5_100)); // let the Listing snapshot taken by the creates expire
    const before = ants.http.requests.length;
    assertOk("ants refresh", await a.engine.refresh({ parallel: 16 }));
    out.p4RefreshCallsAnts = ants.http.requests.length - before;
    out.p4RefreshSegmentsAnts = P4_N;
    await a.host.close();
  } finally {
    await ants.close();
    rmSync(dir, { recursive: true, force: true });
  }
  log(`P4 done`);

  // P3: quota mode, a scaled quota; the provider's limiter is set to the same figure.
  const quota = await startOngageEmulator({ credentials: CREDS, defaultListId: LIST, rateLimit: { perMinute: P3_PER_MINUTE, parallel: 10 } });
  const q = await startEngine(ongageConfig(quota.url, { "ongage:requestsPerMinute": String(P3_PER_MINUTE) }));
  const [up, p3Ms] = await timed(() => q.engine.up(ongageDefs(P3_N, 1, ongageProvider), { parallel: 32 }));
  const calls = quota.http.requests.length;
  out.p3Segments = P3_N;
  out.p3QuotaPerMinute = P3_PER_MINUTE;
  out.p3Ms = Math.round(p3Ms);
  out.p3Calls = calls;
  out.p3Rejected429 = quota.http.requests.filter((r) => r.status === 429).length;
  // Listing pages the run spent looking for segments of interrupted runs (issue 9 §3), within p3Calls.
  out.p3ListingCalls = quota.http.requests.filter((r) => r.method === "GET" && /\/api\/segments$/.test(r.path)).length;
  out.p3Failures = up.errors.length;
  out.p3QuotaFraction = Number((calls / (p3Ms / 60_000) / P3_PER_MINUTE).toFixed(3));
  await q.host.close();
  await quota.close();

  if (JSON_OUT) {
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    const rows: Array<[string, string]> = [
      ["P1 lifecycle via provider host (ms)", String(out.p1ProviderMs)],
      ["P1 same calls direct with undici (ms)", String(out.p1DirectMs)],
      ["P1 ratio", String(out.p1Ratio)],
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
    process.stdout.write(`pulumi-segments benchmark${QUICK ? " (quick)" : ""}, ${out.cores} cores\n`);
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
