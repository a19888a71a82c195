import { createHash } from "node:crypto";
import { NotFoundError } from "../http/errors";
import { UNKNOWN, containsUnknown, toCheckFailures } from "../pulumi/check-failures";
import { warn, withoutProvider, type DynamicProvider } from "../pulumi/provider-contract";
import { rememberConfig, type ConfigureRequest } from "../pulumi/settings";
import { OngageClient } from "./client";
import { RecipientsInputs, type CanonicalRecipients, type RecipientsOutputs } from "./schemas";
import { ONGAGE_KEYS, ongageDefaultListId } from "./settings";

function canonicalRecipients(inputs: RecipientsInputs, defaultListId: number | undefined): CanonicalRecipients {
  const recipients = inputs.recipients
    .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v).trim()]).sort(([a], [b]) => a!.localeCompare(b!))))
    .sort((a, b) => (a.email! < b.email! ? -1 : a.email! > b.email! ? 1 : 0));
  const contentHash = createHash("sha256").update(JSON.stringify(recipients)).digest("hex");
  const listId = inputs.listId ?? defaultListId;
  return { ...(listId === undefined ? {} : { listId }), segmentId: String(inputs.segmentId), recipients, contentHash };
}

const outputsOf = (c: CanonicalRecipients): RecipientsOutputs => ({
  ...(c.listId === undefined ? {} : { listId: c.listId }),
  segmentId: c.segmentId,
  recipientCount: c.recipients.length,
  contentHash: c.contentHash,
});

/**
 * Recipients of an external segment, pushed with PUT populate_external. Diffed by content hash only:
 * unchanged recipients cause no call. Ongage has no call to read or clear them, so refresh only
 * checks that the segment still exists, and delete leaves them in the segment (with a warning).
 */
export const recipientsProvider = {
  async configure(req: ConfigureRequest) {
    rememberConfig(req, Object.values(ONGAGE_KEYS));
  },

  async check(_olds, news) {
    const raw = withoutProvider(news);
    const parsed = RecipientsInputs.safeParse(raw);
    if (!parsed.success) {
      const failures = toCheckFailures(parsed.error, raw);
      return failures.length > 0 || !containsUnknown(raw) ? { inputs: raw, failures } : { inputs: raw };
    }
    const seen = new Map<string, number>();
    const failures = [];
    for (const [i, r] of parsed.data.recipients.entries()) {
      const key = r.email.toLowerCase();
      if (seen.has(key)) failures.push({ property: `recipients[${i}].email`, reason: `duplicate of recipients[${seen.get(key)}]` });
      else seen.set(key, i);
    }
    if (failures.length > 0) return { inputs: raw, failures };
    let defaultListId: number | undefined;
    try {
      defaultListId = ongageDefaultListId();
    } catch (err) {
      return { inputs: raw, failures: [{ property: "listId", reason: (err as Error).message }] };
    }
    return { inputs: canonicalRecipients(parsed.data, defaultListId) as unknown as Record<string, unknown> };
  },

  async diff(_id, olds, news) {
    const replaces = (["listId", "segmentId"] as const).filter(
      (k) => (news[k] as unknown) === UNKNOWN || (news[k] !== undefined && String(news[k]) !== String(olds[k])),
    );
    if (containsUnknown(news)) return { changes: undefined, replaces };
    return { changes: replaces.length > 0 || news.contentHash !== olds.contentHash, replaces };
  },

  async create(inputs) {
    await new OngageClient().populateExternal(inputs.listId, inputs.segmentId, inputs.recipients);
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
    await new OngageClient().populateExternal(news.listId, news.segmentId, news.recipients);
    return { outs: outputsOf(news) };
  },

  async delete(_id, props) {
    warn(`the ${props.recipientCount} recipients pushed to external segment ${props.segmentId} stay in it: Ongage has no call to remove them (delete the segment to drop them).`);
  },
} satisfies DynamicProvider<CanonicalRecipients, RecipientsOutputs>;
