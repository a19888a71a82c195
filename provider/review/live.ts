import { AntsCanonicalSegment, AntsClient } from "../ants";
import { antsClientOptions } from "../ants";
import { AUDIENCE_ITEM_TYPE } from "../ants";
import { modulesInUse } from "../ants";
import { ApiError, AuthenticationError, ConfigurationError, ConnectionError, DeadlineError, NotFoundError, PermissionError, RouteNotFoundError } from "../http/errors";
import { OngageClient } from "../ongage";
import { ongageClientOptions } from "../ongage";
import { segmentCampaigns } from "../ongage";
import { toRequestBody } from "../ongage";
import { fieldResolver } from "../ongage";
import { CanonicalSegment } from "../ongage";
import { checkAccount, type LiveSubject } from "../definitions/live-checks";
import { sameCanonical } from "../pulumi/canonical";
import { containsUnknown } from "../pulumi/unknowns";
import { segmentIdOf, type Change, type ChangeSet, type ResourceSide } from "./change-set";
import type { CampaignRef, LiveFacts } from "./report";
import type { LiveError } from "./report-schema";
import { asObject, type Json } from "./values";

/**
 * `--live`: audiences and campaigns, through the providers' own clients (same limiter, retries and
 * error classes; credentials from the environment variables the providers read). Per changed Ongage
 * segment: at most two contact counts (existing segment, new criteria) plus their polls, and one
 * segment read (its campaigns, plus one campaign look-up per entry without a documented status or a
 * name, as the delete guard does) for a delete or replacement; an update whose logic did not change is
 * counted once. ANTS: one Listing search per changed segment; the new member file is counted locally.
 * `--base` mode has no segment ids: each list (and ANTS audience) is listed once to find segments by name.
 */

export interface LiveOptions {
  /** Progress lines (stderr in the CLI). */
  progress?: (line: string) => void;
  /** Segments looked up at once (the clients' limiters still apply). Default 4. */
  parallel?: number;
}

/** Errors that concern the whole run (credentials, configuration, an unreachable API): the review fails. */
function isFatal(err: unknown): boolean {
  return err instanceof ConfigurationError || err instanceof AuthenticationError || err instanceof PermissionError || err instanceof RouteNotFoundError || err instanceof ConnectionError || err instanceof DeadlineError;
}

/** The list a side lives in (a replacement can move a segment to another list). */
const listOf = (s: ResourceSide | undefined): number | undefined => {
  for (const v of [s?.inputs.listId, s?.outputs?.listId]) if (typeof v === "number") return v;
  return undefined;
};
const describe = (err: unknown) => (err instanceof ApiError ? err.message : (err as Error).message);

/** Live facts for every change of the set (recipients have none). */
export async function liveFacts(set: ChangeSet, opts: LiveOptions = {}): Promise<Map<Change, LiveFacts>> {
  const out = new Map<Change, LiveFacts>();
  const todo = set.changes.filter((c) => c.kind !== "ongage.ExternalRecipients");
  const ongage = todo.some((c) => c.kind === "ongage.Segment") ? new OngageClient(ongageClientOptions()) : undefined;
  const ants = todo.some((c) => c.kind === "ants.Segment") ? new AntsClient(antsClientOptions()) : undefined;
  const byName = new NameLookup(ongage, ants);
  const errors = await accountErrors(todo, set, { ongage, ants });
  let done = 0;
  const queue = [...todo];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      opts.progress?.(`[${++done}/${todo.length}] ${c.kind} ${c.name}`);
      const facts: LiveFacts = { problems: [], ...(errors.has(c) ? { errors: errors.get(c)! } : {}) };
      out.set(c, facts);
      try {
        if (c.kind === "ongage.Segment") await ongageFacts(ongage!, c, set, facts, byName);
        else await antsFacts(ants!, c, set, facts, byName);
      } catch (err) {
        if (isFatal(err)) throw err;
        facts.problems.push(describe(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.parallel ?? 4, Math.max(todo.length, 1)) }, worker));
  return out;
}

/**
 * The new side of every changed segment against the account, with validate --live's own checks
 * (provider/definitions/live-checks.ts): a definition that cannot work, or a check that could not be
 * made, is an error on its segment. Values known only after apply, and `--base` stand-in ids, are
 * left to apply time.
 */
async function accountErrors(todo: readonly Change[], set: ChangeSet, clients: { ongage?: OngageClient; ants?: AntsClient }): Promise<Map<Change, LiveError[]>> {
  const byKey = new Map<string, Change>();
  const subjects: LiveSubject[] = [];
  todo.forEach((c, i) => {
    const key = String(i);
    if (!c.after) return;
    if (c.kind === "ongage.Segment") {
      const parsed = CanonicalSegment.safeParse(c.after.inputs);
      // Ids known only after apply (new segments) and `--base` stand-ins are not checked; anything else unknown leaves the segment to apply time.
      const rules = Array.isArray(c.after.inputs.rules) ? (c.after.inputs.rules as Json[]).map((r) => ({ ...r, segmentIds: undefined })) : [];
      if (!parsed.success || containsUnknown({ ...c.after.inputs, rules })) return;
      const segmentIds = parsed.data.rules.flatMap((r, rule) => (r.segmentIds ?? []).flatMap((id, index) => (set.refIds?.has(id) || containsUnknown(id) ? [] : [{ rule, index, id }])));
      subjects.push({ api: "ongage", key, segment: parsed.data, segmentIds, listFrom: "listId" });
    } else if (c.kind === "ants.Segment") {
      const parsed = AntsCanonicalSegment.pick({ audience: true, matchRules: true }).safeParse(c.after.inputs);
      if (!parsed.success) return;
      subjects.push({ api: "ants", key, segment: parsed.data });
    } else return;
    byKey.set(key, c);
  });
  const out = new Map<Change, LiveError[]>();
  if (subjects.length === 0) return out;
  const add = (key: string, e: LiveError) => {
    const c = byKey.get(key)!;
    out.set(c, [...(out.get(c) ?? []), e]);
  };
  const result = await checkAccount(subjects, clients);
  for (const p of result.problems) {
    const prefix = p.at.rule === undefined ? "" : `${byKey.get(p.key)!.kind === "ants.Segment" ? "matchRules" : "rules"}[${p.at.rule}].`;
    add(p.key, { check: p.check, path: `${prefix}${p.at.key}`, message: p.message });
  }
  for (const u of result.unchecked) for (const key of u.keys) add(key, { check: u.check, message: `could not check ${u.what}: ${u.reason}` });
  return out;
}

/** Segment ids by name, for `--base` mode (definition files carry no ids). One listing per list/audience. */
class NameLookup {
  private ongageLists = new Map<string, Promise<Map<string, string[]>>>();
  private antsAudiences = new Map<string, Promise<Map<string, string[]>>>();
  constructor(private readonly ongage?: OngageClient, private readonly ants?: AntsClient) {}

  async ongageId(listId: number | undefined, name: string): Promise<string | undefined> {
    const key = String(listId ?? "default");
    let names = this.ongageLists.get(key);
    if (!names) {
      names = (async () => {
        const m = new Map<string, string[]>();
        for await (const s of this.ongage!.listSegments(listId)) m.set(s.name, [...(m.get(s.name) ?? []), String(s.id)]);
        return m;
      })();
      this.ongageLists.set(key, names);
    }
    return only((await names).get(name), name);
  }

  async antsId(audience: string, name: string): Promise<string | undefined> {
    let names = this.antsAudiences.get(audience);
    if (!names) {
      names = (async () => {
        const m = new Map<string, string[]>();
        const type = AUDIENCE_ITEM_TYPE[audience as keyof typeof AUDIENCE_ITEM_TYPE];
        for await (const e of this.ants!.listing()) {
          if (Number(e.item_type_id) !== type || typeof e.segment_display !== "string") continue;
          m.set(e.segment_display, [...(m.get(e.segment_display) ?? []), String(e.segment_id)]);
        }
        return m;
      })();
      this.antsAudiences.set(audience, names);
    }
    return only((await names).get(name), name);
  }
}

function only(ids: string[] | undefined, name: string): string | undefined {
  if (!ids || ids.length === 0) return undefined;
  if (ids.length > 1) throw new Error(`${ids.length} segments are named "${name}" (ids ${ids.join(", ")}): cannot tell which one the definition manages`);
  return ids[0];
}

/** The id of the existing segment: from the state (preview digest), else by name (`--base`). */
async function existingId(c: Change, set: ChangeSet, byName: NameLookup): Promise<string | undefined> {
  if (!c.before) return undefined;
  const id = segmentIdOf(c.before);
  if (id || set.source === "preview") return id;
  const name = c.before.inputs.name;
  if (typeof name !== "string") return undefined;
  return c.kind === "ongage.Segment" ? byName.ongageId(listOf(c.before), name) : byName.antsId(String(c.before.inputs.audience), name);
}

/** Rules with `--base` stand-in ids replaced by the referenced segments' real ids; undefined when one is not found. */
async function withRealIds(inputs: Json, set: ChangeSet, listId: number | undefined, byName: NameLookup): Promise<Json | undefined> {
  if (!set.refIds || set.refIds.size === 0 || !Array.isArray(inputs.rules)) return inputs;
  const rules = [];
  for (const rule of inputs.rules as Json[]) {
    if (rule.type !== "segment" || !Array.isArray(rule.segmentIds)) {
      rules.push(rule);
      continue;
    }
    const ids: string[] = [];
    for (const id of rule.segmentIds.map(String)) {
      const defName = set.refIds.get(id);
      if (defName === undefined) ids.push(id);
      else {
        const display = set.changes.find((c) => c.name === defName)?.after?.inputs.name ?? set.unchanged.find((u) => u.name === defName)?.side.inputs.name;
        const real = typeof display === "string" ? await byName.ongageId(listId, display) : undefined;
        if (real === undefined) return undefined;
        ids.push(real);
      }
    }
    rules.push({ ...rule, segmentIds: ids.sort() });
  }
  return { ...inputs, rules };
}

const sameLogic = (a: Json, b: Json) => sameCanonical(a.rules, b.rules) && sameCanonical(a.whitelist ?? false, b.whitelist ?? false) && sameCanonical(a.external, b.external);

async function ongageFacts(client: OngageClient, c: Change, set: ChangeSet, facts: LiveFacts, byName: NameLookup): Promise<void> {
  const listId = listOf(c.before);
  const afterList = listOf(c.after);
  const id = await existingId(c, set, byName);
  if (id !== undefined) facts.id = id;
  if (c.before) {
    if (id === undefined) facts.problems.push(set.source === "git" ? `no segment named "${String(c.before.inputs.name)}" in list ${listId ?? "(account default)"}: nothing to count before` : "the existing segment's id is not in the preview");
    else {
      try {
        facts.before = (await client.countContacts(listId, { segmentId: id })).active;
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        facts.before = null;
        facts.problems.push(`segment ${id} no longer exists in Ongage`);
      }
    }
  }
  if (c.after) {
    const after = c.after.inputs;
    if (c.before && facts.before !== undefined && facts.before !== null && sameLogic(c.before.inputs, after) && sameCanonical(c.before.inputs.listId, after.listId)) {
      facts.after = facts.before; // same criteria, same list: the same contacts
    } else if (containsUnknown(after) || !Array.isArray(after.rules)) {
      facts.after = null;
      facts.problems.push("the new criteria hold values known only after apply: not counted");
    } else if (facts.errors?.length) {
      facts.after = null;
      facts.problems.push("the new definition does not fit the account (see its errors): not counted");
    } else if (asObject(after.external)) {
      facts.after = null;
      facts.problems.push("an external segment has no criteria to count");
    } else {
      const real = await withRealIds(after, set, afterList, byName);
      if (!real) {
        facts.after = null;
        facts.problems.push("it refers to a segment that does not exist yet: not counted");
      } else {
        const parsed = CanonicalSegment.safeParse(real);
        if (!parsed.success) throw new Error(`the new criteria are not a canonical segment (${parsed.error.issues[0]!.message}): not counted`);
        const canonical = parsed.data;
        const body = toRequestBody(canonical, await fieldResolver(client, canonical), false) as { criteria: unknown[] };
        facts.after = (await client.countContacts(afterList, { criteria: body.criteria })).active;
      }
    }
  }
  if (id !== undefined && (c.op === "delete" || c.op === "replace")) {
    // The delete guard's own look-up and rule, so the review shows what `up` will refuse.
    const found = await segmentCampaigns(client, listId, id);
    if (found) {
      facts.campaigns = found.inUse.map((m): CampaignRef => ({ id: m.id, name: m.name, status: m.status, excluded: m.excluded }));
      if (found.unknown !== undefined) facts.inUseUnknown = found.unknown;
    }
  }
}

async function antsFacts(client: AntsClient, c: Change, set: ChangeSet, facts: LiveFacts, byName: NameLookup): Promise<void> {
  const id = await existingId(c, set, byName);
  if (id !== undefined) facts.id = id;
  if (c.before) {
    if (id === undefined) facts.problems.push(set.source === "git" ? `no ${String(c.before.inputs.audience)} segment named "${String(c.before.inputs.name)}" in ANTS: no current size` : "the existing segment's id is not in the preview");
    else {
      const entry = await client.findById(id);
      if (!entry) {
        facts.before = null;
        facts.problems.push(`segment ${id} is not in the ANTS Listing`);
      } else {
        const size = entry.segment_size === null || entry.segment_size === undefined || entry.segment_size === "" ? undefined : Number(entry.segment_size);
        facts.before = size !== undefined && Number.isFinite(size) ? size : null;
        if (facts.before === null) facts.problems.push(`ANTS has not computed segment ${id} yet (no size in Listing)`);
        if (c.op === "delete" || c.op === "replace") {
          // The delete guard's rule (modules-in-use.ts) on the same Listing entry.
          const use = modulesInUse(entry);
          facts.modules = use.users;
          if (use.unknown !== undefined) facts.inUseUnknown = use.unknown;
        }
      }
    }
  }
  if (c.after) {
    const f = asObject(c.after.inputs.file);
    const rows = f && typeof f.path === "string" ? set.memberRows(f.path, typeof f.sha256 === "string" ? f.sha256 : undefined, typeof f.delimiter === "string" ? f.delimiter : undefined) : undefined;
    facts.after = rows ?? null;
    if (rows === undefined) facts.problems.push("the new member file is not in this checkout: its rows are not counted");
  }
}
