import { expect } from "vitest";
import { Engine, type ProviderHost, type StateResource } from "../../driver";
import type { OngageEmulator, StoredSegment } from "../../emulators/ongage/server";
import { createSegmentBody } from "../../emulators/ongage/request-schemas";
import { exportOngage } from "../../provider/definitions/export-ongage";
import { specs, TYPES, withEnv } from "../lifecycle/harness";
import { stopOnErrors, Stopped } from "./outcome";

/**
 * The Ongage lifecycle one variance switch runs: up → preview → refresh → (a campaign starts using B)
 * → edit → preview → export → adopt in a fresh stack → preview → destroy (B refused while the campaign
 * uses it) → campaign cancelled → destroy. Seeded first: a foreign segment with A's name in the same
 * list and one with B's name in another list, both older than the run; neither may be touched.
 */

export const CREDS = { username: "variance-user", password: "variance-S3cret-pw", accountCode: "VARIANCE" };
export const LIST = 10000;
export const OTHER_LIST = 20000;

export function ongageConfig(emu: OngageEmulator): Record<string, string> {
  return {
    "ongage:baseUrl": emu.url,
    "ongage:username": CREDS.username,
    "ongage:password": CREDS.password,
    "ongage:accountCode": CREDS.accountCode,
    "ongage:listId": String(LIST),
    "ongage:maxRetries": "1",
    "ongage:retryBaseMs": "10",
  };
}

const definitions = (v: 1 | 2): Record<string, Record<string, unknown>> => ({
  a: { name: v === 1 ? "Variance A" : "Variance A v2", rules: [{ type: "email", field: "email", operator: "LIKE", values: [v === 1 ? "gmail" : "yahoo"] }] },
  b: { name: "Variance B", rules: [{ type: "string", field: "first_name", operator: "=", values: [v === 1 ? "Ann" : "Bob"] }] },
});

const opsByName = (steps: Array<{ urn: string; op: string }>) => Object.fromEntries(steps.map((s) => [s.urn.split("::").pop(), s.op]));

interface Context {
  emu: OngageEmulator;
  host: ProviderHost;
  /** Another provider process, for the adoption (another project's `pulumi up`). */
  adoptHost: ProviderHost;
  provider: string;
  label: string;
}

/** What the invariants need: the foreign segments as seeded, the campaign, and every engine's state. */
export interface OngageRun {
  foreign: StoredSegment[];
  campaignId?: string;
  campaignCancelled: boolean;
  states: StateResource[][];
}

function seedForeign(emu: OngageEmulator): StoredSegment[] {
  const email = emu.store.list(LIST)!.fields.find((f) => f.name === "email")!.id;
  const hourAgo = String(emu.store.nowSeconds() - 3600);
  const make = (listId: number, name: string) => {
    const body = createSegmentBody.parse({ name, type: "Active", criteria: listId === LIST ? [{ field_id: email, type: "email", position: 0, operator: "LIKE", operand: ["foreign"], condition: "and" }] : [] });
    const s = emu.store.createSegment(listId, body);
    Object.assign(s, { created: hourAgo, modified: hourAgo, user_modified: hourAgo });
    return structuredClone(s);
  };
  return [make(LIST, "Variance A"), make(OTHER_LIST, "Variance B")];
}

export function startOngageRun(emu: OngageEmulator): OngageRun {
  return { foreign: seedForeign(emu), campaignCancelled: false, states: [] };
}

export async function ongageLifecycle(ctx: Context, run: OngageRun): Promise<void> {
  const { emu, host, provider } = ctx;
  const program = (v: 1 | 2) => specs(TYPES.ongageSegment, provider, definitions(v));
  const engine = new Engine({ host, project: "variance", stack: `ongage-${ctx.label}` });
  run.states.push(engine.state.resources);

  const up = await engine.up(program(1));
  run.states[0] = engine.state.resources;
  stopOnErrors("up", up);
  expect(opsByName(up.steps)).toEqual({ a: "create", b: "create" });

  const preview = await engine.preview(program(1));
  stopOnErrors("preview", preview);
  expect(opsByName(preview.steps), "preview right after up shows changes").toEqual({ a: "same", b: "same" });

  const refresh = await engine.refresh();
  run.states[0] = engine.state.resources;
  stopOnErrors("refresh", refresh);
  expect(refresh.dropped, "refresh dropped a live segment").toEqual([]);
  expect(refresh.changed, "refresh right after up changed outputs").toEqual([]);

  const ids = Object.fromEntries(engine.state.resources.map((r) => [r.name, r.id]));
  run.campaignId = emu.store.createMailing({ listId: LIST, name: "uses B", segments: [Number(ids.b)], status: "Scheduled" }).id;

  const edit = await engine.up(program(2));
  run.states[0] = engine.state.resources;
  stopOnErrors("edit", edit);
  expect(opsByName(edit.steps)).toEqual({ a: "update", b: "update" });
  expect(Object.fromEntries(engine.state.resources.map((r) => [r.name, r.id]))).toEqual(ids);
  const again = await engine.preview(program(2));
  stopOnErrors("preview after edit", again);
  expect(opsByName(again.steps)).toEqual({ a: "same", b: "same" });

  const exported = await exportWith(emu, () => exportOngage({ listId: LIST }));
  const ours = exported.files.filter((f) => ["Variance A v2", "Variance B"].includes(String(f.definition.spec.name)));
  expect(ours.map((f) => f.definition.spec.name).sort(), "export lists each of the program's segments once").toEqual(["Variance A v2", "Variance B"]);
  const adoptSpecs = ours.map((f) => ({ type: TYPES.ongageSegment, name: f.definition.spec.name === "Variance B" ? "b" : "a", inputs: { ...f.definition.spec, __provider: provider } }));

  const adopter = new Engine({ host: ctx.adoptHost, project: "variance", stack: `ongage-adopt-${ctx.label}` });
  run.states.push(adopter.state.resources);
  const posts = () => emu.http.requests.filter((r) => r.method === "POST" && /\/api\/segments\/?$/.test(r.path)).length;
  const postsBefore = posts();
  const adopt = await adopter.up(adoptSpecs);
  run.states[1] = adopter.state.resources;
  stopOnErrors("adopt", adopt);
  expect(posts(), "adoption posted a new segment").toBe(postsBefore);
  expect(Object.fromEntries(adopter.state.resources.map((r) => [r.name, r.id]))).toEqual(ids);
  // The next \`pulumi\` command is another provider process than the adoption's (provider/pulumi/claims.ts):
  // played by the first host, which has not taken these segments over.
  const next = new Engine({ host: ctx.host, project: "variance", stack: `ongage-adopt-${ctx.label}` });
  next.state = adopter.state;
  const afterAdopt = await next.preview(adoptSpecs);
  stopOnErrors("preview after adopt", afterAdopt);
  expect(opsByName(afterAdopt.steps)).toEqual({ a: "same", b: "same" });

  const destroy = await next.destroy();
  run.states[1] = next.state.resources;
  const otherErrors = destroy.errors.filter((e) => !e.urn.endsWith("::b"));
  if (otherErrors.length > 0) stopOnErrors("destroy", { ...destroy, errors: otherErrors });
  const refusal = destroy.errors.find((e) => e.urn.endsWith("::b"));
  expect(refusal, "destroy deleted B although a Scheduled campaign uses it").toBeDefined();
  if (!/campaign/i.test(refusal!.message)) stopOnErrors("destroy", { ...destroy, errors: [refusal!] });
  expect(emu.store.rawSegment(Number(ids.a))?.deleted).toBe("1");

  emu.store.cancelMailing(LIST, Number(run.campaignId));
  run.campaignCancelled = true;
  const last = await next.destroy();
  run.states[1] = next.state.resources;
  stopOnErrors("destroy after the campaign ended", last);
  expect(next.state.resources).toEqual([]);
}

/** Runs the export as the CLI does: settings from ONGAGE_* variables, here pointing at the emulator. */
async function exportWith<T>(emu: OngageEmulator, fn: () => Promise<T>): Promise<T> {
  const env = { ONGAGE_BASE_URL: emu.url, ONGAGE_USERNAME: CREDS.username, ONGAGE_PASSWORD: CREDS.password, ONGAGE_ACCOUNT_CODE: CREDS.accountCode, ONGAGE_LIST_ID: String(LIST), ONGAGE_MAX_RETRIES: "1", ONGAGE_RETRY_BASE_MS: "10" };
  try {
    return await withEnv(env, fn);
  } catch (err) {
    throw new Stopped("export", (err as Error).message);
  }
}

/** Nothing silently wrong, whatever step the lifecycle reached. */
export function ongageInvariants(emu: OngageEmulator, run: OngageRun): void {
  for (const f of run.foreign) expect(emu.store.rawSegment(Number(f.id)), `foreign segment ${f.id} ("${f.name}") was touched`).toEqual(f);
  const foreignIds = new Set(run.foreign.map((f) => f.id));
  const live = emu.store.allSegments().filter((s) => s.deleted === "0" && !foreignIds.has(s.id));
  const names = live.map((s) => `${s.list_id}/${s.name}`);
  expect(new Set(names).size, `duplicate segments: ${names.join(", ")}`).toBe(names.length);
  const created = emu.store.allSegments().filter((s) => !foreignIds.has(s.id));
  expect(created.length, "more segments were created than the program declares").toBeLessThanOrEqual(2);
  const inState = new Set(run.states.flat().map((r) => r.id));
  for (const s of live) expect(inState.has(s.id), `segment ${s.id} ("${s.name}") exists but no state holds it`).toBe(true);
  for (const r of run.states.flat()) {
    expect(r.id, `state entry ${r.name} has no id`).toMatch(/^\d+$/);
    expect(Object.keys(r.outputs).length, `state entry ${r.name} has empty outputs`).toBeGreaterThan(2);
  }
  if (run.campaignId !== undefined) {
    const status = emu.store.rawMailing(run.campaignId)?.status;
    expect(status, "the campaign was unscheduled without ongage:deleteInUse allow").toBe(run.campaignCancelled ? "60006" : "60002");
  }
}
