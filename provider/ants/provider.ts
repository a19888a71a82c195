import { canonicalInputs, checkInputs } from "../pulumi/check";
import type { CheckIssue } from "../pulumi/check-failures";
import { noteHeld, releasedToCreate } from "../pulumi/claims";
import { CREATED_CLOCK_SLACK_MS, createWithRecovery } from "../pulumi/create";
import { deleteWithVerification } from "../pulumi/delete";
import { establishGone } from "../pulumi/gone";
import type { DynamicProvider } from "../pulumi/dynamic-provider";
import { withoutProvider } from "../pulumi/property-bag";
import { rememberConfig, type ConfigureRequest } from "../pulumi/settings";
import { containsUnknown, isUnknown } from "../pulumi/unknowns";
import { warn } from "../pulumi/warnings";
import { AntsClient } from "./client";
import { antsClaimScope, antsCreatorIdentity, createdMs, findInterruptedCreate, proveCreator } from "./interrupted-create";
import { guardAntsDelete } from "./modules-in-use";
import { MemberFileError, missingColumnMessage, readMemberFile, type MemberFile } from "../member-files/member-file";
import { withUserPaths } from "./rule-paths";
import { canonicalFromInputs, canonicalFromWire, changedKeys, managedPart, resolveRules, statusFromWire, toRequestBody } from "./normalize";
import { CanonicalSegment, type SegmentOutputs, type SegmentStatus, type UploadInfo } from "./canonical";
import { AUDIENCE_ITEM_TYPE, SegmentInputs, type ParsedSegmentInputs } from "./inputs";
import type { WireListingEntry } from "./wire";
import { listingTimeMs } from "./dates";
import { ANTS_KEYS, antsClientOptions, antsSettingsFailures, antsTransportSettings, deleteStrategy, updateStrategy } from "./settings";
import { sameCanonical } from "../pulumi/canonical";

/** Inputs after check: the canonical definition. */
type Inputs = CanonicalSegment;

/** Properties the CDP cannot change in place: the audience, and static vs dynamic. */
const IMMUTABLE = ["audience", "schedule"] as const;

/** The member file at apply time; it must still be the version `check` hashed. */
function memberFileFor(c: Inputs): MemberFile {
  const file = readMemberFile(c.file.path, c.file.delimiter);
  if (file.sha256 !== c.file.sha256) {
    throw new Error(`file "${c.file.path}" changed after the plan was made (sha256 ${file.sha256.slice(0, 12)}… ≠ ${c.file.sha256.slice(0, 12)}…); run the update again`);
  }
  return file;
}

async function uploadFile(client: AntsClient, c: Inputs): Promise<UploadInfo> {
  const file = memberFileFor(c);
  const up = await client.upload(AUDIENCE_ITEM_TYPE[c.audience], file.fileName, file.content);
  if (up.delimiterCode !== undefined && up.delimiterCode !== c.file.delimiter) {
    throw new Error(`file "${c.file.path}": ANTS read it as ${up.delimiterCode}-delimited, but the segment says ${c.file.delimiter}; fix file.delimiter or the file`);
  }
  return {
    filePath: up.filePath,
    fileName: up.fileName,
    originalFileName: file.fileName,
    extension: up.extension,
    delimiter: up.delimiter,
    headers: [...up.headerFiles].sort((a, b) => a.headerIndex - b.headerIndex).map((h) => h.headerCode),
  };
}

/** Resolves rules (uploading first when needed) and builds the Create body. */
async function prepare(client: AntsClient, c: Inputs, reuse?: UploadInfo) {
  const attributes = await client.boAttributes(AUDIENCE_ITEM_TYPE[c.audience]);
  const upload = reuse ?? (await uploadFile(client, c));
  let resolvedRules;
  try {
    resolvedRules = resolveRules(c, upload, attributes);
  } catch (err) {
    // The attribute list may have grown since it was cached: try once more with a fresh copy.
    resolvedRules = resolveRules(c, upload, await client.boAttributes(AUDIENCE_ITEM_TYPE[c.audience], true).catch(() => { throw err; }));
  }
  return { upload, resolvedRules, body: toRequestBody(c, upload, resolvedRules) };
}

async function statusOf(client: AntsClient, id: string): Promise<SegmentStatus> {
  const e = await client.findById(id);
  return e ? statusFromWire(e) : {};
}

function outputs(c: Inputs, id: string, upload: UploadInfo, resolvedRules: SegmentOutputs["resolvedRules"], serverStatus: SegmentStatus): SegmentOutputs {
  return { ...managedPart(c), segmentId: id, itemTypeId: AUDIENCE_ITEM_TYPE[c.audience], upload, resolvedRules, serverStatus };
}

/** Segments with exactly this name and item type (names are not unique in ANTS). */
async function findByName(client: AntsClient, c: Inputs): Promise<WireListingEntry[]> {
  const out = [];
  for await (const e of client.listing(c.name)) {
    if (e.segment_display === c.name && Number(e.item_type_id) === AUDIENCE_ITEM_TYPE[c.audience]) out.push(e);
  }
  return out;
}

/** Brings an existing segment to the definition through the update endpoint; its id is kept. */
async function converge(client: AntsClient, id: string, c: Inputs, existingMethod: unknown): Promise<SegmentOutputs> {
  if (existingMethod !== undefined && existingMethod !== null && existingMethod !== c.schedule.type) {
    throw new Error(`segment ${id} ("${c.name}") is ${String(existingMethod)}, the definition is ${c.schedule.type}; this cannot change in place. Fix the definition or remove \`adopt\`.`);
  }
  if (updateStrategy() !== "api") {
    throw new Error(`adopting segment ${id} ("${c.name}") needs the update endpoint to apply the definition; it is off (${ANTS_KEYS.updateStrategy.config} = replace). Remove \`adopt\` or set it to "api".`);
  }
  const { upload, resolvedRules, body } = await prepare(client, c);
  await client.update(id, body).catch((err: unknown) => { throw withUserPaths(err, c.matchRules.length); });
  return outputs(c, id, upload, resolvedRules, await statusOf(client, id).catch(() => ({})));
}

/** Check issues for rule columns missing from the file's header line. */
function columnIssues(c: ParsedSegmentInputs, file: MemberFile): CheckIssue[] {
  return c.matchRules.flatMap((r, i) =>
    file.headers.includes(r.column.trim()) ? [] : [{ path: ["matchRules", i, "column"], reason: missingColumnMessage(c.file.path, r.column.trim(), file.headers) }],
  );
}

/** The canonical definition, with the member file read (and hashed) at check time. */
function canonicalAtCheck(inputs: ParsedSegmentInputs): CanonicalSegment | CheckIssue[] {
  let file: MemberFile;
  try {
    file = readMemberFile(inputs.file.path, inputs.file.delimiter);
  } catch (err) {
    if (err instanceof MemberFileError) return [{ path: ["file", "path"], reason: err.message }];
    throw err;
  }
  const missing = columnIssues(inputs, file);
  return missing.length > 0 ? missing : canonicalFromInputs(inputs, file);
}

/**
 * ANTS CDP matching-file segments as a Pulumi dynamic provider (loaded by package name from the
 * serialized shim). Update and delete use assumed endpoints unless the strategies say otherwise.
 */
export const segmentProvider = {
  async configure(req: ConfigureRequest) {
    rememberConfig(req, Object.values(ANTS_KEYS));
  },

  /** Validates every range, enum and the member file locally; never makes an HTTP call and never throws. */
  async check(_olds, news) {
    return checkInputs(news, { schema: SegmentInputs, settings: antsSettingsFailures, canonical: canonicalAtCheck });
  },

  /**
   * Audience and static/dynamic changes replace. With `ants:updateStrategy replace` every changed
   * managed property replaces. Server status fields and `adopt` are never compared.
   */
  async diff(id, olds, news) {
    noteHeld(antsClaimScope(), id, olds.name);
    const next = withoutProvider(news);
    const prev = managedPart(olds);
    const replaceAll = updateStrategy() === "replace";
    const immutableChanged = (key: (typeof IMMUTABLE)[number]) => {
      const n = key === "schedule" ? (next.schedule as { type?: unknown } | undefined)?.type : next[key];
      const p = key === "schedule" ? prev.schedule?.type : prev[key];
      return isUnknown(n) || !sameCanonical(p, n);
    };
    if (containsUnknown(next)) {
      const replaces = replaceAll
        ? changedKeys(prev, next).map(String)
        : IMMUTABLE.filter(immutableChanged).map(String);
      return { changes: undefined, replaces };
    }
    const changed = changedKeys(prev, next);
    if (changed.length === 0) return { changes: false, replaces: [] };
    const replaces = replaceAll ? changed : IMMUTABLE.filter(immutableChanged);
    return { changes: true, replaces: [...replaces] };
  },

  async create(inputs) {
    const c = canonicalInputs(CanonicalSegment, inputs);
    const client = new AntsClient(antsClientOptions());
    return createWithRecovery(inputs, {
      api: "ANTS",
      name: c.name,
      kind: `${c.audience} segments`,
      adopt: c.adopt === true,
      scope: antsClaimScope(),
      findByName: () => findByName(client, c),
      idOf: (e) => String(e.segment_id),
      converge: (e) => converge(client, String(e.segment_id), c, e.update_method),
      findInterrupted: () => findInterruptedCreate(client, c),
      prepare: () => prepare(client, c),
      post: (prepared) => client.create(prepared.body).catch((err: unknown) => { throw withUserPaths(err, c.matchRules.length); }),
      // A segment whose Listing shows no creation time is never taken as this create's.
      createdSince: (e, startedAtMs) => (createdMs(e.ctime) ?? -Infinity) >= startedAtMs - CREATED_CLOCK_SLACK_MS,
      prove: async (e) => proveCreator(e, antsCreatorIdentity(), false),
      timeoutMs: () => antsTransportSettings().timeoutMs,
      // No Listing read after the create: the id comes from the create response, and the CDP computes
      // the segment after it answers, so Listing would show it before its computation. serverStatus is
      // what the last refresh saw (empty until then); it is never diffed.
      readBack: async (id, { upload, resolvedRules }) => outputs(c, id, upload, resolvedRules, {}),
      unread: (id, { upload, resolvedRules }) => outputs(c, id, upload, resolvedRules, {}),
    });
  },

  /**
   * Finds the segment in the shared Listing snapshot. Drift detection covers name, audience and
   * static/dynamic only (all Listing shows of the definition); not found → {} (gone).
   */
  async read(id, props) {
    noteHeld(antsClaimScope(), id, props.name);
    const client = new AntsClient(antsClientOptions());
    const entry = await client.findInSnapshot(id);
    if (!entry) {
      await establishGone(client.goneProof(id));
      return {};
    }
    const outs = canonicalFromWire(entry, props);
    return { id, props: outs, inputs: managedPart(outs) };
  },

  /** Applies the definition through the assumed update endpoint; re-uploads only a changed file. */
  async update(id, olds, news) {
    noteHeld(antsClaimScope(), id, olds.name);
    const c = canonicalInputs(CanonicalSegment, news);
    if (changedKeys(managedPart(olds), c).length === 0) return { outs: { ...olds, ...managedPart(c), adopt: c.adopt } };
    if (updateStrategy() === "replace") {
      throw new Error(`segment ${id} cannot be updated in place with ${ANTS_KEYS.updateStrategy.config} = replace; run the update again so the change is planned as a replacement`);
    }
    const client = new AntsClient(antsClientOptions());
    const reuse = olds.file?.sha256 === c.file.sha256 && olds.upload ? olds.upload : undefined;
    const { upload, resolvedRules, body } = await prepare(client, c, reuse);
    await client.update(id, body).catch((err: unknown) => { throw withUserPaths(err, c.matchRules.length); });
    // No Listing read after the update (see create): serverStatus stays what the last refresh saw.
    return { outs: outputs(c, id, upload, resolvedRules, olds.serverStatus ?? {}) };
  },

  /**
   * No delete when a create of this process took the segment over (provider/pulumi/claims.ts: a renamed resource).
   * `api`: the assumed delete endpoint (already gone counts as deleted), refused while modules use the
   * segment or Listing does not show whether any do (modules-in-use.ts, `ants:deleteInUse`).
   * `forget`: state only, with a warning.
   */
  async delete(id, props) {
    if (releasedToCreate(antsClaimScope(), id, props.name, "ANTS")) return;
    if (deleteStrategy() === "forget") {
      warn(
        `ants segment ${id} ("${props.name}") was removed from the Pulumi state but still exists in ANTS CDP ` +
          `(${ANTS_KEYS.deleteStrategy.config} = forget): archive it in the CDP 365 UI.`,
      );
      return;
    }
    const client = new AntsClient(antsClientOptions());
    let inUseWarning: string | undefined;
    await deleteWithVerification({
      guard: async () => {
        inUseWarning = await guardAntsDelete(client, id, props.name);
      },
      remove: () => client.delete(id),
      isGone: async () => (await client.findById(id)) === undefined,
      proof: client.goneProof(id),
      timeoutMs: () => antsTransportSettings().timeoutMs,
    });
    if (inUseWarning) warn(inUseWarning);
  },
} satisfies DynamicProvider<Inputs, SegmentOutputs>;
