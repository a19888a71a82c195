import { changeSetFromDigest, parseDigest, readDigestFile } from "../provider/review/digest";
import { writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { REVIEW_FORMATS, formatText, type ReviewFormat } from "../provider/review/formats";
import { formatMarkdown } from "../provider/review/markdown";
import { codeSpan, mdText } from "../provider/review/markdown-escape";
import { loadPolicy, type LoadedPolicy } from "../provider/review/policy-file";
import { changeSetFromGit } from "../provider/review/git-definitions";
import { liveFacts } from "../provider/review/live";
import { buildReport, reportJson } from "../provider/review/report";
import { ReviewInputError, type ChangeSet } from "../provider/review/change-set";
import { ApiError, ConfigurationError } from "../provider/http/errors";
import type { Command } from "./command";
import { parseFlags, UsageError } from "./usage-error";

const USAGE = `Usage: pulumi-segments review <preview.json | -> [--format markdown|text|json] [--live] [--project DIR] [--policy FILE] [--full-report FILE]
       pulumi-segments review --base <git-ref> <dir> [--format markdown|text|json] [--live] [--policy FILE] [--full-report FILE]
       pulumi-segments review --drift <refresh-preview.json | -> [--format markdown|text|json] [--live] [--project DIR] [--full-report FILE]

Writes a review of every segment a change creates, updates, replaces or deletes: a verdict, a summary
table, then per segment the logic in words (what changed marked), warnings, policy findings and, with
--live, the audience before and after.
  <preview.json>   what \`pulumi preview --json\` printed (- reads it from stdin)
  --base REF <dir> compares the definition files under <dir> at git REF with the working tree
                   (no Pulumi needed; a renamed definition is an update only with options.aliases)
  --drift FILE     what \`pulumi preview --refresh --json\` printed (a nightly job): every difference
                   between the live segments and the files, described as drift (no policy applies)

Options:
  --format markdown  a pull-request comment (default), at most 65,536 characters whatever the change
  --format text      for a terminal
  --format json      { schemaVersion, mode, summary, segments, notes, policy } (schema/review-report.schema.json)
  --live             also ask the APIs: contact counts, ANTS sizes, campaigns using a segment, and
                     validate --live's checks of each new definition (list fields and their types,
                     segment and list ids, ANTS attributes: an error on the segment when one fails)
                     (credentials from ONGAGE_* / ANTS_* environment variables); without it no
                     HTTP call is made
  --project DIR      where the Pulumi program ran (member file paths are relative to it; default .)
  --policy FILE      guardrails (schema/review-policy.schema.json); default: segments.policy.yaml in
                     --project (--base: the current directory) when it exists
  --full-report FILE also write the whole review as Markdown, without the size limit (job summary, artifact)
  -h, --help         show this help

Exit codes: 0 report written, 1 unreadable digest or policy, unknown git ref, failed API call, or
report written with a --live error (a definition that cannot work, or a check that could not be made),
2 usage error, 3 report written and the policy's verdict is fail.`;

function parse(argv: string[]) {
  const { values, positionals } = parseFlags({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      base: { type: "string" },
      drift: { type: "string" },
      format: { type: "string", default: "markdown" },
      live: { type: "boolean", default: false },
      project: { type: "string" },
      policy: { type: "string" },
      "full-report": { type: "string" },
    },
  });
  if (!(REVIEW_FORMATS as readonly string[]).includes(values.format)) throw new UsageError(`--format must be one of ${REVIEW_FORMATS.join(", ")}, got "${values.format}"`);
  if (values.base !== undefined && values.base.trim() === "") throw new UsageError("--base needs a git ref, e.g. --base origin/main");
  if (values.drift !== undefined && values.drift.trim() === "") throw new UsageError("--drift needs the digest of `pulumi preview --refresh --json` (or - for stdin)");
  if (values.drift !== undefined && values.base !== undefined) throw new UsageError("--drift and --base cannot be combined: drift compares the live segments with the files");
  if (values["full-report"] !== undefined && values["full-report"].trim() === "") throw new UsageError("--full-report needs a file name");
  if (values.policy !== undefined && values.policy.trim() === "") throw new UsageError("--policy needs a file name");
  const expected = values.drift !== undefined ? 0 : 1;
  if (positionals.length !== expected) {
    if (values.drift !== undefined) throw new UsageError(`--drift takes the digest itself; unexpected argument: ${positionals.join(" ")}`);
    const what = values.base !== undefined ? "a definitions folder (review --base <git-ref> <dir>)" : "a preview digest file, or - for stdin";
    throw new UsageError(positionals.length === 0 ? `${what} is required` : `one argument expected, got ${positionals.length}: ${positionals.join(" ")}`);
  }
  if (values.base !== undefined && values.project !== undefined) throw new UsageError("--project applies to a preview digest, not to --base");
  return {
    input: values.drift ?? positionals[0]!,
    base: values.base,
    drift: values.drift !== undefined,
    format: values.format as ReviewFormat,
    live: values.live,
    project: values.project ?? ".",
    policy: values.policy,
    fullReport: values["full-report"],
  };
}

/** Where the whole review is, for the comment's note on what it left out. */
function fullReportNote(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  const env = process.env;
  const run = env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
  if (run && env.GITHUB_STEP_SUMMARY && resolve(file) === resolve(env.GITHUB_STEP_SUMMARY)) return `the job summary of [workflow run ${mdText(env.GITHUB_RUN_ID!)}](${run})`;
  return `${codeSpan(basename(file))}, written by \`--full-report\`${run ? ` in [workflow run ${mdText(env.GITHUB_RUN_ID!)}](${run})` : ""}`;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * `pulumi-segments review`: the report on stdout, progress on stderr; resolves 0 when written,
 * 1 for an unreadable input or policy, a failed live lookup or a `--live` error on a segment, 2 on usage errors, 3 when written and
 * the policy's verdict is fail.
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
    let policy: LoadedPolicy;
    try {
      if (args.base !== undefined) set = await changeSetFromGit(args.base, args.input);
      else {
        const source = args.input === "-" ? "stdin" : args.input;
        const text = args.input === "-" ? await readStdin() : readDigestFile(args.input);
        set = changeSetFromDigest(parseDigest(text, source), args.project);
      }
      // Drift is not a change to judge: the policy applies to pull requests.
      policy = args.drift ? { policy: { rules: {}, exceptions: [] } } : loadPolicy(args.policy, args.project);
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
    const report = buildReport(set, facts, { mode: args.drift ? "drift" : "change", policy });
    if (args.fullReport !== undefined) {
      try {
        writeFileSync(args.fullReport, formatMarkdown(report, { limit: Infinity }), { flag: args.fullReport === process.env.GITHUB_STEP_SUMMARY ? "a" : "w" });
      } catch (err) {
        return fail(`cannot write --full-report ${args.fullReport}: ${(err as Error).message}`);
      }
    }
    const text = args.format === "json" ? `${JSON.stringify(reportJson(report), null, 2)}\n` : args.format === "text" ? formatText(report) : formatMarkdown(report, { fullReport: fullReportNote(args.fullReport) });
    process.stdout.write(text);
    // A definition that cannot work in the account (or could not be checked) fails the review, whatever the policy says.
    if (report.segments.some((s) => s.errors?.length)) return 1;
    return report.policy.verdict === "fail" ? 3 : 0;
  },
};
