import { parse } from "csv-parse/sync";
import type { DelimiterCode } from "./store";

/**
 * Reading an uploaded text file (CSV/TSV/TXT) the way the emulator models Upload (ants.md §5):
 * the delimiter is detected from the header line among tab, comma, semicolon and pipe; the first
 * record is the header; every further non-empty record is a row.
 */

export const DELIMITERS: Record<DelimiterCode, string> = { tab: "\t", comma: ",", semicolon: ";", pipe: "|" };

export interface ParsedDelimitedFile {
  delimiter: string;
  delimiterCode: DelimiterCode;
  headers: string[];
  rowCount: number;
}

/** Thrown with a message for the API error body (field `file`). */
export class FileRejected extends Error {}

export function parseDelimitedFile(text: string, extension: string): ParsedDelimitedFile {
  const body = text.replace(/^\uFEFF/, "");
  if (body.trim() === "") throw new FileRejected("file: the file is empty");
  const firstLine = body.split(/\r?\n/).find((l) => l.trim() !== "") ?? "";
  const delimiterCode = detectDelimiter(firstLine, extension);
  const delimiter = DELIMITERS[delimiterCode];
  let records: string[][];
  try {
    records = parse(body, {
      delimiter,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    }) as string[][];
  } catch (err) {
    throw new FileRejected(`file: cannot be read as ${delimiterCode}-delimited text: ${(err as Error).message}`);
  }
  const header = records[0];
  if (!header || header.length === 0) throw new FileRejected("file: the file has no header line");
  const headers = header.map((h) => h.trim());
  const blank = headers.findIndex((h) => h === "");
  if (blank >= 0) throw new FileRejected(`file: header column ${blank} is empty; the first line must name every column`);
  if (headers.every((h) => /^[+-]?\d+([.,]\d+)?$/.test(h))) {
    throw new FileRejected("file: the first line looks like data (only numbers); the file must start with a header line");
  }
  const dup = headers.find((h, i) => headers.indexOf(h) !== i);
  if (dup !== undefined) throw new FileRejected(`file: header "${dup}" appears more than once`);
  return { delimiter, delimiterCode, headers, rowCount: records.length - 1 };
}

/** Most frequent candidate in the header line; a single-column file gets tab for .tsv, comma otherwise. */
function detectDelimiter(headerLine: string, extension: string): DelimiterCode {
  let best: DelimiterCode | undefined;
  let bestCount = 0;
  const unquoted = headerLine.replace(/"[^"]*"/g, "");
  for (const [code, ch] of Object.entries(DELIMITERS) as [DelimiterCode, string][]) {
    const n = unquoted.split(ch).length - 1;
    if (n > bestCount) {
      best = code;
      bestCount = n;
    }
  }
  return best ?? (extension === "tsv" ? "tab" : "comma");
}
