import { OUTPUT_FORMATS, displayPath, formatGithub, formatText, toJsonDiagnostics, type OutputFormat } from "../provider/definitions/diagnostics";
import { validateFolder } from "../provider/definitions/validate";
import type { Command } from "./command";
import { parseFlags, UsageError } from "./usage-error";

const USAGE = `Usage: pulumi-segments validate <dir> [--format text|github|json]

Checks every segment definition file (*.yaml, *.yml, *.json) under <dir>: each definition against
its kind's schema and the resource's own checks (member files read, columns verified), then names
and references across files (duplicates, dangling refs, refs to the wrong kind, cycles).
Offline: needs no credentials, network or Pulumi.

Options:
  --format text     file:line:column: name path: message (default)
  --format github   GitHub Actions annotations (::error file=…,line=…::message)
  --format json     one JSON object: { valid, files, definitions, diagnostics }
  -h, --help        show this help

Exit codes: 0 valid, 1 problems found, 2 usage error.`;


function parse(argv: string[]): { dir: string; format: OutputFormat } {
  const { values, positionals } = parseFlags({ args: argv, strict: true, allowPositionals: true, options: { format: { type: "string", default: "text" } } });
  if (!(OUTPUT_FORMATS as readonly string[]).includes(values.format)) {
    throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(", ")}, got "${values.format}"`);
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "a folder to validate is required" : `one folder expected, got ${positionals.length}`);
  return { dir: positionals[0]!, format: values.format as OutputFormat };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * `pulumi-segments validate <dir>`: diagnostics and a summary on stdout in the chosen format;
 * resolves 0 when every definition is valid, 1 when any problem is found, 2 on a usage error.
 */
export const validateCommand: Command = {
  summary: "check segment definition files offline (schemas, references, member files)",
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
    const { diagnostics, files, definitions } = report;
    const valid = diagnostics.length === 0;
    if (args.format === "json") {
      const out = { valid, files: files.map((f) => displayPath(f)), definitions: definitions.length, diagnostics: toJsonDiagnostics(diagnostics) };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return valid ? 0 : 1;
    }
    const format = args.format === "github" ? formatGithub : formatText;
    for (const d of diagnostics) process.stdout.write(`${format(d)}\n`);
    const badFiles = new Set(diagnostics.map((d) => d.file)).size;
    process.stdout.write(
      valid
        ? `${plural(definitions.length, "definition")} in ${plural(files.length, "file")}: valid\n`
        : `${plural(diagnostics.length, "problem")} in ${plural(badFiles, "file")} (${plural(files.length, "file")} checked)\n`,
    );
    return valid ? 0 : 1;
  },
};
