import { changeSetFromDigest, parseDigest, readDigestFile } from "../provider/review/digest";
import { REVIEW_FORMATS, formatMarkdown, formatText, type ReviewFormat } from "../provider/review/formats";
import { changeSetFromGit } from "../provider/review/git-definitions";
import { liveFacts } from "../provider/review/live";
import { buildReport, reportJson } from "../provider/review/report";
import { ReviewInputError, type ChangeSet } from "../provider/review/change-set";
import { ApiError, ConfigurationError } from "../provider/http/errors";
import type { Command } from "./command";
import { parseFlags, UsageError } from "./usage-error";

const USAGE = `Usage: pulumi-segments review <preview.json | -> [--format markdown|text|json] [--live] [--project DIR]
       pulumi-segments review --base <git-ref> <dir> [--format markdown|text|json] [--live]

Writes a review of every segment a change creates, updates, replaces or deletes: the logic in words
(before and after, what changed marked), warnings (new ids, deletes, campaigns, references, white
lists, recipients) and, with --live, the audience before and after.
  <preview.json>   what \`pulumi preview --json\` printed (- reads it from stdin)
  --base REF <dir> compares the definition files under <dir> at git REF with the working tree
                   (no Pulumi needed; a renamed definition is an update only with options.aliases)

Options:
  --format markdown  a pull-request comment (default)
  --format text      for a terminal
  --format json      { summary, segments: [{ name, kind, op, id, displayName, list | audience,
                     before, after, audienceChange, changes, warnings }], notes }
  --live             also ask the APIs: contact counts, ANTS sizes, campaigns using a segment
                     (credentials from ONGAGE_* / ANTS_* environment variables); without it no
                     HTTP call is made
  --project DIR      where the Pulumi program ran (member file paths are relative to it; default .)
  -h, --help         show this help

Exit codes: 0 report written, 1 unreadable digest, unknown git ref or failed API call, 2 usage error.`;

function parse(argv: string[]) {
  const { values, positionals } = parseFlags({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      base: { type: "string" },
      format: { type: "string", default: "markdown" },
      live: { type: "boolean", default: false },
      project: { type: "string" },
    },
  });
  if (!(REVIEW_FORMATS as readonly string[]).includes(values.format)) throw new UsageError(`--format must be one of ${REVIEW_FORMATS.join(", ")}, got "${values.format}"`);
  if (values.base !== undefined && values.base.trim() === "") throw new UsageError("--base needs a git ref, e.g. --base origin/main");
  if (positionals.length !== 1) {
    const what = values.base !== undefined ? "a definitions folder (review --base <git-ref> <dir>)" : "a preview digest file, or - for stdin";
    throw new UsageError(positionals.length === 0 ? `${what} is required` : `one argument expected, got ${positionals.length}: ${positionals.join(" ")}`);
  }
  if (values.base !== undefined && values.project !== undefined) throw new UsageError("--project applies to a preview digest, not to --base");
  return { input: positionals[0]!, base: values.base, format: values.format as ReviewFormat, live: values.live, project: values.project ?? "." };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * `pulumi-segments review`: the report on stdout, progress on stderr; resolves 0 when written,
 * 1 for an unreadable input or a failed live lookup, 2 on usage errors.
 */
export const reviewCommand: Command = {
  summary: "review segment changes: logic in words, warnings, audience (pull-request comment)",
  usage: USAGE,
  async run(argv) {
    const args = parse(argv);
    const fail = (message: string) => {
      process.stderr.write(`pulumi-segments review: ${message}\n`);
      return 1;
    };
    let set: ChangeSet;
    try {
      if (args.base !== undefined) set = await changeSetFromGit(args.base, args.input);
      else {
        const source = args.input === "-" ? "stdin" : args.input;
        const text = args.input === "-" ? await readStdin() : readDigestFile(args.input);
        set = changeSetFromDigest(parseDigest(text, source), args.project);
      }
    } catch (err) {
      if (err instanceof ReviewInputError) return fail(err.message);
      throw err;
    }
    let facts;
    if (args.live && set.changes.length > 0) {
      try {
        facts = await liveFacts(set, { progress: (line) => process.stderr.write(`review --live ${line}\n`) });
      } catch (err) {
        if (err instanceof ApiError || err instanceof ConfigurationError) return fail(`--live: ${err.message}`);
        throw err;
      }
    }
    const report = buildReport(set, facts);
    const text = args.format === "json" ? `${JSON.stringify(reportJson(report), null, 2)}\n` : args.format === "text" ? formatText(report) : formatMarkdown(report);
    process.stdout.write(text);
    return 0;
  },
};
