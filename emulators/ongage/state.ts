import type { Contact, ContactCounts } from "./contacts";
import type { StoredMailing } from "./mailings";
import type { PopulationOptions } from "./population";
import type { FieldType, WireRuleBody } from "./rules";

/**
 * The one state object of the Ongage emulator's store: the account's lists, segments, contact
 * counts, campaigns, the synthetic populations' inputs and the id counters, plus the lookups every
 * entity module shares and `reset`/`snapshot`/`restore`. No business rules and no HTTP here.
 * The shapes the state holds are declared here too; scalars are kept in the API's string form.
 */

export interface ListFieldSeed {
  id?: number;
  name: string;
  type: FieldType;
  title?: string;
  mandatory?: boolean;
}

export interface ListSeed {
  id: number;
  name?: string;
  /** Default: the typical fields (email, first_name, last_name, address, birthdate, product_id). */
  fields?: ListFieldSeed[];
  /** This list's synthetic population; default: the store's `population` option. */
  population?: PopulationOptions;
}

export interface ListField {
  id: number;
  name: string;
  title: string;
  type: FieldType;
  mandatory: boolean;
  position: number;
  created: number;
}

export interface OngageList {
  id: number;
  name: string;
  fields: ListField[];
}

export interface StoredRule extends WireRuleBody {
  id: string;
  segment_id: string;
}

/** A segment exactly as GET-one returns it, plus emulator-only fields. */
export interface StoredSegment {
  id: string;
  list_id: string;
  name: string;
  type: string;
  description: string;
  favorite: "0" | "1";
  last_count: string;
  last_count_date: string;
  last_count_request_date: string | null;
  isp_breakdown: string;
  last_sent: string;
  segment_quota: string;
  is_quota_percent: string;
  created_by: string;
  created: string;
  modified_by: string;
  modified: string;
  user_modified: string;
  deleted: "0" | "1";
  included_segment_cache: null;
  excluded_segment_cache: null;
  default_include_segment: string;
  default_exclude_segment: string;
  is_external: "0" | "1";
  external_url: string | null;
  external_insert_missing: "0" | "1";
  external_include_unsubscribes: "0" | "1";
  rules: StoredRule[];
  /** Write-only on the real API (never echoed by GET). */
  is_whitelist: boolean;
  /** Recipients given to populate_external, emails trimmed, keyed by lower-case email. */
  recipients: Recipient[];
}

export type Recipient = Record<string, string | number | null> & { email: string };

export interface ContactCountRecord extends ContactCounts {
  id: number;
  list_id: number;
  segment_id: number | null;
  created: number;
}

export interface OngageStoreOptions {
  defaultListId: number;
  /** Extra lists, or the default list with other fields. */
  lists?: ListSeed[];
  /** Milliseconds clock; epoch seconds are derived from it. */
  now?: () => number;
  /** Id shown as created_by / modified_by. */
  userId?: number;
  /** Name shown as the collection's `modifier`. */
  userName?: string;
  /** Synthetic contacts per list (default 3000, seed 1); `{ size: 0 }` starts every list empty. */
  population?: PopulationOptions;
}

export interface Counters {
  segment: number;
  rule: number;
  field: number;
  count: number;
  mailing: number;
}

export const FIRST_IDS: Counters = { segment: 50001, rule: 2001, field: 63301, count: 1112223301, mailing: 111601 };
const SNAPSHOT_VERSION = 2;

/** 404 "Not found". */
export class NotFound extends Error {}

export interface OngageState {
  readonly opts: OngageStoreOptions;
  readonly defaultListId: number;
  readonly userId: string;
  readonly userName: string;
  readonly clock: () => number;
  lists: Map<number, OngageList>;
  segments: Map<number, StoredSegment>;
  counts: Map<number, ContactCountRecord>;
  mailings: Map<number, StoredMailing>;
  /** Epoch seconds (a UTC midnight) the synthetic populations are generated relative to. */
  populationAnchor: number;
  /** Past campaigns per list (ids), the synthetic events' mailings. */
  history: Map<number, number[]>;
  /** Contacts set through `setContacts` (persisted); other lists use the generated population. */
  explicitContacts: Map<number, Contact[]>;
  /** Generated populations with the inputs they came from (kept across reset() while those match). */
  generated: Map<number, { key: string; contacts: Contact[] }>;
  next: Counters;
}

/** An empty state (no lists yet: the caller seeds them), its population anchor today's UTC midnight. */
export function createState(opts: OngageStoreOptions): OngageState {
  const state: OngageState = {
    opts,
    defaultListId: opts.defaultListId,
    userId: String(opts.userId ?? 1001),
    userName: opts.userName ?? "Emulator User",
    clock: opts.now ?? Date.now,
    lists: new Map(),
    segments: new Map(),
    counts: new Map(),
    mailings: new Map(),
    populationAnchor: 0,
    history: new Map(),
    explicitContacts: new Map(),
    generated: new Map(),
    next: { ...FIRST_IDS },
  };
  state.populationAnchor = midnight(state);
  return state;
}

/** Current time in epoch seconds. */
export function nowSeconds(s: OngageState): number {
  return Math.floor(s.clock() / 1000);
}

export function midnight(s: OngageState): number {
  return Math.floor(nowSeconds(s) / 86_400) * 86_400;
}

export function requireList(s: OngageState, listId: number): OngageList {
  const list = s.lists.get(listId);
  if (!list) throw new NotFound(`List ${listId} not found`);
  return list;
}

/** A live segment of the given list; throws NotFound otherwise (unknown, deleted or other list). */
export function liveSegment(s: OngageState, listId: number, id: number): StoredSegment {
  const seg = s.segments.get(id);
  if (!seg || seg.deleted === "1" || Number(seg.list_id) !== listId) throw new NotFound(`Segment ${id} not found in list ${listId}`);
  return seg;
}

/** Forget segments, counts, campaigns and lists (the caller seeds the lists again); generated populations stay cached. */
export function clearState(s: OngageState): void {
  s.segments.clear();
  s.counts.clear();
  s.mailings.clear();
  s.next = { ...FIRST_IDS };
  s.lists.clear();
  s.history.clear();
  s.explicitContacts.clear();
  s.populationAnchor = midnight(s);
}

export function snapshotState(s: OngageState): unknown {
  return {
    version: SNAPSHOT_VERSION,
    next: s.next,
    lists: [...s.lists.values()],
    segments: [...s.segments.values()],
    counts: [...s.counts.values()],
    mailings: [...s.mailings.values()],
    population: {
      anchor: s.populationAnchor,
      history: Object.fromEntries(s.history),
      contacts: Object.fromEntries(s.explicitContacts),
    },
  };
}

/** Restores a snapshot; lists configured at start win over stored lists with the same id. */
export function restoreState(s: OngageState, data: unknown): void {
  if (data === undefined || data === null) return;
  const snap = data as {
    version?: number; next?: Counters; lists?: OngageList[]; segments?: StoredSegment[]; counts?: ContactCountRecord[]; mailings?: StoredMailing[];
    population?: { anchor: number; history: Record<string, number[]>; contacts: Record<string, Contact[]> };
  };
  // Version 1 (before campaigns) has the same sections minus mailings.
  if (snap.version !== SNAPSHOT_VERSION && snap.version !== 1) throw new Error(`ongage emulator state: unsupported snapshot version ${String(snap.version)}`);
  const configured = new Set(s.lists.keys());
  for (const list of snap.lists ?? []) if (!configured.has(list.id)) s.lists.set(list.id, list);
  s.segments = new Map((snap.segments ?? []).map((seg) => [Number(seg.id), seg]));
  s.counts = new Map((snap.counts ?? []).map((c) => [c.id, c]));
  // A version-1 file has no campaigns: keep the past campaigns seeded at start.
  if (snap.mailings) s.mailings = new Map(snap.mailings.map((m) => [Number(m.id), m]));
  if (snap.population) {
    s.populationAnchor = snap.population.anchor;
    for (const [id, ids] of Object.entries(snap.population.history)) s.history.set(Number(id), ids);
    s.explicitContacts = new Map(Object.entries(snap.population.contacts).map(([id, cs]) => [Number(id), cs]));
  }
  if (snap.next) s.next = { ...FIRST_IDS, ...snap.next };
}
