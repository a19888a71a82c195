import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { NotFoundError } from "../http/errors";
import { deleteWithVerification } from "../pulumi/delete";
import {
  AUDIENCE_ITEM_TYPE, CreateResponse, attributeDatatype, deleteStrategy, operatorsFor, resolveRules, toRequestBody, updateStrategy,
  type CanonicalSegment, type UploadInfo, type WireListingEntry,
} from "../ants";
import type { Observation } from "./observation";
import { PLEASE_REPORT, antsRow, answerShape, errorText, typeName, type AntsProbe } from "./ants-probe";

/**
 * `doctor --api ants --write`: a scratch customer segment, created the way the provider creates one
 * (upload, BO attributes, the provider's own Create body: provider/ants/normalize.ts), read back,
 * updated and deleted the way the provider deletes (provider/pulumi/delete.ts). The delete runs
 * whatever happened before it (try/finally); a scratch segment that could not be deleted is named
 * (id and name) in the delete row.
 */

/** What the caller observes while the scratch segment exists (the Listing reads), given its id. */
export type WhileScratchExists = (id: string) => Promise<void>;

/** The member file's only column, and the attribute codes tried first for it (any STRING attribute otherwise). */
const COLUMN = "pulumi_segments_doctor";
const PREFERRED_ATTRIBUTES = ["customer_id", "id"];

/** A unique scratch name: `pulumi-segments doctor <ISO time> <random>`. */
export function scratchName(now = new Date()): string {
  return `pulumi-segments doctor ${now.toISOString()} ${randomBytes(4).toString("hex")}`;
}

/** The canonical definition of the scratch segment: static, one rule matching the random value in the file to a STRING attribute. */
export function scratchDefinition(name: string, attribute: string, content: Uint8Array): CanonicalSegment {
  return {
    name,
    audience: "customer",
    file: { path: "pulumi-segments-doctor.csv", delimiter: "comma", sha256: createHash("sha256").update(content).digest("hex"), headers: [COLUMN] },
    matchRules: [{ column: COLUMN, attribute }],
    logic: "or",
    schedule: { type: "static" },
    shareAccess: { description: "scratch segment of pulumi-segments doctor; safe to delete", isPublic: false, users: [] },
    alerts: { accountIds: [], onSuccess: [], onFailure: [] },
  };
}

const fail = (at: string, cites: string, assumption: string, err: unknown, consequence: string) => antsRow(at, cites, assumption, errorText(err), "unknown", consequence);
const CREATE_ASSUMPTION = "Create answers `data.entries[0]`, the new segment's id as a bare number";

/** Finds segments with exactly this (unique) name: the provider's way to find a create whose answer it could not read. */
async function idsNamed(probe: AntsProbe, name: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const e of probe.client.listing(name)) if (e.segment_display === name) ids.push(String(e.segment_id));
  return ids;
}

function createRow(body: unknown): { row: Observation; id?: string } {
  const parsed = CreateResponse.safeParse(body);
  const first = parsed.success ? parsed.data.data.entries[0] : undefined;
  const entries = (body as { data?: { entries?: unknown[] } } | undefined)?.data?.entries;
  const sent = Array.isArray(entries) ? typeName(entries[0]) : "no entries list";
  if (typeof first === "number") return { id: String(first), row: antsRow("write.create", "§6.7", CREATE_ASSUMPTION, `data.entries[0] is a number (segment ${first})`, "fine", "the provider reads the new id from the answer") };
  if (typeof first === "string" && /^\d+$/.test(first)) {
    return { id: first, row: antsRow("write.create", "§6.7", CREATE_ASSUMPTION, `data.entries[0] is a numeric string (segment ${first})`, "report", `the provider keeps ids as text, so it reads this; ${PLEASE_REPORT}`) };
  }
  return { row: antsRow("write.create", "§6.7", CREATE_ASSUMPTION, `data.entries[0] is ${sent}, which the provider's schema does not accept`, "report", `the provider cannot read the new id from the answer and must find the segment by name afterwards, as after a lost answer; ${PLEASE_REPORT}`) };
}

async function readBackRow(probe: AntsProbe, id: string, name: string): Promise<{ row: Observation; entry?: WireListingEntry }> {
  const assumption = "a segment just created is listed at once, with its name, item type -1003 (customer) and update method static";
  let entry: WireListingEntry | undefined;
  try {
    entry = await probe.client.findById(id);
  } catch (err) {
    return { row: fail("write.read-back", "§4", assumption, err, "the new segment could not be read back") };
  }
  if (!entry) return { row: antsRow("write.read-back", "§4", assumption, `segment ${id} is not listed right after its create`, "report", `the provider reads a segment through Listing: a refresh right after a create would take it for gone; ${PLEASE_REPORT}`) };
  const off = [
    entry.segment_display === name ? undefined : "another name",
    Number(entry.item_type_id) === AUDIENCE_ITEM_TYPE.customer ? undefined : `item_type_id ${typeName(entry.item_type_id)} other than -1003`,
    entry.update_method === undefined || entry.update_method === null || entry.update_method === "static" ? undefined : `update_method "${String(entry.update_method).slice(0, 20)}"`,
  ].filter((x): x is string => x !== undefined);
  if (off.length > 0) return { entry, row: antsRow("write.read-back", "§4", assumption, `segment ${id} is listed with ${off.join(", ")}`, "report", `the provider compares these with the definition and would plan a change or a replacement; ${PLEASE_REPORT}`) };
  return { entry, row: antsRow("write.read-back", "§4", assumption, `segment ${id} is listed with its name, item type -1003 and update method static`, "fine", "the provider's refresh sees what it created") };
}

async function updateRow(probe: AntsProbe, id: string, body: unknown, newName: string): Promise<{ row: Observation; renamed: boolean }> {
  const assumption = "the assumed update endpoint (POST /segment/update with the Create body and `segmentId`) changes a segment in place";
  if (updateStrategy() !== "api") {
    return { renamed: false, row: antsRow("write.update", "§10", assumption, "not called: ANTS_UPDATE_STRATEGY is replace", "fine", "the provider replaces a segment on every change, and never calls the update endpoint") };
  }
  try {
    await probe.client.update(id, body as Record<string, unknown>);
  } catch (err) {
    return { renamed: false, row: antsRow("write.update", "§10", assumption, errorText(err), "refuses", "every in-place change fails with this error; set ANTS_UPDATE_STRATEGY=replace (ants:updateStrategy) to replace segments instead") };
  }
  const after = await probe.client.findById(id).catch(() => undefined);
  if (after?.segment_display !== newName) {
    return { renamed: false, row: antsRow("write.update", "§10", assumption, `the update answered success, but Listing does not show segment ${id} renamed`, "report", `the provider would report changes as applied that are not; ${PLEASE_REPORT}`) };
  }
  return { renamed: true, row: antsRow("write.update", "§10", assumption, `segment ${id} renamed in place (same id)`, "fine", "the provider changes segments in place") };
}

async function deleteRows(probe: AntsProbe, id: string, name: string): Promise<Observation[]> {
  const assumption = "the assumed delete endpoint (POST /segment/delete with `segmentId`) removes a segment, and Listing stops showing it";
  const leftover = `scratch segment ${id} ("${name}") may still exist: delete it in the CDP 365 UI`;
  if (deleteStrategy() !== "api") {
    return [antsRow("write.delete", "§10", assumption, `not called: ANTS_DELETE_STRATEGY is forget; ${leftover}`, "unknown", "the provider never calls the delete endpoint; it forgets segments and warns")];
  }
  try {
    await deleteWithVerification({
      remove: () => probe.client.delete(id),
      isGone: async () => (await probe.client.findById(id)) === undefined,
      proof: probe.client.goneProof(id),
      timeoutMs: () => probe.timeoutMs,
    });
  } catch (err) {
    return [antsRow("write.delete", "§10", assumption, `${errorText(err)}; ${leftover}`, "refuses", "deletes fail with this error; set ANTS_DELETE_STRATEGY=forget (ants:deleteStrategy) to remove segments from the stack only, and archive them in the UI")];
  }
  const still = await probe.client.findById(id).then((e) => e !== undefined, (err: unknown) => err);
  if (still !== false) {
    const observed = still === true ? `the delete answered success but Listing still shows segment ${id}` : `the delete answered success; Listing could not be read afterwards (${errorText(still)})`;
    return [antsRow("write.delete", "§10", assumption, `${observed}; ${leftover}`, "report", `the provider takes a successful answer as deleted; ${PLEASE_REPORT}`)];
  }
  const rows = [antsRow("write.delete", "§10", assumption, `segment ${id} deleted; Listing no longer shows it`, "fine", "the provider's deletes take effect")];
  const again = "deleting a segment that is already gone answers 404 inside the ANTS envelope (not an HTML 404, not success)";
  try {
    await probe.client.delete(id);
    rows.push(antsRow("write.delete-again", "§10", again, "a second delete of the deleted segment answered success", "report", `the provider cannot tell a retried delete from a first one; nothing breaks, but ${PLEASE_REPORT}`));
  } catch (err) {
    const fine = err instanceof NotFoundError;
    rows.push(antsRow("write.delete-again", "§10", again, `a second delete of the deleted segment answered ${answerShape(err)}`, fine ? "fine" : "report",
      fine ? "the provider takes this answer, after a Listing that works, as already deleted" : `the provider does not take this answer as "already deleted": a retried destroy fails; ${PLEASE_REPORT}`));
  }
  return rows;
}

/**
 * Creates the scratch segment, runs `during` while it exists, updates it, and deletes it (always,
 * once created). Returns the write rows; `during`'s own failure is rethrown after the delete.
 */
export async function scratchSegmentRows(probe: AntsProbe, during: WhileScratchExists): Promise<Observation[]> {
  const rows: Observation[] = [];
  const name = scratchName();
  let attributes;
  try {
    attributes = await probe.client.boAttributes(AUDIENCE_ITEM_TYPE.customer, true);
  } catch (err) {
    return [fail("write.create", "§8", "the customer business object's attributes can be read (GET /item/-1003/attribute)", err, "no scratch segment was created; the provider cannot resolve match rules either")];
  }
  const strings = attributes.filter((a) => operatorsFor(attributeDatatype(a) ?? "").includes("exactly")).map((a) => a.item_property_name);
  const attribute = PREFERRED_ATTRIBUTES.find((p) => strings.includes(p)) ?? strings[0];
  if (attribute === undefined) {
    return [antsRow("write.create", "§8", "the customer business object has a STRING attribute to match a file column against", `none of ${attributes.length} attributes has datatype STRING`, "unknown", "no scratch segment was created")];
  }
  const content = new TextEncoder().encode(`${COLUMN}\ndoctor-${randomBytes(6).toString("hex")}\n`);
  const c = scratchDefinition(name, attribute, content);
  let upload: UploadInfo;
  try {
    const up = await probe.client.upload(AUDIENCE_ITEM_TYPE.customer, c.file.path, content);
    upload = { filePath: up.filePath, fileName: up.fileName, originalFileName: c.file.path, extension: up.extension, delimiter: up.delimiter, headers: [...up.headerFiles].sort((a, b) => a.headerIndex - b.headerIndex).map((h) => h.headerCode) };
  } catch (err) {
    return [fail("write.create", "§5", "a member file uploads (POST /segment/upload/-1003)", err, "no scratch segment was created")];
  }
  const rules = resolveRules(c, upload, attributes);
  let id: string | undefined;
  let currentName = name;
  try {
    try {
      const res = await probe.raw.send({ method: "POST", path: "/segment/create", body: { json: toRequestBody(c, upload, rules) }, idempotent: false, schema: z.unknown() });
      const created = createRow(res.body);
      rows.push(created.row);
      id = created.id ?? (await idsNamed(probe, name))[0];
    } catch (err) {
      rows.push(fail("write.create", "§6.7", CREATE_ASSUMPTION, err, "the create failed; the doctor looks the scratch segment up by name to delete it if it was made anyway"));
      id = (await idsNamed(probe, name).catch(() => []))[0];
      return rows;
    }
    if (id === undefined) {
      rows.push(antsRow("write.read-back", "§4", "a created segment can be found by its name", `no segment named "${name}" is listed after the create`, "report", PLEASE_REPORT));
      return rows;
    }
    await during(id);
    const back = await readBackRow(probe, id, name);
    rows.push(back.row);
    const newName = `${name} updated`;
    const updated = await updateRow(probe, id, toRequestBody({ ...c, name: newName }, upload, rules), newName);
    rows.push(updated.row);
    if (updated.renamed) currentName = newName;
  } finally {
    if (id !== undefined) rows.push(...(await deleteRows(probe, id, currentName)));
  }
  return rows;
}
