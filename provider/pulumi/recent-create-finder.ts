import { ConfigurationError } from "../http/errors";
import { processState } from "../http/process-state";
import { claimForCreate, forgetClaims, releaseClaim } from "./claims";
import { listPassed, type Passed, type Verdict } from "./proof";
import { warn } from "./warnings";
import { readSetting, type SettingKey } from "./settings";

/**
 * Pre-create adoption of what an interrupted run created. A run killed mid-`up` (a cancelled CI job)
 * leaves creates that reached the API but never reached the state; Pulumi forgets them and the next
 * run creates them again. Neither API has an idempotency key, so before posting, a create looks for a
 * segment with exactly its name, created within the window, that no resource of this process holds
 * (claims.ts), and that the API-specific `confirm` proves is this definition's (proof.ts); it adopts
 * that one instead. A candidate the API cannot prove either way stops the create (nothing posted).
 *
 * Cost: one paged listing per provider process and API account/list, taken at the first create and
 * shared by every create after it (creates made by this process are not in it, and need not be),
 * plus whatever `confirm` reads for each candidate with the exact name.
 */

/** Default adoption window: segments created up to this long ago can be adopted. */
export const DEFAULT_INTERRUPTED_CREATE_WINDOW_HOURS = 24;

/** The window in ms from its setting (hours, fractions allowed); "0" turns adoption off. */
export function interruptedCreateWindowMs(key: SettingKey): number {
  const raw = readSetting(key);
  if (raw === undefined) return DEFAULT_INTERRUPTED_CREATE_WINDOW_HOURS * 3_600_000;
  const hours = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(hours) || hours < 0) {
    throw new ConfigurationError(`${key.config} / ${key.env} must be a number of hours ≥ 0 (0 turns adoption of interrupted creates off), got ${JSON.stringify(raw)}.`);
  }
  return hours * 3_600_000;
}

/** A segment as the API's listing shows it, reduced to what the search needs. */
export interface ListedSegment<E> {
  id: string;
  name: string;
  /** Epoch ms; undefined when the listing does not say (never adopted). */
  createdAtMs: number | undefined;
  entry: E;
}

export interface RecentCreateSource<E> {
  /** "Ongage" / "ANTS", for the warning. */
  apiTitle: string;
  /** One listing per key per process: API, base URL, account and list. */
  key: string;
  /** The claim scope of the account (claims.ts). */
  scope: string;
  /** What the user can do when a candidate cannot be proven either way (end of the error message). */
  wayOut: string;
  /** Every segment of the account/list, all pages. */
  list: () => AsyncIterable<ListedSegment<E>>;
}

export interface Adoption<E, T> {
  id: string;
  entry: E;
  /** What `confirm` returned (e.g. the segment's outputs). */
  confirmed: T;
}

interface Snapshot<E> {
  byName: Map<string, ListedSegment<E>[]>;
  all: ListedSegment<E>[];
}

const snapshots = processState("pulumi/recent-create-finder: listings", () => new Map<string, Promise<Snapshot<unknown>>>());

function snapshot<E>(source: RecentCreateSource<E>): Promise<Snapshot<E>> {
  const cached = snapshots().get(source.key);
  if (cached) return cached as Promise<Snapshot<E>>;
  const snap = (async () => {
    const byName = new Map<string, ListedSegment<E>[]>();
    const all: ListedSegment<E>[] = [];
    for await (const s of source.list()) {
      all.push(s);
      byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
    }
    return { byName, all };
  })();
  snapshots().set(source.key, snap);
  // A failed listing is not kept: the next create asks again.
  snap.catch(() => {
    if (snapshots().get(source.key) === snap) snapshots().delete(source.key);
  });
  return snap;
}

/**
 * The segment an interrupted run created for this definition, adopted; undefined when there is none
 * (then the caller creates). Candidates have exactly `name`, a creation time within `windowMs` before
 * `now` (a segment whose listing shows none is never a candidate), and no hold in this process; the
 * newest one `confirm` proves ours is claimed and adopted, with a warning naming its id. `confirm` also
 * gets the whole listing (evidence about the account). Candidates proven not ours are left alone.
 * When none is adopted and some could not be proven either way, the create fails naming them and
 * `source.wayOut`. A failing listing or `confirm` fails the create (nothing was posted), so a rerun
 * asks again rather than risking a duplicate.
 */
export async function adoptInterruptedCreate<E, T>(
  source: RecentCreateSource<E>,
  name: string,
  windowMs: number,
  confirm: (candidate: ListedSegment<E>, listed: readonly ListedSegment<E>[]) => Promise<Verdict<T>>,
  now: () => number = Date.now,
): Promise<Adoption<E, T> | undefined> {
  if (windowMs <= 0) return undefined;
  const snap = await snapshot(source);
  const since = now() - windowMs;
  const candidates = (snap.byName.get(name) ?? [])
    .filter((s) => s.createdAtMs !== undefined && s.createdAtMs >= since)
    .sort((a, b) => b.createdAtMs! - a.createdAtMs!);
  const unproven: Passed[] = [];
  for (const candidate of candidates) {
    if (!claimForCreate(source.scope, candidate.id, { kind: "taken-over", segment: name, how: "interrupted" })) continue;
    let verdict: Verdict<T>;
    try {
      verdict = await confirm(candidate, snap.all);
    } catch (err) {
      releaseClaim(source.scope, candidate.id);
      throw err;
    }
    if (!("ours" in verdict)) {
      releaseClaim(source.scope, candidate.id);
      if ("unproven" in verdict) unproven.push({ id: candidate.id, reason: verdict.unproven });
      continue;
    }
    warn(
      `adopted ${source.apiTitle} segment ${candidate.id} ("${name}"), created by an interrupted run ${age(now() - candidate.createdAtMs!)} ago ` +
        "with this definition, instead of creating it again.",
    );
    return { id: candidate.id, entry: candidate.entry, confirmed: verdict.ours };
  }
  if (unproven.length > 0) {
    throw new Error(
      `cannot create "${name}": ${source.apiTitle} has ${unproven.length === 1 ? "a segment" : `${unproven.length} segments`} with this name created within the ` +
        `interrupted-create window that may be an interrupted run's create of this definition or someone else's: ${listPassed(unproven)}. ` +
        `Nothing was created. ${source.wayOut}`,
    );
  }
  return undefined;
}

function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** Forgets listings and adoptions; for tests that run several "processes" in one. */
export function forgetRecentCreates(): void {
  snapshots().clear();
  forgetClaims();
}

