import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { REVIEW_KINDS, ReviewInputError, type Change, type ChangeSet, type ResourceSide, type ReviewKind, type ReviewOp, type Unchanged } from "./change-set";
import { canonicalFromInputs, managedPart } from "../ongage";
import { ValidSegmentInputs } from "../ongage";
import { CanonicalSegment } from "../ongage";
import { sameCanonical } from "../pulumi/canonical";
import { containsUnknown } from "../pulumi/unknowns";
import { dataRows, sha256Hex } from "./ants-logic";
import { UNKNOWN, asObject, type Json } from "./values";

/**
 * Reads a preview digest exactly as `pulumi preview --json` prints it (docs/pulumi-preview-json.md):
 * `steps[]` with `op`, `urn`, `oldState`, `newState`, `diffReasons`, `replaceReasons`; secrets as
 * "[secret]" and unknowns as the engine's sentinel anywhere in inputs and outputs.
 */

const Resource = z
  .object({
    urn: z.string().optional(),
    id: z.string().optional(),
    type: z.string().optional(),
    custom: z.boolean().optional(),
    inputs: z.record(z.string(), z.unknown()).nullable().optional(),
    outputs: z.record(z.string(), z.unknown()).nullable().optional(),
    parent: z.string().optional(),
    dependencies: z.array(z.string()).nullable().optional(),
  })
  .loose();

const Step = z
  .object({
    op: z.string(),
    urn: z.string(),
    provider: z.string().optional(),
    oldState: Resource.nullable().optional(),
    newState: Resource.nullable().optional(),
    diffReasons: z.array(z.string()).nullable().optional(),
    replaceReasons: z.array(z.string()).nullable().optional(),
    detailedDiff: z.unknown().optional(),
  })
  .loose();

const Diagnostic = z.object({ urn: z.string().optional(), prefix: z.string().optional(), message: z.string().optional(), severity: z.string().optional() }).loose();

export const PreviewDigest = z
  .object({
    config: z.record(z.string(), z.unknown()).optional(),
    steps: z.array(Step).nullable().optional(),
    diagnostics: z.array(Diagnostic).nullable().optional(),
    duration: z.number().optional(),
    changeSummary: z.record(z.string(), z.number()).nullable().optional(),
    maybeCorrupt: z.boolean().optional(),
  })
  .loose();
export type PreviewDigest = z.infer<typeof PreviewDigest>;
type DigestStep = z.infer<typeof Step>;

const DIGEST_KEYS = ["steps", "changeSummary", "diagnostics", "duration", "config"];

/** `urn:pulumi:<stack>::<project>::<[parent$]type>::<name>` → type (last of the chain) and name. */
export function parseUrn(urn: string): { stack: string; project: string; type: string; name: string } | undefined {
  const m = /^urn:pulumi:([^:]*)::([^:]*)::(.+?)::(.*)$/s.exec(urn);
  if (!m) return undefined;
  const chain = m[3]!.split("$");
  return { stack: m[1]!, project: m[2]!, type: chain[chain.length - 1]!, name: m[4]! };
}

function side(state: z.infer<typeof Resource> | null | undefined): ResourceSide | undefined {
  if (!state) return undefined;
  const inputs = { ...(state.inputs ?? {}) };
  delete inputs.__provider;
  const outputs = state.outputs ? { ...state.outputs } : undefined;
  if (outputs) delete outputs.__provider;
  return { id: state.id === "" ? undefined : state.id, inputs, outputs };
}

const where = (i: number, key?: string) => `steps[${i}]${key ? `.${key}` : ""}`;

/** Parses digest text; every problem is a ReviewInputError naming the source and the property path. */
export function parseDigest(text: string, source: string): PreviewDigest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const trimmed = text.trim();
    const hint = trimmed === "" ? "it is empty" : /^[^{[]/.test(trimmed) ? "it does not start with a JSON object (was `pulumi preview` run with --json, without other output on stdout?)" : (err as Error).message;
    throw new ReviewInputError(`${source} is not a preview digest: not JSON: ${hint}`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ReviewInputError(`${source} is not a preview digest: expected the JSON object \`pulumi preview --json\` prints, got ${Array.isArray(raw) ? "an array" : raw === null ? "null" : typeof raw}`);
  }
  if (!DIGEST_KEYS.some((k) => k in raw)) {
    throw new ReviewInputError(`${source} is not a preview digest: none of ${DIGEST_KEYS.join(", ")} is present (expected the output of \`pulumi preview --json\`)`);
  }
  const parsed = PreviewDigest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "");
    throw new ReviewInputError(`${source} is not a preview digest: ${path || "(document)"}: ${issue.message}`);
  }
  parsed.data.steps?.forEach((s, i) => {
    if (!parseUrn(s.urn)) throw new ReviewInputError(`${source} is not a preview digest: ${where(i, "urn")}: not a Pulumi URN: ${JSON.stringify(s.urn.slice(0, 120))}`);
  });
  return parsed.data;
}

const STEP_OPS: Record<string, ReviewOp | "same" | "create-replacement" | "delete-replaced"> = {
  create: "create",
  update: "update",
  replace: "replace",
  delete: "delete",
  same: "same",
  "create-replacement": "create-replacement",
  "delete-replaced": "delete-replaced",
  // An import adopts an existing resource: for a reviewer, the segment becomes managed as written.
  import: "update",
  "import-replacement": "replace",
};

/**
 * The segment changes of a digest. Member file rows are counted from `projectDir` (where the program
 * ran, so where relative member file paths point) when the file there has the planned sha256.
 */
export function changeSetFromDigest(digest: PreviewDigest, projectDir: string): ChangeSet {
  const changes = new Map<string, Change>();
  const unchanged: Unchanged[] = [];
  const notes: string[] = [];
  const nameOfUrn = (urn: string) => parseUrn(urn)?.name ?? urn;
  const halves = new Map<string, { create?: DigestStep; delete?: DigestStep }>();

  for (const step of digest.steps ?? []) {
    const urn = parseUrn(step.urn)!;
    const kind = (REVIEW_KINDS as Record<string, ReviewKind>)[urn.type];
    if (!kind) continue;
    const op = STEP_OPS[step.op];
    if (op === undefined) continue; // read, refresh, discard, remove-pending-replace: no change to a segment
    if (op === "same") {
      const s = side(step.newState ?? step.oldState);
      if (s) unchanged.push({ name: urn.name, kind, side: s });
      continue;
    }
    if (op === "create-replacement" || op === "delete-replaced") {
      const h = halves.get(step.urn) ?? {};
      h[op === "create-replacement" ? "create" : "delete"] = step;
      halves.set(step.urn, h);
      continue;
    }
    const before = op === "create" ? undefined : side(step.oldState);
    const after = op === "delete" ? undefined : side(step.newState);
    changes.set(step.urn, {
      name: urn.name,
      kind,
      op,
      urn: step.urn,
      before,
      after,
      dependsOn: (step.newState?.dependencies ?? []).map(nameOfUrn),
      replaceReasons: op === "replace" ? (step.replaceReasons ?? undefined) : undefined,
    });
  }
  // --show-replacement-steps: the two halves of a replacement, when no `replace` step names it.
  for (const [urnText, h] of halves) {
    if (changes.has(urnText)) continue;
    const urn = parseUrn(urnText)!;
    const kind = (REVIEW_KINDS as Record<string, ReviewKind>)[urn.type]!;
    const created = h.create;
    changes.set(urnText, {
      name: urn.name,
      kind,
      op: "replace",
      urn: urnText,
      before: side(h.delete?.oldState ?? created?.oldState),
      after: side(created?.newState),
      dependsOn: (created?.newState?.dependencies ?? []).map(nameOfUrn),
      replaceReasons: created?.replaceReasons ?? undefined,
    });
  }
  const settled = settleStableReferences([...changes.values()]);
  for (const c of settled.unchanged) {
    changes.delete(c.urn!);
    unchanged.push({ name: c.name, kind: c.kind, side: c.after! });
  }
  if (settled.unchanged.length > 0) {
    notes.push(`${settled.unchanged.map((c) => `\`${c.name}\``).join(", ")}: shown by the preview as ${settled.unchanged.length === 1 ? "an update" : "updates"} only because ${settled.unchanged.length === 1 ? "it refers" : "they refer"} to updated segments, whose ids are unknown during a preview but do not change; nothing changes in ${settled.unchanged.length === 1 ? "it" : "them"}`);
  }
  const errors = (digest.diagnostics ?? []).filter((d) => d.severity === "error");
  if (errors.length > 0) notes.push(`pulumi preview reported ${errors.length} error${errors.length === 1 ? "" : "s"}: the plan may be incomplete (see the preview's own output)`);
  if (digest.maybeCorrupt) notes.push("the preview says its output may be corrupt");

  const rowsCache = new Map<string, number | undefined>();
  const memberRows = (path: string, sha256: string | undefined, delimiter: string | undefined) => {
    const key = `${path}\u0000${sha256 ?? ""}`;
    if (!rowsCache.has(key)) {
      let rows: number | undefined;
      try {
        const content = readFileSync(resolve(projectDir, path));
        if (sha256 === undefined || sha256Hex(content) === sha256) rows = dataRows(content, delimiter as never);
      } catch {
        rows = undefined;
      }
      rowsCache.set(key, rows);
    }
    return rowsCache.get(key);
  };
  return { source: "preview", changes: [...changes.values()], unchanged, notes, memberRows };
}

/** Reads a digest file (`-` = stdin text already read by the caller). */
export function readDigestFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ReviewInputError(`cannot read ${path}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`);
  }
}

/** The segment rules of inputs (flat `rules`, or the rules inside a `match` tree). */
function segmentRules(inputs: Json): Json[] {
  const out: Json[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    const o = asObject(v);
    if (!o) return;
    if (o.type === "segment") out.push(o);
    if (Array.isArray(o.all)) walk(o.all);
    if (Array.isArray(o.any)) walk(o.any);
  };
  walk(inputs.rules);
  walk(inputs.match);
  return out;
}

/**
 * During a preview, every output of an updated resource is unknown, so a segment whose rules refer
 * to an updated segment receives unknown ids and `check` keeps its raw inputs. An update keeps the
 * segment id: when the unknown ids of one segment rule are exactly the dependencies being updated,
 * they are those dependencies' ids. The inputs then become canonical again; a segment that differs
 * in nothing else is not a change at all (at apply time its step is `same`).
 */
function settleStableReferences(changes: Change[]): { unchanged: Change[] } {
  const byName = new Map(changes.map((c) => [c.name, c]));
  const unchanged: Change[] = [];
  for (const c of changes) {
    if (c.kind !== "ongage.Segment" || !c.after || !containsUnknown(c.after.inputs)) continue;
    const deps = c.dependsOn.map((n) => byName.get(n)).filter((d): d is Change => d !== undefined && d.kind === "ongage.Segment");
    if (deps.some((d) => d.op !== "update")) continue;
    const stable = deps.map((d) => d.before?.outputs?.segmentId ?? d.before?.id).filter((id): id is string => typeof id === "string");
    const inputs = structuredClone(c.after.inputs);
    const holders = segmentRules(inputs).filter((r) => Array.isArray(r.segmentIds) && r.segmentIds.includes(UNKNOWN));
    if (holders.length !== 1 || stable.length !== deps.length) continue;
    const rule = holders[0]!;
    const ids = rule.segmentIds as unknown[];
    if (ids.filter((x) => x === UNKNOWN).length !== stable.length) continue;
    rule.segmentIds = [...ids.filter((x) => x !== UNKNOWN), ...stable];
    if (containsUnknown(inputs)) continue;
    const parsed = ValidSegmentInputs.safeParse(inputs);
    if (!parsed.success) continue;
    const old = CanonicalSegment.safeParse(c.before?.inputs);
    const before = old.success ? old.data : undefined;
    const canonical = canonicalFromInputs(parsed.data, before?.listId);
    const planned: Json = { ...canonical };
    c.after = { ...c.after, inputs: planned };
    if (c.op === "update" && before && sameCanonical(managedPart({ ...before, adopt: undefined }), managedPart({ ...canonical, adopt: undefined }))) unchanged.push(c);
  }
  return { unchanged };
}
