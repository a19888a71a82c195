import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** The repository root. */
export const ROOT = resolve(__dirname, "..", "..");

/** Source trees whose modules the architecture rules cover (test/ and examples/ are not source). */
export const SOURCE_ROOTS = ["provider", "emulators", "driver", "cli", "bench", "scripts"];

/** Every source file (TypeScript and ES modules), as a path relative to the root with `/` separators. */
export function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(ROOT, dir))) {
      const rel = `${dir}/${name}`;
      if (statSync(join(ROOT, rel)).isDirectory()) walk(rel);
      else if (/\.(ts|mts|cts|mjs|cjs|js)$/.test(name) && !name.endsWith(".d.ts")) out.push(rel);
    }
  };
  for (const r of SOURCE_ROOTS) if (existsSync(join(ROOT, r))) walk(r);
  return out.sort();
}

/** One import of a module: the specifier as written and, for a relative one, the file it resolves to. */
export interface ImportEdge {
  from: string;
  specifier: string;
  /** Resolved file (relative to the root); undefined for a package import. */
  to: string | undefined;
  line: number;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s(?:[^'";]*?\sfrom\s*)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|require(?:\.resolve)?\(\s*["']([^"']+)["']\s*\)/g;

/** Strips comments, so that an import mentioned in a comment is not an edge. */
function withoutComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, " ")).replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

function resolveRelative(from: string, spec: string): string | undefined {
  const base = resolve(ROOT, dirname(from), spec);
  const candidates = [base, `${base}.ts`, `${base}.mts`, `${base}.mjs`, `${base}.js`, base.replace(/\.js$/, ".ts"), join(base, "index.ts")];
  const hit = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  return hit === undefined ? undefined : relative(ROOT, hit).split("\\").join("/");
}

/** Every import of every source file. */
export function importEdges(files: string[] = sourceFiles()): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const from of files) {
    const src = withoutComments(readFileSync(join(ROOT, from), "utf8"));
    for (const m of src.matchAll(IMPORT)) {
      const specifier = (m[1] ?? m[2] ?? m[3])!;
      const line = src.slice(0, m.index).split("\n").length;
      const to = specifier.startsWith(".") ? resolveRelative(from, specifier) : undefined;
      edges.push({ from, specifier, to, line });
    }
  }
  return edges;
}

/** Strongly connected components of more than one module (or a module importing itself): the import circles. */
export function importCircles(edges: ImportEdge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) if (e.to !== undefined) next.set(e.from, (next.get(e.from) ?? new Set()).add(e.to));
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || next.get(v)?.has(v)) circles.push(component.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return circles;
}

/** One row of ARCHITECTURE.md's import-rule table. */
export interface ImportRule {
  /** A folder (ending in `/`) or a file. */
  scope: string;
  /** Folders or files the scope's modules may import, besides modules of the scope itself. */
  allowed: string[];
}

/**
 * The rows of the table under the "## Import rules" heading of ARCHITECTURE.md: first column the
 * scope in backticks, second the allowed targets in backticks ("nothing" when none).
 */
export function importRules(markdown: string): ImportRule[] {
  const section = markdown.split(/^## /m).find((s) => s.startsWith("Import rules"));
  if (section === undefined) throw new Error('ARCHITECTURE.md has no "## Import rules" section');
  const rules: ImportRule[] = [];
  for (const line of section.split("\n")) {
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    if (cells.length < 2 || !cells[0]!.startsWith("`")) continue;
    const ticks = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    rules.push({ scope: ticks(cells[0]!)[0]!, allowed: ticks(cells[1]!) });
  }
  return rules;
}

/** The rule that governs a file: the row with the longest scope that contains it. */
export function ruleFor(rules: ImportRule[], file: string): ImportRule | undefined {
  return rules
    .filter((r) => (r.scope.endsWith("/") ? file.startsWith(r.scope) : file === r.scope))
    .sort((a, b) => b.scope.length - a.scope.length)[0];
}

/** True when `target` is one of the allowed folders or files. */
export function allows(rule: ImportRule, target: string): boolean {
  if (rule.scope.endsWith("/") && target.startsWith(rule.scope)) return true;
  return rule.allowed.some((a) => (a.endsWith("/") ? target.startsWith(a) : target === a));
}
