import { randomBytes } from "node:crypto";
import { NotFoundError, UnexpectedResponseError } from "../http/errors";
import { mayHaveBeenProcessed } from "../http/unknown-outcomes";
import { sameCanonical } from "../pulumi/canonical";
import { deleteWithVerification } from "../pulumi/delete";
import {
  ValidSegmentInputs,
  canonicalFromInputs,
  canonicalFromWire,
  fieldResolver,
  isDeletedSegment,
  managedPart,
  ongageClientOptions,
  toRequestBody,
  type CanonicalSegment,
  type OngageClient,
} from "../ongage/index";
import { PLEASE_REPORT, fine, guarded, ongageRow, refuses, report, unknown, type Finding } from "./ongage-rows";
import type { Observation } from "./observation";
import { messageOf } from "./ongage-probe";

/** The segment `--write` creates, changes and deletes; `id` is unset when the create left none to delete. */
export interface Scratch {
  name: string;
  listId: number;
  definition: CanonicalSegment;
  id?: string;
}

/** The value the scratch segment's rule looks for: no contact has it, and it is no contact's data. */
export const SCRATCH_VALUE = "pulumi-segments-doctor";

/** `pulumi-segments doctor 2026-12-05T14:30:00Z 3fa9c1`: unique, and says who made it and when. */
export function scratchName(now = new Date()): string {
  return `pulumi-segments doctor ${now.toISOString().replace(/\.\d+Z$/, "Z")} ${randomBytes(3).toString("hex")}`;
}

/** The scratch definition: one rule on the list's email field (else a text field), through the provider's own input schema. */
async function scratchDefinition(client: OngageClient, listId: number, name: string): Promise<CanonicalSegment> {
  const fields = await client.listFields(listId);
  const field = fields.find((f) => f.type === "email") ?? fields.find((f) => f.type === "string");
  const rules = field === undefined ? [] : [{ type: field.type === "email" ? ("email" as const) : ("string" as const), field: field.name, operator: "LIKE" as const, values: [SCRATCH_VALUE] }];
  const inputs = ValidSegmentInputs.parse({ listId, name, description: "Scratch segment of pulumi-segments doctor, deleted by it within seconds", rules });
  return canonicalFromInputs(inputs, listId);
}

/** The differences between what was sent and what reads back, by canonical key ("rules", "description"). */
function differences(sent: CanonicalSegment, got: CanonicalSegment): string[] {
  const keys = new Set([...Object.keys(sent), ...Object.keys(got)].filter((k) => k !== "adopt"));
  return [...keys].filter((k) => !sameCanonical((sent as Record<string, unknown>)[k], (got as Record<string, unknown>)[k])).sort();
}

async function readBack(client: OngageClient, s: Scratch & { id: string }, want: CanonicalSegment): Promise<string[]> {
  const outs = canonicalFromWire(await client.getSegment(s.listId, s.id), want);
  return differences(want, managedPart(outs));
}

/** The segments of the list named `name` (the provider's complete listing). */
async function findByName(client: OngageClient, listId: number, name: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const s of client.listSegments(listId)) if (s.name === name) ids.push(String(s.id));
  return ids;
}

/** POST of the scratch segment; its row, and the scratch (with its id when one exists to delete). */
export async function createScratch(client: OngageClient, listId: number): Promise<{ scratch: Scratch; row: Observation }> {
  const name = scratchName();
  const scratch: Scratch = { name, listId, definition: { name, listId, description: "", favorite: false, whitelist: false, rules: [] } };
  const finding = await (async (): Promise<Finding> => {
    scratch.definition = await scratchDefinition(client, listId, name);
    const body = toRequestBody(scratch.definition, await fieldResolver(client, scratch.definition), true);
    try {
      const posted = await client.createSegment(listId, body);
      scratch.id = posted.id;
      if (posted.segment) return fine(`POST /${listId}/api/segments answered segment ${posted.id} with its rules`, "the provider reads a new segment from the create's answer");
      return report(`POST /${listId}/api/segments answered only the id ${posted.id}, not the segment`, `the provider reads the new segment back with a GET, so this works; ${PLEASE_REPORT}`);
    } catch (err) {
      const noId = err instanceof UnexpectedResponseError && (err.status ?? 0) < 300;
      if (!noId && !mayHaveBeenProcessed(err)) return unknown(`POST /${listId}/api/segments failed: ${messageOf(err)}`, "nothing was created; the write rows could not be observed");
      const found = await findByName(client, listId, name);
      if (found.length === 1) scratch.id = found[0];
      const how = noId ? "answered success without the segment or its id" : `failed (${messageOf(err)})`;
      if (found.length !== 1) {
        return refuses(`POST /${listId}/api/segments ${how}; the list holds ${found.length} segments named "${name}"`, `the provider cannot tell which segment a create made; look for "${name}" in list ${listId} in the Ongage UI and delete it`);
      }
      return noId
        ? report(`POST /${listId}/api/segments ${how}; found by its unique name as segment ${found[0]}`, `the provider then looks the new segment up by its name and creation time (as after a lost answer), and stops with an error when two such segments appeared; ${PLEASE_REPORT}`)
        : unknown(`POST /${listId}/api/segments ${how}; found by its unique name as segment ${found[0]}`, "the create's answer was lost; run doctor again");
    }
  })().catch((err: unknown) => unknown(`the scratch segment could not be created: ${messageOf(err)}`, "the write rows could not be observed; run doctor again"));
  return { scratch, row: ongageRow("create", finding) };
}

/** Read back, update (description and rule value) and count the scratch segment. */
export async function exerciseScratch(client: OngageClient, s: Scratch & { id: string }): Promise<Observation[]> {
  const rows: Observation[] = [];
  rows.push(await guarded("readBack", async () => {
    const diff = await readBack(client, s, s.definition);
    if (diff.length === 0) return fine(`segment ${s.id} reads back as created (name, description, flags, ${s.definition.rules.length} rule(s))`, "a refresh right after create shows no drift");
    return report(`segment ${s.id} reads back different in: ${diff.join(", ")}`, `the provider would show a change on the next preview after create; ${PLEASE_REPORT}`);
  }));
  rows.push(await guarded("update", async () => {
    const changed: CanonicalSegment = {
      ...s.definition,
      description: `${s.definition.description} (updated)`,
      rules: s.definition.rules.map((r) => ({ ...r, values: [`${SCRATCH_VALUE}-updated`] })),
    };
    try {
      await client.updateSegment(s.listId, s.id, toRequestBody(changed, await fieldResolver(client, changed), false));
    } catch (err) {
      return refuses(`PUT /${s.listId}/api/segments/${s.id} failed: ${messageOf(err)}`, "the provider's updates fail the same way");
    }
    const diff = await readBack(client, s, changed);
    if (diff.length === 0) return fine(`PUT /${s.listId}/api/segments/${s.id} changed the description and the rule; it reads back changed`, "updates apply in place");
    return report(`after PUT, segment ${s.id} reads back different in: ${diff.join(", ")}`, `the provider would show the change again on the next preview; ${PLEASE_REPORT}`);
  }));
  rows.push(await guarded("count", async () => {
    const counts = await client.countContacts(s.listId, { segmentId: s.id });
    return fine(`the count of segment ${s.id} answered ${counts.active} active contact(s)`, "`pulumi-segments review --live` can show counts");
  }));
  return rows;
}

/**
 * Deletes the scratch segment the way the provider does (provider/pulumi/delete.ts: a failed delete
 * is verified by reading the segment back), then reads it once more: 404 is gone as documented.
 */
export async function deleteScratch(client: OngageClient, s: Scratch & { id: string }): Promise<Observation> {
  const what = `scratch segment ${s.id} ("${s.name}") in list ${s.listId}`;
  try {
    await deleteWithVerification({
      remove: () => client.deleteSegment(s.listId, s.id),
      isGone: async () => isDeletedSegment(await client.getSegment(s.listId, s.id)),
      proof: client.goneProof(s.listId, s.id),
      timeoutMs: () => ongageClientOptions().transport.timeoutMs,
    });
  } catch (err) {
    return ongageRow("delete", refuses(`the ${what} could not be deleted: ${messageOf(err)}`, `delete it in the Ongage UI; the provider's deletes fail the same way`));
  }
  try {
    const seg = await client.getSegment(s.listId, s.id);
    if (isDeletedSegment(seg)) {
      return ongageRow("delete", report(`the ${what} was deleted; a GET afterwards answered the row with \`deleted\` set`, `the provider counts a soft-deleted row as gone, so this works; ${PLEASE_REPORT} (ongage.md §11 allows a 404 or such a row)`));
    }
    return ongageRow("delete", report(`DELETE of the ${what} answered success, but a GET afterwards still answers it, not deleted`, `the provider would report such a delete done; delete it in the Ongage UI and ${PLEASE_REPORT}`));
  } catch (err) {
    if (err instanceof NotFoundError) return ongageRow("delete", fine(`the ${what} was deleted; a GET afterwards answered 404`, "deletes are verified as documented"));
    return ongageRow("delete", unknown(`DELETE of the ${what} answered success; the GET afterwards failed: ${messageOf(err)}`, "whether it is gone could not be shown; look for it in the Ongage UI"));
  }
}
