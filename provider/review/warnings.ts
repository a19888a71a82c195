import { sameCanonical } from "../pulumi/canonical";
import { segmentIdOf, type Change, type ChangeSet, type ReviewKind } from "./change-set";
import type { LiveFacts, ReportWarning } from "./report-schema";
import { UNKNOWN, asObject, isOpaque, opaqueText, plural, type Json } from "./values";

/**
 * The warnings of one change: a replacement's new id, a delete, the campaigns a delete or
 * replacement touches (with --live), other resources that refer to a segment being replaced or
 * deleted, a white-list flag change, and recipients as counts only.
 */


/** Recipients' emails (lower-cased) for counting; undefined when any is opaque. Never shown. */
export function recipientEmails(inputs: Json | undefined): string[] | undefined {
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

/** The segment a recipients resource fills, by name when the review knows it. */
function recipientsSegment(c: Change, labelOf: (id: string) => string | undefined): string {
  const id = c.before?.inputs.segmentId;
  if (id === undefined || isOpaque(id)) return "their segment";
  return `segment ${labelOf(String(id)) ?? String(id)}`;
}

export interface Named {
  name: string;
  kind: ReviewKind;
  inputs: Json | undefined;
  dependsOn: string[];
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
  // Rows are secret (inline) or in a file: the planned inputs still carry their count.
  const now = after ? after.length : typeof c.after?.inputs?.recipientCount === "number" ? c.after.inputs.recipientCount : undefined;
  const counts = `${was === undefined ? "count before not recorded" : was} → ${now === undefined ? "count known after apply" : plural(now, "recipient")}`;
  return { code: "recipients-changed", message: `recipients change (${counts}); the rows are not shown: they are secret or kept in a file` };
}

/** Every warning of `c`, in a fixed order; `all` is every resource of the program with its planned inputs. */
export function warningsFor(c: Change, facts: LiveFacts | undefined, set: ChangeSet, all: readonly Named[], labelOf: (id: string) => string | undefined): ReportWarning[] {
  const warnings: ReportWarning[] = [];
  const oldId = segmentIdOf(c.before) ?? facts?.id;
  // The existing segment as a fact: its id, else its name and why the id is not known.
  const segment = oldId ? `segment ${oldId}` : `segment ${JSON.stringify(String(c.before?.inputs.name ?? c.name))} (id not known: ${set.source === "git" ? "--base finds ids only with --live" : "not in the preview"})`;
  const usesOld = oldId ? `id ${oldId}` : "its id";
  const reasons = c.replaceReasons?.length ? ` (${c.replaceReasons.join(", ")} cannot change in place)` : "";
  if (c.op === "replace") {
    warnings.push({
      code: "replace-new-id",
      message: c.kind === "ongage.Segment"
        ? `replaced${reasons}: a new segment with a new id is created, then ${segment} is deleted, which unschedules every scheduled campaign that uses it; anything outside this program that uses ${usesOld} keeps pointing at the deleted segment`
        : c.kind === "ants.Segment"
          ? `replaced${reasons}: a new segment with a new id is created and computed again; ${segment} is deleted (or, with ants:deleteStrategy forget, left in ANTS to archive by hand)`
          : `replaced${reasons}: the recipients are pushed again`,
    });
  }
  if (c.op === "delete") {
    warnings.push({
      code: "delete",
      message: c.kind === "ongage.Segment"
        ? `${segment} is deleted; Ongage unschedules every scheduled campaign that uses it${facts ? "" : " (run with --live to list them)"}`
        : c.kind === "ants.Segment"
          ? `${segment} is deleted (or, with ants:deleteStrategy forget, removed from the stack but left in ANTS)`
          : `the recipients resource is removed; Ongage has no call to remove recipients, so they stay in ${recipientsSegment(c, labelOf)}`,
    });
  }
  if (facts?.campaigns && facts.campaigns.length > 0 && (c.op === "delete" || c.op === "replace")) {
    const n = facts.campaigns.length;
    const excluded = facts.campaigns.filter((x) => x.excluded).length;
    warnings.push({
      code: "campaigns-affected",
      message: `${plural(n, "campaign")} use${n === 1 ? "s" : ""} ${segment}${excluded ? ` (${excluded} as an excluded segment, so who receives ${excluded === 1 ? "it" : "them"} changes too)` : ""}: deleting it unschedules ${n === 1 ? "it" : "them"}`,
      campaigns: facts.campaigns,
    });
  }
  if (facts?.modules && facts.modules.length > 0 && (c.op === "delete" || c.op === "replace")) {
    const n = facts.modules.length;
    warnings.push({
      code: "campaigns-affected",
      message: `${plural(n, "ANTS module")} use${n === 1 ? "s" : ""} segment ${oldId}: ${facts.modules.join(", ")}; the delete is refused unless ants:deleteInUse is allow`,
    });
  }
  if (facts?.inUseUnknown !== undefined && (c.op === "delete" || c.op === "replace")) {
    const [users, setting] = c.kind === "ants.Segment" ? ["modules", "ants:deleteInUse"] : ["campaigns", "ongage:deleteInUse"];
    warnings.push({
      code: "campaigns-affected",
      message: `whether ${users} use segment ${oldId} cannot be told (${facts.inUseUnknown}): the delete is refused unless ${setting} is allow`,
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
  return warnings;
}
