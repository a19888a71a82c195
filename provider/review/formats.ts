import type { RenderedReport, SegmentReport } from "./report";
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
const ICON = { create: "🟢", update: "🟡", replace: "🟠", delete: "🔴" } as const;

function summaryLine(r: RenderedReport): string {
  const parts = (["create", "update", "replace", "delete"] as const).filter((op) => r.summary[op] > 0).map((op) => `${r.summary[op]} to ${op}`);
  return parts.join(", ");
}

const num = (n: number) => n.toLocaleString("en-US");

/** `1,234 → 987 (−247, −20.0 %)`, or what is known. */
export function audienceText(s: SegmentReport): string | undefined {
  const b = s.before?.audience;
  const a = s.after?.audience;
  if (b == null && a == null) return undefined;
  const unit = s.kind === "ants.Segment" ? "" : " active contacts";
  const side = (v: number | null | undefined, present: boolean) => (!present ? "—" : v == null ? "not counted" : num(v));
  let text = b != null && a != null
    ? `${num(b)} → ${num(a)}${unit}`
    : `${side(b, s.before !== null)}${b != null ? unit : ""} → ${side(a, s.after !== null)}${a != null ? unit : ""}`;
  if (s.audienceChange) {
    const d = s.audienceChange.difference;
    const sign = d > 0 ? "+" : d < 0 ? "−" : "±";
    const pct = s.audienceChange.percent === null ? "" : `, ${sign}${Math.abs(s.audienceChange.percent).toFixed(1)} %`;
    text += ` (${sign}${num(Math.abs(d))}${pct})`;
  }
  if (s.kind === "ants.Segment") text += " (before: size in Listing; after: data rows of the new member file)";
  return text;
}

function headline(s: SegmentReport): string {
  const where = s.kind === "ants.Segment" ? (s.audience ? `${s.audience} audience` : undefined) : s.list != null ? `list ${s.list}` : undefined;
  return [s.kind, where, s.id ? `id ${s.id}` : s.op === "create" ? "new" : undefined].filter(Boolean).join(" · ");
}

function logicBlock(r: RenderedReport, s: SegmentReport): string[] | undefined {
  const lines = r.logicLines.get(s);
  if (!lines?.before && !lines?.after) return undefined;
  if (lines.before && lines.after) return lineDiff(lines.before, lines.after);
  return (lines.after ?? lines.before)!.map((l) => `${lines.after ? "+" : "-"} ${l}`);
}

const md = (s: string) => s.replace(/[|]/g, "\\|").replace(/\n/g, " ");
const code = (s: string) => (s.includes("`") ? `\`\` ${s} \`\`` : `\`${s}\``);

/** A pull-request comment: plain Markdown, readable without scripts. */
export function formatMarkdown(r: RenderedReport): string {
  const out: string[] = [MARKDOWN_MARKER];
  if (r.segments.length === 0) {
    out.push(NO_CHANGES);
    for (const n of r.notes) out.push("", `> ⚠️ ${n}`);
    return `${out.join("\n")}\n`;
  }
  out.push(`## Segment review: ${summaryLine(r)}`);
  for (const n of r.notes) out.push("", `> ⚠️ ${n}`);
  const warned = r.segments.filter((s) => s.warnings.length > 0);
  if (warned.length > 0) {
    out.push("", `**${plural(warned.reduce((n, s) => n + s.warnings.length, 0), "warning")}** on ${warned.map((s) => code(s.name)).join(", ")}`);
  }
  for (const s of r.segments) {
    out.push("", `### ${ICON[s.op]} ${s.op} ${code(s.name)}${s.displayName ? ` · ${md(s.displayName)}` : ""}`, "", `${headline(s)}${s.renamedFrom ? ` · renamed from ${code(s.renamedFrom)}` : ""}`);
    for (const w of s.warnings) {
      out.push("", `> ⚠️ **${w.code}**: ${w.message}`);
      if (w.campaigns?.length) {
        out.push(">", "> | Campaign | Name | Status | Segment used as |", "> |---|---|---|---|");
        for (const c of w.campaigns) out.push(`> | ${md(c.id)} | ${md(c.name)} | ${md(c.status)} | ${c.excluded ? "excluded" : "included"} |`);
      }
    }
    const block = logicBlock(r, s);
    if (block) {
      out.push("", `**${s.kind === "ants.Segment" ? "Match" : "Logic"}**`, "", "```diff", ...block, "```");
      if (s.before?.logic && s.after?.logic && s.before.logic !== s.after.logic) out.push("", `Before: ${code(s.before.logic)}`, "", `After: ${code(s.after.logic)}`);
    }
    const audience = audienceText(s);
    if (audience) out.push("", `**Audience**: ${audience}`);
    for (const n of s.notes ?? []) out.push("", `_${md(n)}_`);
    if (s.changes.length > 0) {
      const both = s.op === "update" || s.op === "replace";
      out.push("", both ? "| Property | Before | After |" : "| Property | Value |", both ? "|---|---|---|" : "|---|---|");
      for (const p of s.changes) out.push(both ? `| ${p.property} | ${md(p.before ?? "—")} | ${md(p.after ?? "—")} |` : `| ${p.property} | ${md((p.after ?? p.before) ?? "—")} |`);
    }
  }
  return `${out.join("\n")}\n`;
}

/** For a terminal. */
export function formatText(r: RenderedReport): string {
  if (r.segments.length === 0) return `${[NO_CHANGES, ...r.notes.map((n) => `warning: ${n}`)].join("\n")}\n`;
  const out: string[] = [`Segment review: ${summaryLine(r)}`];
  for (const n of r.notes) out.push(`warning: ${n}`);
  for (const s of r.segments) {
    out.push("", `${SYMBOL[s.op]} ${s.op} ${s.name}${s.displayName ? ` "${s.displayName}"` : ""} (${headline(s)})${s.renamedFrom ? `, renamed from ${s.renamedFrom}` : ""}`);
    for (const w of s.warnings) {
      out.push(`    ! ${w.code}: ${w.message}`);
      for (const c of w.campaigns ?? []) out.push(`        campaign ${c.id} "${c.name}" ${c.status}${c.excluded ? " (excluded segment)" : ""}`);
    }
    const block = logicBlock(r, s);
    if (block) out.push(`    ${s.kind === "ants.Segment" ? "match" : "logic"}:`, ...block.map((l) => `      ${l}`));
    const audience = audienceText(s);
    if (audience) out.push(`    audience: ${audience}`);
    for (const n of s.notes ?? []) out.push(`    note: ${n}`);
    for (const p of s.changes) out.push(s.op === "update" || s.op === "replace" ? `    ${p.property}: ${p.before ?? "—"} → ${p.after ?? "—"}` : `    ${p.property}: ${(p.after ?? p.before) ?? "—"}`);
  }
  return `${out.join("\n")}\n`;
}
