import { sameCanonical } from "../pulumi/canonical";
import { alertsText, antsLogic, fileText, scheduleText, sharingText } from "./ants-logic";
import type { Change, ChangeSet, ResourceSide, ReviewKind, ReviewOp } from "./change-set";
import { ongageLogic, type RenderedLogic, type SegmentNames } from "./ongage-logic";
import { SECRET, UNKNOWN, UNKNOWN_TEXT, asObject, isOpaque, opaqueText, plural, type Json } from "./values";

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
  /** Campaigns that use the existing segment (New, Scheduled, In progress, On hold). */
  campaigns?: CampaignRef[];
  /** Why a figure is missing (shown as a note on the segment). */
  problems: string[];
}

const OP_ORDER: Record<ReviewOp, number> = { delete: 0, replace: 1, update: 2, create: 3 };

const segmentIdOf = (s: ResourceSide | undefined): string | undefined => {
  const id = s?.outputs?.segmentId ?? s?.id;
  return typeof id === "string" || typeof id === "number" ? String(id) : undefined;
};

function textOf(v: unknown): string {
  const o = opaqueText(v);
  if (o !== undefined) return o;
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (v === undefined || v === null) return "—";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

/** Every segment id a resource's inputs refer to (segment rules, recipients' segment). */
function referencedIds(kind: ReviewKind, inputs: Json | undefined): string[] {
  if (!inputs) return [];
  if (kind === "ongage.ExternalRecipients") return inputs.segmentId === undefined ? [] : [String(inputs.segmentId)];
  if (kind !== "ongage.Segment") return [];
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    const o = asObject(v);
    if (!o) return;
    if (o.type === "segment" && Array.isArray(o.segmentIds)) out.push(...o.segmentIds.map(String));
    for (const x of Object.values(o)) if (typeof x === "object") walk(x);
  };
  walk(inputs.rules);
  walk(inputs.match);
  return out;
}

interface Named {
  name: string;
  kind: ReviewKind;
  inputs: Json | undefined;
  dependsOn: string[];
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

function recipientEmails(inputs: Json | undefined): string[] | undefined {
  const list = inputs?.recipients;
  if (!Array.isArray(list)) return undefined;
  const out: string[] = [];
  for (const r of list) {
    const email = asObject(r)?.email;
    if (typeof email !== "string" || isOpaque(email)) return undefined;
    out.push(email.trim().toLowerCase());
  }
  return out;
}

function recipientsCountText(inputs: Json, outputs?: Json): string {
  const emails = recipientEmails(inputs);
  if (emails) return plural(emails.length, "recipient");
  if (typeof outputs?.recipientCount === "number") return plural(outputs.recipientCount, "recipient");
  return opaqueText(inputs.recipients) ?? (isOpaque(inputs.recipients) ? SECRET : "recipients not shown");
}

function logicOf(kind: ReviewKind, side: ResourceSide | undefined, names: SegmentNames): RenderedLogic | undefined {
  if (!side) return undefined;
  if (kind === "ongage.Segment") return ongageLogic(side.inputs, names);
  if (kind === "ants.Segment") return antsLogic(side.inputs, side.outputs?.resolvedRules);
  return undefined;
}

function recipientsWarning(c: Change): ReportWarning | undefined {
  if (c.kind !== "ongage.ExternalRecipients" || c.op === "delete") return undefined;
  const before = recipientEmails(c.before?.inputs);
  const after = recipientEmails(c.after?.inputs);
  if (after && (before || c.op === "create")) {
    const old = new Set(before ?? []);
    const now = new Set(after);
    const added = [...now].filter((e) => !old.has(e)).length;
    const removed = [...old].filter((e) => !now.has(e)).length;
    const kept = after.length - added;
    if (added === 0 && removed === 0 && c.op !== "create") {
      return { code: "recipients-changed", message: `recipients' field values change (${plural(after.length, "recipient")}, none added or removed); every recipient is pushed again` };
    }
    const tail = removed > 0 ? `; Ongage has no call to remove recipients, so the ${removed} removed stay in the segment until it is recreated` : "";
    return { code: "recipients-changed", message: `${added} added, ${removed} removed, ${kept} kept (${before?.length ?? 0} → ${after.length} recipients)${tail}` };
  }
  const was = typeof c.before?.outputs?.recipientCount === "number" ? c.before.outputs.recipientCount : undefined;
  return { code: "recipients-changed", message: `recipients change (${was === undefined ? "?" : was} → ${after ? after.length : "count hidden: the recipients are secret or known after apply"})` };
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
    const afterLogic = logicOf(c.kind, c.after, afterNames);
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

    const warnings: ReportWarning[] = [];
    const oldId = segmentIdOf(c.before);
    const reasons = c.replaceReasons?.length ? ` (${c.replaceReasons.join(", ")} cannot change in place)` : "";
    if (c.op === "replace") {
      warnings.push({
        code: "replace-new-id",
        message: c.kind === "ongage.Segment"
          ? `replaced${reasons}: a new segment with a new id is created, then segment ${oldId ?? "(unknown id)"} is deleted, which unschedules every scheduled campaign that uses it; anything outside this program that uses id ${oldId ?? "?"} keeps pointing at the deleted segment`
          : c.kind === "ants.Segment"
            ? `replaced${reasons}: a new segment with a new id is created and computed again; segment ${oldId ?? "(unknown id)"} is deleted (or, with ants:deleteStrategy forget, left in ANTS to archive by hand)`
            : `replaced${reasons}: the recipients are pushed again`,
      });
    }
    if (c.op === "delete") {
      warnings.push({
        code: "delete",
        message: c.kind === "ongage.Segment"
          ? `segment ${oldId ?? "?"} is deleted; Ongage unschedules every scheduled campaign that uses it${facts ? "" : " (run with --live to list them)"}`
          : c.kind === "ants.Segment"
            ? `segment ${oldId ?? "?"} is deleted (or, with ants:deleteStrategy forget, removed from the stack but left in ANTS)`
            : `the recipients resource is removed; Ongage has no call to remove recipients, so they stay in segment ${String(c.before?.inputs.segmentId ?? "?")}`,
      });
    }
    if (facts?.campaigns && facts.campaigns.length > 0 && (c.op === "delete" || c.op === "replace")) {
      const n = facts.campaigns.length;
      const excluded = facts.campaigns.filter((x) => x.excluded).length;
      warnings.push({
        code: "campaigns-affected",
        message: `${plural(n, "campaign")} use${n === 1 ? "s" : ""} segment ${oldId}${excluded ? ` (${excluded} as an excluded segment, so who receives ${excluded === 1 ? "it" : "them"} changes too)` : ""}: deleting it unschedules ${n === 1 ? "it" : "them"}`,
        campaigns: facts.campaigns,
      });
    }
    if ((c.op === "delete" || c.op === "replace") && c.kind === "ongage.Segment") {
      const targets = new Set([oldId, ...[...(set.refIds ?? [])].filter(([, n]) => n === c.name || n === c.renamedFrom).map(([k]) => k)].filter((x): x is string => x !== undefined));
      const referrers = all.filter((r) => r.name !== c.name && (referencedIds(r.kind, r.inputs).some((x) => targets.has(x)) || (c.op === "replace" && r.dependsOn.includes(c.name) && referencedIds(r.kind, r.inputs).includes(UNKNOWN))));
      const formerly = set.changes.filter((r) => r.name !== c.name && !referrers.some((x) => x.name === r.name) && referencedIds(r.kind, r.before?.inputs).some((x) => targets.has(x)));
      if (referrers.length > 0) {
        const list = referrers.map((r) => `\`${r.name}\` (${r.kind})`).join(", ");
        warnings.push({
          code: "referenced-by",
          message: c.op === "replace"
            ? `referenced by ${list}: ${referrers.length === 1 ? "it moves" : "they move"} to the new segment id in the same run`
            : `still referenced by ${list}: ${referrers.length === 1 ? "it refers" : "they refer"} to a segment that no longer exists`,
        });
      } else if (formerly.length > 0 && c.op === "delete") {
        warnings.push({ code: "referenced-by", message: `was referenced by ${formerly.map((r) => `\`${r.name}\``).join(", ")}, which ${formerly.length === 1 ? "stops" : "stop"} referring to it in this change` });
      }
    }
    if (c.kind === "ongage.Segment" && c.before && c.after && !sameCanonical(c.before.inputs.whitelist ?? false, c.after.inputs.whitelist ?? false)) {
      const was = c.before.inputs.whitelist === true;
      const now = c.after.inputs.whitelist;
      warnings.push({
        code: "whitelist-changed",
        message: isOpaque(now)
          ? `the white-list flag becomes ${opaqueText(now)}`
          : now === true
            ? "becomes a white list: its members receive campaigns under all circumstances (Ongage never reports the flag back, so later drift cannot be detected)"
            : was
              ? "stops being a white list: its members no longer receive campaigns under all circumstances"
              : "the white-list flag changes",
      });
    }
    const rw = recipientsWarning(c);
    if (rw) warnings.push(rw);
    const problemNote = facts?.problems.length ? facts.problems : [];

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
    if (problemNote.length) report.notes = problemNote;
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
