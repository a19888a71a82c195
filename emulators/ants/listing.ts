import type { AntsStore, DayHour, StoredSegment } from "./store";
import type { FilterCondition, ListingBody, ListingColumn } from "./request-schemas";

/**
 * Listing Segments (ants.md §4): search, filters, sort and paging over the stored segments, and the
 * projection of a segment onto the documented columns with the real API's typing quirks.
 */

type Cell = string | number | null | unknown[];
type Row = Record<ListingColumn, Cell>;

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** "04 July 2024 02:00:00", as the real `compute_schedule_end`. Schedule times are taken as UTC. */
export function humanDate(d: DayHour): string {
  const [y, m, day] = d.day.split("-");
  return `${day} ${MONTHS[Number(m) - 1]} ${y} ${d.hour}:00`;
}

function isoOf(d: DayHour): string {
  return `${d.day}T${d.hour}:00.000Z`;
}

/** Every documented column of one segment, as the real API types them. */
export function segmentRow(seg: StoredSegment, store: AntsStore): Row {
  const processed = store.isProcessed(seg);
  const cs = seg.computeSchedule;
  const repeats = cs.type === "dynamic" && cs.repeatType && cs.repeatType !== "none";
  return {
    c_user_id: seg.createdBy,
    compute_schedule: repeats ? `Every ${cs.repeatValue} ${cs.repeatType}` : "--",
    compute_schedule_end: cs.endTime?.type === "on_day" && cs.endTime.onDay ? humanDate(cs.endTime.onDay) : null,
    compute_schedule_start: cs.repeatStartTime ? isoOf(cs.repeatStartTime) : new Date(seg.ctime).toISOString(),
    ctime: new Date(seg.ctime).toISOString(),
    item_type_id: seg.itemTypeId,
    label_ids: [],
    last_processed_date: processed ? new Date(seg.submittedAt + store.computeDelayMs).toISOString() : null,
    process_status: processed ? 2 : 1,
    response_code: null,
    segment_display: seg.segmentDisplay,
    segment_id: seg.segmentId,
    segment_size: processed ? seg.rowCount : null,
    source_names: null,
    status: 1,
    storage_type: "3",
    u_user_id: seg.updatedBy,
    update_method: cs.type,
    utime: new Date(seg.utime).toISOString(),
  };
}

/** The requested columns plus the keys the real API always adds. */
export function listingEntry(row: Row, seg: StoredSegment, columns: ListingColumn[]): Record<string, unknown> {
  const entry: Record<string, unknown> = { row_count: String(seg.rowCount) };
  for (const c of columns) entry[c] = row[c];
  entry.segment_type = 4;
  entry.used_by_modules = seg.usedByModules ?? [];
  entry.accepted_actions = { EDIT: true, VIEW: true, SHARE: true, REMOVE: true };
  return entry;
}

export function listSegments(store: AntsStore, q: ListingBody): { entries: Record<string, unknown>[]; total: number } {
  let rows = store.allSegments().map((seg) => ({ seg, row: segmentRow(seg, store) }));
  const keyword = q.search?.trim().toLowerCase();
  if (keyword) {
    rows = rows.filter(({ row }) => String(row.segment_display).toLowerCase().includes(keyword) || String(row.segment_id).includes(keyword));
  }
  const or = q.filters?.OR;
  if (or && or.length > 0) rows = rows.filter(({ row }) => or.some((group) => group.AND.every((f) => matchesFilter(row, f))));
  const sort = q.sort ?? "u_user_id";
  const dir = (q.sd ?? "desc") === "asc" ? 1 : -1;
  rows.sort((a, b) => dir * (compareCells(a.row[sort], b.row[sort]) || a.seg.segmentId - b.seg.segmentId));
  const start = (q.page - 1) * q.limit;
  const page = rows.slice(start, start + q.limit);
  return { entries: page.map(({ seg, row }) => listingEntry(row, seg, q.columns)), total: rows.length };
}

function compareCells(a: Cell, b: Cell): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b));
}

function cellText(c: Cell): string {
  if (c === null) return "";
  return Array.isArray(c) ? c.join(",") : String(c);
}

/** `equals`/`not_equals` compare whole values; `contains`/`start_with` ignore case; `matches` is any-of. */
function matchesFilter(row: Row, f: FilterCondition): boolean {
  const cell = row[f.column];
  const values = Array.isArray(f.value) ? f.value : [f.value];
  const same = (v: string | number): boolean =>
    f.data_type === "number" ? cell !== null && Number(cellText(cell)) === Number(v) : cellText(cell) === String(v);
  const text = cellText(cell).toLowerCase();
  const first = String(values[0] ?? "").toLowerCase();
  switch (f.operator) {
    case "equals":
      return same(values[0] ?? "");
    case "not_equals":
      return !same(values[0] ?? "");
    case "contains":
      return text.includes(first);
    case "start_with":
      return text.startsWith(first);
    case "matches":
      return values.some(same);
  }
}
