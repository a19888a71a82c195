import { ConfigurationError } from "../http/errors";
import { processState } from "../http/process-state";
import { warn } from "./warnings";
import { readSetting, type SettingKey } from "./settings";

/**
 * Pre-create adoption of what an interrupted run created (issue 9 §3). A run killed mid-`up` (a
 * cancelled CI job) leaves creates that reached the API but never reached the state; Pulumi forgets
 * them and the next run creates them again. Neither API has an idempotency key, so before posting,
 * a create looks for a segment with exactly its name, created within the window, whose definition is
 * confirmed identical by the API-specific `confirm`; it adopts that one instead.
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
}

const snapshots = processState("pulumi/recent-create-finder: listings", () => new Map<string, Promise<Snapshot<unknown>>>());
/** Ids adopted in this process: one segment is adopted by one create at most. */
const claimed = processState("pulumi/recent-create-finder: claimed ids", () => new Set<string>());

function snapshot<E>(source: RecentCreateSource<E>): Promise<Snapshot<E>> {
  const cached = snapshots().get(source.key);
  if (cached) return cached as Promise<Snapshot<E>>;
  const snap = (async () => {
    const byName = new Map<string, ListedSegment<E>[]>();
    for await (const s of source.list()) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
    return { byName };
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
 * (then the caller creates). Candidates have exactly `name` and were created within `windowMs` before
 * `now`; the newest one `confirm` accepts is adopted, with a warning naming its id. Same-name segments
 * that are older or that `confirm` rejects are left alone. A failing listing or `confirm` fails the create
 * (nothing was posted), so a rerun asks again rather than risking a duplicate.
 */
export async function adoptInterruptedCreate<E, T>(
  source: RecentCreateSource<E>,
  name: string,
  windowMs: number,
  confirm: (candidate: ListedSegment<E>) => Promise<T | undefined>,
  now: () => number = Date.now,
): Promise<Adoption<E, T> | undefined> {
  if (windowMs <= 0) return undefined;
  const snap = await snapshot(source);
  const since = now() - windowMs;
  const candidates = (snap.byName.get(name) ?? [])
    .filter((s) => s.createdAtMs !== undefined && s.createdAtMs >= since)
    .sort((a, b) => b.createdAtMs! - a.createdAtMs!);
  for (const candidate of candidates) {
    const key = claimKey(source, candidate.id);
    if (claimed().has(key)) continue;
    claimed().add(key);
    let confirmed: T | undefined;
    try {
      confirmed = await confirm(candidate);
    } catch (err) {
      claimed().delete(key);
      throw err;
    }
    if (confirmed === undefined) {
      claimed().delete(key);
      continue;
    }
    warn(
      `adopted ${source.apiTitle} segment ${candidate.id} ("${name}"), created by an interrupted run ${age(now() - candidate.createdAtMs!)} ago ` +
        "with this definition, instead of creating it again.",
    );
    return { id: candidate.id, entry: candidate.entry, confirmed };
  }
  return undefined;
}

function claimKey(source: RecentCreateSource<unknown>, id: string): string {
  return `${source.key}|${id}`;
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
  claimed().clear();
}
