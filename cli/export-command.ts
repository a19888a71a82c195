import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
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
                      (default: node_modules/pulumi-segments/${JSON_SCHEMA_PATH}, relative to DIR)
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
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return { help: true as const };
  const api = values.api;
  if (api === undefined) throw new UsageError("--api is required: ongage or ants");
  if (!(APIS as readonly string[]).includes(api)) throw new UsageError(`--api must be ongage or ants, got "${api}"`);
  const listId = values["list-id"];
  if (listId !== undefined && (!/^\d+$/.test(listId) || Number(listId) <= 0)) throw new UsageError(`--list-id must be a positive integer, got "${listId}"`);
  if (listId !== undefined && api !== "ongage") throw new UsageError("--list-id applies only to --api ongage");
  if (values.out === "") throw new UsageError("--out needs a folder");
  return { help: false as const, api: api as (typeof APIS)[number], out: values.out, listId: listId === undefined ? undefined : Number(listId), schema: values.schema, force: values.force };
}

/** The schema line's path from the output folder to the installed package's schema. */
function defaultSchemaPath(outDir: string): string {
  return relative(outDir, join(process.cwd(), "node_modules", "pulumi-segments", JSON_SCHEMA_PATH)).split(sep).join("/");
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
    if (args.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
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
    const schemaPath = args.schema ?? defaultSchemaPath(outDir);
    mkdirSync(outDir, { recursive: true });
    for (const { f, path } of targets) {
      writeFileSync(path, renderDefinitionFile(f, schemaPath));
      process.stdout.write(`wrote ${displayPath(path)}\n`);
    }
    for (const note of result.notes) process.stderr.write(`note: ${note}\n`);
    process.stdout.write(`exported ${result.files.length} ${args.api} segment${result.files.length === 1 ? "" : "s"} to ${displayPath(outDir)}\n`);
    return 0;
  },
};
