import { createHash } from "node:crypto";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { MemberFileError, missingColumnMessage, readMemberFile, type MemberFile } from "../member-files/member-file";
import { DELIMITERS, type DelimiterCode } from "../member-files/file-input";

/** What csv-parse returns with `info: true`: each record with the line it ended on. */
const ParsedRecords = z.array(z.object({ record: z.array(z.string()), info: z.object({ lines: z.number() }).loose() }).loose());
type ParsedRecord = z.infer<typeof ParsedRecords>[number];

/**
 * Recipients of an external segment, from a CSV/TSV file in the repository (read like an ANTS member
 * file: relative to the project directory, delimiter detected unless given) or inline. Rows are
 * contacts' data: messages here name the file, the line and the column, never a value.
 */

/** One recipient in canonical form: email trimmed, every value a string, keys sorted. */
export type RecipientRow = Record<string, string>;

const Email = z.email();
const MAX_FAILURES = 20;

/** The canonical list (sorted by email) and the sha256 that diffs compare, for either form. */
export function canonicalRows(rows: ReadonlyArray<Record<string, string | number>>): { rows: RecipientRow[]; contentHash: string } {
  const canonical = rows
    .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v).trim()]).sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0))))
    .sort((a, b) => (a.email! < b.email! ? -1 : a.email! > b.email! ? 1 : 0));
  return { rows: canonical, contentHash: createHash("sha256").update(JSON.stringify(canonical)).digest("hex") };
}

export interface RecipientsFile {
  file: MemberFile;
  rows: RecipientRow[];
}

/** Thrown for a file that cannot be used: every problem found, each naming the file, line and column. */
export class RecipientsFileError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length > MAX_FAILURES ? `${problems.slice(0, MAX_FAILURES).join("; ")}; and ${problems.length - MAX_FAILURES} more` : problems.join("; "));
    this.name = "RecipientsFileError";
  }
}

/**
 * Reads and validates the file: an `email` column, unique column names, one value per column on
 * every line, a valid and unique address on every line. Empty cells are left out of the row (the
 * field is not sent). Never touches the network.
 */
export function readRecipientsFile(path: string, delimiter?: DelimiterCode, cwd: string = process.cwd()): RecipientsFile {
  let file: MemberFile;
  try {
    file = readMemberFile(path, delimiter, cwd);
  } catch (err) {
    if (err instanceof MemberFileError) throw new RecipientsFileError([err.message]);
    throw err;
  }
  const where = (line: number, column?: string) => `file "${path}" line ${line}${column === undefined ? "" : `, column "${column}"`}`;
  const problems: string[] = [];
  const headers = file.headers;
  if (!headers.includes("email")) throw new RecipientsFileError([missingColumnMessage(path, "email", headers)]);
  const duplicates = headers.filter((h, i) => headers.indexOf(h) !== i);
  if (duplicates.length > 0) throw new RecipientsFileError([`file "${path}": column "${duplicates[0]}" appears twice`]);

  let records: ParsedRecord[];
  try {
    records = ParsedRecords.parse(parse(file.content.toString("utf8").replace(/^\uFEFF/, ""), {
      delimiter: DELIMITERS[file.delimiter],
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      from_line: 2,
    }));
  } catch (err) {
    // csv-parse messages quote the offending text: keep only its location.
    const line = (err as { lines?: number }).lines;
    throw new RecipientsFileError([`file "${path}"${line ? ` line ${line}` : ""}: not valid ${file.delimiter}-delimited text (${(err as { code?: string }).code ?? "parse error"})`]);
  }

  const rows: RecipientRow[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of records) {
    const line = info.lines;
    if (record.every((cell) => cell.trim() === "")) continue;
    if (record.length !== headers.length) {
      problems.push(`${where(line)}: ${record.length} values for ${headers.length} columns`);
      continue;
    }
    const row: RecipientRow = {};
    headers.forEach((h, i) => {
      const value = record[i]!.trim();
      if (value !== "") row[h] = value;
    });
    const email = row.email;
    if (email === undefined) {
      problems.push(`${where(line, "email")}: empty; every recipient needs an email address`);
      continue;
    }
    if (!Email.safeParse(email).success) {
      problems.push(`${where(line, "email")}: expected an email address`);
      continue;
    }
    const key = email.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push(`${where(line, "email")}: duplicate of line ${first}`);
      continue;
    }
    seen.set(key, line);
    rows.push(row);
  }
  if (problems.length > 0) throw new RecipientsFileError(problems);
  return { file, rows };
}
