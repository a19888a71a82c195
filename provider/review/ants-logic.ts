import { createHash } from "node:crypto";
import { parse } from "csv-parse/sync";
import { DELIMITERS, type DelimiterCode } from "../member-files/file-input";
import type { RenderedLogic } from "./ongage-logic";
import { asObject, isOpaque, opaqueText, orList, plural, type Json } from "./values";

/**
 * ANTS matching-file segments in words, from the canonical form `check` puts in state (or the raw
 * inputs while they hold unknown values): the match, the member file, the schedule, sharing and
 * alerts. Member files are read only to count their data rows; no row content is ever shown.
 */

/** What is known about a member file version: its data rows when the bytes are at hand. */
export type MemberRows = (path: string, sha256: string | undefined, delimiter: string | undefined) => number | undefined;

/** sha256 (hex) of a member file's bytes, as `check` records it. */
export function sha256Hex(content: Buffer | string): string {
  return createHash("sha256").update(content).digest("hex");
}

/** Data rows of a delimited member file: non-empty records after the header line. */
export function dataRows(content: Buffer | string, delimiter: DelimiterCode | undefined): number {
  const text = (typeof content === "string" ? content : content.toString("utf8")).replace(/^\uFEFF/, "");
  const records = parse(text, {
    delimiter: DELIMITERS[delimiter ?? "comma"] ?? ",",
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
  }) as string[][];
  const nonEmpty = records.filter((r) => r.some((c) => c.trim() !== ""));
  return Math.max(nonEmpty.length - 1, 0);
}

const OPERATOR_WORDS: Record<string, string> = { exactly: "exactly", equals: "=", not_equals: "!=" };

/** The operator a rule was sent with: as written, else as the provider resolved it from the attribute's datatype. */
function operatorOf(rule: Json, resolved: unknown): string {
  if (typeof rule.operator === "string") return OPERATOR_WORDS[rule.operator] ?? rule.operator;
  if (isOpaque(rule.operator)) return `[operator ${opaqueText(rule.operator)}]`;
  const match = Array.isArray(resolved)
    ? resolved.map(asObject).find((r) => r && r.column === rule.column && r.attribute === rule.attribute)
    : undefined;
  if (match && typeof match.operator === "string") return OPERATOR_WORDS[match.operator] ?? match.operator;
  return "matches";
}

/** `customer_id = column id OR phone exactly column from_user`. */
export function matchText(inputs: Json, resolvedRules?: unknown): string {
  const o = opaqueText(inputs.matchRules);
  if (o !== undefined) return `match ${o}`;
  if (!Array.isArray(inputs.matchRules) || inputs.matchRules.length === 0) return "(no match rules)";
  const joiner = inputs.logic === "and" ? " AND " : isOpaque(inputs.logic) ? ` [${opaqueText(inputs.logic)}] ` : " OR ";
  return inputs.matchRules
    .map((raw) => {
      const r = asObject(raw);
      if (!r) return opaqueText(raw) ?? JSON.stringify(raw);
      const attr = opaqueText(r.attribute) ?? String(r.attribute);
      const column = opaqueText(r.column) ?? String(r.column);
      return `${attr} ${operatorOf(r, resolvedRules)} column ${column}`;
    })
    .join(joiner);
}

const UNITS: Record<string, [one: string, many: string]> = { hours: ["hour", "hours"], days: ["day", "days"], weeks: ["week", "weeks"], months: ["month", "months"] };
const dayHour = (v: unknown) => {
  const o = asObject(v);
  return o ? `${String(o.day)} ${String(o.hour)}` : (opaqueText(v) ?? String(v));
};

/** `every 5 hours from 2026-12-01 09:00, never ends`. */
export function scheduleText(schedule: unknown): string {
  const o = opaqueText(schedule);
  if (o !== undefined) return o;
  const s = asObject(schedule);
  if (!s || s.type === "static") return "static: computed once, when the segment is created";
  if (isOpaque(s.type)) return `schedule ${opaqueText(s.type)}`;
  const repeat = asObject(s.repeat);
  let text: string;
  if (!repeat) text = `dynamic, repeat ${opaqueText(s.repeat) ?? "unset"}`;
  else {
    const [one, many] = UNITS[String(repeat.unit)] ?? [String(repeat.unit), String(repeat.unit)];
    const every = Number(repeat.every);
    text = every === 1 ? `every ${one}` : `every ${opaqueText(repeat.every) ?? String(repeat.every)} ${many}`;
    if (Array.isArray(repeat.on) && repeat.on.length > 0) text += ` on ${repeat.on.map(String).join(", ")}`;
  }
  if (s.start !== undefined) text += ` from ${dayHour(s.start)}`;
  const end = asObject(s.end);
  if (!end || end.never === true) text += ", never ends";
  else if (end.onDay !== undefined) text += `, until ${dayHour(end.onDay)}`;
  else if (end.afterRuns !== undefined) text += `, ${plural(Number(end.afterRuns), "run")} then stops`;
  return text;
}

/** Public flag, public role and each user's role and rights. */
export function sharingText(share: unknown): string {
  const o = opaqueText(share);
  if (o !== undefined) return o;
  const s = asObject(share) ?? {};
  const parts: string[] = [s.isPublic === true ? `public (everyone: ${String(s.publicRole ?? "viewer")})` : "not public"];
  const users = Array.isArray(s.users) ? s.users.map(asObject).filter((u): u is Json => u !== undefined) : [];
  if (users.length === 0) parts.push("no users");
  for (const u of users) {
    const rights = [u.allowEdit === true && "edit", u.allowView === true && "view", u.allowComment === true && "comment"].filter(Boolean);
    parts.push(`user ${String(u.userId)} ${String(u.role)}${rights.length ? ` (${rights.join(", ")})` : ""}`);
  }
  if (typeof s.description === "string" && s.description !== "") parts.push(`note ${JSON.stringify(s.description)}`);
  return parts.join("; ");
}

/** Who is notified of computation results, and how. */
export function alertsText(alerts: unknown): string {
  const o = opaqueText(alerts);
  if (o !== undefined) return o;
  const a = asObject(alerts) ?? {};
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  const ids = list(a.accountIds);
  const success = list(a.onSuccess);
  const failure = list(a.onFailure);
  if (success.length === 0 && failure.length === 0) return ids.length ? `none (users ${ids.join(", ")} listed, no channel)` : "none";
  const parts = [success.length ? `on success by ${orList(success, "and")}` : "", failure.length ? `on failure by ${orList(failure, "and")}` : ""].filter(Boolean);
  return `${parts.join(", ")}${ids.length ? ` to users ${ids.join(", ")}` : " (no users listed)"}`;
}

/** `launch-customers.csv (3 data rows, sha256 1a2b3c4d5e6f)`. */
export function fileText(file: unknown, rows: MemberRows): string {
  const o = opaqueText(file);
  if (o !== undefined) return o;
  const f = asObject(file) ?? {};
  const path = opaqueText(f.path) ?? String(f.path);
  const sha = typeof f.sha256 === "string" ? f.sha256 : undefined;
  const n = typeof f.path === "string" ? rows(f.path, sha, typeof f.delimiter === "string" ? f.delimiter : undefined) : undefined;
  const details = [n === undefined ? "rows unknown: file not in this checkout" : plural(n, "data row"), sha ? `sha256 ${sha.slice(0, 12)}` : (opaqueText(f.sha256) ? `sha256 ${opaqueText(f.sha256)}` : "")].filter(Boolean);
  return `${path} (${details.join(", ")})`;
}

/** The match of an `ants.Segment` as its logic (one line). */
export function antsLogic(inputs: Json, resolvedRules?: unknown): RenderedLogic {
  const text = matchText(inputs, resolvedRules);
  return { expression: text, lines: [text] };
}
