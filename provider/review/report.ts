import { alertsText, antsLogic, fileText, scheduleText, sharingText } from "./ants-logic";
import { segmentIdOf, type Change, type ChangeSet, type ResourceSide, type ReviewKind, type ReviewOp } from "./change-set";
import { ongageLogic, type RenderedLogic, type SegmentNames } from "./ongage-logic";
import { recipientEmails, warningsFor, type Named } from "./warnings";
import { SECRET, UNKNOWN, UNKNOWN_TEXT, isOpaque, opaqueText, plural, type Json } from "./values";

/** The warning codes of a review (stable: part of the JSON format). */
export const WARNING_CODES = ["replace-new-id", "delete", "campaigns-affected", "referenced-by", "whitelist-changed", "recipients-changed"] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

export interface CampaignRef {
  id: string;
  name: string;
  /** Ongage's status text (`Scheduled`, `New`, …). */
  status: string;
  /** True when the campaign is sent to everyone except this segment. */
  excluded: boolean;
}

export interface ReportWarning {
  code: WarningCode;
  message: string;
  campaigns?: CampaignRef[];
}

export interface SideReport {
  /** The logic in words (Ongage rules; ANTS match); null for recipients. */
  logic: string | null;
  /** Ongage: active contacts; ANTS: before = Listing's size, after = the new file's data rows. Null without --live or when it cannot be counted. */
  audience: number | null;
}

export interface PropertyChange {
  property: string;
  before: string | null;
  after: string | null;
}

export interface SegmentReport {
  name: string;
  kind: ReviewKind;
  op: ReviewOp;
  id: string | null;
  displayName: string | null;
  /** Ongage kinds: the list id. */
  list?: number | string | null;
  /** ANTS: customer or visitor. */
  audience?: string | null;
  before: SideReport | null;
  after: SideReport | null;
  /** after − before, and its percentage of before, when both audiences are known. */
  audienceChange: { difference: number; percent: number | null } | null;
  /** Other properties in words: every one for a create or delete, the changed ones otherwise. */
  changes: PropertyChange[];
  warnings: ReportWarning[];
  /** `--base` mode: the definition's previous name. */
  renamedFrom?: string;
  /** `--live`: why a figure is missing. */
  notes?: string[];
}

export interface Report {
  summary: Record<ReviewOp, number>;
  segments: SegmentReport[];
  notes: string[];
}

/** A report with what the text formats need beyond the JSON: logic one rule per line. */
export interface RenderedReport extends Report {
  logicLines: Map<SegmentReport, { before?: string[]; after?: string[] }>;
}

/** What `--live` found out about one change. */
export interface LiveFacts {
  before?: number | null;
  after?: number | null;
  /** Campaigns that use the existing segment (provider/ongage/campaigns-in-use.ts: the delete guard's rule). */
  campaigns?: CampaignRef[];
  /** ANTS modules that use the existing segment, in words (provider/ants/modules-in-use.ts). */
  modules?: string[];
  /** Why the API does not show whether anything uses the existing segment (the delete guard refuses then). */
  inUseUnknown?: string;
  /** Why a figure is missing (shown as a note on the segment). */
  problems: string[];
}

const OP_ORDER: Record<ReviewOp, number> = { delete: 0, replace: 1, update: 2, create: 3 };


function textOf(v: unknown): string {
  const o = opaqueText(v);
  if (o !== undefined) return o;
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (v === undefined || v === null) return "—";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

/** Properties in words, per kind, in display order. */
function properties(kind: ReviewKind, inputs: Json, set: ChangeSet, names: SegmentNames, outputs?: Json): Array<[string, string]> {
  switch (kind) {
    case "ongage.Segment":
      return [
        ["name", textOf(inputs.name)],
        ["list", inputs.listId === undefined ? (outputs?.listId === undefined ? "account default" : textOf(outputs.listId)) : textOf(inputs.listId)],
        ["description", textOf(inputs.description ?? "")],
        ["favorite", textOf(inputs.favorite ?? false)],
        ["white list", textOf(inputs.whitelist ?? false)],
      ];
    case "ants.Segment":
      return [
        ["name", textOf(inputs.name)],
        ["audience", textOf(inputs.audience)],
        ["member file", fileText(inputs.file, (p, s, d) => set.memberRows(p, s, d))],
        ["schedule", scheduleText(inputs.schedule)],
        ["sharing", sharingText(inputs.shareAccess)],
        ["alerts", alertsText(inputs.alerts)],
      ];
    case "ongage.ExternalRecipients": {
      const id = inputs.segmentId === undefined ? undefined : String(inputs.segmentId);
      return [
        ["segment", id === undefined ? "—" : id === UNKNOWN && names.pending?.length === 1 ? `"${names.pending[0]}" (new id, known after apply)` : (names.labelOf(id) ?? (opaqueText(id) ?? id))],
        ["recipients", recipientsCountText(inputs, outputs)],
      ];
    }
  }
}

function recipientsCountText(inputs: Json, outputs?: Json): string {
  const emails = recipientEmails(inputs);
  if (emails) return plural(emails.length, "recipient");
  if (typeof inputs.recipientCount === "number") return plural(inputs.recipientCount, "recipient");
  if (typeof outputs?.recipientCount === "number") return plural(outputs.recipientCount, "recipient");
  return opaqueText(inputs.recipients) ?? (isOpaque(inputs.recipients) ? SECRET : "recipients not shown");
}

/** `resolved`: ANTS rules as the provider resolved them (the same attribute keeps its datatype, so the operator holds for the planned side too). */
function logicOf(kind: ReviewKind, side: ResourceSide | undefined, names: SegmentNames, resolved?: unknown): RenderedLogic | undefined {
  if (!side) return undefined;
  if (kind === "ongage.Segment") return ongageLogic(side.inputs, names);
  if (kind === "ants.Segment") return antsLogic(side.inputs, side.outputs?.resolvedRules ?? resolved);
  return undefined;
}

/**
 * The review of a change set: what each segment becomes, in words, with its warnings; `live`
 * (from `--live`) adds audiences and campaigns.
 */
export function buildReport(set: ChangeSet, live: ReadonlyMap<Change, LiveFacts> = new Map()): RenderedReport {
  // Display names by segment id (digest) or by stand-in id (--base), from every resource of the program.
  const labels = new Map<string, string>();
  const all: Named[] = [];
  for (const u of set.unchanged) {
    all.push({ name: u.name, kind: u.kind, inputs: u.side.inputs, dependsOn: [] });
    const id = segmentIdOf(u.side);
    if (u.kind === "ongage.Segment" && id && typeof u.side.inputs.name === "string") labels.set(id, `"${u.side.inputs.name}" (${id})`);
  }
  for (const c of set.changes) {
    all.push({ name: c.name, kind: c.kind, inputs: c.after?.inputs, dependsOn: c.dependsOn });
    const id = segmentIdOf(c.before);
    const name = c.after?.inputs.name ?? c.before?.inputs.name;
    if (c.kind === "ongage.Segment" && id && typeof name === "string" && !isOpaque(id)) labels.set(id, `"${name}" (${id})`);
  }
  const byName = new Map(set.changes.map((c) => [c.name, c]));
  const defsByName = new Map([...set.unchanged.map((u) => [u.name, u.side.inputs] as const), ...set.changes.map((c) => [c.name, c.after?.inputs ?? c.before?.inputs] as const)]);
  for (const [standIn, defName] of set.refIds ?? []) {
    const display = defsByName.get(defName)?.name;
    labels.set(standIn, typeof display === "string" ? `"${display}" (${defName})` : `definition ${defName}`);
  }
  const namesFor = (c: Change | undefined): SegmentNames => ({
    labelOf: (id) => labels.get(id),
    pending: (c?.dependsOn ?? [])
      .map((n) => byName.get(n))
      .filter((d): d is Change => d !== undefined && d.kind === "ongage.Segment" && (d.op === "create" || d.op === "replace"))
      .map((d) => String(d.after?.inputs.name ?? d.name)),
  });

  const logicLines = new Map<SegmentReport, { before?: string[]; after?: string[] }>();
  const segments = set.changes.map((c): SegmentReport => {
    const facts = live.get(c);
    const beforeNames = namesFor(undefined);
    const afterNames = namesFor(c);
    const beforeLogic = logicOf(c.kind, c.before, beforeNames);
    const afterLogic = logicOf(c.kind, c.after, afterNames, c.before?.outputs?.resolvedRules);
    const inputs = c.after?.inputs ?? c.before?.inputs ?? {};
    const id = c.kind === "ongage.ExternalRecipients" ? (c.before?.id ?? null) : (segmentIdOf(c.before) ?? null);
    const displayName = c.kind === "ongage.ExternalRecipients"
      ? null
      : typeof inputs.name === "string" ? inputs.name : (opaqueText(inputs.name) ?? null);

    const beforeProps = c.before ? properties(c.kind, c.before.inputs, set, beforeNames, c.before.outputs) : [];
    const afterProps = c.after ? properties(c.kind, c.after.inputs, set, afterNames, c.before?.outputs) : [];
    const keys = [...new Set([...beforeProps.map(([k]) => k), ...afterProps.map(([k]) => k)])];
    const changes: PropertyChange[] = keys
      .map((property) => ({ property, before: beforeProps.find(([k]) => k === property)?.[1] ?? null, after: afterProps.find(([k]) => k === property)?.[1] ?? null }))
      .filter((p) => c.op === "create" || c.op === "delete" || p.before !== p.after);

    const warnings = warningsFor(c, facts, set, all);
    const segmentNotes = [...(facts?.problems ?? [])];
    if (c.op === "update" && !c.renamedFrom && changes.length === 0 && warnings.length === 0 && beforeLogic?.expression === afterLogic?.expression) {
      segmentNotes.push("no difference in the segment's definition (only, e.g., the adopt flag or the serialized provider differ)");
    }

    const side = (present: boolean, logic: RenderedLogic | undefined, audience: number | null | undefined): SideReport | null =>
      present ? { logic: logic?.expression ?? null, audience: audience ?? null } : null;
    const before = side(c.before !== undefined, beforeLogic, facts?.before);
    const after = side(c.after !== undefined, afterLogic, facts?.after);
    const audienceChange = before?.audience != null && after?.audience != null
      ? { difference: after.audience - before.audience, percent: before.audience > 0 ? Math.round(((after.audience - before.audience) / before.audience) * 1000) / 10 : null }
      : null;
    const report: SegmentReport = {
      name: c.name,
      kind: c.kind,
      op: c.op,
      id,
      displayName,
      ...(c.kind === "ants.Segment"
        ? { audience: typeof inputs.audience === "string" ? (opaqueText(inputs.audience) ?? inputs.audience) : null }
        : { list: listOf(c) }),
      before,
      after,
      audienceChange,
      changes,
      warnings,
      ...(c.renamedFrom ? { renamedFrom: c.renamedFrom } : {}),
    };
    if (segmentNotes.length) report.notes = segmentNotes;
    logicLines.set(report, { before: beforeLogic?.lines, after: afterLogic?.lines });
    return report;
  });
  segments.sort((a, b) => OP_ORDER[a.op] - OP_ORDER[b.op] || a.name.localeCompare(b.name));
  const summary = { create: 0, update: 0, replace: 0, delete: 0 };
  for (const s of segments) summary[s.op]++;
  return { summary, segments, notes: [...set.notes], logicLines };
}

function listOf(c: Change): number | string | null {
  for (const v of [c.after?.inputs.listId, c.before?.inputs.listId, c.before?.outputs?.listId]) {
    if (v === UNKNOWN) return UNKNOWN_TEXT;
    if (v === SECRET) return SECRET;
    if (typeof v === "number") return v;
    if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  }
  return null;
}

/** The JSON document of `--format json`: the report without presentation helpers. */
export function reportJson(r: Report): unknown {
  return { summary: r.summary, segments: r.segments, notes: r.notes };
}
