import { OUTPUT_FORMATS, displayPath, formatGithub, formatText, sortDiagnostics, toJsonDiagnostics, type Diagnostic, type OutputFormat } from "../provider/definitions/diagnostics";
import { validateLive, type LiveValidation } from "../provider/definitions/live-validate";
import { validateFolder } from "../provider/definitions/validate";
import { ApiError, ConfigurationError } from "../provider/http/errors";
import type { Command } from "./command";
import { parseFlags, UsageError } from "./usage-error";

const USAGE = `Usage: pulumi-segments validate <dir> [--format text|github|json] [--live]

Checks every segment definition file (*.yaml, *.yml, *.json) under <dir>: each definition against
its kind's schema and the resource's own checks (member files read, columns verified), then names
and references across files (duplicates, dangling refs, refs to the wrong kind, cycles).
Offline: needs no credentials, network or Pulumi.

Options:
  --live            also check the definitions against the account: Ongage list fields exist with a
                    type that fits the rule, segment ids and list ids exist, ANTS attributes exist and
                    can be matched to the member-file columns (credentials from ONGAGE_* / ANTS_*
                    environment variables; reads only: one field listing per list, one segment
                    listing per list with raw segment ids, the BO attributes per audience)
  --format text     file:line:column: name path: message (default)
  --format github   GitHub Actions annotations (::error file=…,line=…::message)
  --format json     one JSON object: { valid, live, files, definitions, diagnostics, unchecked | notChecked }
  -h, --help        show this help

Exit codes: 0 valid, 1 problems found or a --live check could not be made, 2 usage error.`;

/** What only --live checks: the offline summary names it. */
export const LIVE_ONLY_CHECKS = ["list fields and their types", "segment and list ids", "ANTS attributes"] as const;
const NOT_CHECKED_OFFLINE = `not checked offline: ${LIVE_ONLY_CHECKS.join(", ")} (run with --live and credentials)`;

function parse(argv: string[]): { dir: string; format: OutputFormat; live: boolean } {
  const { values, positionals } = parseFlags({ args: argv, strict: true, allowPositionals: true, options: { format: { type: "string", default: "text" }, live: { type: "boolean", default: false } } });
  if (!(OUTPUT_FORMATS as readonly string[]).includes(values.format)) {
    throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(", ")}, got "${values.format}"`);
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "a folder to validate is required" : `one folder expected, got ${positionals.length}`);
  return { dir: positionals[0]!, format: values.format as OutputFormat, live: values.live };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** One line per check that could not be made: what, for which definitions, and why. */
function uncheckedLine(u: LiveValidation["unchecked"][number]): string {
  return `could not check ${u.what} (${plural(u.definitions.length, "definition")}: ${u.definitions.join(", ")}): ${u.reason}`;
}

const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");

/**
 * `pulumi-segments validate <dir> [--live]`: diagnostics and a summary on stdout in the chosen format;
 * resolves 0 when every definition is valid, 1 when any problem is found or a `--live` check could not
 * be made, 2 on a usage error.
 */
export const validateCommand: Command = {
  summary: "check segment definition files (offline; --live: against the account too)",
  usage: USAGE,
  async run(argv) {
    const args = parse(argv);
    let report: Awaited<ReturnType<typeof validateFolder>>;
    try {
      report = await validateFolder(args.dir);
    } catch (err) {
      process.stderr.write(`pulumi-segments validate: ${(err as Error).message}\n`);
      return 2;
    }
    let live: LiveValidation | undefined;
    if (args.live) {
      try {
        live = await validateLive(report.definitions);
      } catch (err) {
        if (!(err instanceof ConfigurationError || err instanceof ApiError)) throw err;
        process.stderr.write(`pulumi-segments validate --live: ${err.message}\n`);
        return 1;
      }
    }
    const { files, definitions } = report;
    const diagnostics: Diagnostic[] = sortDiagnostics([...report.diagnostics, ...(live?.diagnostics ?? [])]);
    const unchecked = live?.unchecked ?? [];
    const valid = diagnostics.length === 0 && unchecked.length === 0;
    if (args.format === "json") {
      const out = {
        valid,
        live: args.live,
        files: files.map((f) => displayPath(f)),
        definitions: definitions.length,
        diagnostics: toJsonDiagnostics(diagnostics),
        ...(live ? { unchecked: unchecked.map((u) => ({ check: u.check, what: u.what, definitions: u.definitions, reason: u.reason })) } : { notChecked: [...LIVE_ONLY_CHECKS] }),
      };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return valid ? 0 : 1;
    }
    const format = args.format === "github" ? formatGithub : formatText;
    for (const d of diagnostics) process.stdout.write(`${format(d)}\n`);
    for (const u of unchecked) process.stdout.write(args.format === "github" ? `::error title=validate --live::${escapeData(uncheckedLine(u))}\n` : `${uncheckedLine(u)}\n`);
    const badFiles = new Set(diagnostics.map((d) => d.file)).size;
    const counts = diagnostics.length === 0
      ? `${plural(definitions.length, "definition")} in ${plural(files.length, "file")}: ${unchecked.length === 0 ? "valid" : "no problem found"}`
      : `${plural(diagnostics.length, "problem")} in ${plural(badFiles, "file")} (${plural(files.length, "file")} checked)`;
    const tail = !live
      ? `\n${NOT_CHECKED_OFFLINE}`
      : unchecked.length > 0
        ? `; ${plural(unchecked.length, "live check")} could not be made: not valid`
        : diagnostics.length === 0 ? " (also against the account)" : "";
    process.stdout.write(`${counts}${tail}\n`);
    return valid ? 0 : 1;
  },
};
