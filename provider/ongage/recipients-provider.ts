import { portablePath } from "../ants/file-source";
import { NotFoundError } from "../http/errors";
import { UNKNOWN, containsUnknown, toCheckFailures, type CheckFailure } from "../pulumi/check-failures";
import { warn, withoutProvider, type DynamicProvider } from "../pulumi/provider-contract";
import { rememberConfig, type ConfigureRequest } from "../pulumi/settings";
import { OngageClient } from "./client";
import { RecipientsFileError, canonicalRows, readRecipientsFile, type RecipientRow } from "./recipients-file";
import { RecipientsInputs, type CanonicalRecipients, type RecipientsOutputs } from "./schemas";
import { ONGAGE_KEYS, ongageDefaultListId } from "./settings";

type Parsed = ReturnType<typeof RecipientsInputs.parse>;

/** Check failures of the inline rows: duplicates by address (named by index, never by value). */
function inlineFailures(rows: Parsed["recipients"] & object): CheckFailure[] {
  const seen = new Map<string, number>();
  const failures: CheckFailure[] = [];
  for (const [i, r] of rows.entries()) {
    const key = r.email.toLowerCase();
    if (seen.has(key)) failures.push({ property: `recipients[${i}].email`, reason: `duplicate of recipients[${seen.get(key)}]` });
    else seen.set(key, i);
  }
  return failures;
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
  ...(c.file ? { file: { path: c.file.path, sha256: c.file.sha256 } } : {}),
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

  /** Reads and validates the file (or the inline rows) locally: never an HTTP call, never a value in a message. */
  async check(_olds, news) {
    const raw = withoutProvider(news);
    const parsed = RecipientsInputs.safeParse(raw);
    if (!parsed.success) {
      const failures = toCheckFailures(parsed.error, raw, [], RecipientsInputs);
      return failures.length > 0 || !containsUnknown(raw) ? { inputs: raw, failures } : { inputs: raw };
    }
    const { file, recipients } = parsed.data;
    if ((file === undefined) === (recipients === undefined)) {
      return { inputs: raw, failures: [{ property: file ? "recipients" : "file", reason: "give either `file: { path }` or `recipients`, not both" }] };
    }
    let defaultListId: number | undefined;
    try {
      defaultListId = ongageDefaultListId();
    } catch (err) {
      return { inputs: raw, failures: [{ property: "listId", reason: (err as Error).message }] };
    }
    const listId = parsed.data.listId ?? defaultListId;
    const base = { ...(listId === undefined ? {} : { listId }), segmentId: String(parsed.data.segmentId) };
    if (recipients) {
      const failures = inlineFailures(recipients);
      if (failures.length > 0) return { inputs: raw, failures };
      const { rows, contentHash } = canonicalRows(recipients);
      return { inputs: { ...base, recipients: rows, recipientCount: rows.length, contentHash } satisfies CanonicalRecipients };
    }
    if (file!.path === UNKNOWN) return { inputs: raw };
    try {
      const read = readRecipientsFile(file!.path, file!.delimiter);
      const { contentHash } = canonicalRows(read.rows);
      const recorded = { path: portablePath(file!.path), sha256: read.file.sha256, ...(file!.delimiter ? { delimiter: file!.delimiter } : {}) };
      return { inputs: { ...base, file: recorded, recipientCount: read.rows.length, contentHash } satisfies CanonicalRecipients };
    } catch (err) {
      if (err instanceof RecipientsFileError) return { inputs: raw, failures: err.problems.map((reason) => ({ property: "file.path", reason })) };
      throw err;
    }
  },

  async diff(_id, olds, news) {
    const replaces = (["listId", "segmentId"] as const).filter(
      (k) => (news[k] as unknown) === UNKNOWN || (news[k] !== undefined && String(news[k]) !== String(olds[k])),
    );
    if (containsUnknown(news)) return { changes: undefined, replaces };
    return { changes: replaces.length > 0 || news.contentHash !== olds.contentHash, replaces };
  },

  async create(inputs) {
    await new OngageClient().populateExternal(inputs.listId, inputs.segmentId, rowsOf(inputs));
    return { id: `${inputs.segmentId}/recipients`, outs: outputsOf(inputs) };
  },

  async read(id, props) {
    try {
      await new OngageClient().getSegment(props.listId, props.segmentId);
    } catch (err) {
      if (err instanceof NotFoundError) return {};
      throw err;
    }
    return { id, props };
  },

  async update(_id, _olds, news) {
    await new OngageClient().populateExternal(news.listId, news.segmentId, rowsOf(news));
    return { outs: outputsOf(news) };
  },

  async delete(_id, props) {
    warn(`the ${props.recipientCount} recipients pushed to external segment ${props.segmentId} stay in it: Ongage has no call to remove them (delete the segment to drop them).`);
  },
} satisfies DynamicProvider<CanonicalRecipients, RecipientsOutputs>;
