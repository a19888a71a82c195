import type { CreateSegmentBody, RuleInput, UpdateSegmentBody } from "./request-schemas";
import type { StoredMailing } from "./mailings";
import type { Contact, ContactCounts, ContactSeed } from "./contacts";
import { listContacts, setContacts } from "./contact-store";
import { contactCount, countFor, countsFor, matchingContacts, requestCount } from "./counts";
import { addList, seedLists } from "./lists";
import * as mailingStore from "./mailing-store";
import type { MailingChanges, MailingInput, SegmentUse } from "./mailing-store";
import * as segmentStore from "./segments";
import type { PopulateResult, SegmentDeletion } from "./segments";
import * as state from "./state";
import type { ContactCountRecord, ListSeed, OngageList, OngageState, OngageStoreOptions, StoredSegment } from "./state";

/**
 * State and business rules of the Ongage emulator, no HTTP: one account with lists, each list's
 * fields and contacts, segments (soft-deleted ones kept with their deleted flag), rule ids, campaigns,
 * contact counts evaluated over the contacts, and the recipients of external segments. Scalars are
 * kept in the API's string form so GET needs no mapping.
 *
 * A thin facade: the state lives in one object (`state.ts`), the rules in one module per entity
 * (`lists.ts`, `contact-store.ts`, `segments.ts`, `mailing-store.ts`, `counts.ts`).
 */

export type { ContactCountRecord, ListField, ListFieldSeed, ListSeed, OngageList, OngageStoreOptions, Recipient, StoredRule, StoredSegment } from "./state";
export { DEFAULT_LIST_HISTORY_IDS, TYPICAL_FIELDS } from "./lists";
export type { PopulateResult, SegmentDeletion } from "./segments";
export type { ContactCounts } from "./contacts";
export type { MailingChanges, MailingInput, SegmentUse } from "./mailing-store";
export { NotFound } from "./state";

export class OngageStore {
  readonly defaultListId: number;
  readonly userId: string;
  readonly userName: string;
  readonly clock: () => number;
  private readonly state: OngageState;

  constructor(opts: OngageStoreOptions) {
    this.state = state.createState(opts);
    this.defaultListId = this.state.defaultListId;
    this.userId = this.state.userId;
    this.userName = this.state.userName;
    this.clock = this.state.clock;
    seedLists(this.state);
  }

  /** Current time in epoch seconds. */
  nowSeconds(): number {
    return state.nowSeconds(this.state);
  }

  // ---- lists and contacts --------------------------------------------------

  /** Adds (or replaces) a list; fields without an id get fresh ids. */
  addList(seed: ListSeed): OngageList {
    return addList(this.state, seed);
  }

  list(id: number): OngageList | undefined {
    return this.state.lists.get(id);
  }

  /** The list's contacts: those given to `setContacts`, else its synthetic population (generated once). */
  contacts(listId: number): readonly Contact[] {
    return listContacts(this.state, listId);
  }

  /**
   * Replaces the list's contacts with hand-written ones (tests, seeding); they persist with the
   * state file. Field keys must be fields of the list or `ocx_*` system fields.
   */
  setContacts(listId: number, seeds: readonly ContactSeed[]): readonly Contact[] {
    return setContacts(this.state, listId, seeds);
  }

  /** Past (Completed) campaigns the list's synthetic events refer to, oldest first. */
  historyMailingIds(listId: number): readonly number[] {
    return this.state.history.get(listId) ?? [];
  }

  /**
   * Contact counts, without recording anything: of a live segment of the list (by id), or of
   * write-side `criteria` exactly as `POST /api/contact_counts` takes them (validated: InvalidData).
   */
  countFor(listId: number, source: number | readonly RuleInput[]): ContactCounts {
    return countFor(this.state, listId, source);
  }

  /** The contacts of the list a live segment (or criteria) selects, for tests that want ids. */
  matchingContacts(listId: number, source: number | readonly RuleInput[]): Contact[] {
    return matchingContacts(this.state, listId, source);
  }

  // ---- segments ----------------------------------------------------------

  /** Live or soft-deleted segment by id, regardless of list. */
  rawSegment(id: number): StoredSegment | undefined {
    return this.state.segments.get(id);
  }

  /** A live segment of the given list; throws NotFound otherwise (unknown, deleted or other list). */
  segment(listId: number, id: number): StoredSegment {
    return state.liveSegment(this.state, listId, id);
  }

  /** Live segments of a list, in id order. */
  liveSegments(listId: number): StoredSegment[] {
    return segmentStore.liveSegments(this.state, listId);
  }

  /** All segments including soft-deleted ones (for tests and snapshots). */
  allSegments(): StoredSegment[] {
    return [...this.state.segments.values()];
  }

  createSegment(listId: number, body: CreateSegmentBody): StoredSegment {
    return segmentStore.createSegment(this.state, listId, body);
  }

  /**
   * Full update of name/type; description, favorite and is_whitelist keep their value when absent;
   * `criteria`, when present, replaces every rule (new rule ids).
   */
  updateSegment(listId: number, id: number, body: UpdateSegmentBody): StoredSegment {
    return segmentStore.updateSegment(this.state, listId, id, body);
  }

  /**
   * Soft delete: kept with deleted "1", invisible to GET and the collection. Every Scheduled campaign
   * that uses the segment (included or excluded) is unscheduled, back to New (documented); New,
   * In progress and On hold campaigns keep their status and their (now deleted) reference (ASSUMED).
   */
  deleteSegment(listId: number, id: number): SegmentDeletion {
    return segmentStore.deleteSegment(this.state, listId, id);
  }

  /** Upserts recipients by (trimmed, case-insensitive) email into an external segment. */
  populateExternal(listId: number, id: number, recipients: ReadonlyArray<Record<string, string | number | null>>): PopulateResult {
    return segmentStore.populateExternal(this.state, listId, id, recipients);
  }

  // ---- campaigns -----------------------------------------------------------

  /** Creates a campaign: Scheduled with a `schedule_date`, else launched (In progress); `status` overrides. */
  createMailing(input: MailingInput): StoredMailing {
    return mailingStore.createMailing(this.state, input);
  }

  /** A campaign of the given list (any status, deleted ones included); NotFound otherwise. */
  mailing(listId: number, id: number): StoredMailing {
    return mailingStore.mailingOfList(this.state, listId, id);
  }

  /** A campaign by id, whatever its list (for tests). */
  rawMailing(id: number | string): StoredMailing | undefined {
    return this.state.mailings.get(Number(id));
  }

  /** Campaigns of a list in id order, including cancelled and deleted ones. */
  listMailings(listId: number): StoredMailing[] {
    return mailingStore.listMailings(this.state, listId);
  }

  /** Every campaign (any list) that names the segment, included or excluded, except deleted campaigns; id order. */
  segmentUses(segmentId: number | string): SegmentUse[] {
    return mailingStore.segmentUses(this.state, segmentId);
  }

  /** Partial update of a New or Scheduled campaign; a `schedule_date` (re)schedules it. */
  updateMailing(listId: number, id: number, changes: MailingChanges): StoredMailing {
    return mailingStore.updateMailing(this.state, listId, id, changes);
  }

  /** `PUT …/unschedule`: Scheduled → New, schedule_date "0". */
  unscheduleMailing(listId: number, id: number): StoredMailing {
    return mailingStore.unscheduleMailing(this.state, listId, id);
  }

  /** `PUT …/cancel`: New, Scheduled or On hold → Cancelled. */
  cancelMailing(listId: number, id: number): StoredMailing {
    return mailingStore.cancelMailing(this.state, listId, id);
  }

  /** `PUT …/abort`: In progress ↔ On hold. */
  abortMailing(listId: number, id: number): StoredMailing {
    return mailingStore.abortMailing(this.state, listId, id);
  }

  /** Store API for tests and seeding: any status (code or description), no transition rules. */
  setMailingStatus(id: number | string, status: string): StoredMailing {
    return mailingStore.setMailingStatus(this.state, id, status);
  }

  // ---- contact counts ----------------------------------------------------

  /** Counts a segment (updating its last_count*) or ad-hoc criteria; returns the count id. */
  requestCount(listId: number, source: { segmentId: number } | { criteria: RuleInput[] }): ContactCountRecord {
    return requestCount(this.state, listId, source);
  }

  contactCount(listId: number, id: number): ContactCountRecord {
    return contactCount(this.state, listId, id);
  }

  /** Counts of a segment over its list's contacts, by contact status (see `counts.ts`). */
  countsFor(segment: StoredSegment): ContactCounts {
    return countsFor(this.state, segment);
  }

  // ---- lifecycle -----------------------------------------------------------

  /** Forget segments and counts; lists return to their configured seeds. */
  reset(): void {
    state.clearState(this.state);
    seedLists(this.state);
  }

  snapshot(): unknown {
    return state.snapshotState(this.state);
  }

  /** Restores a snapshot; lists configured at start win over stored lists with the same id. */
  restore(data: unknown): void {
    state.restoreState(this.state, data);
  }
}
