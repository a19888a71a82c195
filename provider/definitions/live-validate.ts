import { AntsCanonicalSegment, AntsClient, antsClientOptions } from "../ants";
import { CanonicalSegment, OngageClient, locatedRules, ongageClientOptions, ongageDefaultListId } from "../ongage";
import { propertyPath } from "../pulumi/check-failures";
import { sortDiagnostics, type Diagnostic } from "./diagnostics";
import { checkAccount, type AccountClients, type LiveProblem, type LiveSubject, type Unchecked } from "./live-checks";
import { positionOf } from "./parse";
import type { CheckedDefinition } from "./validate";
import { checkedInputs } from "./validate";

/** What `validate --live` adds to the offline checks. */
export interface LiveValidation {
  /** Problems located at the definition file's line and column. */
  diagnostics: Diagnostic[];
  /** Checks that could not be made (each names the definitions it leaves unchecked): the run is not valid. */
  unchecked: Array<Unchecked & { definitions: string[] }>;
}

const isRef = (v: unknown): boolean => typeof v === "object" && v !== null && "ref" in v;

/** The subject of one definition (its canonical inputs from the provider's own `check`), or undefined when `check` fails. */
async function subjectOf(c: CheckedDefinition, key: string, cwd: string): Promise<LiveSubject | undefined> {
  const d = c.definition;
  if (d.kind === "ongage.ExternalRecipients") {
    const listId = d.spec.listId ?? ongageDefaultListId();
    const raw = isRef(d.spec.segmentId) ? undefined : String(d.spec.segmentId);
    return { api: "ongage-recipients", key, listId, listFrom: d.spec.listId !== undefined ? "spec.listId" : "ONGAGE_LIST_ID", ...(raw !== undefined ? { segmentId: raw } : {}) };
  }
  const inputs = await checkedInputs(c, cwd);
  if (!inputs) return undefined;
  if (d.kind === "ants.Segment") return { api: "ants", key, segment: AntsCanonicalSegment.parse(inputs) };
  const segmentIds: Array<{ rule: number; index: number; id: string }> = [];
  locatedRules(d.spec).forEach(({ rule }, i) => {
    if (rule.type !== "segment") return;
    rule.segmentIds.forEach((id, index) => {
      if (!isRef(id)) segmentIds.push({ rule: i, index, id: String(id) });
    });
  });
  return { api: "ongage", key, segment: CanonicalSegment.parse(inputs), segmentIds, listFrom: d.spec.listId !== undefined ? "spec.listId" : "ONGAGE_LIST_ID" };
}

/** The property path of a problem in the user's terms: `spec.match.all[1].field`, not the flat `rules[N]`. */
function pathOf(c: CheckedDefinition, p: LiveProblem): string {
  const d = c.definition;
  if (p.at.rule === undefined) return `spec.${p.at.key}`;
  if (d.kind === "ants.Segment") return `spec.matchRules[${p.at.rule}].${p.at.key}`;
  if (d.kind !== "ongage.Segment") return `spec.${p.at.key}`;
  const located = locatedRules(d.spec)[p.at.rule];
  return located ? `spec.${propertyPath(located.path)}.${p.at.key}` : "spec";
}

/** Clients for the APIs the definitions use, from the environment (a ConfigurationError names a missing variable). */
export function clientsFor(definitions: readonly CheckedDefinition[]): AccountClients {
  const kinds = new Set(definitions.map((c) => c.definition.kind));
  return {
    ...(kinds.has("ongage.Segment") || kinds.has("ongage.ExternalRecipients") ? { ongage: new OngageClient(ongageClientOptions()) } : {}),
    ...(kinds.has("ants.Segment") ? { ants: new AntsClient(antsClientOptions()) } : {}),
  };
}

/**
 * `validate --live`: every definition that passed the offline checks, against the account
 * (live-checks.ts). `clients` defaults to the environment's.
 */
export async function validateLive(definitions: readonly CheckedDefinition[], opts: { cwd?: string; clients?: AccountClients } = {}): Promise<LiveValidation> {
  const cwd = opts.cwd ?? process.cwd();
  const byKey = new Map<string, CheckedDefinition>();
  const subjects: LiveSubject[] = [];
  for (const [i, c] of definitions.entries()) {
    const subject = await subjectOf(c, String(i), cwd);
    if (!subject) continue;
    byKey.set(subject.key, c);
    subjects.push(subject);
  }
  if (subjects.length === 0) return { diagnostics: [], unchecked: [] };
  const result = await checkAccount(subjects, opts.clients ?? clientsFor([...byKey.values()]));
  const diagnostics = result.problems.map((p): Diagnostic => {
    const c = byKey.get(p.key)!;
    const path = pathOf(c, p);
    const { line, column } = positionOf(c.source, path);
    return { file: c.source.file, line, column, path, message: p.message, definition: c.definition.name };
  });
  const unchecked = result.unchecked.map((u) => ({ ...u, definitions: u.keys.map((k) => byKey.get(k)!.definition.name) }));
  return { diagnostics: sortDiagnostics(diagnostics), unchecked };
}
