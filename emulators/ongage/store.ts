import type { CreateSegmentBody, RuleInput, UpdateSegmentBody } from "./request-schemas";
import { checkCriteria, type FieldType, InvalidData, isEmailAddress, type WireRuleBody } from "./rules";

/**
 * State and business rules of the Ongage emulator, no HTTP: one account with lists, each list's
 * fields, segments (soft-deleted ones kept with their deleted flag), rule ids, contact counts and the
 * recipients of external segments. Scalars are kept in the API's string form so GET needs no mapping.
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

export interface ContactCounts {
  active: number;
  bounced: number;
  complaint: number;
  unsubscribed: number;
}

export interface ContactCountRecord extends ContactCounts {
  id: number;
  list_id: number;
  segment_id: number | null;
  created: number;
}

export interface PopulateResult {
  received: number;
  added: number;
  updated: number;
  total: number;
}

/** 404 "Not found". */
export class NotFound extends Error {}

export const TYPICAL_FIELDS: readonly ListFieldSeed[] = [
  { name: "email", title: "Email", type: "email", mandatory: true },
  { name: "first_name", title: "First Name", type: "string" },
  { name: "last_name", title: "Last Name", type: "string" },
  { name: "address", title: "Address", type: "string" },
  { name: "birthdate", title: "Birthdate", type: "date" },
  { name: "product_id", title: "Product ID", type: "numeric" },
];

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
}

interface Counters {
  segment: number;
  rule: number;
  field: number;
  count: number;
}

const FIRST_IDS: Counters = { segment: 50001, rule: 2001, field: 63301, count: 1112223301 };
const SNAPSHOT_VERSION = 1;

export class OngageStore {
  readonly defaultListId: number;
  readonly userId: string;
  readonly userName: string;
  readonly clock: () => number;
  private lists = new Map<number, OngageList>();
  private segments = new Map<number, StoredSegment>();
  private counts = new Map<number, ContactCountRecord>();
  private next: Counters = { ...FIRST_IDS };

  constructor(private readonly opts: OngageStoreOptions) {
    this.defaultListId = opts.defaultListId;
    this.userId = String(opts.userId ?? 1001);
    this.userName = opts.userName ?? "Emulator User";
    this.clock = opts.now ?? Date.now;
    this.seedLists();
  }

  /** Current time in epoch seconds. */
  nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }

  // ---- lists -------------------------------------------------------------

  /** Adds (or replaces) a list; fields without an id get fresh ids. */
  addList(seed: ListSeed): OngageList {
    const created = this.nowSeconds();
    const fields = (seed.fields ?? TYPICAL_FIELDS).map((f, position) => ({
      id: f.id ?? this.next.field++,
      name: f.name,
      title: f.title ?? f.name,
      type: f.type,
      mandatory: f.mandatory ?? f.name === "email",
      position,
      created,
    }));
    const ids = new Set(fields.map((f) => f.id));
    if (ids.size !== fields.length) throw new Error(`list ${seed.id}: duplicate field ids`);
    const list = { id: seed.id, name: seed.name ?? `List ${seed.id}`, fields };
    this.lists.set(seed.id, list);
    return list;
  }

  list(id: number): OngageList | undefined {
    return this.lists.get(id);
  }

  // ---- segments ----------------------------------------------------------

  /** Live or soft-deleted segment by id, regardless of list. */
  rawSegment(id: number): StoredSegment | undefined {
    return this.segments.get(id);
  }

  /** A live segment of the given list; throws NotFound otherwise (unknown, deleted or other list). */
  segment(listId: number, id: number): StoredSegment {
    const s = this.segments.get(id);
    if (!s || s.deleted === "1" || Number(s.list_id) !== listId) throw new NotFound(`Segment ${id} not found in list ${listId}`);
    return s;
  }

  /** Live segments of a list, in id order. */
  liveSegments(listId: number): StoredSegment[] {
    return [...this.segments.values()].filter((s) => s.deleted === "0" && Number(s.list_id) === listId);
  }

  /** All segments including soft-deleted ones (for tests and snapshots). */
  allSegments(): StoredSegment[] {
    return [...this.segments.values()];
  }

  createSegment(listId: number, body: CreateSegmentBody): StoredSegment {
    const list = this.requireList(listId);
    const isExternal = body.is_external === true || (body.external_url != null && body.external_url !== "");
    const criteria = body.criteria ?? [];
    if (isExternal && criteria.length > 0) throw new InvalidData("criteria", "must be empty for an external segment");
    const id = this.next.segment++;
    const rules = this.buildRules(list, criteria, body.is_whitelist === true, undefined);
    const now = String(this.nowSeconds());
    const segment: StoredSegment = {
      id: String(id),
      list_id: String(listId),
      name: body.name,
      type: body.type,
      description: body.description ?? "",
      favorite: body.favorite ? "1" : "0",
      last_count: "0",
      last_count_date: now,
      last_count_request_date: null,
      isp_breakdown: "",
      last_sent: "0",
      segment_quota: "0",
      is_quota_percent: "0",
      created_by: this.userId,
      created: now,
      modified_by: this.userId,
      modified: now,
      user_modified: now,
      deleted: "0",
      included_segment_cache: null,
      excluded_segment_cache: null,
      default_include_segment: "0",
      default_exclude_segment: "0",
      is_external: isExternal ? "1" : "0",
      external_url: body.external_url ?? null,
      external_insert_missing: body.external_insert_missing ? "1" : "0",
      external_include_unsubscribes: body.external_include_unsubscribes ? "1" : "0",
      rules: this.withIds(rules, id),
      is_whitelist: body.is_whitelist === true,
      recipients: [],
    };
    segment.last_count = String(this.countsFor(segment).active);
    this.segments.set(id, segment);
    return segment;
  }

  /**
   * Full update of name/type; description, favorite and is_whitelist keep their value when absent;
   * `criteria`, when present, replaces every rule (new rule ids).
   */
  updateSegment(listId: number, id: number, body: UpdateSegmentBody): StoredSegment {
    const list = this.requireList(listId);
    const current = this.segment(listId, id);
    const isWhitelist = body.is_whitelist ?? current.is_whitelist;
    let rules = current.rules;
    if (body.criteria != null) {
      if (current.is_external === "1" && body.criteria.length > 0) throw new InvalidData("criteria", "must be empty for an external segment");
      rules = this.withIds(this.buildRules(list, body.criteria, isWhitelist, id), id);
    } else if (isWhitelist && !current.is_whitelist) {
      this.buildRules(list, current.rules.map(storedToInput), true, id);
    }
    const now = String(this.nowSeconds());
    const updated: StoredSegment = {
      ...current,
      name: body.name,
      type: body.type,
      description: body.description ?? current.description,
      favorite: body.favorite == null ? current.favorite : body.favorite ? "1" : "0",
      is_whitelist: isWhitelist,
      rules,
      modified_by: this.userId,
      modified: now,
      user_modified: now,
    };
    this.segments.set(id, updated);
    return updated;
  }

  /** Soft delete: kept with deleted "1", invisible to GET and the collection. */
  deleteSegment(listId: number, id: number): StoredSegment {
    const current = this.segment(listId, id);
    const deleted: StoredSegment = { ...current, deleted: "1", modified: String(this.nowSeconds()) };
    this.segments.set(id, deleted);
    return deleted;
  }

  /** Upserts recipients by (trimmed, case-insensitive) email into an external segment. */
  populateExternal(listId: number, id: number, recipients: ReadonlyArray<Record<string, string | number | null>>): PopulateResult {
    const segment = this.segment(listId, id);
    if (segment.is_external !== "1") throw new InvalidData("segment_id", `segment ${id} is not an external segment`);
    const list = this.requireList(listId);
    const fieldNames = new Set(list.fields.map((f) => f.name));
    const cleaned = recipients.map((r, i) => {
      const email = r.email;
      if (typeof email !== "string") throw new InvalidData(`recipients[${i}].email`, "is required");
      const trimmed = email.trim();
      if (!isEmailAddress(trimmed)) throw new InvalidData(`recipients[${i}].email`, "is not a valid email address");
      for (const key of Object.keys(r)) {
        if (!fieldNames.has(key)) throw new InvalidData(`recipients[${i}].${key}`, `is not a field of list ${listId}`);
      }
      return { ...r, email: trimmed } as Recipient;
    });
    const byEmail = new Map(segment.recipients.map((r) => [r.email.toLowerCase(), r]));
    let added = 0;
    let updated = 0;
    for (const r of cleaned) {
      const key = r.email.toLowerCase();
      const prior = byEmail.get(key);
      if (prior) updated++;
      else added++;
      byEmail.set(key, { ...prior, ...r });
    }
    const next = { ...segment, recipients: [...byEmail.values()] };
    this.segments.set(id, next);
    return { received: cleaned.length, added, updated, total: next.recipients.length };
  }

  // ---- contact counts ----------------------------------------------------

  /** Counts a segment (updating its last_count*) or ad-hoc criteria; returns the count id. */
  requestCount(listId: number, source: { segmentId: number } | { criteria: RuleInput[] }): ContactCountRecord {
    const list = this.requireList(listId);
    let counts: ContactCounts;
    let segmentId: number | null = null;
    if ("segmentId" in source) {
      const segment = this.segment(listId, source.segmentId);
      counts = this.countsFor(segment);
      const now = String(this.nowSeconds());
      this.segments.set(source.segmentId, { ...segment, last_count: String(counts.active), last_count_date: now, last_count_request_date: now });
      segmentId = source.segmentId;
    } else {
      const rules = this.buildRules(list, source.criteria, false, undefined);
      counts = pseudoCounts(`${listId}:${JSON.stringify(rules)}`);
    }
    const record: ContactCountRecord = { id: this.next.count++, list_id: listId, segment_id: segmentId, created: this.nowSeconds(), ...counts };
    this.counts.set(record.id, record);
    return record;
  }

  contactCount(listId: number, id: number): ContactCountRecord {
    const record = this.counts.get(id);
    if (!record || record.list_id !== listId) throw new NotFound(`Contact count ${id} not found in list ${listId}`);
    return record;
  }

  /**
   * Deterministic counts (no contacts are modelled): external segments count their recipients,
   * white-lists their addresses, others a stable pseudo-number derived from the rules.
   */
  countsFor(segment: StoredSegment): ContactCounts {
    if (segment.is_external === "1") return { active: segment.recipients.length, bounced: 0, complaint: 0, unsubscribed: 0 };
    if (segment.is_whitelist) {
      const n = segment.rules.reduce((sum, r) => sum + (typeof r.operand === "string" ? (JSON.parse(r.operand) as unknown[]).length : 0), 0);
      return { active: n, bounced: 0, complaint: 0, unsubscribed: 0 };
    }
    const rules = segment.rules.map(({ id: _id, segment_id: _s, ...rest }) => rest);
    return pseudoCounts(`${segment.list_id}:${JSON.stringify(rules)}`);
  }

  // ---- lifecycle -----------------------------------------------------------

  /** Forget segments and counts; lists return to their configured seeds. */
  reset(): void {
    this.segments.clear();
    this.counts.clear();
    this.next = { ...FIRST_IDS };
    this.lists.clear();
    this.seedLists();
  }

  snapshot(): unknown {
    return {
      version: SNAPSHOT_VERSION,
      next: this.next,
      lists: [...this.lists.values()],
      segments: [...this.segments.values()],
      counts: [...this.counts.values()],
    };
  }

  /** Restores a snapshot; lists configured at start win over stored lists with the same id. */
  restore(data: unknown): void {
    if (data === undefined || data === null) return;
    const snap = data as { version?: number; next?: Counters; lists?: OngageList[]; segments?: StoredSegment[]; counts?: ContactCountRecord[] };
    if (snap.version !== SNAPSHOT_VERSION) throw new Error(`ongage emulator state: unsupported snapshot version ${String(snap.version)}`);
    const configured = new Set(this.lists.keys());
    for (const list of snap.lists ?? []) if (!configured.has(list.id)) this.lists.set(list.id, list);
    this.segments = new Map((snap.segments ?? []).map((s) => [Number(s.id), s]));
    this.counts = new Map((snap.counts ?? []).map((c) => [c.id, c]));
    if (snap.next) this.next = { ...FIRST_IDS, ...snap.next };
  }

  // ---- internals -----------------------------------------------------------

  private seedLists(): void {
    const seeds = this.opts.lists ?? [];
    if (!seeds.some((s) => s.id === this.defaultListId)) this.addList({ id: this.defaultListId, name: "Default List" });
    for (const seed of seeds) this.addList(seed);
  }

  private requireList(listId: number): OngageList {
    const list = this.lists.get(listId);
    if (!list) throw new NotFound(`List ${listId} not found`);
    return list;
  }

  private buildRules(list: OngageList, criteria: readonly RuleInput[], isWhitelist: boolean, selfId: number | undefined): WireRuleBody[] {
    return checkCriteria(criteria, {
      listId: list.id,
      fieldById: (id) => list.fields.find((f) => f.id === id),
      segmentInList: (id) => {
        const s = this.segments.get(id);
        return s !== undefined && s.deleted === "0" && Number(s.list_id) === list.id;
      },
      selfId,
      isWhitelist,
      path: "criteria",
    });
  }

  private withIds(rules: WireRuleBody[], segmentId: number): StoredRule[] {
    return rules.map((r) => ({ id: String(this.next.rule++), segment_id: String(segmentId), ...r }));
  }
}

/** Stored rule back to a write-side rule, to re-check existing rules under a new white-list flag. */
function storedToInput(r: StoredRule): RuleInput {
  const operand = typeof r.operand === "string" ? (JSON.parse(r.operand) as unknown[]) : r.operand;
  return {
    type: r.type,
    operator: r.operator as RuleInput["operator"],
    condition: r.condition,
    field_id: r.field_id === "0" ? undefined : Number(r.field_id),
    field_name: r.field_id === "0" && r.field_name !== "" ? r.field_name : undefined,
    operand: r.operator === "empty" || r.operator === "notempty" ? undefined : operand,
    position: Number(r.position),
    left_parenthesis: Number(r.left_parenthesis),
    right_parenthesis: Number(r.right_parenthesis),
    group: r.group,
    case_sensitive: r.case_sensitive === "1",
  };
}

/** Stable pseudo-random counts from a key (FNV-1a), so repeated counts agree. */
function pseudoCounts(key: string): ContactCounts {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return { active: h % 100_000, bounced: (h >>> 7) % 5_000, complaint: (h >>> 13) % 100, unsubscribed: (h >>> 17) % 1_000 };
}
