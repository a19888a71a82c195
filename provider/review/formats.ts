import { basename } from "node:path";
import { oneLine } from "./markdown-escape";
import { firedRules } from "./policy";
import type { RenderedReport } from "./report";
import type { PolicyResult, Report, SegmentReport, SideReport } from "./report-schema";
import { plural } from "./values";

/** Report formats of `pulumi-segments review`. */
export const REVIEW_FORMATS = ["markdown", "text", "json"] as const;
export type ReviewFormat = (typeof REVIEW_FORMATS)[number];

/** First line of the Markdown report: lets a CI job find and edit its own pull-request comment. */
export const MARKDOWN_MARKER = "<!-- pulumi-segments review -->";

export const NO_CHANGES = "No segment changes.";

/** Line diff (longest common subsequence): `  ` kept, `- ` removed, `+ ` added. */
export function lineDiff(before: readonly string[], after: readonly string[]): string[] {
  const n = before.length;
  const m = after.length;
  const lcs = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = before[i] === after[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      out.push(`  ${before[i++]}`);
      j++;
    } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) out.push(`- ${before[i++]}`);
    else out.push(`+ ${after[j++]}`);
  }
  return out;
}

const SYMBOL = { create: "+", update: "~", replace: "+-", delete: "-" } as const;
export const ICON = { create: "🟢", update: "🟡", replace: "🟠", delete: "🔴" } as const;

/** First line of the drift report (`review --drift`): lets the nightly job find and edit its issue. */
export const DRIFT_MARKER = "<!-- pulumi-segments drift -->";
export const NO_DRIFT = "No segment drift: every live segment matches the files.";

/** `3 to update, 2 to replace`. */
export function summaryLine(r: Report): string {
  return (["create", "update", "replace", "delete"] as const).filter((op) => r.summary[op] > 0).map((op) => `${num(r.summary[op])} to ${op}`).join(", ");
}

/** The heading of a report: the change's counts, or the drift's. */
export function titleOf(r: Report): string {
  if (r.mode === "drift") return `Segment drift: ${plural(r.segments.length, "segment")} changed outside git`;
  return `Segment review: ${summaryLine(r)}`;
}

/** What an operation means, in the report's mode (drift: `pulumi up` restores the files). */
export function opText(r: Report, op: SegmentReport["op"]): string {
  if (r.mode === "change") return op;
  return { update: "changed outside git", replace: "changed outside git (pulumi up replaces it)", create: "missing (deleted outside git)", delete: "in the stack, not in the files" }[op];
}

export const num = (n: number) => n.toLocaleString("en-US");

function sideText(side: SideReport, long: boolean): string {
  if (side.audience !== undefined) return num(side.audience);
  const reason = side.audienceUnknown ?? "not counted";
  return `not counted (${long || reason.length <= 40 ? reason : "reason in the details"})`;
}

/** `1,234 → 987 active contacts (−247, −20.0 %)`, or what is known and why the rest is not; `long` false: for a table cell. */
export function audienceText(s: SegmentReport, long = true): string | undefined {
  if (s.kind === "ongage.ExternalRecipients") return undefined;
  const unit = long && s.kind === "ongage.Segment" ? " active contacts" : "";
  const b = s.before;
  const a = s.after;
  const withUnit = (side: SideReport) => `${sideText(side, long)}${side.audience !== undefined ? unit : ""}`;
  let text: string;
  if (!b && a) text = `new: ${withUnit(a)}`;
  else if (b && !a) text = `${withUnit(b)} → deleted`;
  else if (b && a) {
    if (b.audience === undefined && a.audience === undefined && b.audienceUnknown === a.audienceUnknown) text = sideText(a, long);
    else text = b.audience !== undefined && a.audience !== undefined ? `${num(b.audience)} → ${num(a.audience)}${unit}` : `${withUnit(b)} → ${withUnit(a)}`;
  } else return undefined;
  if (s.audienceChange) {
    const d = s.audienceChange.difference;
    const sign = d > 0 ? "+" : d < 0 ? "−" : "±";
    const pct = s.audienceChange.percent === undefined ? "" : `, ${sign}${Math.abs(s.audienceChange.percent).toFixed(1)} %`;
    text += ` (${sign}${num(Math.abs(d))}${pct})`;
  }
  if (long && s.kind === "ants.Segment" && (b?.audience !== undefined || a?.audience !== undefined)) text += " (before: size in Listing; after: data rows of the new member file)";
  return text;
}

/** `ongage.Segment · list 10000 · id 50001`: the kind, where it lives, its id or why the id is not known. */
export function headline(s: SegmentReport): string {
  const where = s.kind === "ants.Segment" ? (s.audience ? `${s.audience} audience` : "") : s.list !== undefined ? `list ${s.list}` : "";
  return [s.kind, where, s.id !== undefined ? `id ${s.id}` : (s.idUnknown ?? "")].filter(Boolean).join(" · ");
}

/** The logic as a line diff (or one side marked wholesale), when the kind has logic. */
export function logicBlock(r: RenderedReport, s: SegmentReport): string[] | undefined {
  const lines = r.logicLines.get(s);
  if (!lines?.before && !lines?.after) return undefined;
  if (lines.before && lines.after) return lineDiff(lines.before, lines.after);
  return (lines.after ?? lines.before)!.map((l) => `${lines.after ? "+" : "-"} ${l}`);
}

/** The verdict in one line: `⛔ fail: audience-drop (2), delete`. */
export function verdictText(p: PolicyResult): { icon: string; text: string } {
  const icon = p.verdict === "fail" ? "⛔" : p.verdict === "warn" ? "⚠️" : "✅";
  const fired = firedRules(p).map((f) => `${f.rule}${f.count > 1 ? ` (${num(f.count)})` : ""}`);
  const allowed = p.findings.filter((f) => f.allowed).length;
  const source = p.file ? `policy ${basename(p.file)}` : "no policy file (segments.policy.yaml)";
  const rest = fired.length ? `: ${fired.join(", ")}` : "";
  return { icon, text: `${p.verdict}${rest} · ${source}${allowed ? ` · ${plural(allowed, "finding")} allowed by exceptions` : ""}` };
}

/** For a terminal: one block per segment; user text on one line, without control characters. */
export function formatText(r: RenderedReport): string {
  const t = oneLine;
  if (r.segments.length === 0) return `${[r.mode === "drift" ? NO_DRIFT : NO_CHANGES, ...r.notes.map((n) => `warning: ${t(n)}`)].join("\n")}\n`;
  const v = verdictText(r.policy);
  const out: string[] = r.mode === "drift" ? [titleOf(r)] : [titleOf(r), `policy: ${v.text}`];
  if (r.mode === "drift") out.push("live: what the segment is now; files: what the definitions say. `pulumi up` restores the files.");
  const broken = r.segments.filter((s) => s.errors?.length).length;
  if (broken > 0) out.push(`error: ${plural(broken, "segment")} cannot be applied as defined (--live errors below)`);
  for (const n of r.notes) out.push(`warning: ${t(n)}`);
  for (const s of r.segments) {
    out.push("", `${SYMBOL[s.op]} ${opText(r, s.op)} ${t(s.name)}${s.displayName !== undefined ? ` "${t(s.displayName)}"` : ""} (${t(headline(s))})${s.renamedFrom ? `, renamed from ${t(s.renamedFrom)}` : ""}`);
    for (const e of s.errors ?? []) out.push(`    error ${e.check}${e.path ? ` ${t(e.path)}` : ""}: ${t(e.message)}`);
    for (const f of r.policy.findings.filter((x) => x.segment === s.name)) out.push(`    ${f.allowed ? "allowed" : f.level} ${f.rule}: ${t(f.message)}${f.reason ? ` (exception: ${t(f.reason)})` : ""}`);
    for (const w of s.warnings) {
      out.push(`    ! ${w.code}: ${t(w.message)}`);
      for (const c of w.campaigns ?? []) out.push(`        campaign ${t(c.id)} "${t(c.name)}" ${t(c.status)}${c.excluded ? " (excluded segment)" : ""}`);
    }
    const block = logicBlock(r, s);
    if (block) out.push(`    ${s.kind === "ants.Segment" ? "match" : "logic"}${r.mode === "drift" ? " (- live, + files)" : ""}:`, ...block.map((l) => `      ${t(l)}`));
    const audience = audienceText(s);
    if (audience) out.push(`    audience: ${t(audience)}`);
    for (const n of s.notes ?? []) out.push(`    note: ${t(n)}`);
    for (const p of s.changes) out.push(s.op === "update" || s.op === "replace" ? `    ${t(p.property)}: ${t(p.before ?? "none")} → ${t(p.after ?? "none")}` : `    ${t(p.property)}: ${t(p.after ?? p.before ?? "none")}`);
  }
  return `${out.join("\n")}\n`;
}
