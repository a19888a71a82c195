import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { REVIEW_KINDS, ReviewInputError, type Change, type ChangeSet, type ResourceSide, type ReviewKind, type ReviewOp, type Unchanged } from "./change-set";
import { dataRows, sha256Hex } from "./ants-logic";

/**
 * Reads a preview digest exactly as `pulumi preview --json` prints it (design/pulumi-preview-json.md):
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
      replaceReasons: op === "replace" ? (step.replaceReasons ?? undefined) ?? undefined : undefined,
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
