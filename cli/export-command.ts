import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
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
          reproduced exactly: the preview after adoption shows no changes.
  ants    name, audience and static/dynamic only: ANTS cannot export member files or rules, so
          file and matchRules must be filled in (\`pulumi-segments validate\` lists what is missing).
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

/**
 * `pulumi-segments export`: writes the files, prints each written path on stdout and notes on stderr;
 * resolves 0 when written, 1 on API/configuration errors or files that already exist (without --force), 2 on usage errors.
 */
export const exportCommand: Command = {
  summary: "write definition files (adopt: true) for every existing segment of an account",
  usage: USAGE,
  async run(argv) {
    const args = parse(argv);
    let result: ExportResult;
    try {
      result = args.api === "ongage" ? await exportOngage({ listId: args.listId }) : await exportAnts();
    } catch (err) {
      process.stderr.write(`pulumi-segments export: ${(err as Error).message}\n`);
      return 1;
    }
    const outDir = resolve(args.out);
    const targets = result.files.map((f) => ({ f, path: join(outDir, f.fileName) }));
    const existing = targets.filter((t) => existsSync(t.path));
    if (existing.length > 0 && !args.force) {
      process.stderr.write(`pulumi-segments export: ${existing.length} file(s) already exist; nothing written (use --force to overwrite):\n${existing.map((t) => `  ${displayPath(t.path)}\n`).join("")}`);
      return 1;
    }
    const schema = args.schema === undefined ? defaultSchemaPath(outDir) : { path: args.schema };
    const schemaPath = schema.path;
    mkdirSync(outDir, { recursive: true });
    for (const { f, path } of targets) {
      writeFileSync(path, renderDefinitionFile(f, schemaPath));
      process.stdout.write(`wrote ${displayPath(path)}\n`);
    }
    for (const note of [...result.notes, ...(schema.note === undefined ? [] : [schema.note])]) process.stderr.write(`note: ${note}\n`);
    process.stdout.write(`exported ${result.files.length} ${args.api} segment${result.files.length === 1 ? "" : "s"} to ${displayPath(outDir)}\n`);
    return 0;
  },
};
