import { ConfigurationError } from "../provider/http/errors";
import { redact } from "../provider/http/redact";
import { antsDoctor } from "../provider/doctor/ants";
import type { DoctorReport, Observation } from "../provider/doctor/observation";
import { ongageDoctor } from "../provider/doctor/ongage";
import { DEFAULT_WIDTH, renderJson, renderText } from "../provider/doctor/render";
import type { Command } from "./command";
import { packageVersion } from "./package-version";
import { parseFlags, UsageError } from "./usage-error";

const USAGE = `Usage: pulumi-segments doctor --api ongage|ants [--write] [--list N] [--format text|json]

Checks what this package assumes about an API against your account: one row per assumption of
docs/api/*.md, with what the account showed and what it means for the provider. Read-only by
default (GET requests only). Credentials come from the providers' environment variables
(ONGAGE_* / ANTS_*), as for \`export\`.

Options:
  --api ongage|ants   the account to check (required)
  --write             also create a scratch segment named "pulumi-segments doctor <time> <random>",
                      read it back, update it, count it (Ongage) and delete it, whatever failed
  --list N            Ongage list to check (default: ONGAGE_LIST_ID, else the account default list);
                      --write needs a list: --list N or ONGAGE_LIST_ID
  --format text       a table for the terminal (default)
  --format json       { schemaVersion, tool, mode, observations }: attach it to a bug report (it
                      holds no credentials and no contact data)
  -h, --help          show this help

Exit codes: 0 every row fine, 1 a row is not fine (refuses, report, unknown) or the settings or
credentials failed, 2 usage error.`;

const APIS = ["ongage", "ants"] as const;
const FORMATS = ["text", "json"] as const;

function parse(argv: string[]) {
  const { values } = parseFlags({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      api: { type: "string" },
      write: { type: "boolean", default: false },
      list: { type: "string" },
      format: { type: "string", default: "text" },
    },
  });
  const api = values.api;
  if (api === undefined) throw new UsageError("--api is required: ongage or ants");
  if (!(APIS as readonly string[]).includes(api)) throw new UsageError(`--api must be ongage or ants, got "${api}"`);
  if (!(FORMATS as readonly string[]).includes(values.format)) throw new UsageError(`--format must be text or json, got "${values.format}"`);
  const list = values.list;
  if (list !== undefined && api !== "ongage") throw new UsageError("--list applies only to --api ongage");
  if (list !== undefined && (!/^\d+$/.test(list) || Number(list) <= 0)) throw new UsageError(`--list must be a positive integer, got "${list}"`);
  if (api === "ongage" && values.write && list === undefined && !process.env.ONGAGE_LIST_ID) {
    throw new UsageError("--write creates a scratch segment in a list: pass --list N or set ONGAGE_LIST_ID");
  }
  return { api: api as (typeof APIS)[number], write: values.write, listId: list === undefined ? undefined : Number(list), format: values.format as (typeof FORMATS)[number] };
}

/** 0 when there are rows and every one is fine; 1 otherwise (nothing observed establishes nothing). */
export function doctorExitCode(observations: readonly Observation[]): number {
  return observations.length > 0 && observations.every((o) => o.verdict === "fine") ? 0 : 1;
}

/** `pulumi-segments doctor`: the report on stdout; settings errors on stderr (exit 1). */
export const doctorCommand: Command = {
  summary: "check this package's assumptions about an API against your account (read-only unless --write)",
  usage: USAGE,
  async run(argv) {
    const args = parse(argv);
    let observations: Observation[];
    try {
      observations = args.api === "ongage"
        ? await ongageDoctor({ env: process.env, write: args.write, listId: args.listId })
        : await antsDoctor({ env: process.env, write: args.write });
    } catch (err) {
      const kind = err instanceof ConfigurationError ? "settings" : "stopped";
      process.stderr.write(`pulumi-segments doctor: ${kind}: ${redact(err instanceof Error ? err.message : String(err))}\n`);
      return 1;
    }
    const report: DoctorReport = { schemaVersion: 1, tool: { name: "pulumi-segments", version: packageVersion() }, mode: args.write ? "write" : "read-only", observations };
    process.stdout.write(args.format === "json" ? renderJson(report) : renderText(report, process.stdout.columns || DEFAULT_WIDTH));
    return doctorExitCode(observations);
  },
};
