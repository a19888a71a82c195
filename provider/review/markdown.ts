import { DRIFT_MARKER, ICON, MARKDOWN_MARKER, NO_CHANGES, NO_DRIFT, audienceText, headline, logicBlock, num, opText, titleOf, verdictText } from "./formats";
import { codeBlock, codeSpan, htmlCode, htmlText, mdMessage, mdText } from "./markdown-escape";
import type { RenderedReport } from "./report";
import type { PolicyFinding, Report, SegmentReport } from "./report-schema";
import { plural } from "./values";

/**
 * The pull-request comment. Summary first (verdict, one table with a row per changed segment), then
 * each segment's detail in a `<details>` block, open only when it has warnings or policy findings.
 * The text is at most `limit` characters by construction (GitHub refuses a comment over 65,536): when
 * the whole review is longer, it is built again with less, in steps, and never cut:
 *   1. the detail of segments without findings is dropped;
 *   2. then the detail of the rest, least severe first;
 *   3. then rows are merged per operation and kind of change, still naming every segment;
 *   4. then merged rows give counts only; 5. then the counts per operation alone.
 * The comment then says what it left out and where the whole review is.
 */

/** GitHub's limit on an issue or pull-request comment body, in characters. */
export const COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** Maximum length in UTF-16 code units (never fewer than GitHub's characters); Infinity for the whole review. */
  limit?: number;
  /** Where the whole review is, for the note on what was left out (Markdown, already safe). */
  fullReport?: string;
}

/** How much of the review a rendering holds. */
interface Plan {
  /** Segments whose `<details>` block is shown. */
  details: Set<SegmentReport>;
  rows: "each" | "merged-names" | "merged-counts" | "totals";
  /** List the findings of segments without details (their messages and exception reasons). */
  findingsList: boolean;
}

const LEVEL_ICON = { fail: "⛔", warn: "⚠️" } as const;
const findingIcon = (f: PolicyFinding) => (f.allowed ? "✅" : LEVEL_ICON[f.level]);

function findingsBySegment(r: Report): Map<string, PolicyFinding[]> {
  const m = new Map<string, PolicyFinding[]>();
  for (const f of r.policy.findings) m.set(f.segment, [...(m.get(f.segment) ?? []), f]);
  return m;
}

/** Severity for choosing which details to keep: open fail findings, open warn findings, warnings, none. */
function severity(s: SegmentReport, findings: PolicyFinding[]): number {
  if (s.errors?.length) return 4;
  if (findings.some((f) => !f.allowed && f.level === "fail")) return 3;
  if (findings.some((f) => !f.allowed)) return 2;
  return findings.length > 0 || s.warnings.length > 0 ? 1 : 0;
}

const anchor = (i: number) => `segment-${i + 1}`;

function usedByCell(s: SegmentReport): string {
  if (!s.usedBy) return "—";
  if (s.usedBy.campaigns) return s.usedBy.campaigns.length === 0 ? "none" : plural(s.usedBy.campaigns.length, "campaign");
  if (s.usedBy.modules) return s.usedBy.modules.length === 0 ? "none" : plural(s.usedBy.modules.length, "module");
  return s.usedBy.unknown === "no --live" ? "not checked (no --live)" : "not checked";
}

function findingsCell(s: SegmentReport, findings: PolicyFinding[]): string {
  const parts = [
    ...(s.errors ?? []).map((e) => `⛔ ${e.check}`),
    ...findings.map((f) => `${findingIcon(f)} ${f.rule}${f.allowed ? " (allowed)" : ""}`),
    ...s.warnings.map((w) => w.code),
  ];
  return parts.length ? mdText([...new Set(parts)].join(", ")) : "none";
}

/** What changed, in a few words (for merged rows). */
function changeKind(s: SegmentReport): string {
  if (s.op === "create") return "new segment";
  if (s.op === "delete") return "deleted";
  const what = [...(s.before?.logic !== s.after?.logic ? ["logic"] : []), ...s.changes.map((c) => c.property)];
  const text = what.length ? `${what.join(", ")} changed` : "no difference in the definition";
  return s.op === "replace" ? `replaced: ${text}` : text;
}

function mergedAudience(members: SegmentReport[]): string {
  const known = members.filter((s) => s.audienceChange);
  if (known.length === 0) return "not counted";
  const total = known.reduce((n, s) => n + s.audienceChange!.difference, 0);
  const sign = total > 0 ? "+" : total < 0 ? "−" : "±";
  return `total ${sign}${num(Math.abs(total))}${known.length < members.length ? ` (${num(members.length - known.length)} not counted)` : ""}`;
}

function table(r: RenderedReport, plan: Plan, findings: Map<string, PolicyFinding[]>): string[] {
  const head = [`| ${r.mode === "drift" ? "Drift" : "Op"} | Definition | Segment | Audience | Used by | Findings |`, "|---|---|---|---|---|---|"];
  if (plan.rows === "each") {
    return [...head, ...r.segments.map((s, i) => {
      const def = plan.details.has(s) ? `[${codeSpan(s.name, true)}](#${anchor(i)})` : codeSpan(s.name, true);
      return `| ${ICON[s.op]} ${mdText(opText(r, s.op))} | ${def} | ${s.displayName !== undefined ? mdText(s.displayName) : "recipients"} | ${mdText(audienceText(s, false) ?? "—")} | ${usedByCell(s)} | ${findingsCell(s, findings.get(s.name) ?? [])} |`;
    })];
  }
  const groups = new Map<string, SegmentReport[]>();
  for (const s of r.segments) {
    const codes = [...(s.errors ?? []).map((e) => `⛔ ${e.check}`), ...(findings.get(s.name) ?? []).map((f) => `${findingIcon(f)} ${f.rule}${f.allowed ? " (allowed)" : ""}`), ...s.warnings.map((w) => w.code)];
    const key = JSON.stringify([s.op, s.kind, changeKind(s), [...new Set(codes)]]);
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...head, ...[...groups.entries()].map(([key, members]) => {
    const [op, kind, what, codes] = JSON.parse(key) as [SegmentReport["op"], string, string, string[]];
    const names = plan.rows === "merged-names" ? `: ${members.map((s) => codeSpan(s.name, true)).join(", ")}` : "";
    return `| ${ICON[op]} ${mdText(opText(r, op))} | **${plural(members.length, kind)}**${names} | ${mdText(what)} | ${mergedAudience(members)} | ${members.some((s) => s.usedBy?.campaigns?.length) ? `${plural(members.reduce((n, s) => n + (s.usedBy?.campaigns?.length ?? 0), 0), "campaign")}` : members.some((s) => s.usedBy) ? "see the full review" : "—"} | ${codes.length ? mdText(codes.join(", ")) : "none"} |`;
  })];
}

function details(r: RenderedReport, s: SegmentReport, i: number, findings: PolicyFinding[]): string[] {
  const open = s.warnings.length > 0 || findings.length > 0 || (s.errors?.length ?? 0) > 0;
  const out = [`<details${open ? " open" : ""}><summary><a id="${anchor(i)}"></a>${ICON[s.op]} ${htmlText(opText(r, s.op))} ${htmlCode(s.name)}${s.displayName !== undefined ? ` · ${htmlText(s.displayName)}` : ""}</summary>`, ""];
  out.push(`${mdMessage(headline(s))}${s.renamedFrom ? ` · renamed from ${codeSpan(s.renamedFrom)}` : ""}`);
  for (const e of s.errors ?? []) out.push("", `> ⛔ **${e.check}** (error${e.path ? ` at ${codeSpan(e.path)}` : ""}): ${mdText(e.message)}`);
  for (const f of findings) out.push("", `> ${findingIcon(f)} **${f.rule}** (policy, ${f.allowed ? `allowed: ${mdText(f.reason ?? "exception")}` : f.level}): ${mdText(f.message)}`);
  for (const w of s.warnings) {
    out.push("", `> ⚠️ **${w.code}**: ${mdMessage(w.message)}`);
    if (w.campaigns?.length) {
      out.push(">", "> | Campaign | Name | Status | Segment used as |", "> |---|---|---|---|");
      for (const c of w.campaigns) out.push(`> | ${mdText(c.id)} | ${mdText(c.name)} | ${mdText(c.status)} | ${c.excluded ? "excluded" : "included"} |`);
    }
  }
  const block = logicBlock(r, s);
  if (block) {
    out.push("", `**${s.kind === "ants.Segment" ? "Match" : "Logic"}**${r.mode === "drift" ? " (`-` live now, `+` what the files say)" : ""}`, "", ...codeBlock("diff", block));
  }
  const audience = audienceText(s);
  if (audience) out.push("", `**Audience**: ${mdText(audience)}`);
  for (const n of s.notes ?? []) out.push("", `_${mdText(n)}_`);
  if (s.changes.length > 0) {
    const both = s.op === "update" || s.op === "replace";
    const [b, a] = r.mode === "drift" ? ["Live now", "Files say"] : ["Before", "After"];
    out.push("", both ? `| Property | ${b} | ${a} |` : "| Property | Value |", both ? "|---|---|---|" : "|---|---|");
    for (const p of s.changes) out.push(both ? `| ${mdText(p.property)} | ${mdText(p.before ?? "none")} | ${mdText(p.after ?? "none")} |` : `| ${mdText(p.property)} | ${mdText(p.after ?? p.before ?? "none")} |`);
  }
  out.push("", "</details>");
  return out;
}

/** A note, at most 1,000 characters of its text (cut before escaping, so no escape is broken). */
const noteLine = (n: string) => `> ⚠️ ${mdText(n.length > 1000 ? `${n.slice(0, 1000)}… (${num(n.length - 1000)} more characters in the full review)` : n)}`;

function render(r: RenderedReport, plan: Plan, opts: MarkdownOptions, leftOut: string | undefined): string {
  const findings = findingsBySegment(r);
  const v = verdictText(r.policy);
  const out: string[] = r.mode === "drift" ? [DRIFT_MARKER, `## ${mdText(titleOf(r))}`] : [MARKDOWN_MARKER, `${v.icon} **Policy: ${mdText(v.text)}**`, "", `## ${mdText(titleOf(r))}`];
  const broken = r.segments.filter((s) => s.errors?.length).length;
  if (broken > 0) out.push("", `⛔ **${plural(broken, "segment")} cannot be applied as defined** (\`--live\` errors: a list field, segment, list or ANTS attribute that does not exist or does not fit, or a check that could not be made)`);
  if (r.mode === "drift") out.push("", "Each segment below differs from its definition file: someone changed it in the Ongage or ANTS UI (or deleted it). `pulumi up` would restore what the files say.");
  const notes = plan.rows === "totals" ? r.notes.slice(0, 10) : r.notes;
  for (const n of notes) out.push("", noteLine(n));
  if (notes.length < r.notes.length) out.push("", `> ⚠️ ${plural(r.notes.length - notes.length, "more note")} in the full review`);
  if (plan.rows === "totals") {
    out.push("", ...(["delete", "replace", "update", "create"] as const).filter((op) => r.summary[op] > 0).map((op) => `- ${ICON[op]} ${plural(r.summary[op], "segment")}: ${mdText(opText(r, op))}`));
  } else out.push("", ...table(r, plan, findings));
  if (plan.findingsList) {
    const detailed = new Set([...plan.details].map((s) => s.name));
    const listed = r.policy.findings.filter((f) => !detailed.has(f.segment));
    if (listed.length) out.push("", "**Policy findings**", "", ...listed.map((f) => `- ${findingIcon(f)} **${f.rule}** on ${codeSpan(f.segment)}: ${mdText(f.message)}${f.allowed ? ` (allowed: ${mdText(f.reason ?? "exception")})` : ""}`));
  }
  r.segments.forEach((s, i) => {
    if (plan.details.has(s)) out.push("", ...details(r, s, i, findings.get(s.name) ?? []));
  });
  if (leftOut) out.push("", "---", "", `_Left out to stay within GitHub's ${num(opts.limit ?? COMMENT_LIMIT)}-character limit: ${leftOut}. The whole review: ${opts.fullReport ?? "run `pulumi-segments review` with `--full-report FILE`"}._`);
  return `${out.join("\n")}\n`;
}

/** A pull-request comment (or, with `mode: drift`, the drift issue's body) that fits `opts.limit`. */
export function formatMarkdown(r: RenderedReport, opts: MarkdownOptions = {}): string {
  if (r.segments.length === 0) {
    const v = verdictText(r.policy);
    const out = [r.mode === "drift" ? DRIFT_MARKER : MARKDOWN_MARKER, r.mode === "drift" ? NO_DRIFT : `${v.icon} ${NO_CHANGES}`];
    for (const n of r.notes) out.push("", noteLine(n));
    return `${out.join("\n")}\n`;
  }
  const limit = opts.limit ?? COMMENT_LIMIT;
  const findings = findingsBySegment(r);
  const all = new Set(r.segments);
  const full = render(r, { details: all, rows: "each", findingsList: false }, opts, undefined);
  if (full.length <= limit) return full;

  const ranked = r.segments.map((s) => ({ s, rank: severity(s, findings.get(s.name) ?? []) }));
  const flagged = ranked.filter((x) => x.rank > 0).sort((a, b) => b.rank - a.rank).map((x) => x.s);
  const quiet = r.segments.length - flagged.length;
  const noDetail = (n: number) => `the details of ${plural(n, "segment")}${n === r.segments.length ? "" : quiet === n ? " without findings" : ""}`;
  const attempt = (plan: Plan, leftOut: string) => {
    const text = render(r, plan, opts, leftOut);
    return text.length <= limit ? text : undefined;
  };
  // 1 and 2: keep the details of the most severe segments, as many as fit (a binary search on the count).
  let lo = 0;
  let hi = flagged.length;
  let best: string | undefined;
  while (lo <= hi) {
    const k = Math.floor((lo + hi) / 2);
    const text = attempt({ details: new Set(flagged.slice(0, k)), rows: "each", findingsList: true }, noDetail(r.segments.length - k));
    if (text) {
      best = text;
      lo = k + 1;
    } else hi = k - 1;
  }
  if (best) return best;
  const merged = (what: string) => `${what}; segments that share an operation, a kind of change and findings are one row`;
  return (
    attempt({ details: new Set(), rows: "each", findingsList: false }, `${noDetail(r.segments.length)} and the policy findings' messages`) ??
    attempt({ details: new Set(), rows: "merged-names", findingsList: false }, merged(noDetail(r.segments.length))) ??
    attempt({ details: new Set(), rows: "merged-counts", findingsList: false }, merged(`${noDetail(r.segments.length)} and the segments' names`)) ??
    render(r, { details: new Set(), rows: "totals", findingsList: false }, opts, `every segment's row and details: only the counts per operation are shown`)
  );
}
