import { ApiError, ValidationError } from "../http/errors";
import { createMayHaveCommitted, lostCreateSettleMs, recoverLostCreate, settlesTo } from "../http/lost-create";
import { UNKNOWN, containsUnknown, toCheckFailures } from "../pulumi/check-failures";
import { PartialCreateError, warn, withProviderOf, withoutProvider, type DynamicProvider } from "../pulumi/provider-contract";
import { rememberConfig, type ConfigureRequest } from "../pulumi/settings";
import { guardSegmentDelete } from "./campaigns-in-use";
import { OngageClient } from "./client";
import {
  canonicalFromInputs,
  canonicalFromWire,
  fieldNamesToResolve,
  managedPart,
  sameCanonical,
  toRequestBody,
  type FieldResolver,
} from "./normalize";
import { ValidSegmentInputs } from "./rules";
import type { CanonicalSegment, SegmentOutputs, WireSegment } from "./schemas";
import { ONGAGE_KEYS, ongageDefaultListId, ongageTransportSettings } from "./settings";

/** Inputs after check: the canonical definition. */
type Inputs = CanonicalSegment;

/** Settings whose change cannot be applied by PUT. */
const IMMUTABLE = ["listId", "external"] as const;

async function fieldResolver(client: OngageClient, c: CanonicalSegment): Promise<FieldResolver> {
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
async function findByName(client: OngageClient, listId: number | undefined, name: string) {
  const out = [];
  for await (const s of client.listSegments(listId)) if (s.name === name) out.push(s);
  return out;
}

/** Brings an existing segment to the definition; the segment's id is kept. */
async function converge(client: OngageClient, id: string, c: Inputs): Promise<SegmentOutputs> {
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
  const body = toRequestBody(c, await fieldResolver(client, c), false);
  const updated = await client.updateSegment(c.listId, id, body);
  return fetchCanonical(client, c.listId, id, updated.segment, c);
}

/** Ongage segments as a Pulumi dynamic provider (loaded by package name from the serialized shim). */
export const segmentProvider = {
  async configure(req: ConfigureRequest) {
    rememberConfig(req, Object.values(ONGAGE_KEYS));
  },

  async check(_olds, news) {
    const raw = withoutProvider(news);
    const parsed = ValidSegmentInputs.safeParse(raw);
    if (!parsed.success) {
      const failures = toCheckFailures(parsed.error, raw, [], ValidSegmentInputs);
      return failures.length > 0 || !containsUnknown(raw) ? { inputs: raw, failures } : { inputs: raw };
    }
    let defaultListId: number | undefined;
    try {
      defaultListId = ongageDefaultListId();
    } catch (err) {
      return { inputs: raw, failures: [{ property: "listId", reason: (err as Error).message }] };
    }
    return { inputs: canonicalFromInputs(parsed.data, defaultListId) as unknown as Record<string, unknown> };
  },

  async diff(_id, olds, news) {
    const next = managedPart(withoutProvider(news as unknown as Record<string, unknown>) as unknown as Inputs);
    const prev = managedPart(olds);
    const replaces = IMMUTABLE.filter((key) => {
      if ((next[key] as unknown) === UNKNOWN) return true;
      if (key === "listId" && next.listId === undefined) return false;
      return !sameCanonical(prev[key], next[key]);
    });
    if (containsUnknown(next)) return { changes: undefined, replaces };
    const comparablePrev = { ...prev, listId: next.listId === undefined ? undefined : prev.listId, adopt: undefined };
    const changes = !sameCanonical(comparablePrev, { ...next, adopt: undefined });
    return { changes, replaces: changes ? replaces : [] };
  },

  async create(inputs) {
    const c = canonicalFromInputs(ValidSegmentInputs.parse(withoutProvider(inputs as unknown as Record<string, unknown>)), inputs.listId);
    const client = new OngageClient();
    if (c.adopt) {
      const matches = await findByName(client, c.listId, c.name);
      if (matches.length > 1) {
        throw new Error(`cannot adopt "${c.name}": ${matches.length} segments share that name (ids ${matches.map((m) => m.id).join(", ")})`);
      }
      if (matches.length === 1) {
        const outs = await converge(client, String(matches[0]!.id), c);
        return { id: outs.segmentId, outs };
      }
    }
    const body = toRequestBody(c, await fieldResolver(client, c), true);
    const startedAt = Math.floor(Date.now() / 1000);
    let created: Awaited<ReturnType<OngageClient["createSegment"]>>;
    try {
      created = await client.createSegment(c.listId, body);
    } catch (err) {
      if (!createMayHaveCommitted(err)) throw err;
      // The POST may have been committed (or still be processed) although its response was lost or a
      // 5xx: find it instead of posting twice.
      const found = await recoverLostCreate(
        err,
        c.name,
        "Ongage",
        async () => (await findByName(client, c.listId, c.name)).filter((s) => Number(s.created ?? 0) >= startedAt - 120),
        ongageTransportSettings().timeoutMs,
      );
      const outs = await converge(client, String(found.id), c);
      return { id: outs.segmentId, outs };
    }
    try {
      const outs = await fetchCanonical(client, c.listId, created.id, created.segment, c);
      return { id: outs.segmentId, outs };
    } catch (err) {
      const outs = { ...c, segmentId: created.id, listId: c.listId ?? 0 } as SegmentOutputs;
      throw new PartialCreateError(`segment ${created.id} was created but could not be read back: ${(err as Error).message}`, created.id, withProviderOf(inputs, outs), [(err as Error).message]);
    }
  },

  async read(id, props) {
    const client = new OngageClient();
    let seg: WireSegment;
    try {
      seg = await client.getSegment(props.listId || undefined, id);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return {};
      throw err;
    }
    if (seg.deleted === "1" || seg.deleted === 1 || seg.deleted === true) return {};
    const outs = canonicalFromWire(seg, props);
    return { id, props: outs, inputs: managedPart(outs) };
  },

  async update(id, olds, news) {
    const c = canonicalFromInputs(ValidSegmentInputs.parse(withoutProvider(news as unknown as Record<string, unknown>)), news.listId ?? olds.listId);
    const client = new OngageClient();
    const body = toRequestBody(c, await fieldResolver(client, c), false);
    try {
      const updated = await client.updateSegment(c.listId, id, body);
      return { outs: await fetchCanonical(client, c.listId, id, updated.segment, c) };
    } catch (err) {
      if (err instanceof ValidationError) throw new Error(`updating segment ${id} ("${c.name}") failed: ${err.message}`);
      throw err;
    }
  },

  /**
   * Refused while campaigns use the segment (campaigns-in-use.ts). Gone already counts as deleted;
   * after a lost response or 5xx, a read decides whether the delete took effect.
   */
  async delete(id, props) {
    const client = new OngageClient();
    const guard = await guardSegmentDelete(client, props.listId || undefined, id);
    if (guard === undefined) return;
    try {
      await client.deleteSegment(props.listId || undefined, id);
    } catch (err) {
      if (!createMayHaveCommitted(err)) throw err;
      const isGone = () => client.getSegment(props.listId || undefined, id).then(
        (seg) => seg.deleted === "1" || seg.deleted === 1 || seg.deleted === true,
        (readErr: unknown) => (readErr instanceof ApiError && readErr.status === 404 ? true : Promise.reject(err)),
      );
      const gone = await settlesTo(isGone, lostCreateSettleMs(ongageTransportSettings().timeoutMs));
      if (!gone) throw err;
    }
    if (guard.warning) warn(guard.warning);
  },
} satisfies DynamicProvider<Inputs, SegmentOutputs>;
