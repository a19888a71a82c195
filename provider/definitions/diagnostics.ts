import { isAbsolute, relative, sep } from "node:path";

/** One problem in a definition file, located for people (file:line) and for CI annotations. */
export interface Diagnostic {
  /** Absolute path of the definition file. */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column, when known. */
  column?: number;
  /** Property path inside the definition, e.g. `spec.rules[0].operator`; "" for the file itself. */
  path: string;
  message: string;
  /** The definition's name, or `#n` (1-based position in its file) when it has none. */
  definition?: string;
}

export const OUTPUT_FORMATS = ["text", "github", "json"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The path as shown: relative to `cwd` (POSIX separators) when inside it, else absolute. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? file : rel.split(sep).join("/");
}

/** Diagnostics sorted by file, line, column, then message (a stable order for output and tests). */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || (a.column ?? 0) - (b.column ?? 0) || a.message.localeCompare(b.message),
  );
}

function subject(d: Diagnostic): string {
  const where = [d.definition, d.path].filter((s) => s !== undefined && s !== "").join(" ");
  return where === "" ? "" : `${where}: `;
}

/** `file:line:column: name path: message`, one line per diagnostic. */
export function formatText(d: Diagnostic, cwd?: string): string {
  const position = d.column === undefined ? `${d.line}` : `${d.line}:${d.column}`;
  return `${displayPath(d.file, cwd)}:${position}: ${subject(d)}${d.message}`;
}

const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

/** A GitHub Actions workflow command: `::error file=…,line=…,col=…,title=…::message` (escaped as GitHub requires). */
export function formatGithub(d: Diagnostic, cwd?: string): string {
  const props = [`file=${displayPath(d.file, cwd)}`, `line=${d.line}`];
  if (d.column !== undefined) props.push(`col=${d.column}`);
  const title = [d.definition, d.path].filter((s) => s !== undefined && s !== "").join(" ");
  if (title !== "") props.push(`title=${title}`);
  return `::error ${props.map((p) => { const i = p.indexOf("="); return p.slice(0, i + 1) + escapeProperty(p.slice(i + 1)); }).join(",")}::${escapeData(d.message)}`;
}

/** The diagnostics as JSON-ready objects, file paths as displayed. */
export function toJsonDiagnostics(diagnostics: readonly Diagnostic[], cwd?: string) {
  return diagnostics.map((d) => ({ ...d, file: displayPath(d.file, cwd) }));
}
