import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { Engine, type ProviderHost, type ResourceSpec, type StateResource } from "../../driver";
import { type AntsEmulator, defaultAntsClients } from "../../emulators/ants/server";
import type { StoredSegment } from "../../emulators/ants/store";
import { exportAnts } from "../../provider/definitions/export-ants";
import { TYPES, withEnv } from "../lifecycle/harness";
import { createSeedSegment, token } from "../emulators/ants/client";
import { stopOnErrors, Stopped } from "./outcome";

/**
 * The ANTS lifecycle one variance switch runs: up → preview → refresh → edit (rename A, new file for
 * B) → preview → export → adopt in a fresh stack (file and matchRules filled in, as the export asks)
 * → preview → destroy. Seeded first by another API client, two days before the run: a foreign segment
 * named like A; it may never be adopted, updated or deleted.
 */

export const CLIENT = { clientId: "variance-client", clientSecret: "variance-Client-S3cret" };
/** The account's other API client, which owns the foreign segment. */
export const FOREIGN_CLIENT = defaultAntsClients()[0]!;

export function antsConfig(emu: AntsEmulator): Record<string, string> {
  return {
    "ants:baseUrl": emu.url,
    "ants:authUrl": emu.authUrl,
    "ants:clientId": CLIENT.clientId,
    "ants:clientSecret": CLIENT.clientSecret,
    "ants:updateStrategy": "api",
    "ants:deleteStrategy": "api",
    "ants:maxRetries": "1",
    "ants:retryBaseMs": "10",
  };
}

const opsByName = (steps: Array<{ urn: string; op: string }>) => Object.fromEntries(steps.map((s) => [s.urn.split("::").pop(), s.op]));

interface Context {
  emu: AntsEmulator;
  host: ProviderHost;
  /** Another provider process, for the adoption (another project's `pulumi up`). */
  adoptHost: ProviderHost;
  provider: string;
  dir: string;
  label: string;
}

export interface AntsRun {
  foreign: StoredSegment[];
  states: StateResource[][];
}

export async function startAntsRun(emu: AntsEmulator): Promise<AntsRun> {
  const id = await createSeedSegment(emu, await token(emu), "Variance A");
  const seg = emu.store.getSegment(id)!;
  // Two days old: outside the interrupted-create window, whose refusals are test/lifecycle/segment-ownership.test.ts's.
  const twoDaysAgo = Date.now() - 48 * 3_600_000;
  Object.assign(seg, { ctime: twoDaysAgo, utime: twoDaysAgo, submittedAt: twoDaysAgo });
  return { foreign: [structuredClone(seg)], states: [] };
}

function members(dir: string, name: string, rows: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, ["customer_id\temail", ...rows].join("\n") + "\n");
  return path;
}

const matchRules = [{ column: "customer_id", attribute: "customer_id" }, { column: "email", attribute: "email" }];

export async function antsLifecycle(ctx: Context, run: AntsRun): Promise<void> {
  const { emu, host, provider, dir } = ctx;
  const fileA = members(dir, `${ctx.label}-a.csv`, ["1\ta@example.com"]);
  const fileB = members(dir, `${ctx.label}-b.csv`, ["2\tb@example.com"]);
  const segment = (name: string, key: string, file: string): ResourceSpec => ({
    type: TYPES.antsSegment, name: key, inputs: { name, audience: "customer", file: { path: file }, matchRules, schedule: { type: "static" }, __provider: provider },
  });
  const program = (v: 1 | 2) => [segment(v === 1 ? "Variance A" : "Variance A v2", "a", fileA), segment("Variance B", "b", fileB)];

  const engine = new Engine({ host, project: "variance", stack: `ants-${ctx.label}` });
  run.states.push(engine.state.resources);
  const up = await engine.up(program(1));
  run.states[0] = engine.state.resources;
  stopOnErrors("up", up);
  expect(opsByName(up.steps)).toEqual({ a: "create", b: "create" });

  const preview = await engine.preview(program(1));
  stopOnErrors("preview", preview);
  expect(opsByName(preview.steps), "preview right after up shows changes").toEqual({ a: "same", b: "same" });

  // The first refresh fills in serverStatus (not read after create); the managed part must not move.
  const managed = () => engine.state.resources.map(({ name, id, outputs: { serverStatus: _s, ...rest } }) => ({ name, id, rest }));
  const before = managed();
  const refresh = await engine.refresh();
  run.states[0] = engine.state.resources;
  stopOnErrors("refresh", refresh);
  expect(refresh.dropped, "refresh dropped a live segment").toEqual([]);
  expect(managed(), "refresh right after up changed managed outputs").toEqual(before);
  const ids = Object.fromEntries(engine.state.resources.map((r) => [r.name, r.id]));

  members(dir, `${ctx.label}-b.csv`, ["2\tb@example.com", "3\tc@example.com"]);
  const edit = await engine.up(program(2));
  run.states[0] = engine.state.resources;
  stopOnErrors("edit", edit);
  expect(opsByName(edit.steps)).toEqual({ a: "update", b: "update" });
  expect(Object.fromEntries(engine.state.resources.map((r) => [r.name, r.id]))).toEqual(ids);
  const again = await engine.preview(program(2));
  stopOnErrors("preview after edit", again);
  expect(opsByName(again.steps)).toEqual({ a: "same", b: "same" });

  const exported = await exportWith(emu, exportAnts);
  const ours = exported.files.filter((f) => ["Variance A v2", "Variance B"].includes(String(f.definition.spec.name)));
  expect(ours.map((f) => f.definition.spec.name).sort(), "export lists each of the program's segments once").toEqual(["Variance A v2", "Variance B"]);
  const adoptSpecs = ours.map((f): ResourceSpec => {
    const b = f.definition.spec.name === "Variance B";
    return { type: TYPES.antsSegment, name: b ? "b" : "a", inputs: { ...f.definition.spec, file: { path: b ? fileB : fileA }, matchRules, __provider: provider } };
  });

  const adopter = new Engine({ host: ctx.adoptHost, project: "variance", stack: `ants-adopt-${ctx.label}` });
  run.states.push(adopter.state.resources);
  const creates = () => emu.http.requests.filter((r) => r.path.endsWith("/segment/create")).length;
  const createsBefore = creates();
  const adopt = await adopter.up(adoptSpecs);
  run.states[1] = adopter.state.resources;
  stopOnErrors("adopt", adopt);
  expect(creates(), "adoption created a new segment").toBe(createsBefore);
  expect(Object.fromEntries(adopter.state.resources.map((r) => [r.name, r.id]))).toEqual(ids);
  // The next \`pulumi\` command is another provider process than the adoption's (provider/pulumi/claims.ts):
  // played by the first host, which has not taken these segments over.
  const next = new Engine({ host: ctx.host, project: "variance", stack: `ants-adopt-${ctx.label}` });
  next.state = adopter.state;
  const afterAdopt = await next.preview(adoptSpecs);
  stopOnErrors("preview after adopt", afterAdopt);
  expect(opsByName(afterAdopt.steps)).toEqual({ a: "same", b: "same" });

  const destroy = await next.destroy();
  run.states[1] = next.state.resources;
  stopOnErrors("destroy", destroy);
  expect(next.state.resources).toEqual([]);
  expect(emu.store.getSegment(Number(ids.a))).toBeUndefined();
}

/** Runs the export as the CLI does: settings from ANTS_* variables, here pointing at the emulator. */
async function exportWith<T>(emu: AntsEmulator, fn: () => Promise<T>): Promise<T> {
  const env = { ANTS_BASE_URL: emu.url, ANTS_AUTH_URL: emu.authUrl, ANTS_CLIENT_ID: CLIENT.clientId, ANTS_CLIENT_SECRET: CLIENT.clientSecret, ANTS_MAX_RETRIES: "1", ANTS_RETRY_BASE_MS: "10" };
  try {
    return await withEnv(env, fn);
  } catch (err) {
    throw new Stopped("export", (err as Error).message);
  }
}

export function antsInvariants(emu: AntsEmulator, run: AntsRun): void {
  for (const f of run.foreign) expect(emu.store.getSegment(f.segmentId), `foreign segment ${f.segmentId} ("${f.segmentDisplay}") was touched`).toEqual(f);
  const foreignIds = new Set(run.foreign.map((f) => f.segmentId));
  const live = emu.store.allSegments().filter((s) => !foreignIds.has(s.segmentId));
  const names = live.map((s) => s.segmentDisplay);
  expect(new Set(names).size, `duplicate segments: ${names.join(", ")}`).toBe(names.length);
  expect(live.length, "more segments exist than the program declares").toBeLessThanOrEqual(2);
  const inState = new Set(run.states.flat().map((r) => r.id));
  for (const s of live) expect(inState.has(String(s.segmentId)), `segment ${s.segmentId} ("${s.segmentDisplay}") exists but no state holds it`).toBe(true);
  for (const r of run.states.flat()) {
    expect(r.id, `state entry ${r.name} has no id`).toMatch(/^\d+$/);
    expect(Object.keys(r.outputs).length, `state entry ${r.name} has empty outputs`).toBeGreaterThan(2);
  }
}
