import { dirname, isAbsolute, relative, resolve } from "node:path";
import type { z } from "zod";
import { segmentProvider as antsSegmentProvider } from "../ants";
import { segmentProvider as ongageSegmentProvider } from "../ongage";
import { recipientsProvider } from "../ongage";
import { propertyPath, type CheckFailure } from "../pulumi/check-failures";
import { explainIssues } from "../pulumi/issue-paths";
import { sortDiagnostics, type Diagnostic } from "./diagnostics";
import { parseDefinitionFolder, positionOf, type ParsedFolder, type SourceDefinition } from "./parse";
import { findReferences, replaceReferences, type Reference } from "./references";
import { DEFINITION_BY_KIND, KINDS, type Definition, type Kind } from "./schemas";

/** A schema-valid definition with where it came from and the names it refers to. */
export interface CheckedDefinition {
  source: SourceDefinition;
  definition: Definition;
  references: Reference[];
}

export interface ValidationReport {
  /** Schema-valid definitions, every one after the definitions it refers to (file order otherwise). */
  definitions: CheckedDefinition[];
  /** Sorted by file, line and column; empty when everything is valid. */
  diagnostics: Diagnostic[];
}

/** A segment id that passes the resources' id checks; stands in for a `{ ref }` during offline checks. */
const PLACEHOLDER_SEGMENT_ID = "1";

const KIND_LIST = KINDS.map((k) => `"${k}"`).join(", ");

function labelOf(source: SourceDefinition): string {
  const name = (source.value as { name?: unknown }).name;
  return typeof name === "string" && name !== "" ? name : `#${source.index}`;
}

function at(source: SourceDefinition, path: string, message: string): Diagnostic {
  const { line, column } = positionOf(source, path);
  return { file: source.file, line, column, path, message, definition: labelOf(source) };
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur = root;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/**
 * zod issues → diagnostics, with the same explanations as the providers' `check` (issue-paths.ts): one
 * message per mistake, at the deepest wrong property; an unknown key at that key with the nearest
 * allowed key. A missing property is reported as missing.
 */
function issueDiagnostics(source: SourceDefinition, error: z.ZodError, schema: z.core.$ZodType): Diagnostic[] {
  return explainIssues(schema, source.value, error.issues).map((x) => {
    const key = x.path[x.path.length - 1];
    const missing = x.message.startsWith("required (") && x.path.length > 0 && valueAt(source.value, x.path) === undefined;
    return at(source, propertyPath(x.path), missing ? `required property "${String(key)}" is missing` : x.message);
  });
}

function parseDefinition(source: SourceDefinition): { definition?: Definition; diagnostics: Diagnostic[] } {
  const kind = (source.value as { kind?: unknown }).kind;
  if (kind === undefined) return { diagnostics: [at(source, "", `required property "kind" is missing: one of ${KIND_LIST}`)] };
  if (typeof kind !== "string" || !(KINDS as readonly string[]).includes(kind)) {
    return { diagnostics: [at(source, "kind", `unknown kind ${JSON.stringify(kind)}: expected one of ${KIND_LIST}`)] };
  }
  const schema = DEFINITION_BY_KIND[kind as Kind];
  const parsed = schema.safeParse(source.value);
  if (!parsed.success) return { diagnostics: issueDiagnostics(source, parsed.error, schema) };
  return { definition: parsed.data as Definition, diagnostics: [] };
}

/** Duplicate names, dangling references, references to the wrong kind or list, and reference cycles. */
function crossFileDiagnostics(sources: readonly SourceDefinition[], checked: readonly CheckedDefinition[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const firstByName = new Map<string, SourceDefinition>();
  for (const source of sources) {
    const name = (source.value as { name?: unknown }).name;
    if (typeof name !== "string") continue;
    const first = firstByName.get(name);
    if (first) {
      const where = positionOf(first, "name");
      out.push(at(source, "name", `duplicate name "${name}": already defined at ${relative(dirname(source.file), first.file) || "this file"}:${where.line} (names are unique across all definition files)`));
    } else {
      firstByName.set(name, source);
    }
  }
  const byName = new Map(checked.map((c) => [c.definition.name, c]));
  for (const c of checked) {
    for (const ref of c.references) {
      const target = firstByName.get(ref.name);
      const targetKind = target && (target.value as { kind?: unknown }).kind;
      if (!target) {
        out.push(at(c.source, `${ref.path}.ref`, `no definition named "${ref.name}"`));
      } else if (targetKind !== "ongage.Segment") {
        out.push(at(c.source, `${ref.path}.ref`, `"${ref.name}" is ${typeof targetKind === "string" ? `an ${targetKind}` : "not an ongage.Segment"}; a ref must name an ongage.Segment`));
      } else {
        const resolved = byName.get(ref.name);
        if (resolved?.definition.kind !== "ongage.Segment") continue;
        const theirs = resolved.definition.spec.listId;
        const ours = c.definition.kind === "ants.Segment" ? undefined : c.definition.spec.listId;
        if (theirs !== undefined && ours !== undefined && theirs !== ours) {
          out.push(at(c.source, `${ref.path}.ref`, `"${ref.name}" is in list ${theirs}, this ${c.definition.kind} in list ${ours}; both must be in the same list`));
        }
        if (c.definition.kind === "ongage.ExternalRecipients" && resolved.definition.spec.external === undefined) {
          out.push(at(c.source, `${ref.path}.ref`, `"${ref.name}" is not an external segment (its spec has no "external"); recipients can only be pushed to external segments`));
        }
      }
    }
  }
  out.push(...aliasDiagnostics(checked, firstByName));
  out.push(...cycleDiagnostics(checked));
  return out;
}

/**
 * `options.aliases`: an alias is a previous name. It may not be the definition's own name or another
 * live definition's name (the engine would find two resources claiming one), nor be claimed by two
 * definitions (the engine's "Duplicate resource alias").
 */
function aliasDiagnostics(checked: readonly CheckedDefinition[], firstByName: ReadonlyMap<string, SourceDefinition>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const claimed = new Map<string, CheckedDefinition>();
  for (const c of checked) {
    (c.definition.options?.aliases ?? []).forEach((alias, i) => {
      const path = `options.aliases[${i}]`;
      const live = firstByName.get(alias);
      const first = claimed.get(alias);
      if (alias === c.definition.name) {
        out.push(at(c.source, path, `"${alias}" is this definition's own name; an alias is a name it had before (remove it)`));
      } else if (live) {
        const where = positionOf(live, "name");
        out.push(at(c.source, path, `alias "${alias}" is the name of a live definition at ${relative(dirname(c.source.file), live.file) || "this file"}:${where.line}; an alias is a previous name no definition uses any more (remove the alias, or that definition)`));
      } else if (first && first !== c) {
        const where = positionOf(first.source, "name");
        out.push(at(c.source, path, `alias "${alias}" is also an alias of "${first.definition.name}" at ${relative(dirname(c.source.file), first.source.file) || "this file"}:${where.line}; one old resource can be taken over by one definition only`));
      } else {
        claimed.set(alias, c);
      }
    });
  }
  return out;
}

/** One diagnostic per reference cycle, at the reference that closes it. */
function cycleDiagnostics(checked: readonly CheckedDefinition[]): Diagnostic[] {
  const byName = new Map(checked.map((c) => [c.definition.name, c]));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const out: Diagnostic[] = [];
  const visit = (c: CheckedDefinition) => {
    const name = c.definition.name;
    state.set(name, "visiting");
    stack.push(name);
    for (const ref of c.references) {
      const target = byName.get(ref.name);
      if (!target) continue;
      const s = state.get(ref.name);
      if (s === "visiting") {
        const cycle = [...stack.slice(stack.indexOf(ref.name)), ref.name];
        const message = cycle.length === 2 ? `"${name}" refers to itself` : `reference cycle: ${cycle.join(" → ")}`;
        out.push(at(c.source, `${ref.path}.ref`, message));
      } else if (s === undefined) {
        visit(target);
      }
    }
    stack.pop();
    state.set(name, "done");
  };
  for (const c of checked) if (!state.has(c.definition.name)) visit(c);
  return out;
}

/** Definitions ordered so that each comes after the ones it refers to; file order breaks ties. */
function dependencyOrder(checked: readonly CheckedDefinition[]): CheckedDefinition[] {
  const byName = new Map(checked.map((c) => [c.definition.name, c]));
  const placed = new Set<CheckedDefinition>();
  const out: CheckedDefinition[] = [];
  const place = (c: CheckedDefinition, path: Set<CheckedDefinition>) => {
    if (placed.has(c) || path.has(c)) return;
    path.add(c);
    for (const ref of c.references) {
      const target = byName.get(ref.name);
      if (target) place(target, path);
    }
    path.delete(c);
    placed.add(c);
    out.push(c);
  };
  for (const c of checked) place(c, new Set());
  return out;
}

/**
 * Offline structural validation (no file reads, no network, synchronous): every definition against
 * its kind's schema (the resource's own input schema, refs widened, cross-field rules included),
 * then names and references across all files.
 */
export function validateStructure(sources: readonly SourceDefinition[]): ValidationReport {
  const diagnostics: Diagnostic[] = [];
  const checked: CheckedDefinition[] = [];
  for (const source of sources) {
    const result = parseDefinition(source);
    diagnostics.push(...result.diagnostics);
    if (result.definition) checked.push({ source, definition: result.definition, references: findReferences(result.definition.spec) });
  }
  diagnostics.push(...crossFileDiagnostics(sources, checked));
  return { definitions: dependencyOrder(checked), diagnostics: sortDiagnostics(diagnostics) };
}

/** The member file's path: relative to the definition file's folder unless absolute. */
export function memberFilePath(definitionFile: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dirname(definitionFile), path);
}

/** The arguments handed to a provider's `check` offline: refs → a valid id, member files → from the definition's folder. */
function offlineInputs(c: CheckedDefinition, cwd: string): Record<string, unknown> {
  const spec = replaceReferences(c.definition.spec, () => PLACEHOLDER_SEGMENT_ID) as Record<string, unknown>;
  const file = c.definition.kind === "ants.Segment" || c.definition.kind === "ongage.ExternalRecipients" ? c.definition.spec.file : undefined;
  if (!file) return spec;
  const rebased = relative(cwd, memberFilePath(c.source.file, file.path)) || ".";
  return { ...spec, file: { ...file, path: rebased } };
}

const PROVIDERS = {
  "ongage.Segment": ongageSegmentProvider,
  "ongage.ExternalRecipients": recipientsProvider,
  "ants.Segment": antsSegmentProvider,
} as const satisfies Record<Kind, { check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ failures?: CheckFailure[] }> }>;

/** The resource provider's own `check` (offline: it never makes HTTP calls) for one schema-valid definition. */
async function providerCheck(c: CheckedDefinition, cwd: string): Promise<Diagnostic[]> {
  try {
    const { failures = [] } = await PROVIDERS[c.definition.kind].check({}, offlineInputs(c, cwd));
    return failures.map((f) => at(c.source, f.property === "(resource)" ? "spec" : `spec.${f.property}`, f.reason));
  } catch (err) {
    return [at(c.source, "spec", `cannot be checked: ${(err as Error).message}`)];
  }
}

/** The inputs `check` makes of one schema-valid definition (canonical form), or undefined when it fails. */
export async function checkedInputs(c: CheckedDefinition, cwd: string = process.cwd()): Promise<Record<string, unknown> | undefined> {
  const { inputs, failures = [] } = await PROVIDERS[c.definition.kind].check({}, offlineInputs(c, cwd));
  return failures.length === 0 ? inputs : undefined;
}

/**
 * Full offline validation of parsed files: syntax, structure and cross-file checks, then each
 * resource provider's `check` (member files read, their columns verified) for every schema-valid
 * definition. Needs no credentials, network or Pulumi engine.
 */
export async function validateDefinitions(parsed: ParsedFolder, cwd: string = process.cwd()): Promise<ValidationReport> {
  const structure = validateStructure(parsed.definitions);
  const checks = await Promise.all(structure.definitions.map((c) => providerCheck(c, cwd)));
  const diagnostics = [...parsed.diagnostics, ...structure.diagnostics, ...checks.flat()];
  if (parsed.files.length === 0) {
    diagnostics.push({ file: parsed.root, line: 1, path: "", message: "no definition files (*.yaml, *.yml, *.json) in this folder" });
  }
  return { definitions: structure.definitions, diagnostics: sortDiagnostics(diagnostics) };
}

/** Reads and validates every definition file under `dir`. Throws only if `dir` is not a folder. */
export async function validateFolder(dir: string, cwd?: string): Promise<ValidationReport & { files: string[] }> {
  const parsed = parseDefinitionFolder(dir);
  return { ...(await validateDefinitions(parsed, cwd)), files: parsed.files };
}
