import { createHash } from "node:crypto";
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
import { ONGAGE_KEYS, ongageDefaultListId, ongageSettingsFailures } from "./settings";

function canonicalRecipients(inputs: RecipientsInputs, defaultListId: number | undefined): CanonicalRecipients {
  const recipients = inputs.recipients
    .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v).trim()]).sort(([a], [b]) => a!.localeCompare(b!))))
    .sort((a, b) => (a.email! < b.email! ? -1 : a.email! > b.email! ? 1 : 0));
  const contentHash = createHash("sha256").update(JSON.stringify(recipients)).digest("hex");
  const listId = inputs.listId ?? defaultListId;
  return { ...(listId === undefined ? {} : { listId }), segmentId: String(inputs.segmentId), recipients, contentHash };
}

/** Issues for recipients listed twice (emails compare case-insensitively). */
function duplicateIssues(inputs: RecipientsInputs): CheckIssue[] {
  const seen = new Map<string, number>();
  const issues: CheckIssue[] = [];
  for (const [i, r] of inputs.recipients.entries()) {
    const key = r.email.toLowerCase();
    if (seen.has(key)) issues.push({ path: ["recipients", i, "email"], reason: `duplicate of recipients[${seen.get(key)}]` });
    else seen.set(key, i);
  }
  return issues;
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
    return checkInputs(news, {
      schema: RecipientsInputs,
      settings: ongageSettingsFailures,
      canonical: (inputs) => {
        const duplicates = duplicateIssues(inputs);
        if (duplicates.length > 0) return duplicates;
        try {
          return canonicalRecipients(inputs, ongageDefaultListId());
        } catch (err) {
          return [{ path: ["listId"], reason: (err as Error).message }];
        }
      },
    });
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
    await new OngageClient().populateExternal(c.listId, c.segmentId, c.recipients);
    return { id: `${c.segmentId}/recipients`, outs: outputsOf(c) };
  },

  async read(id, props) {
    const seg = await fetchUnlessGone(() => new OngageClient().getSegment(props.listId, props.segmentId));
    return seg === undefined ? {} : { id, props };
  },

  async update(_id, _olds, news) {
    const c = canonicalInputs(CanonicalRecipients, news);
    await new OngageClient().populateExternal(c.listId, c.segmentId, c.recipients);
    return { outs: outputsOf(c) };
  },

  async delete(_id, props) {
    warn(`the ${props.recipientCount} recipients pushed to external segment ${props.segmentId} stay in it: Ongage has no call to remove them (delete the segment to drop them).`);
  },
} satisfies DynamicProvider<CanonicalRecipients, RecipientsOutputs>;
