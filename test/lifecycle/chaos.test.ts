import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine, ProviderHost, ResourceSpec, RunResult } from "../../driver";
import { randomFaults, type FaultKind } from "../../emulators/harness/faults";
import { ANTS_FAULT_REPLIES } from "../../emulators/ants/routes";
import { startAntsEmulator, type AntsEmulator } from "../../emulators/ants/server";
import { ONGAGE_FAULT_REPLIES } from "../../emulators/ongage/routes";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { serializedProvider, specs, startEngine, TYPES } from "./harness";

// N Ongage + M ANTS segments through the SDK's provider host with parallel 16 while 20 % of all API
// calls fail (429 ± Retry-After, 5xx, resets, timeouts, creates whose response is lost). Reruns of
// `up`/`destroy` (as a user reruns after a failed CI job) must converge; every intermediate state must
// be consistent with the API. Full size (500 / 200) runs in 20-37 s on 2 cores; CHAOS_ONGAGE / CHAOS_ANTS scale it.
const N = Number(process.env.CHAOS_ONGAGE ?? 500);
const M = Number(process.env.CHAOS_ANTS ?? 200);
const MAX_RUNS = 5;
const RATE = 0.2;
const PARALLEL = 16;

const ONGAGE_CREDS = { username: "chaos-user", password: "chaos-Ongage-S3cret", accountCode: "CHAOSACC" };
const ANTS_CLIENT = { clientId: "chaos-client", clientSecret: "chaos-Ants-S3cret" };
const SECRETS = [ONGAGE_CREDS.password, ANTS_CLIENT.clientSecret];
const LIST = 10000;

let ongage: OngageEmulator;
let ants: AntsEmulator;
let host: ProviderHost;
let engine: Engine;
let providers: { ongage: string; ants: string };
let dir: string;
let membersFile: string;
const faults = new Map<FaultKind, number>();
/** Every error message the runs produced (steps and run errors). */
const messages: string[] = [];

function desired(version: 1 | 2): ResourceSpec[] {
  const o: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < N; i++) {
    o[`o${i}`] = { name: `chaos ongage ${i}`, description: `v${version}`, rules: [{ type: "email", field: "email", operator: "LIKE", values: [`@v${version}-${i}.example.com`] }] };
  }
  const a: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < M; i++) {
    a[`a${i}`] = {
      name: `chaos ants ${i}`,
      audience: "customer",
      file: { path: membersFile },
      matchRules: [{ column: "customer_id", attribute: "customer_id" }, { column: "email", attribute: "email" }],
      logic: version === 1 ? "and" : "or",
      schedule: { type: "static" },
    };
  }
  return [...specs(TYPES.ongageSegment, providers.ongage, o), ...specs(TYPES.antsSegment, providers.ants, a)];
}

const liveOngage = () => ongage.store.allSegments().filter((s) => s.deleted === "0");
const liveAnts = () => ants.store.allSegments();

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}

/** State and API agree: every state id exists remotely, every remote segment is in state, names are unique. */
function assertConsistent(when: string) {
  const stateIds = {
    ongage: new Set(engine.state.resources.filter((r) => r.type === TYPES.ongageSegment).map((r) => r.id)),
    ants: new Set(engine.state.resources.filter((r) => r.type === TYPES.antsSegment).map((r) => r.id)),
  };
  const remote = { ongage: new Set(liveOngage().map((s) => s.id)), ants: new Set(liveAnts().map((s) => String(s.segmentId))) };
  const missing = [...stateIds.ongage].filter((id) => !remote.ongage.has(id)).concat([...stateIds.ants].filter((id) => !remote.ants.has(id)));
  const orphans = [...remote.ongage].filter((id) => !stateIds.ongage.has(id)).concat([...remote.ants].filter((id) => !stateIds.ants.has(id)));
  const duplicates = [...countBy(liveOngage(), (s) => s.name), ...countBy(liveAnts(), (s) => s.segmentDisplay)].filter(([, n]) => n > 1);
  expect({ when, missing, orphans, duplicates }, requestsFor([...missing, ...orphans])).toEqual({ when, missing: [], orphans: [], duplicates: [] });
}

/** On a mismatch, the emulators' request log for the offending ids (and the POSTs), to read what happened. */
function requestsFor(ids: string[]): string | undefined {
  if (ids.length === 0) return undefined;
  // An orphan's create is found by its name (the POST does not carry the id yet).
  const names = [...liveOngage().filter((s) => ids.includes(s.id)).map((s) => s.name), ...liveAnts().filter((s) => ids.includes(String(s.segmentId))).map((s) => s.segmentDisplay)];
  const lines = [...ongage.http.requests.map((r) => ({ api: "ongage", ...r })), ...ants.http.requests.map((r) => ({ api: "ants", ...r }))]
    .filter((r) => ids.some((id) => r.path.includes(id) || r.body.includes(id)) || names.some((n) => r.body.includes(JSON.stringify(n))))
    .sort((a, b) => a.at - b.at)
    .map((r) => `${new Date(r.at).toISOString()} ${r.api} ${r.method} ${r.path} ${r.status === 0 ? "(no answer: reset, dropped or abandoned)" : r.status}`);
  return `request log for ${ids.join(", ")}:\n${lines.join("\n")}`;
}

function collect(run: RunResult | { errors: Array<{ message: string }> }) {
  for (const e of run.errors) messages.push(e.message);
  if ("steps" in run) for (const s of run.steps) if (s.error) messages.push(s.error);
}

/** Reruns `up` until it succeeds; returns the number of runs. */
async function upUntilConverged(version: 1 | 2): Promise<number> {
  for (let run = 1; run <= MAX_RUNS; run++) {
    const up = await engine.up(desired(version), { parallel: PARALLEL });
    collect(up);
    assertConsistent(`after up v${version} run ${run}`);
    if (up.errors.length === 0) return run;
  }
  throw new Error(`up v${version} did not converge in ${MAX_RUNS} runs; last errors: ${messages.slice(-3).join(" | ")}`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "chaos-"));
  membersFile = join(dir, "members.csv");
  writeFileSync(membersFile, "customer_id,email\n1001,a@example.com\n1002,b@example.com\n");
  [ongage, ants, providers] = await Promise.all([
    startOngageEmulator({ credentials: ONGAGE_CREDS, defaultListId: LIST }),
    startAntsEmulator({ clients: [ANTS_CLIENT], computeDelayMs: 0 }),
    Promise.all([serializedProvider("ongageSegment"), serializedProvider("antsSegment")]).then(([o, a]) => ({ ongage: o, ants: a })),
  ]);
  ({ host, engine } = await startEngine({
    "ongage:baseUrl": ongage.url,
    "ongage:username": ONGAGE_CREDS.username,
    "ongage:password": ONGAGE_CREDS.password,
    "ongage:accountCode": ONGAGE_CREDS.accountCode,
    "ongage:listId": String(LIST),
    "ongage:timeoutMs": "300",
    "ongage:maxRetries": "4",
    "ongage:retryBaseMs": "20",
    "ongage:requestsPerMinute": "100000",
    "ants:baseUrl": ants.url,
    "ants:authUrl": ants.authUrl,
    "ants:clientId": ANTS_CLIENT.clientId,
    "ants:clientSecret": ANTS_CLIENT.clientSecret,
    "ants:timeoutMs": "300",
    "ants:maxRetries": "4",
    "ants:retryBaseMs": "20",
    "ants:requestsPerMinute": "100000",
  }));
  const onFault = (kind: FaultKind) => faults.set(kind, (faults.get(kind) ?? 0) + 1);
  const common = { rate: RATE, delayMs: 600, retryAfterSeconds: 0.05, onFault };
  ongage.http.setFaultPolicy(randomFaults({ ...common, seed: 11, replies: ONGAGE_FAULT_REPLIES }));
  ants.http.setFaultPolicy(randomFaults({ ...common, seed: 29, replies: ANTS_FAULT_REPLIES }));
}, 120_000);

afterAll(async () => {
  await host?.close();
  await Promise.all([ongage?.close(), ants?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe(`chaos: ${N} Ongage + ${M} ANTS segments, parallel ${PARALLEL}, ${RATE * 100} % faults`, () => {
  it("up converges to exactly the desired set within a bounded number of reruns; the next preview is empty", async () => {
    const runs = await upUntilConverged(1);
    expect(runs).toBeLessThanOrEqual(MAX_RUNS);
    expect(liveOngage()).toHaveLength(N);
    expect(liveAnts()).toHaveLength(M);
    const preview = await engine.preview(desired(1), { parallel: PARALLEL });
    expect(preview.errors).toEqual([]);
    expect(preview.steps.filter((s) => s.op !== "same")).toEqual([]);
    console.log(`chaos up: ${runs} run(s); faults so far ${JSON.stringify(Object.fromEntries(faults))}`);
  }, 120_000);

  it("an edit wave of every definition converges with no lost update", async () => {
    const runs = await upUntilConverged(2);
    expect(liveOngage().map((s) => s.description).filter((d) => d !== "v2")).toEqual([]);
    expect(liveOngage().filter((s) => !JSON.stringify(s.rules).includes("@v2-"))).toEqual([]);
    expect(liveAnts().map((s) => s.conditions.criteria_logic).filter((l) => l !== "or")).toEqual([]);
    const preview = await engine.preview(desired(2), { parallel: PARALLEL });
    expect(preview.steps.filter((s) => s.op !== "same")).toEqual([]);
    console.log(`chaos edit: ${runs} run(s)`);
  }, 120_000);

  it("destroy under the same faults empties both emulators", async () => {
    let runs = 0;
    while (engine.state.resources.length > 0) {
      expect(++runs).toBeLessThanOrEqual(MAX_RUNS);
      collect(await engine.destroy({ parallel: PARALLEL }));
      assertConsistent(`after destroy run ${runs}`);
    }
    expect(liveOngage()).toEqual([]);
    expect(liveAnts()).toEqual([]);
    console.log(`chaos destroy: ${runs} run(s); faults ${JSON.stringify(Object.fromEntries(faults))}`);
  }, 120_000);

  it("credentials appear nowhere: serialized providers, state, host output, error messages", () => {
    expect(faults.size).toBeGreaterThanOrEqual(7);
    const { stdout, stderr } = host.output();
    const haystacks = { providers: providers.ongage + providers.ants, state: JSON.stringify(engine.state), stdout, stderr, messages: messages.join("\n") };
    for (const secret of SECRETS) for (const [where, text] of Object.entries(haystacks)) expect(text.includes(secret), `${where} leaks a credential`).toBe(false);
  });
});
