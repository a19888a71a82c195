import { portablePath } from "../member-files/member-file";
import { canonicalInputs, checkInputs } from "../pulumi/check";
import type { CheckIssue } from "../pulumi/check-failures";
import type { DynamicProvider } from "../pulumi/dynamic-provider";
import { fetchUnlessGone } from "../pulumi/read";
import { rememberConfig, type ConfigureRequest } from "../pulumi/settings";
import { containsUnknown, isUnknown } from "../pulumi/unknowns";
import { warn } from "../pulumi/warnings";
import { CanonicalRecipients, type RecipientsOutputs } from "./canonical";
import { OngageClient } from "./client";
import { RecipientsInputs } from "./inputs";
import { RecipientsFileError, canonicalRows, readRecipientsFile, type RecipientRow } from "./recipients-file";
import { ONGAGE_KEYS, ongageClientOptions, ongageDefaultListId, ongageSettingsFailures } from "./settings";

type Parsed = ReturnType<typeof RecipientsInputs.parse>;

/** Issues for inline recipients listed twice (emails compare case-insensitively), named by index, never by value. */
function duplicateIssues(rows: NonNullable<Parsed["recipients"]>): CheckIssue[] {
  const seen = new Map<string, number>();
  const issues: CheckIssue[] = [];
  for (const [i, r] of rows.entries()) {
    const key = r.email.toLowerCase();
    if (seen.has(key)) issues.push({ path: ["recipients", i, "email"], reason: `duplicate of recipients[${seen.get(key)}]` });
    else seen.set(key, i);
  }
  return issues;
}

/** Canonical inputs, or issues: the file is read and validated here (never an HTTP call, never a value in a message). */
function canonicalRecipients(inputs: Parsed): CanonicalRecipients | CheckIssue[] {
  const { file, recipients } = inputs;
  if ((file === undefined) === (recipients === undefined)) {
    return [{ path: [file ? "recipients" : "file"], reason: "give either `file: { path }` or `recipients`, not both" }];
  }
  let listId: number | undefined;
  try {
    listId = inputs.listId ?? ongageDefaultListId();
  } catch (err) {
    return [{ path: ["listId"], reason: (err as Error).message }];
  }
  const base = { ...(listId === undefined ? {} : { listId }), segmentId: String(inputs.segmentId) };
  if (recipients) {
    const duplicates = duplicateIssues(recipients);
    if (duplicates.length > 0) return duplicates;
    const { rows, contentHash } = canonicalRows(recipients);
    return { ...base, recipients: rows, recipientCount: rows.length, contentHash };
  }
  try {
    const read = readRecipientsFile(file!.path, file!.delimiter);
    const { contentHash } = canonicalRows(read.rows);
    const recorded = { path: portablePath(file!.path), sha256: read.file.sha256, ...(file!.delimiter ? { delimiter: file!.delimiter } : {}) };
    return { ...base, file: recorded, recipientCount: read.rows.length, contentHash };
  } catch (err) {
    if (err instanceof RecipientsFileError) return err.problems.map((reason) => ({ path: ["file", "path"], reason }));
    throw err;
  }
}

/** The rows to push: inline ones as checked, or the file read again, which must still be the version check hashed. */
function rowsOf(c: CanonicalRecipients): RecipientRow[] {
  if (c.recipients) return c.recipients;
  const { file, rows } = readRecipientsFile(c.file!.path, c.file!.delimiter);
  if (file.sha256 !== c.file!.sha256) {
    throw new Error(`file "${c.file!.path}" changed after the plan was made (sha256 ${file.sha256.slice(0, 12)}… ≠ ${c.file!.sha256.slice(0, 12)}…); run the update again`);
  }
  return canonicalRows(rows).rows;
}

const outputsOf = (c: CanonicalRecipients): RecipientsOutputs => ({
  ...(c.listId === undefined ? {} : { listId: c.listId }),
  segmentId: c.segmentId,
  ...(c.file ? { file: c.file } : {}),
  recipientCount: c.recipientCount,
  contentHash: c.contentHash,
});

/**
 * Recipients of an external segment, pushed with PUT populate_external. From a file (state keeps its
 * path, sha256 and the count) or inline (the resource marks the rows secret). Diffed by content hash
 * only: unchanged recipients cause no call, whichever form holds them. Ongage has no call to read or
 * clear them, so refresh only checks that the segment still exists, and delete leaves them in the
 * segment (with a warning).
 */
export const recipientsProvider = {
  async configure(req: ConfigureRequest) {
    rememberConfig(req, Object.values(ONGAGE_KEYS));
  },

  async check(_olds, news) {
    return checkInputs(news, { schema: RecipientsInputs, settings: ongageSettingsFailures, canonical: canonicalRecipients });
  },

  async diff(_id, olds, news) {
    const replaces = (["listId", "segmentId"] as const).filter(
      (k) => isUnknown(news[k]) || (news[k] !== undefined && String(news[k]) !== String(olds[k])),
    );
    if (containsUnknown(news)) return { changes: undefined, replaces };
    return { changes: replaces.length > 0 || news.contentHash !== olds.contentHash, replaces };
  },

  async create(inputs) {
    const c = canonicalInputs(CanonicalRecipients, inputs);
    await new OngageClient(ongageClientOptions()).populateExternal(c.listId, c.segmentId, rowsOf(c));
    return { id: `${c.segmentId}/recipients`, outs: outputsOf(c) };
  },

  async read(id, props) {
    const client = new OngageClient(ongageClientOptions());
    const seg = await fetchUnlessGone(() => client.getSegment(props.listId, props.segmentId), client.goneProof(props.listId, props.segmentId));
    return seg === undefined ? {} : { id, props };
  },

  async update(_id, _olds, news) {
    const c = canonicalInputs(CanonicalRecipients, news);
    await new OngageClient(ongageClientOptions()).populateExternal(c.listId, c.segmentId, rowsOf(c));
    return { outs: outputsOf(c) };
  },

  async delete(_id, props) {
    warn(`the ${props.recipientCount} recipients pushed to external segment ${props.segmentId} stay in it: Ongage has no call to remove them (delete the segment to drop them).`);
  },
} satisfies DynamicProvider<CanonicalRecipients, RecipientsOutputs>;
