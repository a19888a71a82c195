import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { ConfigurationError } from "../provider/http/errors";
import { displayPath } from "../provider/definitions/diagnostics";
import { exportAnts } from "../provider/definitions/export-ants";
import { exportOngage, type ExportResult } from "../provider/definitions/export-ongage";
import { JSON_SCHEMA_PATH } from "../provider/definitions/json-schema";
import { renderDefinitionFile } from "../provider/definitions/render";
import type { Command } from "./command";
import { parseFlags, UsageError } from "./usage-error";

const USAGE = `Usage: pulumi-segments export --api ongage|ants [--out DIR] [--list-id N] [--schema PATH] [--force]

Reads every existing segment of an account and writes one definition file per segment, marked
\`adopt: true\`, so that \`pulumi up\` takes them over instead of creating duplicates.
  ongage  every segment of the list (ONGAGE_LIST_ID or --list-id; else the account default list),
          reproduced exactly: the preview after adoption shows no changes. Rules are written as
          \`match\` groups when groups compile back to exactly Ongage's rules, else as flat \`rules\`.
  ants    name, audience and static/dynamic only: ANTS cannot export member files or rules, so
          file and matchRules must be filled in (\`pulumi-segments validate\` lists what is missing).
Every segment is read before any file is written, and the files are written all or none.
Credentials come from the providers' environment variables (ONGAGE_* / ANTS_*).

Options:
  --api ongage|ants   the account to read (required)
  --out DIR           folder to write to (default: segments)
  --list-id N         Ongage list to export (default: ONGAGE_LIST_ID, else the account default)
  --schema PATH       JSON Schema path for the yaml-language-server line
                      (default: the pulumi-segments package installed in DIR or the nearest
                      folder above it, node_modules/pulumi-segments/${JSON_SCHEMA_PATH},
                      written relative to DIR)
  --force             overwrite existing files
  -h, --help          show this help

Exit codes: 0 written, 1 API, configuration or file error, 2 usage error.`;


const APIS = ["ongage", "ants"] as const;

function parse(argv: string[]) {
  const { values } = parseFlags({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      api: { type: "string" },
      out: { type: "string", default: "segments" },
      "list-id": { type: "string" },
      schema: { type: "string" },
      force: { type: "boolean", default: false },
    },
  });
  const api = values.api;
  if (api === undefined) throw new UsageError("--api is required: ongage or ants");
  if (!(APIS as readonly string[]).includes(api)) throw new UsageError(`--api must be ongage or ants, got "${api}"`);
  const listId = values["list-id"];
  if (listId !== undefined && (!/^\d+$/.test(listId) || Number(listId) <= 0)) throw new UsageError(`--list-id must be a positive integer, got "${listId}"`);
  if (listId !== undefined && api !== "ongage") throw new UsageError("--list-id applies only to --api ongage");
  if (values.out === "") throw new UsageError("--out needs a folder");
  return { api: api as (typeof APIS)[number], out: values.out, listId: listId === undefined ? undefined : Number(listId), schema: values.schema, force: values.force };
}

const PACKAGE_SCHEMA = join("node_modules", "pulumi-segments", JSON_SCHEMA_PATH);

/**
 * The schema line's path, relative to the output folder, to the schema of the pulumi-segments package
 * that an editor opening a file in `outDir` finds: the nearest `node_modules/pulumi-segments` in `outDir`
 * or a folder above it (a subfolder of the project, a workspace package whose dependency npm hoisted
 * to the workspace root). The symlinked path is kept as found, so it survives upgrades under pnpm.
 * Undefined when no folder up to the file-system root has the package installed.
 */
export function installedSchemaPath(outDir: string): string | undefined {
  for (let dir = resolve(outDir); ; dir = dirname(dir)) {
    const candidate = join(dir, PACKAGE_SCHEMA);
    if (existsSync(candidate)) return relative(outDir, candidate).split(sep).join("/");
    if (dirname(dir) === dir) return undefined;
  }
}

/** The schema line's path: the installed package's schema; without one, where `npm install` in the working folder puts it. */
function defaultSchemaPath(outDir: string): { path: string; note?: string } {
  const found = installedSchemaPath(outDir);
  if (found !== undefined) return { path: found };
  const path = relative(outDir, join(process.cwd(), PACKAGE_SCHEMA)).split(sep).join("/");
  return { path, note: `pulumi-segments is not installed in ${displayPath(outDir)} or any folder above it; the yaml-language-server lines point at ${path} (install the package there, or pass --schema)` };
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The closing line: what was read, what was written where, and (Ongage) how many files keep flat `rules`. */
export function exportSummary(api: "ongage" | "ants", result: ExportResult, outDir: string): string {
  const skipped = result.skipped.length > 0 ? ` (${result.skipped.join(", ")}, not exported)` : "";
  const parts = [`read ${count(result.read, `${api} segment`, `${api} segments`)}${skipped}`, `wrote ${count(result.files.length, "file", "files")} to ${displayPath(outDir)}`];
  if (api === "ongage") {
    const k = result.flat;
    parts.push(k === 0 ? "none keeps Ongage's flat `rules`" : `${k} keep${k === 1 ? "s" : ""} Ongage's flat \`rules\` (${k === 1 ? "its note says" : "their notes say"} why)`);
  }
  return parts.join("; ");
}

/**
 * Writes every file or none: each text goes to a hidden temporary file next to its target, and only
 * when all are written are they renamed into place (a failed write removes the temporary files, and
 * the folder when this call created it). Returns the paths in place, in order.
 */
function writeAll(outDir: string, texts: ReadonlyArray<{ path: string; text: string }>): string[] {
  const created = !existsSync(outDir);
  mkdirSync(outDir, { recursive: true });
  const staged: Array<{ tmp: string; path: string }> = [];
  for (const { path, text } of texts) {
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    try {
      writeFileSync(tmp, text, { flag: "wx" });
    } catch (err) {
      for (const s of staged) rmSync(s.tmp, { force: true });
      if (created) rmSync(outDir, { recursive: true, force: true });
      throw new Error(`writing ${displayPath(path)} failed (${(err as Error).message}); nothing was written to ${displayPath(outDir)}: export writes every file or none`, { cause: err });
    }
    staged.push({ tmp, path });
  }
  const placed: string[] = [];
  try {
    for (const { tmp, path } of staged) {
      renameSync(tmp, path);
      placed.push(path);
    }
  } catch (err) {
    for (const { tmp } of staged.slice(placed.length)) rmSync(tmp, { force: true });
    throw new Error(`moving the written files into place failed after ${count(placed.length, "file", "files")} of ${staged.length} (${(err as Error).message}); in place: ${placed.map((p) => displayPath(p)).join(", ") || "none"}`, { cause: err });
  }
  return placed;
}

/**
 * `pulumi-segments export`: reads every segment and renders every file before writing any, then
 * writes them all or none; prints each written path and the summary on stdout, notes on stderr;
 * resolves 0 when written, 1 on API/configuration errors, a listing or read that failed part-way,
 * or files that already exist (without --force), 2 on usage errors.
 */
export const exportCommand: Command = {
  summary: "write definition files (adopt: true) for every existing segment of an account",
  usage: USAGE,
  async run(argv) {
    const args = parse(argv);
    const outDir = resolve(args.out);
    let read = 0;
    const onRead = (n: number) => {
      read = n;
    };
    let result: ExportResult;
    try {
      result = args.api === "ongage" ? await exportOngage({ listId: args.listId, onRead }) : await exportAnts({ onRead });
    } catch (err) {
      process.stderr.write(`pulumi-segments export: ${(err as Error).message}\n`);
      // A configuration error is raised before any request: there is nothing more to say.
      if (!(err instanceof ConfigurationError)) {
        process.stderr.write(`pulumi-segments export: nothing was written to ${displayPath(outDir)} (${count(read, "segment had", "segments had")} been read when the export stopped): export writes every file or none. Run it again once the cause above is fixed.\n`);
      }
      return 1;
    }
    const targets = result.files.map((f) => ({ f, path: join(outDir, f.fileName) }));
    const existing = targets.filter((t) => existsSync(t.path));
    if (existing.length > 0 && !args.force) {
      process.stderr.write(`pulumi-segments export: ${count(existing.length, "file already exists", "files already exist")}; nothing written (use --force to overwrite):\n${existing.map((t) => `  ${displayPath(t.path)}\n`).join("")}`);
      return 1;
    }
    const blocked = targets.filter((t) => existsSync(t.path) && !statSync(t.path).isFile());
    if (blocked.length > 0) {
      process.stderr.write(`pulumi-segments export: ${count(blocked.length, "path is", "paths are")} in the way and not a file; nothing written (move ${blocked.length === 1 ? "it" : "them"} away, --force overwrites files only):\n${blocked.map((t) => `  ${displayPath(t.path)}\n`).join("")}`);
      return 1;
    }
    const schema = args.schema === undefined ? defaultSchemaPath(outDir) : { path: args.schema };
    let placed: string[];
    try {
      placed = writeAll(outDir, targets.map(({ f, path }) => ({ path, text: renderDefinitionFile(f, schema.path) })));
    } catch (err) {
      process.stderr.write(`pulumi-segments export: ${(err as Error).message}\n`);
      return 1;
    }
    for (const path of placed) process.stdout.write(`wrote ${displayPath(path)}\n`);
    for (const note of [...result.notes, ...(schema.note === undefined ? [] : [schema.note])]) process.stderr.write(`note: ${note}\n`);
    process.stdout.write(`${exportSummary(args.api, result, outDir)}\n`);
    return 0;
  },
};
