/**
 * The benchmark's "same work" check. The direct baselines replay every call the provider makes for a
 * segment, and the interrupted-create listing (one paged listing per provider process and API list,
 * taken at the first create: provider/pulumi/recent-create-finder.ts), which is the provider's own
 * work. The only calls tolerated without a replay are documented evidence calls: at most one root
 * check per API list and process (a list call proving the base URL and credentials before a 404 is
 * believed). They are named and printed; any other difference is a real mismatch and fails the run.
 */
import type { RecordedRequest } from "../emulators/harness/http-server";

/** Recorded calls by lifecycle phase ("create", "update", …). */
type Phases = { readonly [phase: string]: RecordedRequest[] };

/** An Ongage segment list call (`GET /{list}/api/segments`) or an ANTS Listing (`POST …/segment/listing`). */
export function isListCall(r: RecordedRequest): boolean {
  return (r.method === "GET" && /\/api\/segments$/.test(r.path)) || /\/segment\/listing$/.test(r.path);
}

/** The list calls of the create phase: the interrupted-create listing the direct baselines replay. */
export function interruptedCreateListing(phases: { create: RecordedRequest[] }): RecordedRequest[] {
  return phases.create.filter(isListCall);
}

export interface ExtraCalls {
  /** "root check", with the calls' "METHOD path (phase)". */
  name: string;
  calls: string[];
}

/** Documented root checks allowed per API list and provider process. */
const ROOT_CHECKS_PER_PROCESS = 1;

/**
 * Checks that the provider did the direct baseline's work: equal counts once the tolerated root checks
 * (list calls outside the create phase that the baseline does not replay, at most one per process)
 * are set aside. `replayedLater` is how many non-create list calls the baseline replays (ANTS refresh).
 * Returns the tolerated calls, named; throws on any other difference.
 */
export function sameWork(what: string, phases: Phases, direct: number, replayedLater = 0): ExtraCalls[] {
  const provider = Object.values(phases).reduce((n, rs) => n + rs.length, 0);
  const later = Object.entries(phases).flatMap(([phase, rs]) => (phase === "create" ? [] : rs.filter(isListCall).map((r) => `${r.method} ${r.path} (${phase})`)));
  const extra = provider - direct;
  const rootChecks = later.length - replayedLater;
  if (extra === 0) return [];
  if (extra > 0 && extra === rootChecks && rootChecks <= ROOT_CHECKS_PER_PROCESS) {
    return [{ name: "root check", calls: later.slice(0, rootChecks) }];
  }
  throw new Error(
    `${what}: the provider made ${provider} HTTP calls, the direct baseline ${direct}: not the same work ` +
      `(tolerated: at most ${ROOT_CHECKS_PER_PROCESS} root check per process; list calls after the create phase: ${later.length}, replayed: ${replayedLater})`,
  );
}
