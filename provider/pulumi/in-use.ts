import { SegmentInUseError } from "../http/errors";
import type { SettingKey } from "./settings";

/**
 * The one rule for deleting a segment that something else may still use (Ongage campaigns, ANTS
 * modules). Each API's guard (provider/ongage/campaigns-in-use.ts, provider/ants/modules-in-use.ts)
 * establishes the users from the API; when the API does not show whether anything uses the segment,
 * that counts as in use. Under `refuse` a segment in use is not deleted; under `allow` it is, with a
 * warning. The review (provider/review/live.ts) asks the same guards' look-ups, so review and apply agree.
 */

/** What a guard established from the API about a segment's users. */
export interface SegmentUse {
  /** Each user that keeps the segment in use, in words (`campaign 7 "Sale" (Scheduled)`). */
  users: string[];
  /** Set when the API's answer does not show whether anything uses the segment: why. */
  unknown?: string;
}

/** True when the delete must be refused under `refuse`: users named, or use not established. */
export const inUse = (u: SegmentUse): boolean => u.users.length > 0 || u.unknown !== undefined;

/** How one API words a refused or allowed delete. */
export interface InUseWording {
  /** The segment, e.g. `segment 50003 ("VIP openers")`. */
  segment: string;
  /** What uses segments in this API, singular: "campaign", "module". */
  noun: string;
  /** What deleting would do to the users (one sentence). */
  consequence: string;
  /** How to detach, e.g. "detach the segment from these campaigns (or let them finish)". */
  detach: string;
  /** Where the segment stays with `retainOnDelete` ("Ongage", "ANTS"). */
  system: string;
  /** The `deleteInUse` setting of the API. */
  setting: SettingKey;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

/** The facts part of a message: who uses the segment, and/or why that cannot be told. */
export function useText(w: Pick<InUseWording, "noun">, u: SegmentUse): string {
  const parts: string[] = [];
  if (u.users.length > 0) parts.push(`${plural(u.users.length, w.noun)} still use${u.users.length === 1 ? "s" : ""} it — ${u.users.join(", ")}`);
  if (u.unknown !== undefined) parts.push(`whether ${w.noun}s use it cannot be told: ${u.unknown}`);
  return parts.join("; ");
}

/** The error of a refused delete: the segment, every user (or why use is unknown), and the ways to proceed. */
export function refusedDelete(w: InUseWording, u: SegmentUse): SegmentInUseError {
  const retain = `keep the segment in ${w.system} and let Pulumi forget it, with the \`retainOnDelete: true\` resource option (set it in one \`up\`, then remove or replace the segment)`;
  const allow = `allow the delete: \`pulumi config set ${w.setting.config} allow\` (or ${w.setting.env}=allow)`;
  const ways = u.users.length > 0
    ? `either ${w.detach} and run \`pulumi up\` again; or ${retain}; or ${allow}`
    : `either ${retain}; or, once you have checked in the ${w.system} UI that nothing uses it, ${allow}`;
  return new SegmentInUseError(`${w.segment} was not deleted: ${useText(w, u)}. ${w.consequence} To proceed, ${ways}.`, u.users);
}

/**
 * The guard's decision under the policy: throws the refusal under `refuse` when the segment is in
 * use; under `allow` returns the warning to print once the delete succeeded (`detail` replaces the
 * default list of users); undefined when nothing uses it.
 */
export function decideDelete(policy: "refuse" | "allow", w: InUseWording, u: SegmentUse, detail?: string): string | undefined {
  if (!inUse(u)) return undefined;
  if (policy === "refuse") throw refusedDelete(w, u);
  const facts = [
    u.users.length > 0 ? `${plural(u.users.length, w.noun)} used it (${detail ?? u.users.join(", ")})` : "",
    u.unknown !== undefined ? `whether ${w.noun}s used it could not be told (${u.unknown})` : "",
  ].filter(Boolean);
  return `deleted ${w.segment} although ${facts.join(", and ")}; ${w.setting.config} is allow.`;
}
