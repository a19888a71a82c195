import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { LineCounter, isMap, isSeq, parseAllDocuments, type Node } from "yaml";
import { propertyPath } from "../pulumi/check-failures";
import type { Diagnostic } from "./diagnostics";

/** File extensions read as definition files. */
export const DEFINITION_EXTENSIONS = [".yaml", ".yml", ".json"] as const;

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** One definition as written: its raw value and where each of its properties is. */
export interface SourceDefinition {
  /** Absolute path of the file. */
  file: string;
  /** 1-based position among the definitions of its file. */
  index: number;
  value: unknown;
  /** Property path inside the definition (`spec.rules[0].operator`; "" for the definition) → position of its key or item. */
  positions: ReadonlyMap<string, Position>;
}

export interface ParsedFolder {
  /** Absolute path of the folder. */
  root: string;
  /** Absolute paths of the definition files read, sorted. */
  files: string[];
  definitions: SourceDefinition[];
  /** Unreadable files, YAML/JSON syntax errors, documents that are not definitions. */
  diagnostics: Diagnostic[];
}

/** Definition files under `dir` (recursively; `node_modules` and dot-folders skipped), sorted by path. Throws if `dir` is not a folder. */
export function definitionFiles(dir: string): string[] {
  const root = resolve(dir);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${dir} is not a folder`);
  const out: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && !entry.name.startsWith(".")) walk(path);
      } else if ((DEFINITION_EXTENSIONS as readonly string[]).includes(extname(entry.name).toLowerCase())) {
        out.push(path);
      }
    }
  };
  walk(root);
  return out.sort();
}

function recordPositions(node: unknown, path: PropertyKey[], lines: LineCounter, out: Map<string, Position>): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = (pair.key as { value?: unknown } | null)?.value;
      if (key === undefined || key === null) continue;
      const keyPath = [...path, String(key)];
      const start = (pair.key as Node).range?.[0];
      if (start !== undefined) out.set(propertyPath(keyPath), toPosition(lines, start));
      recordPositions(pair.value, keyPath, lines, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const itemPath = [...path, i];
      const start = (item as Node | null)?.range?.[0];
      if (start !== undefined) out.set(propertyPath(itemPath), toPosition(lines, start));
      recordPositions(item, itemPath, lines, out);
    });
  }
}

function toPosition(lines: LineCounter, offset: number): Position {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

/**
 * Reads one definition file: YAML (several `---` documents allowed) or JSON; each document holds a
 * definition or a list of them. Never throws for bad content: problems become diagnostics.
 */
export function parseDefinitionFile(file: string): { definitions: SourceDefinition[]; diagnostics: Diagnostic[] } {
  const definitions: SourceDefinition[] = [];
  const diagnostics: Diagnostic[] = [];
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    return { definitions, diagnostics: [{ file, line: 1, path: "", message: `cannot be read: ${(err as Error).message}` }] };
  }
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  let position = 0;
  for (const doc of Array.isArray(documents) ? documents : []) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const pos = toPosition(lines, e.pos[0]);
        diagnostics.push({ file, line: pos.line, column: pos.column, path: "", message: `${extname(file) === ".json" ? "JSON" : "YAML"}: ${e.message.split("\n")[0]}` });
      }
      continue;
    }
    const contents = doc.contents;
    if (contents === null || (contents as { value?: unknown }).value === null) continue;
    const value: unknown = doc.toJS();
    const items: Array<[unknown, unknown]> = isSeq(contents) ? contents.items.map((node, i) => [node, (value as unknown[])[i]]) : [[contents, value]];
    for (const [node, item] of items) {
      const index = ++position;
      const start = (node as Node | null)?.range?.[0] ?? 0;
      if (!isMap(node)) {
        const pos = toPosition(lines, start);
        diagnostics.push({ file, line: pos.line, column: pos.column, path: "", definition: `#${index}`, message: "expected a definition: a mapping with kind, name and spec" });
        continue;
      }
      const positions = new Map<string, Position>([["", toPosition(lines, start)]]);
      recordPositions(node, [], lines, positions);
      definitions.push({ file, index, value: item, positions });
    }
  }
  return { definitions, diagnostics };
}

/** Every definition file under `dir`, parsed. Throws only if `dir` is not a folder. */
export function parseDefinitionFolder(dir: string): ParsedFolder {
  const files = definitionFiles(dir);
  const out: ParsedFolder = { root: resolve(dir), files, definitions: [], diagnostics: [] };
  for (const file of files) {
    const parsed = parseDefinitionFile(file);
    out.definitions.push(...parsed.definitions);
    out.diagnostics.push(...parsed.diagnostics);
  }
  return out;
}

/** Where `path` (`spec.rules[0].operator` form), or its nearest written ancestor, is in the definition. */
export function positionOf(def: SourceDefinition, path: string): Position {
  for (let p = path; ; p = p.replace(/(?:^|\.)[^.[\]]*$|\[\d+\]$/, "")) {
    const found = def.positions.get(p);
    if (found) return found;
    if (p === "") return { line: 1, column: 1 };
  }
}
