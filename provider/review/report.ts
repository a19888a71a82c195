import { alertsText, antsLogic, fileText, scheduleText, sharingText } from "./ants-logic";
import { segmentIdOf, type Change, type ChangeSet, type ResourceSide, type ReviewKind, type ReviewOp } from "./change-set";
import { ongageLogic, type RenderedLogic, type SegmentNames } from "./ongage-logic";
import { evaluatePolicy } from "./policy";
import type { LoadedPolicy } from "./policy-file";
import { REPORT_SCHEMA_VERSION, Report as ReportSchema, type LiveFacts, type PropertyChange, type Report, type SegmentReport, type SideReport } from "./report-schema";
import { recipientEmails, warningsFor, type Named } from "./warnings";
import { SECRET, UNKNOWN, UNKNOWN_TEXT, asObject, isOpaque, opaqueText, plural, type Json } from "./values";

export { WARNING_CODES, REPORT_SCHEMA_VERSION } from "./report-schema";
export type { CampaignRef, LiveFacts, PropertyChange, Report, ReportWarning, SegmentReport, SideReport, WarningCode } from "./report-schema";

/** A report with what the text formats need beyond the JSON: logic one rule per line. */
export interface RenderedReport extends Report {
  logicLines: Map<SegmentReport, { before?: string[]; after?: string[] }>;
}

export interface BuildOptions {
  /** `drift`: the change set is a refreshed preview (before = the live segment, after = the files). */
  mode?: Report["mode"];
  /** The policy to judge the change by (none: verdict pass, no findings). */
  policy?: LoadedPolicy;
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

/** Why the existing segment's id is not known. */
function idUnknown(c: Change, set: ChangeSet, facts: LiveFacts | undefined, mode: Report["mode"]): string {
  if (!c.before) return mode === "drift" ? `not in ${c.kind.startsWith("ants") ? "ANTS" : "Ongage"} any more: \`pulumi up\` creates it again, with a new id` : "id assigned at apply";
  if (set.source === "preview") return "the preview does not hold the segment's id";
  if (!facts) return "not looked up: --base without --live finds no ids";
  const where = c.kind === "ants.Segment" ? `the ANTS ${String(c.before.inputs.audience)} audience` : `list ${typeof c.before.inputs.listId === "number" ? c.before.inputs.listId : "(account default)"}`;
  return c.kind === "ongage.ExternalRecipients" ? "not looked up: recipients have no id of their own" : `no segment named ${JSON.stringify(String(c.before.inputs.name))} found in ${where}`;
}

/** Ongage external segments have no criteria: contact counts say nothing about them. */
const isExternal = (kind: ReviewKind, side: ResourceSide | undefined) => kind === "ongage.Segment" && side !== undefined && asObject(side.inputs.external) !== undefined;

/**
 * The review of a change set: what each segment becomes, in words, with its warnings; `live`
 * (from `--live`) adds audiences and campaigns; `opts.policy` the verdict.
 */
export function buildReport(set: ChangeSet, live: ReadonlyMap<Change, LiveFacts> = new Map(), opts: BuildOptions = {}): RenderedReport {
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
    const id = segmentIdOf(c.before) ?? live.get(c)?.id;
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
    const id = (c.kind === "ongage.ExternalRecipients" ? c.before?.id : segmentIdOf(c.before)) ?? facts?.id;
    const displayName = c.kind === "ongage.ExternalRecipients"
      ? undefined
      : typeof inputs.name === "string" ? inputs.name : (opaqueText(inputs.name) ?? "name not shown");

    const beforeProps = c.before ? properties(c.kind, c.before.inputs, set, beforeNames, c.before.outputs) : [];
    const afterProps = c.after ? properties(c.kind, c.after.inputs, set, afterNames, c.before?.outputs) : [];
    const keys = [...new Set([...beforeProps.map(([k]) => k), ...afterProps.map(([k]) => k)])];
    const changes: PropertyChange[] = keys
      .map((property): PropertyChange => {
        const before = beforeProps.find(([k]) => k === property)?.[1];
        const after = afterProps.find(([k]) => k === property)?.[1];
        return { property, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) };
      })
      .filter((p) => c.op === "create" || c.op === "delete" || p.before !== p.after);

    const warnings = warningsFor(c, facts, set, all, (x) => labels.get(x));
    const segmentNotes = [...(facts?.problems ?? [])];
    if (c.op === "update" && !c.renamedFrom && changes.length === 0 && warnings.length === 0 && beforeLogic?.expression === afterLogic?.expression) {
      segmentNotes.push("no difference in the segment's definition (only, e.g., the adopt flag or the serialized provider differ)");
    }

    const hasAudience = c.kind !== "ongage.ExternalRecipients";
    const notCounted = facts ? (facts.problems.length > 0 ? facts.problems.join("; ") : "not counted") : "no --live";
    const side = (s: ResourceSide | undefined, logic: RenderedLogic | undefined, audience: number | null | undefined): SideReport | undefined => {
      if (!s) return undefined;
      const out: SideReport = logic ? { logic: logic.expression } : {};
      if (!hasAudience) return out;
      if (isExternal(c.kind, s)) out.audienceUnknown = "external segment";
      else if (typeof audience === "number") out.audience = audience;
      else out.audienceUnknown = notCounted;
      return out;
    };
    const before = side(c.before, beforeLogic, facts?.before);
    const after = side(c.after, afterLogic, facts?.after);
    const b = before?.audience;
    const a = after?.audience;
    const report: SegmentReport = {
      name: c.name,
      kind: c.kind,
      op: c.op,
      ...(id !== undefined ? { id } : { idUnknown: idUnknown(c, set, facts, opts.mode ?? "change") }),
      ...(displayName !== undefined ? { displayName } : {}),
      ...(c.kind === "ants.Segment"
        ? { audience: typeof inputs.audience === "string" ? (opaqueText(inputs.audience) ?? inputs.audience) : "audience not shown" }
        : { list: listOf(c) }),
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
      ...(b !== undefined && a !== undefined ? { audienceChange: { difference: a - b, ...(b > 0 ? { percent: Math.round(((a - b) / b) * 1000) / 10 } : {}) } } : {}),
      changes,
      warnings,
      ...(c.kind !== "ongage.ExternalRecipients" && (c.op === "delete" || c.op === "replace")
        ? { usedBy: usedByOf(c.kind, facts) }
        : {}),
      ...(c.renamedFrom ? { renamedFrom: c.renamedFrom } : {}),
    };
    if (facts?.errors?.length) report.errors = facts.errors;
    if (segmentNotes.length) report.notes = segmentNotes;
    logicLines.set(report, { before: beforeLogic?.lines, after: afterLogic?.lines });
    return report;
  });
  segments.sort((a, b) => OP_ORDER[a.op] - OP_ORDER[b.op] || a.name.localeCompare(b.name));
  const summary = { create: 0, update: 0, replace: 0, delete: 0 };
  for (const s of segments) summary[s.op]++;
  const policy = evaluatePolicy(segments, opts.policy ?? { policy: { rules: {}, exceptions: [] } });
  return { schemaVersion: REPORT_SCHEMA_VERSION, mode: opts.mode ?? "change", summary, segments, notes: [...set.notes], policy, logicLines };
}

function listOf(c: Change): number | string {
  for (const v of [c.after?.inputs.listId, c.before?.inputs.listId, c.before?.outputs?.listId]) {
    if (v === UNKNOWN) return UNKNOWN_TEXT;
    if (v === SECRET) return SECRET;
    if (typeof v === "number") return v;
    if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  }
  return "account default";
}

/** The JSON document of `--format json`: the report without presentation helpers, checked against its schema. */
export function reportJson(r: Report): Report {
  return ReportSchema.parse({ schemaVersion: r.schemaVersion, mode: r.mode, summary: r.summary, segments: r.segments, notes: r.notes, policy: r.policy });
}

/**
 * Who uses the segment a change deletes or replaces, as `--live` found it with the delete guard's own
 * rule (campaigns for Ongage, `used_by_modules` for ANTS); `unknown` says why it could not be told.
 */
function usedByOf(kind: Change["kind"], facts: LiveFacts | undefined): NonNullable<SegmentReport["usedBy"]> {
  if (!facts) return { unknown: "no --live" };
  if (facts.inUseUnknown !== undefined) return { unknown: facts.inUseUnknown };
  if (kind === "ants.Segment" && facts.modules) return { modules: facts.modules };
  if (kind !== "ants.Segment" && facts.campaigns) return { campaigns: facts.campaigns };
  return { unknown: facts.problems.join("; ") || (kind === "ants.Segment" ? "the segment's Listing entry could not be read" : "the segment's campaigns could not be read") };
}
