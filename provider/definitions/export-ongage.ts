import { isDeepStrictEqual } from "node:util";
import { OngageClient } from "../ongage";
import { canonicalFromInputs, canonicalFromWire, decompileMatch } from "../ongage";
import { ValidSegmentInputs } from "../ongage";
import type { CanonicalRule, CanonicalSegment } from "../ongage";
import { ongageClientOptions, ongageDefaultListId } from "../ongage";
import { replaceReferences } from "./references";
import { uniqueNames, type DefinitionFileOut } from "./render";

export interface ExportResult {
  files: DefinitionFileOut[];
  /** Things the reader must know or do (printed by the CLI). */
  notes: string[];
  /** Segments the listing showed and that were read, including those that got no file. */
  read: number;
  /** Why read segments got no file, as counted phrases ("1 deleted"); empty when every one got a file. */
  skipped: string[];
  /** Files whose rules stay in the API's flat form (Ongage: `rules` where `match` groups would not reproduce them). */
  flat: number;
}

/** An exported rule: its own properties and, when they are not the defaults, the four joining ones. */
type SpecRule = Record<string, unknown> & { condition?: "and" | "or"; openParens?: number; closeParens?: number; group?: string };

const isTruthyFlag = (v: unknown) => v === true || v === 1 || v === "1" || v === "true";

/** Epoch seconds as the shortest ISO text that parses back to it (a date at midnight UTC, else date-time). */
function isoDate(epoch: number): string {
  const iso = new Date(epoch * 1000).toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.replace(".000Z", "Z");
}

/** A canonical rule as the shortest equivalent input rule (defaults left out); segment ids via `idRef`. */
function ruleSpec(r: CanonicalRule, idRef: (id: string) => unknown): SpecRule {
  const out: SpecRule = { type: r.type };
  if (r.field !== undefined) out.field = r.field;
  if (r.fieldId !== undefined) out.fieldId = r.fieldId;
  if (r.event !== undefined) out.event = r.event;
  if (r.conversionPointId !== undefined) out.conversionPointId = r.conversionPointId;
  out.operator = r.operator;
  if (r.values !== undefined) out.values = r.type === "date_absolute" ? r.values.map((v) => isoDate(Number(v))) : r.values;
  if (r.segmentIds !== undefined) out.segmentIds = r.segmentIds.map(idRef);
  if (r.operand !== undefined) out.operand = r.operand;
  if (r.caseSensitive) out.caseSensitive = true;
  if (r.condition !== "and") out.condition = r.condition;
  if (r.openParens) out.openParens = r.openParens;
  if (r.closeParens) out.closeParens = r.closeParens;
  if (r.group) out.group = r.group;
  return out;
}

/** The shortest `ongage.Segment` spec whose canonical form is `c`, marked for adoption, with flat `rules`. */
export function segmentSpec(c: CanonicalSegment, idRef: (id: string) => unknown): Record<string, unknown> {
  const spec: Record<string, unknown> = { name: c.name };
  if (c.listId !== undefined) spec.listId = c.listId;
  spec.adopt = true;
  if (c.description !== "") spec.description = c.description;
  if (c.favorite) spec.favorite = true;
  if (c.whitelist) spec.whitelist = true;
  if (c.external) {
    const e: Record<string, unknown> = {};
    if (c.external.url !== undefined) e.url = c.external.url;
    if (c.external.insertMissing) e.insertMissing = true;
    if (c.external.includeUnsubscribes) e.includeUnsubscribes = true;
    spec.external = e;
  }
  if (c.rules.length > 0) spec.rules = c.rules.map((r) => ruleSpec(r, idRef));
  return spec;
}

/** Why `spec` (refs as ids) would not reproduce `c` exactly, or undefined when it does. */
function roundTripProblem(spec: Record<string, unknown>, c: CanonicalSegment): string | undefined {
  const parsed = ValidSegmentInputs.safeParse(spec);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  const again = canonicalFromInputs(parsed.data);
  const strip = (s: CanonicalSegment) => JSON.parse(JSON.stringify({ ...s, adopt: undefined })) as unknown;
  return isDeepStrictEqual(strip(again), strip(c)) ? undefined : "its rules have no exact equivalent in the definition format";
}

/**
 * `spec` with its flat `rules` written as `match` groups (provider/ongage/match-decompile.ts), when
 * groups exist that compile to exactly these rules and the whole spec (refs resolved by `resolve`)
 * still reproduces `c`; otherwise `spec` as it is and why its rules stay flat.
 */
function readableSpec(spec: Record<string, unknown>, c: CanonicalSegment, resolve: (spec: Record<string, unknown>) => Record<string, unknown>): { spec: Record<string, unknown>; flatBecause?: string } {
  const { rules, ...rest } = spec;
  if (!Array.isArray(rules) || rules.length === 0) return { spec };
  const read = decompileMatch(rules as SpecRule[]);
  if ("problem" in read) return { spec, flatBecause: read.problem };
  const grouped = { ...rest, match: read.match };
  const problem = roundTripProblem(resolve(grouped), c);
  return problem === undefined ? { spec: grouped } : { spec, flatBecause: `its \`match\` groups would not reproduce it (${problem})` };
}

/**
 * Reads every segment of one Ongage list (paged listing, then each segment) and turns it into an
 * `ongage.Segment` definition with `adopt: true` that reproduces it exactly: adopting it changes
 * nothing in Ongage and a following preview shows no changes. Rules are written as `match` groups
 * whenever groups compile back to exactly Ongage's flat rules, else as flat `rules` (with a note
 * saying why). Segment-of-segment ids that point at exported segments become `{ ref }`. Credentials
 * and the list come from the provider's settings (ONGAGE_* environment variables); `listId`
 * overrides the list. Deleted segments are skipped. Everything is read before anything is returned:
 * a failed listing or read throws, and `onRead` has been told how many segments were read by then.
 */
export async function exportOngage(opts: { listId?: number; onRead?: (read: number) => void } = {}): Promise<ExportResult> {
  const client = new OngageClient(ongageClientOptions());
  const listId = opts.listId ?? ongageDefaultListId();
  const canonical: Array<{ id: string; c: CanonicalSegment }> = [];
  let read = 0;
  let deleted = 0;
  for await (const summary of client.listSegments(listId)) {
    const wire = await client.getSegment(listId, String(summary.id));
    opts.onRead?.(++read);
    if (isTruthyFlag(wire.deleted)) {
      deleted++;
      continue;
    }
    const { segmentId, ...c } = canonicalFromWire(wire);
    canonical.push({ id: segmentId, c });
  }
  const names = uniqueNames(canonical.map(({ id, c }) => [c.name, id] as const), "segment");
  const nameById = new Map(canonical.map(({ id }, i) => [id, names[i]!]));
  const idByName = new Map([...nameById].map(([id, name]) => [name, id]));
  const resolve = (spec: Record<string, unknown>) => replaceReferences(spec, (n) => idByName.get(n)!) as Record<string, unknown>;
  const notes: string[] = [];

  const byName = new Map<string, string[]>();
  for (const { id, c } of canonical) byName.set(c.name, [...(byName.get(c.name) ?? []), id]);
  for (const [name, ids] of byName) {
    if (ids.length > 1) notes.push(`Ongage segments ${ids.join(", ")} share the name "${name}": adoption refuses ambiguous names; rename all but one in Ongage, then export again.`);
  }

  let flat = 0;
  const files = canonical.map(({ id, c }, i): DefinitionFileOut => {
    const { spec, flatBecause } = readableSpec(segmentSpec(c, (sid) => (nameById.has(sid) ? { ref: nameById.get(sid)! } : sid)), c, resolve);
    const comments = [`Exported from Ongage list ${c.listId ?? "(account default)"}, segment ${id} ("${c.name}").`, "adopt: true takes this segment over on the first `pulumi up` instead of creating a new one."];
    if (flatBecause !== undefined) {
      flat++;
      notes.push(`segment ${id} ("${c.name}") keeps Ongage's flat \`rules\` in ${names[i]}.yaml: no \`match\` groups compile to exactly its rules (${flatBecause}).`);
      comments.push(`\`rules\` stays in Ongage's flat form: no \`match\` groups compile to exactly these rules (${flatBecause}).`);
    }
    const problem = roundTripProblem(resolve(spec), c);
    if (problem) {
      notes.push(`segment ${id} ("${c.name}") does not round-trip exactly (${problem}); review ${names[i]}.yaml before adopting.`);
      comments.push(`REVIEW: does not reproduce the segment exactly: ${problem}`);
    }
    if (c.rules.some((r) => r.type === "email") && c.rules.every((r) => r.type === "email" && r.operator === "=")) {
      comments.push("If this is a white list in Ongage, add `whitelist: true` (the API never reports the flag).");
    }
    return { fileName: `${names[i]}.yaml`, definition: { kind: "ongage.Segment", name: names[i]!, spec }, comments };
  });
  return { files, notes, read, skipped: deleted > 0 ? [`${deleted} deleted`] : [], flat };
}
