import type { LoadedPolicy, PolicyException } from "./policy-file";
import { POLICY_RULES, type PolicyFinding, type PolicyLevel, type PolicyResult, type PolicyRule, type SegmentReport } from "./report-schema";
import { plural } from "./values";

/**
 * The verdict of a policy on a report: each rule that fires on a segment is a finding; an exception
 * that names the rule and matches the segment allows it (still shown, with its reason). The verdict is
 * `fail` when an unallowed finding has level fail, `warn` when one has level warn, else `pass`.
 * Fails closed: an audience rule that cannot be evaluated is an `audience-unknown` finding (at the level
 * of `audience-unknown`, or of the rule itself when the policy does not set `audience-unknown`), and a
 * delete or replacement whose users could not be checked fires `campaigns-affected`.
 */

const num = (n: number) => n.toLocaleString("en-US");

/** `*` any run of characters, `?` one character; the whole name must match. */
export function globMatches(glob: string, name: string): boolean {
  const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "s");
  return re.test(name);
}

function exceptionFor(exceptions: readonly PolicyException[], rule: PolicyRule, s: SegmentReport): PolicyException | undefined {
  return exceptions.find((e) => e.rule === rule && e.segments.some((g) => globMatches(g, s.name) || (s.displayName !== undefined && globMatches(g, s.displayName))));
}

const SEGMENT_KINDS = new Set(["ongage.Segment", "ants.Segment"]);

/** Why an audience figure is missing, for a finding's message. */
const whyUnknown = (side: SegmentReport["before"]) => side?.audienceUnknown ?? "not counted";

function thresholdHit(rule: { maxPercent?: number; maxContacts?: number }, before: number, delta: number): string | undefined {
  const pct = before > 0 ? (Math.abs(delta) / before) * 100 : undefined;
  const hits: string[] = [];
  if (rule.maxPercent !== undefined && (pct === undefined ? delta !== 0 : pct > rule.maxPercent)) hits.push(`more than ${rule.maxPercent} %`);
  if (rule.maxContacts !== undefined && Math.abs(delta) > rule.maxContacts) hits.push(`more than ${num(rule.maxContacts)} contacts`);
  return hits.length ? hits.join(" and ") : undefined;
}

/** The findings of one segment, before exceptions: rule, level, message. */
function findingsOf(s: SegmentReport, rules: LoadedPolicy["policy"]["rules"]): Array<{ rule: PolicyRule; level: PolicyLevel; message: string }> {
  const out: Array<{ rule: PolicyRule; level: PolicyLevel; message: string }> = [];
  if (!SEGMENT_KINDS.has(s.kind)) return out;
  const before = s.before?.audience;
  const after = s.after?.audience;
  const unknown = (rule: PolicyRule, level: PolicyLevel, what: string) => {
    const u = rules["audience-unknown"];
    out.push({ rule: "audience-unknown", level: u?.level ?? level, message: `${rule} could not be evaluated: ${what}` });
  };
  const changesAudience = s.op === "update" || s.op === "replace";
  for (const rule of ["audience-drop", "audience-growth"] as const) {
    const r = rules[rule];
    if (!r || !changesAudience) continue;
    if (before === undefined || after === undefined) {
      unknown(rule, r.level, before === undefined ? `audience before ${whyUnknown(s.before)}` : `audience after ${whyUnknown(s.after)}`);
      continue;
    }
    const delta = after - before;
    if (rule === "audience-drop" ? delta >= 0 : delta <= 0) continue;
    const hit = thresholdHit(r, before, delta);
    if (!hit) continue;
    const pct = before > 0 ? `, ${rule === "audience-drop" ? "−" : "+"}${((Math.abs(delta) / before) * 100).toFixed(1)} %` : "";
    out.push({ rule, level: r.level, message: `audience ${rule === "audience-drop" ? "shrinks" : "grows"} ${hit}: ${num(before)} → ${num(after)} (${delta < 0 ? "−" : "+"}${num(Math.abs(delta))}${pct})` });
  }
  const empty = rules["audience-empty"];
  if (empty && s.after) {
    if (after === undefined) unknown("audience-empty", empty.level, `audience after ${whyUnknown(s.after)}`);
    else if (after === 0) out.push({ rule: "audience-empty", level: empty.level, message: `the audience after the change is 0${before !== undefined ? ` (was ${num(before)})` : ""}` });
  }
  const fresh = rules["new-segment-audience"];
  if (fresh && s.op === "create") {
    if (after === undefined) unknown("new-segment-audience", fresh.level, `audience ${whyUnknown(s.after)}`);
    else if (after > fresh.maxContacts) out.push({ rule: "new-segment-audience", level: fresh.level, message: `the new segment's audience is ${num(after)}, over ${num(fresh.maxContacts)}` });
  }
  const used = rules["campaigns-affected"];
  if (used && (s.op === "delete" || s.op === "replace")) {
    const [users, noun] = s.usedBy?.modules ? [s.usedBy.modules, "ANTS module"] : [s.usedBy?.campaigns, "campaign"];
    if (users === undefined) out.push({ rule: "campaigns-affected", level: used.level, message: `who uses the segment could not be checked: ${s.usedBy?.unknown ?? "not looked up"}` });
    else if (users.length > 0) out.push({ rule: "campaigns-affected", level: used.level, message: `${s.op === "delete" ? "deleted" : "replaced"} while ${plural(users.length, noun)} use${users.length === 1 ? "s" : ""} it` });
  }
  if (rules.delete && s.op === "delete") out.push({ rule: "delete", level: rules.delete.level, message: `segment ${s.id ?? `"${s.displayName ?? s.name}"`} is deleted` });
  if (rules.replace && s.op === "replace") out.push({ rule: "replace", level: rules.replace.level, message: `segment ${s.id ?? `"${s.displayName ?? s.name}"`} is replaced by a new one with a new id` });
  const wl = rules["whitelist-changed"];
  if (wl && s.warnings.some((w) => w.code === "whitelist-changed")) out.push({ rule: "whitelist-changed", level: wl.level, message: "the white-list flag changes" });
  return out;
}

/** The policy's verdict on the segments of a report. */
export function evaluatePolicy(segments: readonly SegmentReport[], loaded: LoadedPolicy): PolicyResult {
  const findings: PolicyFinding[] = [];
  for (const s of segments) {
    for (const f of findingsOf(s, loaded.policy.rules)) {
      const exception = exceptionFor(loaded.policy.exceptions, f.rule, s);
      findings.push({ rule: f.rule, level: f.level, segment: s.name, message: f.message, allowed: exception !== undefined, ...(exception ? { reason: exception.reason } : {}) });
    }
  }
  const open = findings.filter((f) => !f.allowed);
  const verdict = open.some((f) => f.level === "fail") ? "fail" : open.some((f) => f.level === "warn") ? "warn" : "pass";
  return { verdict, ...(loaded.file ? { file: loaded.file } : {}), findings };
}

/** The rules with an unallowed finding, most severe first (for the verdict line). */
export function firedRules(p: PolicyResult): Array<{ rule: PolicyRule; level: PolicyLevel; count: number }> {
  const by = new Map<PolicyRule, { rule: PolicyRule; level: PolicyLevel; count: number }>();
  for (const f of p.findings) {
    if (f.allowed) continue;
    const e = by.get(f.rule) ?? { rule: f.rule, level: f.level, count: 0 };
    e.count++;
    if (f.level === "fail") e.level = "fail";
    by.set(f.rule, e);
  }
  return [...by.values()].sort((a, b) => (a.level === b.level ? POLICY_RULES.indexOf(a.rule) - POLICY_RULES.indexOf(b.rule) : a.level === "fail" ? -1 : 1));
}
