import { doctorReportSchema, type DoctorReport, type Observation, type Verdict } from "./observation";

/** The terminal width the text table is laid out for when none is given. */
export const DEFAULT_WIDTH = 100;
/** Narrower than this, cells would wrap a word per line: the table is laid out at this width instead. */
const MIN_WIDTH = 60;

const VERDICT_ORDER: readonly Verdict[] = ["refuses", "report", "unknown", "fine"];

/** Words of `text` in lines of at most `width` characters; a longer word (a URL, a path) is cut. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    let rest = word;
    while (rest.length > width) {
      if (line !== "") (lines.push(line), (line = ""));
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    if (line === "") line = rest;
    else if (line.length + 1 + rest.length <= width) line += ` ${rest}`;
    else (lines.push(line), (line = rest));
  }
  if (line !== "" || lines.length === 0) lines.push(line);
  return lines;
}

/** "3 fine, 1 report, 1 refuses": the verdicts present, worst first in VERDICT_ORDER. */
export function tally(observations: readonly Observation[]): string {
  const counts = VERDICT_ORDER.map((v) => [v, observations.filter((o) => o.verdict === v).length] as const).filter(([, n]) => n > 0);
  return counts.length === 0 ? "no rows" : counts.map(([v, n]) => `${n} ${v}`).join(", ");
}

/**
 * The report as a table for a terminal of `width` columns: VERDICT | ROW (id, then the section it
 * cites) | WHAT WAS SEEN (what the account showed, then "→" what it means; for a row that is not
 * fine, first the assumption). Cells wrap at word boundaries; no line is longer than `width`.
 */
export function renderText(report: DoctorReport, width = DEFAULT_WIDTH): string {
  const total = Math.max(width, MIN_WIDTH);
  const rows = report.observations;
  const verdictWidth = Math.max("VERDICT".length, ...rows.map((r) => r.verdict.length));
  const idWidth = Math.min(Math.max("ROW".length, ...rows.map((r) => r.id.length), ...rows.map((r) => r.cites.length)), Math.floor(total / 3));
  const textWidth = total - verdictWidth - idWidth - 4;
  const out: string[] = [];
  const apis = [...new Set(rows.map((r) => r.api))].join(", ") || "no api";
  out.push(...wrap(`pulumi-segments doctor ${report.tool.version} · ${apis} · ${report.mode} · ${rows.length} rows: ${tally(rows)}`, total));
  out.push("");
  out.push(`${"VERDICT".padEnd(verdictWidth)}  ${"ROW".padEnd(idWidth)}  WHAT WAS SEEN → WHAT IT MEANS`);
  for (const r of rows) {
    const left = [...wrap(r.id, idWidth), ...wrap(r.cites, idWidth)];
    const right = [
      ...(r.verdict === "fine" ? [] : wrap(`assumed: ${r.assumption}`, textWidth)),
      ...wrap(r.observed, textWidth),
      ...wrap(`→ ${r.consequence}`, textWidth),
    ];
    const height = Math.max(left.length, right.length);
    out.push("");
    for (let i = 0; i < height; i++) {
      const verdict = i === 0 ? r.verdict : "";
      out.push(`${verdict.padEnd(verdictWidth)}  ${(left[i] ?? "").padEnd(idWidth)}  ${right[i] ?? ""}`.trimEnd());
    }
  }
  out.push("");
  const notFine = rows.filter((r) => r.verdict !== "fine").length;
  const closing = rows.length === 0
    ? "No row was observed: nothing is established."
    : notFine === 0
      ? "Every row is fine: the account behaves as docs/api/*.md assume."
      : `${notFine} row(s) not fine. To report them, attach the output of the same command with \`--format json\` (it holds no credentials and no contact data).`;
  out.push(...wrap(closing, total));
  return `${out.join("\n")}\n`;
}

/** The report as JSON (validated against doctorReportSchema first), for a bug report. */
export function renderJson(report: DoctorReport): string {
  return `${JSON.stringify(doctorReportSchema.parse(report), null, 2)}\n`;
}
