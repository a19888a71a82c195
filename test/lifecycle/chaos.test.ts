import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ResourceSpec } from "../../driver";
import { randomFaults, type FaultKind } from "../../emulators/harness/faults";
import { ANTS_FAULT_REPLIES } from "../../emulators/ants/routes";
import { ONGAGE_FAULT_REPLIES } from "../../emulators/ongage/routes";
import { antsConfig, ongageConfig, specs, TYPES } from "./harness";
import { runCase, type CaseContext, type LifecycleCase, type StepResult } from "./steps";

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
/** Delayed faults answer after 600 ms, when the client (timeout 300 ms) has given up: such a request of an `up` lands in the log later. */
const SETTLE_MS = 1500;
const TRANSPORT = { timeoutMs: "300", maxRetries: "4", retryBaseMs: "20", requestsPerMinute: "100000" };

/** What the case keeps across its steps: the faults injected, every error message, the members file. */
interface Kept {
  faults: Map<FaultKind, number>;
  /** Step → how many runs it took. */
  runs: Record<string, number>;
  messages: string[];
  membersFile: string;
}
const kept = (ctx: CaseContext) => ctx.kept as Kept;

const desired = (version: 1 | 2) => (ctx: CaseContext): ResourceSpec[] => {
  const o: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < N; i++) {
    o[`o${i}`] = { name: `chaos ongage ${i}`, description: `v${version}`, rules: [{ type: "email", field: "email", operator: "LIKE", values: [`@v${version}-${i}.example.com`] }] };
  }
  const a: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < M; i++) {
    a[`a${i}`] = {
      name: `chaos ants ${i}`,
      audience: "customer",
      file: { path: kept(ctx).membersFile },
      matchRules: [{ column: "customer_id", attribute: "customer_id" }, { column: "email", attribute: "email" }],
      logic: version === 1 ? "and" : "or",
      schedule: { type: "static" },
    };
  }
  return [...specs(TYPES.ongageSegment, ctx.providers.ongageSegment, o), ...specs(TYPES.antsSegment, ctx.providers.antsSegment, a)];
};

const liveOngage = (ctx: CaseContext) => ctx.ongage.store.allSegments().filter((s) => s.deleted === "0");
const liveAnts = (ctx: CaseContext) => ctx.ants.store.allSegments();

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}

/** After every run: its messages kept; state and API agree (every state id exists remotely, every remote segment is in state, names are unique). */
function consistent(what: string) {
  return (ctx: CaseContext, result: StepResult, run: number) => {
    for (const e of result.errors) kept(ctx).messages.push(e.message);
    for (const s of result.run?.steps ?? []) if (s.error) kept(ctx).messages.push(s.error);
    kept(ctx).runs[what] = run;
    const when = `after ${what} run ${run}`;
    const resources = ctx.engine.state.resources;
    const stateIds = {
      ongage: new Set(resources.filter((r) => r.type === TYPES.ongageSegment).map((r) => r.id)),
      ants: new Set(resources.filter((r) => r.type === TYPES.antsSegment).map((r) => r.id)),
    };
    const remote = { ongage: new Set(liveOngage(ctx).map((s) => s.id)), ants: new Set(liveAnts(ctx).map((s) => String(s.segmentId))) };
    const missing = [...stateIds.ongage].filter((id) => !remote.ongage.has(id)).concat([...stateIds.ants].filter((id) => !remote.ants.has(id)));
    const orphans = [...remote.ongage].filter((id) => !stateIds.ongage.has(id)).concat([...remote.ants].filter((id) => !stateIds.ants.has(id)));
    const duplicates = [...countBy(liveOngage(ctx), (s) => s.name), ...countBy(liveAnts(ctx), (s) => s.segmentDisplay)].filter(([, n]) => n > 1);
    expect({ when, missing, orphans, duplicates }, requestsFor(ctx, [...missing, ...orphans])).toEqual({ when, missing: [], orphans: [], duplicates: [] });
  };
}

/** On a mismatch, the emulators' request log for the offending ids (and the POSTs), to read what happened. */
function requestsFor(ctx: CaseContext, ids: string[]): string | undefined {
  if (ids.length === 0) return undefined;
  // An orphan's create is found by its name (the POST does not carry the id yet).
  const names = [...liveOngage(ctx).filter((s) => ids.includes(s.id)).map((s) => s.name), ...liveAnts(ctx).filter((s) => ids.includes(String(s.segmentId))).map((s) => s.segmentDisplay)];
  const lines = ctx
    .requests()
    .filter((r) => ids.some((id) => r.path.includes(id) || r.body.includes(id)) || names.some((n) => r.body.includes(JSON.stringify(n))))
    .sort((a, b) => a.at - b.at)
    .map((r) => `${new Date(r.at).toISOString()} ${r.api} ${r.method} ${r.path} ${r.status === 0 ? "(no answer: reset, dropped or abandoned)" : r.status}`);
  return `request log for ${ids.join(", ")}:\n${lines.join("\n")}`;
}

const report = (ctx: CaseContext) => `runs ${JSON.stringify(kept(ctx).runs)}; faults so far ${JSON.stringify(Object.fromEntries(kept(ctx).faults))}`;

const chaos: LifecycleCase = {
  name: `${N} Ongage + ${M} ANTS segments, parallel ${PARALLEL}, ${RATE * 100} % faults: up, an edit wave and destroy converge`,
  emulators: { ongage: { credentials: ONGAGE_CREDS, defaultListId: LIST }, ants: { clients: [ANTS_CLIENT] } },
  config: (e) => ({
    ...ongageConfig(e.ongage!, Object.fromEntries(Object.entries(TRANSPORT).map(([k, v]) => [`ongage:${k}`, v]))),
    ...antsConfig(e.ants!, ANTS_CLIENT, Object.fromEntries(Object.entries(TRANSPORT).map(([k, v]) => [`ants:${k}`, v]))),
  }),
  setup: (ctx) => {
    const k: Kept = { faults: new Map(), runs: {}, messages: [], membersFile: join(ctx.dir, "members.csv") };
    Object.assign(ctx.kept, k);
    writeFileSync(k.membersFile, "customer_id,email\n1001,a@example.com\n1002,b@example.com\n");
    const onFault = (kind: FaultKind) => k.faults.set(kind, (k.faults.get(kind) ?? 0) + 1);
    const common = { rate: RATE, delayMs: 600, retryAfterSeconds: 0.05, onFault };
    ctx.ongage.http.setFaultPolicy(randomFaults({ ...common, seed: 11, replies: ONGAGE_FAULT_REPLIES }));
    ctx.ants.http.setFaultPolicy(randomFaults({ ...common, seed: 29, replies: ANTS_FAULT_REPLIES }));
  },
  steps: [
    {
      name: "up converges to exactly the desired set within a bounded number of reruns (the automatic preview is then empty)",
      op: "up",
      program: desired(1),
      parallel: PARALLEL,
      settleMs: SETTLE_MS,
      rerun: { max: MAX_RUNS, afterEach: consistent("up v1") },
      expect: {
        remote: (ctx) => {
          expect(liveOngage(ctx)).toHaveLength(N);
          expect(liveAnts(ctx)).toHaveLength(M);
        },
      },
      check: (ctx) => console.log(`chaos up: ${report(ctx)}`),
    },
    {
      name: "an edit wave of every definition converges with no lost update",
      op: "up",
      program: desired(2),
      parallel: PARALLEL,
      settleMs: SETTLE_MS,
      rerun: { max: MAX_RUNS, afterEach: consistent("up v2") },
      expect: {
        remote: (ctx) => {
          expect(liveOngage(ctx).map((s) => s.description).filter((d) => d !== "v2")).toEqual([]);
          expect(liveOngage(ctx).filter((s) => !JSON.stringify(s.rules).includes("@v2-"))).toEqual([]);
          expect(liveAnts(ctx).map((s) => s.conditions.criteria_logic).filter((l) => l !== "or")).toEqual([]);
        },
      },
    },
    {
      name: "destroy under the same faults empties both emulators",
      op: "destroy",
      parallel: PARALLEL,
      rerun: { max: MAX_RUNS, afterEach: consistent("destroy") },
      expect: {
        state: (s) => expect(s.resources).toEqual([]),
        remote: (ctx) => {
          expect(liveOngage(ctx)).toEqual([]);
          expect(liveAnts(ctx)).toEqual([]);
        },
      },
      check: (ctx) => console.log(`chaos destroy: ${report(ctx)}`),
    },
  ],
  // The runner checks state and the host's output for the credentials; here the rest.
  after: (ctx) => {
    expect(kept(ctx).faults.size).toBeGreaterThanOrEqual(7);
    const haystacks = { providers: ctx.providers.ongageSegment + ctx.providers.antsSegment, messages: kept(ctx).messages.join("\n") };
    for (const secret of SECRETS) for (const [where, text] of Object.entries(haystacks)) expect(text.includes(secret), `${where} leaks a credential`).toBe(false);
  },
};

describe("chaos", () => {
  it(chaos.name, () => runCase(chaos), 360_000);
});
