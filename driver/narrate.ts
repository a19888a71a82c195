import { isSecret } from "./secrets";
import type { StackState, StateResource } from "./state";
import type { RefreshResult, RunError, Step, StepOp } from "./steps";

/**
 * What `npm run demo` says after each step, in sentences a marketer can read: what happened, and why.
 * Only property names and counts are ever printed, never values (they can be contacts' data).
 *
 * A refresh explains itself from evidence, not from names known in advance: each provider's Read
 * returns the resource's definition as `inputs` (each API's `managedPart`, provider/ongage/normalize.ts
 * and provider/ants/normalize.ts) next to its outputs. A changed input property is drift; a changed
 * output property outside the definition is something the API computed (ANTS `serverStatus`), not drift.
 */

/** The API of a type token: `pulumi-nodejs:dynamic/ants:Segment` → `ANTS`. */
export function apiOf(type: string): string {
  const module = /\/([^/:]+):[^:]+$/.exec(type)?.[1] ?? type;
  return API_TITLES[module] ?? module;
}

const API_TITLES: Readonly<Record<string, string>> = { ongage: "Ongage", ants: "ANTS" };

/** `4 Ongage segments`, `1 Ongage ExternalRecipients`: the kind as the resource class names it. */
function kindCount(type: string, n: number): string {
  const kind = type.slice(type.lastIndexOf(":") + 1);
  const noun = kind === "Segment" ? (n === 1 ? "segment" : "segments") : kind;
  return `${n} ${apiOf(type)} ${noun}`;
}

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const PAST: Record<StepOp, string> = { create: "created", update: "updated", replace: "replaced", delete: "deleted", same: "unchanged" };

/** Counts per kind, in first-seen order: `4 Ongage segments, 1 ANTS segment`. */
function byKind(types: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].map(([t, n]) => kindCount(t, n)).join(", ");
}

/** Steps per op, in the order create, update, replace, delete (unchanged ones left out). */
function countOps(steps: readonly Step[]): Array<{ op: Exclude<StepOp, "same">; n: number }> {
  return (["create", "update", "replace", "delete"] as const).map((op) => ({ op, n: steps.filter((s) => s.op === op).length })).filter((x) => x.n > 0);
}

/** One `up`: `up: created 6 resources in 3.4 s (4 Ongage segments, 1 Ongage ExternalRecipients, 1 ANTS segment)`. */
export function narrateUp(steps: readonly Step[], errors: readonly RunError[], elapsedMs: number, typeOf: (urn: string) => string): string {
  const seconds = `${(elapsedMs / 1000).toFixed(1)} s`;
  if (errors.length > 0) return `up: failed after ${seconds} with ${plural(errors.length, "error")} (listed below); the state keeps what was applied, and the next up continues from there`;
  const changed = steps.filter((s) => s.op !== "same");
  if (changed.length === 0) return `up: nothing to do (${seconds}) — all ${plural(steps.length, "resource")} already match the definitions`;
  const ops = countOps(changed);
  const what = ops.length === 1 ? `${PAST[ops[0]!.op]} ${plural(changed.length, "resource")}` : `${ops.map((o) => `${PAST[o.op]} ${o.n}`).join(", ")} of ${plural(changed.length, "resource")}`;
  const unchanged = steps.length - changed.length;
  return `up: ${what} in ${seconds} (${byKind(changed.map((s) => typeOf(s.urn)))})${unchanged > 0 ? `; ${unchanged} unchanged` : ""}`;
}

/** The preview after `up`: empty means the definitions and the accounts agree. */
export function narratePreview(steps: readonly Step[], errors: readonly RunError[]): string {
  if (errors.length > 0) return `preview: failed with ${plural(errors.length, "error")} (listed below); nothing was compared`;
  const pending = steps.filter((s) => s.op !== "same");
  if (pending.length === 0) return "preview: no changes — the definitions match the accounts";
  const ops = countOps(pending).map((o) => `${o.n} to ${o.op}`);
  return `preview: ${plural(pending.length, "pending change")} (${ops.join(", ")}) — the accounts differ from the definitions`;
}

/**
 * Property paths that differ between two JSON values, as users write them (`rules[2].operator`).
 * A secret is compared whole and never entered: its path is named, its content is not looked at.
 * Keys starting with `__` (the engine's `__provider`) are not properties of the resource.
 */
export function changedPaths(before: unknown, after: unknown, path = ""): string[] {
  if (isSecret(before) || isSecret(after)) return JSON.stringify(before) === JSON.stringify(after) ? [] : [path];
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
  if (Array.isArray(before) && Array.isArray(after)) {
    const n = Math.max(before.length, after.length);
    return Array.from({ length: n }, (_, i) => changedPaths(before[i], after[i], `${path}[${i}]`)).flat();
  }
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !k.startsWith("__")).sort();
    return keys.flatMap((k) => changedPaths(before[k], after[k], path === "" ? k : `${path}.${k}`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [path];
}

/** The top-level property of a path: `serverStatus` of `serverStatus.status`, `rules` of `rules[2].operator`. */
const topOf = (path: string) => /^[^.[]+/.exec(path)?.[0] ?? path;

/** `serverStatus (createdAt, status)`, `name`: paths grouped under their top-level property. */
function groupPaths(paths: readonly string[]): string {
  const groups = new Map<string, string[]>();
  for (const p of paths) {
    const top = topOf(p);
    const rest = p.slice(top.length).replace(/^\./, "");
    const list = groups.get(top) ?? [];
    if (rest !== "") list.push(rest);
    groups.set(top, list);
  }
  return [...groups].map(([top, rest]) => (rest.length === 0 ? top : `${top} (${rest.join(", ")})`)).join(", ");
}

/**
 * What one refreshed resource's change was. Drift: a property of the definition (the inputs Read
 * returned, or an output under the same key) differs. Otherwise only outputs outside the definition
 * changed: values the API computed. Neither: only the engine's `__provider` changed.
 */
export function explainRefreshChange(before: StateResource, after: StateResource, createdThisRun: boolean): string {
  const name = before.name;
  const api = apiOf(before.type);
  if (after.id !== before.id) return `${name}: ${api} answered with another id (the id is not shown); check the account before the next up`;
  const definition = new Set([...Object.keys(before.inputs), ...Object.keys(after.inputs)]);
  const outputs = changedPaths(before.outputs, after.outputs);
  const drifted = [...new Set([...changedPaths(before.inputs, after.inputs), ...outputs.filter((p) => definition.has(topOf(p)))])].sort();
  const computed = outputs.filter((p) => !definition.has(topOf(p)));
  if (drifted.length > 0) {
    return `${name}: drift — ${groupPaths(drifted)} changed in ${api} outside Pulumi; the next preview shows the update that applies the definition again`;
  }
  if (computed.length > 0) {
    const when = createdThisRun ? "after the create" : "since the last read";
    return `${name}: ${groupPaths(computed)} changed, computed by ${api} ${when}; no property of the definition changed, so this is not drift`;
  }
  return `${name}: only the serialized provider (\`__provider\`) changed, no property of the segment; this is not drift`;
}

/**
 * A refresh, from the state before it and its result: one sentence, then one per resource that
 * changed, went missing or could not be read.
 */
export function narrateRefresh(before: StackState, refresh: RefreshResult, createdThisRun: ReadonlySet<string>): string[] {
  const total = before.resources.length;
  const changed = refresh.changed.length;
  const gone = refresh.dropped.length;
  const failed = refresh.errors.length;
  if (changed === 0 && gone === 0 && failed === 0) return [`refresh: nothing changed — all ${plural(total, "resource")} read back as the state has them`];
  const parts = [`${changed} changed`, `${gone} gone`, ...(failed > 0 ? [`${failed} not read`] : [])];
  const lines = [`refresh: read ${plural(total, "resource")}: ${parts.join(", ")}`];
  const find = (s: StackState, urn: string) => s.resources.find((r) => r.urn === urn);
  for (const urn of refresh.changed) {
    const old = find(before, urn);
    const now = find(refresh.state, urn);
    lines.push(`  ${old && now ? explainRefreshChange(old, now, createdThisRun.has(urn)) : `${nameOf(urn)}: changed`}`);
  }
  for (const urn of refresh.dropped) {
    const old = find(before, urn);
    lines.push(`  ${nameOf(urn)}: gone from ${old ? apiOf(old.type) : "its account"} (the provider established this with the API); removed from the state, the next up creates it again`);
  }
  for (const e of refresh.errors) lines.push(`  ${nameOf(e.urn)}: could not be read (${e.message}); the state keeps what it had`);
  return lines;
}

/** The parts of a `pulumi-segments review --format json` report the verdict needs (provider/review/report-schema.ts). */
export interface ReviewVerdict {
  summary: { create: number; update: number; replace: number; delete: number };
  policy: { verdict: string; file?: string; findings: ReadonlyArray<{ allowed: boolean }> };
  segments: ReadonlyArray<{ warnings: ReadonlyArray<{ code: string }> }>;
}

/** The review's verdict: `review: policy pass — 3 to update, 2 to replace; 5 warnings for the reviewer (…)`. */
export function narrateReview(report: ReviewVerdict): string {
  const s = report.summary;
  const changes = (["create", "update", "replace", "delete"] as const).flatMap((op) => (s[op] > 0 ? [`${s[op]} to ${op}`] : []));
  const what = changes.length === 0 ? "the planned edit changes nothing" : `the planned edit has ${changes.join(", ")}`;
  const policy = report.policy.file === undefined ? `policy ${report.policy.verdict} (no policy file)` : `policy ${report.policy.verdict} (${report.policy.file})`;
  const codes = new Map<string, number>();
  for (const w of report.segments.flatMap((x) => x.warnings)) codes.set(w.code, (codes.get(w.code) ?? 0) + 1);
  const total = [...codes.values()].reduce((a, b) => a + b, 0);
  const warnings = total === 0 ? "no warnings" : `${plural(total, "warning")} for the reviewer (${[...codes].map(([c, n]) => `${c} ×${n}`).join(", ")})`;
  return `review: ${policy} — ${what}; ${warnings}`;
}

/** The stack outputs, or undefined when there are none (nothing is printed then). */
export function narrateOutputs(outputs: Record<string, unknown> | undefined): string | undefined {
  if (outputs === undefined || Object.keys(outputs).length === 0) return undefined;
  const shown = JSON.stringify(outputs, (_k, v) => (isSecret(v) ? "[secret]" : v && typeof v === "object" && "__pulumiResource" in v ? `<${String(v.__pulumiType)} ${String(v.__name)}>` : v), 2);
  return `outputs: ${shown}`;
}
