import { fingerprint } from "../http/promise-cache";
import type { Verdict } from "../pulumi/proof";
import { adoptInterruptedCreate, interruptedCreateWindowMs, type ListedSegment, type RecentCreateSource } from "../pulumi/recent-create-finder";
import { readSetting } from "../pulumi/settings";
import { credentialsKey } from "./auth";
import { listingTimeMs } from "./dates";
import type { AntsClient } from "./client";
import { type CanonicalSegment } from "./canonical";
import { AUDIENCE_ITEM_TYPE } from "./inputs";
import { type WireListingEntry } from "./wire";
import { ANTS_DEFAULT_BASE_URL, ANTS_KEYS, antsBaseUrl, antsCredentials, updateStrategy } from "./settings";

/** Listing's `ctime` → ms; undefined when absent or unreadable (never taken as recent). */
export function createdMs(ctime: string | null | undefined): number | undefined {
  return ctime ? listingTimeMs(ctime) : undefined;
}

/**
 * The claim scope of the configured ANTS credentials (provider/pulumi/claims.ts). Read without validation, so
 * diff and read record holds even where a create could not run; secrets only enter as a fingerprint.
 */
export function antsClaimScope(): string {
  const who = fingerprint("ants-claims", readSetting(ANTS_KEYS.clientId), readSetting(ANTS_KEYS.accessToken));
  return `ants|${readSetting(ANTS_KEYS.baseUrl) ?? ANTS_DEFAULT_BASE_URL}|${who}`;
}

/**
 * The creator these credentials create with, as Listing's `c_user_id` shows it: the client id of client
 * credentials (docs/api/ants.md §4.2, assumed). Undefined with a ready token (`ants:accessToken`): the
 * token does not say whose it is.
 */
export function antsCreatorIdentity(): string | undefined {
  const c = antsCredentials();
  return c.kind === "client" ? c.clientId : undefined;
}

function creatorOf(entry: WireListingEntry): string | undefined {
  const c = entry.c_user_id;
  return c === null || c === undefined || String(c).trim() === "" ? undefined : String(c);
}

/**
 * Whether a listed segment was made by these credentials. Listing shows nothing of a definition
 * (docs/api/ants.md §4.2), so the creator is the proof: `c_user_id` equal to `identity` → ours. Another
 * creator is proven not ours only when `identitySeen` (some segment of the account shows `identity` as
 * its creator, so the CDP does record these credentials that way); otherwise, and when Listing shows no
 * creator or the identity is unknown, the verdict is unproven.
 */
export function proveCreator(entry: WireListingEntry, identity: string | undefined, identitySeen: boolean): Verdict<true> {
  const creator = creatorOf(entry);
  if (creator === undefined) return { unproven: "Listing shows no creator (c_user_id)" };
  if (identity === undefined) {
    return { unproven: `created by "${creator}"; with a ready token (${ANTS_KEYS.accessToken.config}) the provider cannot tell which creator these credentials are` };
  }
  if (creator === identity) return { ours: true };
  if (identitySeen) return { notOurs: `created by "${creator}", not by these credentials` };
  return { unproven: `created by "${creator}"; no segment of the account shows the creator these credentials create with, so it cannot be told apart` };
}

const WAY_OUT =
  "If one of them is this definition's segment, set `adopt: true` on the definition (it applies the definition to it), run `pulumi up`, then remove `adopt`. " +
  `If none is, leave them and run \`pulumi up\` with ${ANTS_KEYS.interruptedCreateWindowHours.config} = 0 (or remove a stray segment in CDP 365, or rename the definition).`;

/**
 * The segment an interrupted run created for this definition, claimed for adoption: exactly this name,
 * this audience (item type), this static/dynamic method, `ctime` within
 * `ants:interruptedCreateWindowHours`, held by no other resource of this process, and created by these
 * credentials (`proveCreator`). Listing cannot show the member file, the match rules, their logic or
 * the schedule's details, so what is adopted gets the definition applied (the update endpoint); with
 * `ants:updateStrategy replace` nothing is adopted. A candidate whose creator cannot be told stops the
 * create with its id and the ways out. Undefined: create as usual. Listing is read once per process
 * and account, at the first create; candidates need no further read.
 */
export async function findInterruptedCreate(client: AntsClient, c: CanonicalSegment): Promise<WireListingEntry | undefined> {
  const windowMs = interruptedCreateWindowMs(ANTS_KEYS.interruptedCreateWindowHours);
  if (windowMs === 0 || updateStrategy() !== "api") return undefined;
  const identity = antsCreatorIdentity();
  const source: RecentCreateSource<WireListingEntry> = {
    apiTitle: "ANTS",
    key: `ants|${antsBaseUrl()}|${credentialsKey()}`,
    scope: antsClaimScope(),
    wayOut: WAY_OUT,
    list: async function* () {
      for await (const e of client.listing()) yield { id: String(e.segment_id), name: e.segment_display ?? "", createdAtMs: listingTimeMs(e.ctime), entry: e };
    },
  };
  const identitySeen = (listed: readonly ListedSegment<WireListingEntry>[]) => identity !== undefined && listed.some((s) => creatorOf(s.entry) === identity);
  const adopted = await adoptInterruptedCreate(source, c.name, windowMs, async ({ entry }, listed): Promise<Verdict<WireListingEntry>> => {
    if (Number(entry.item_type_id) !== AUDIENCE_ITEM_TYPE[c.audience]) return { notOurs: "another audience" };
    if (entry.update_method !== undefined && entry.update_method !== null && entry.update_method !== c.schedule.type) return { notOurs: `${entry.update_method}, not ${c.schedule.type}` };
    const verdict = proveCreator(entry, identity, identitySeen(listed));
    return "ours" in verdict ? { ours: entry } : verdict;
  });
  return adopted?.entry;
}
