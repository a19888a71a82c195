import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, extname, isAbsolute, relative, resolve, sep } from "node:path";
import { parse } from "csv-parse/sync";
import { DELIMITERS, type DelimiterCode } from "./file-input";

/** File types the provider can read locally (Upload also takes .xls/.xlsx, whose headers we cannot read). */
export const MEMBER_FILE_EXTENSIONS = ["csv", "tsv", "txt"] as const;

/** A member file as read from disk: bytes, hash, delimiter and header names. */
export interface MemberFile {
  /** The path as the program gave it. */
  path: string;
  absolutePath: string;
  /** Sent as the upload's file name and `original_file_name`. */
  fileName: string;
  content: Buffer;
  sha256: string;
  delimiter: DelimiterCode;
  headers: string[];
}

/** A member file that cannot be used; the message names the file. */
export class MemberFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MemberFileError";
  }
}

/**
 * Reads the member file (relative paths from `cwd`, the Pulumi project directory in the provider
 * host), hashes its bytes and reads its header line. Never touches the network. Throws
 * MemberFileError for an unreadable, empty or headerless file.
 */
export function readMemberFile(path: string, delimiter?: DelimiterCode, cwd: string = process.cwd()): MemberFile {
  const absolutePath = resolve(cwd, path);
  const fileName = basename(absolutePath);
  const extension = extname(fileName).slice(1).toLowerCase();
  if (!(MEMBER_FILE_EXTENSIONS as readonly string[]).includes(extension)) {
    throw new MemberFileError(`file "${path}": unsupported type ".${extension}"; use a .csv, .tsv or .txt file`);
  }
  let content: Buffer;
  try {
    content = readFileSync(absolutePath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    throw new MemberFileError(`file "${path}" cannot be read (${code}; resolved to ${absolutePath})`);
  }
  const sha256 = createHash("sha256").update(content).digest("hex");
  const text = content.toString("utf8").replace(/^\uFEFF/, "");
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== "");
  if (firstLine === undefined) throw new MemberFileError(`file "${path}" is empty`);
  const code = delimiter ?? detectDelimiter(firstLine, extension);
  let header: string[] | undefined;
  try {
    header = (parse(firstLine, { delimiter: DELIMITERS[code], relax_quotes: true, relax_column_count: true }) as string[][])[0];
  } catch (err) {
    throw new MemberFileError(`file "${path}": the header line cannot be read as ${code}-delimited text (${(err as Error).message})`);
  }
  const headers = (header ?? []).map((h) => h.trim());
  if (headers.length === 0 || headers.some((h) => h === "")) {
    throw new MemberFileError(`file "${path}": the first line must name every column (got ${JSON.stringify(headers)})`);
  }
  return { path, absolutePath, fileName, content, sha256, delimiter: code, headers };
}

/** The candidate occurring most often outside quotes; a single-column file gets tab for .tsv, comma otherwise. */
export function detectDelimiter(headerLine: string, extension = "csv"): DelimiterCode {
  const unquoted = headerLine.replace(/"[^"]*"/g, "");
  let best: DelimiterCode | undefined;
  let bestCount = 0;
  for (const [code, ch] of Object.entries(DELIMITERS) as [DelimiterCode, string][]) {
    const n = unquoted.split(ch).length - 1;
    if (n > bestCount) {
      best = code;
      bestCount = n;
    }
  }
  return best ?? (extension === "tsv" ? "tab" : "comma");
}

/** The check failure text for a rule column absent from the file's header line. */
export function missingColumnMessage(filePath: string, column: string, headers: readonly string[]): string {
  return `file "${filePath}" has no column "${column}" (columns: ${headers.join(", ")})`;
}

/**
 * The path as state records it: relative to the project directory (POSIX separators) when the file
 * lies inside it, so `join(__dirname, "members.csv")` gives the same inputs on every machine.
 */
export function portablePath(path: string, cwd: string = process.cwd()): string {
  if (!isAbsolute(path)) return path.split(sep).join("/");
  const rel = relative(cwd, path);
  return rel.startsWith("..") || isAbsolute(rel) ? path : rel.split(sep).join("/");
}
