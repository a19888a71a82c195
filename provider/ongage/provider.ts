import { ValidationError } from "../http/errors";
import { canonicalInputs, checkInputs } from "../pulumi/check";
import type { CheckIssue } from "../pulumi/check-failures";
import { sameCanonical } from "../pulumi/canonical";
import { noteHeld, releasedToCreate } from "../pulumi/claims";
import { CREATED_CLOCK_SLACK_MS, createWithRecovery } from "../pulumi/create";
import { deleteWithVerification } from "../pulumi/delete";
import type { DynamicProvider } from "../pulumi/dynamic-provider";
import { withoutProvider } from "../pulumi/property-bag";
import { fetchUnlessGone } from "../pulumi/read";
import { rememberConfig, type ConfigureRequest } from "../pulumi/settings";
import { containsUnknown, isUnknown } from "../pulumi/unknowns";
import { warn } from "../pulumi/warnings";
import { CanonicalSegment, type SegmentOutputs } from "./canonical";
import { guardSegmentDelete } from "./campaigns-in-use";
import { OngageClient } from "./client";
import { findInterruptedCreate, ongageClaimScope, proveDefinition } from "./interrupted-create";
import { ValidSegmentInputs, type SegmentInputs } from "./inputs";
import { canonicalFromInputs, canonicalFromWire, fieldNamesToResolve, managedPart, toRequestBody, type FieldResolver } from "./normalize";
import { recordRuleSources, ruleSourcesOf, withUserPaths } from "./rule-paths";
import { ONGAGE_KEYS, ongageClientOptions, ongageDefaultListId, ongageSettingsFailures, ongageTransportSettings } from "./settings";
import { isDeletedSegment, type WireSegment, type WireSegmentSummary } from "./wire";

/** Settings whose change cannot be applied by PUT. */
const IMMUTABLE = ["listId", "external"] as const;

/** Resolves the list fields a definition names to ids (list_fields, cached per process; re-read once for a name it lacks). */
export async function fieldResolver(client: OngageClient, c: CanonicalSegment): Promise<FieldResolver> {
  const names = fieldNamesToResolve(c);
  if (names.length === 0) return (name) => { throw new Error(`list field "${name}" was not resolved`); };
  let fields = await client.listFields(c.listId);
  if (names.some((n) => !fields.some((f) => f.name === n))) fields = await client.listFields(c.listId, true);
  const byName = new Map(fields.map((f) => [f.name, Number(f.id)]));
  return (name, rulePath) => {
    const id = byName.get(name);
    if (id === undefined) {
      const known = [...byName.keys()].sort().join(", ");
      throw new Error(`${rulePath}: list ${c.listId ?? "(account default)"} has no field named "${name}" (fields: ${known})`);
    }
    return id;
  };
}

async function fetchCanonical(client: OngageClient, listId: number | undefined, id: string, seg: WireSegment | undefined, like: Partial<CanonicalSegment>) {
  return canonicalFromWire(seg ?? (await client.getSegment(listId, id)), like);
}

/** Segments with exactly this name in the list (names are not unique in Ongage). */
async function findByName(client: OngageClient, listId: number | undefined, name: string): Promise<WireSegmentSummary[]> {
  const out = [];
  for await (const s of client.listSegments(listId)) if (s.name === name) out.push(s);
  return out;
}

/** PUT of the segment's body; a rejection names the user's paths for the criteria it names (rule-paths.ts). */
async function putSegment(client: OngageClient, id: string, c: CanonicalSegment) {
  const body = toRequestBody(c, await fieldResolver(client, c), false);
  try {
    return await client.updateSegment(c.listId, id, body);
  } catch (err) {
    throw withUserPaths(err, ruleSourcesOf(c));
  }
}

/** The canonical form of checked inputs; remembers the user's path of each rule for messages (rule-paths.ts). */
function checkedCanonical(inputs: SegmentInputs, listId: number | undefined): CanonicalSegment {
  const c = canonicalFromInputs(inputs, listId);
  recordRuleSources(c, inputs);
  return c;
}

/** Brings an existing segment to the definition; the segment's id is kept. */
async function converge(client: OngageClient, id: string, c: CanonicalSegment): Promise<SegmentOutputs> {
  const current = await fetchCanonical(client, c.listId, id, undefined, c);
  for (const key of IMMUTABLE) {
    if (key === "listId" && c.listId === undefined) continue;
    if (!sameCanonical(current[key], c[key])) {
      throw new Error(
        `segment ${id} ("${c.name}") differs from the definition in "${key}", which cannot be changed in place; ` +
          "fix the definition or remove `adopt` to create a new segment",
      );
    }
  }
  if (sameCanonical(managedPart(current), { ...c, listId: current.listId })) return current;
  const updated = await putSegment(client, id, c);
  return fetchCanonical(client, c.listId, id, updated.segment, c);
}

/** The account's default list setting, or a failure on `listId` when the setting is malformed. */
function defaultListId(): { listId: number | undefined } | CheckIssue[] {
  try {
    return { listId: ongageDefaultListId() };
  } catch (err) {
    return [{ path: ["listId"], reason: (err as Error).message }];
  }
}

/** Ongage segments as a Pulumi dynamic provider (loaded by package name from the serialized shim). */
export const segmentProvider = {
  async configure(req: ConfigureRequest) {
    rememberConfig(req, Object.values(ONGAGE_KEYS));
  },

  async check(_olds, news) {
    return checkInputs(news, {
      schema: ValidSegmentInputs,
      settings: ongageSettingsFailures,
      canonical: (inputs) => {
        const list = defaultListId();
        return Array.isArray(list) ? list : checkedCanonical(inputs, list.listId);
      },
    });
  },

  async diff(id, olds, news) {
    noteHeld(ongageClaimScope(), id, olds.name);
    const next = managedPart(withoutProvider(news));
    const prev = managedPart(olds);
    const replaces = IMMUTABLE.filter((key) => {
      if (isUnknown(next[key])) return true;
      if (key === "listId" && next.listId === undefined) return false;
      return !sameCanonical(prev[key], next[key]);
    });
    if (containsUnknown(next)) return { changes: undefined, replaces };
    const comparablePrev = { ...prev, listId: next.listId === undefined ? undefined : prev.listId, adopt: undefined };
    const changes = !sameCanonical(comparablePrev, { ...next, adopt: undefined });
    return { changes, replaces: changes ? replaces : [] };
  },

  async create(inputs) {
    const c = canonicalInputs(CanonicalSegment, inputs);
    const client = new OngageClient(ongageClientOptions());
    // The POST answer may carry the stored segment; then reading back needs no GET.
    let posted: { id: string; segment?: WireSegment } | undefined;
    return createWithRecovery(inputs, {
      api: "Ongage",
      name: c.name,
      kind: "segments",
      adopt: c.adopt === true,
      scope: ongageClaimScope(),
      findByName: () => findByName(client, c.listId, c.name),
      idOf: (s) => String(s.id),
      converge: (s) => converge(client, String(s.id), c),
      findInterrupted: () => findInterruptedCreate(client, c),
      prepare: async () => toRequestBody(c, await fieldResolver(client, c), true),
      post: async (body) => {
        try {
          return (posted = await client.createSegment(c.listId, body)).id;
        } catch (err) {
          throw withUserPaths(err, ruleSourcesOf(c));
        }
      },
      createdSince: (s, startedAtMs) => Number(s.created ?? 0) * 1000 >= startedAtMs - CREATED_CLOCK_SLACK_MS,
      prove: (s) => proveDefinition(client, c, String(s.id)),
      timeoutMs: () => ongageTransportSettings().timeoutMs,
      readBack: (id) => fetchCanonical(client, c.listId, id, posted?.id === id ? posted.segment : undefined, c),
      unread: (id) => ({ ...c, segmentId: id, listId: c.listId ?? 0 }),
    });
  },

  async read(id, props) {
    noteHeld(ongageClaimScope(), id, props.name);
    const listId = props.listId || undefined;
    const client = new OngageClient(ongageClientOptions());
    const seg = await fetchUnlessGone(() => client.getSegment(listId, id), client.goneProof(listId, id));
    if (seg === undefined || isDeletedSegment(seg)) return {};
    const outs = canonicalFromWire(seg, props);
    return { id, props: outs, inputs: managedPart(outs) };
  },

  async update(id, olds, news) {
    noteHeld(ongageClaimScope(), id, olds.name);
    const c = canonicalInputs(CanonicalSegment, { ...news, listId: news.listId ?? olds.listId });
    const client = new OngageClient(ongageClientOptions());
    try {
      const updated = await putSegment(client, id, c);
      return { outs: await fetchCanonical(client, c.listId, id, updated.segment, c) };
    } catch (err) {
      if (err instanceof ValidationError) throw new Error(`updating segment ${id} ("${c.name}") failed: ${err.message}`, { cause: err });
      throw err;
    }
  },

  /**
   * No delete when a create of this process took the segment over (provider/pulumi/claims.ts: a renamed resource).
   * Refused while campaigns use the segment (campaigns-in-use.ts). Gone already counts as deleted;
   * after a lost response or 5xx, a read decides whether the delete took effect.
   */
  async delete(id, props) {
    if (releasedToCreate(ongageClaimScope(), id, props.name, "Ongage")) return;
    const client = new OngageClient(ongageClientOptions());
    const listId = props.listId || undefined;
    let warning: string | undefined;
    await deleteWithVerification({
      guard: async () => {
        warning = (await guardSegmentDelete(client, listId, id))?.warning;
      },
      remove: () => client.deleteSegment(listId, id),
      isGone: async () => isDeletedSegment(await client.getSegment(listId, id)),
      proof: client.goneProof(listId, id),
      timeoutMs: () => ongageTransportSettings().timeoutMs,
    });
    if (warning) warn(warning);
  },
} satisfies DynamicProvider<CanonicalSegment, SegmentOutputs>;
