import type { ApiResponse } from "../http/client";
import { LISTING_COLUMNS, LISTING_PAGE_SIZE, ListingPage, WireListingEntry } from "../ants";
import type { Observation } from "./observation";
import { PLEASE_REPORT, antsRow, errorText, idOf, rawListing, rawPage, typeName, type AntsProbe } from "./ants-probe";

/**
 * What the ANTS doctor reads from Listing (docs/api/ants.md §4), and the rows it makes of it. Reads
 * only: every request is a Listing (POST /segment/listing, which changes nothing). The facts are
 * gathered first (`readListing`), the rows are made from them (`listingRows`), so write mode can read
 * while its scratch segment exists.
 */

/** An id no ANTS segment can have: the largest integer a JSON number holds exactly. */
export const IMPOSSIBLE_ID = String(Number.MAX_SAFE_INTEGER);

type Entry = Record<string, unknown>;
type Outcome<T> = { ok: T } | { error: unknown };

async function outcome<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: await run() };
  } catch (error) {
    return { error };
  }
}

async function collect(entries: AsyncIterable<WireListingEntry>): Promise<WireListingEntry[]> {
  const out: WireListingEntry[] = [];
  for await (const e of entries) out.push(e);
  return out;
}

export interface ListingFacts {
  /** Page 1 at the provider's page size, as sent. */
  big: ApiResponse<unknown>;
  /** Page 1 with limit 1, page 1 with limit 2, page 2 with limit 1. */
  first1: ApiResponse<unknown>;
  first2: ApiResponse<unknown>;
  second1: ApiResponse<unknown>;
  /** Every segment, through the provider's own paged Listing (provider/ants/client.ts). */
  all: Outcome<WireListingEntry[]>;
  /** A search for IMPOSSIBLE_ID, as sent. */
  impossible: ApiResponse<unknown>;
  /** The segment the search probes use (longest name), with what a prefix search and an id search found. */
  searched?: { id: string; keyword: string; byPrefix: Outcome<WireListingEntry[]>; byId: Outcome<WireListingEntry | undefined> };
}

/** Every raw entry the facts hold, once per id as first seen (the sample the column and type rows look at). */
export function sampleOf(f: ListingFacts): Entry[] {
  const byId = new Map<string, Entry>();
  for (const r of [f.big, f.first1, f.first2, f.second1]) {
    for (const e of rawPage(r.body)?.entries ?? []) {
      const key = idOf(e) ?? `#${byId.size}`;
      if (!byId.has(key)) byId.set(key, e);
    }
  }
  return [...byId.values()];
}

/** Sends the Listing requests (9 at most, plus the pages of the full listing); the first failure rejects. */
export async function readListing(probe: AntsProbe): Promise<ListingFacts> {
  const { raw, client } = probe;
  const big = await rawListing(raw, { page: 1, limit: LISTING_PAGE_SIZE });
  const first1 = await rawListing(raw, { page: 1, limit: 1 });
  const first2 = await rawListing(raw, { page: 1, limit: 2 });
  const second1 = await rawListing(raw, { page: 2, limit: 1 });
  const all = await outcome(() => collect(client.listing()));
  const impossible = await rawListing(raw, { page: 1, limit: LISTING_PAGE_SIZE, search: IMPOSSIBLE_ID });
  const facts: ListingFacts = { big, first1, first2, second1, all, impossible };
  const named = sampleOf(facts)
    .filter((e) => typeof e.segment_display === "string" && e.segment_display.trim().length >= 4 && idOf(e) !== undefined)
    .sort((a, b) => String(b.segment_display).length - String(a.segment_display).length)[0];
  if (named) {
    const id = idOf(named)!;
    const name = String(named.segment_display).trim();
    const keyword = name.slice(0, name.length - 1).trim();
    facts.searched = { id, keyword, byPrefix: await outcome(() => collect(client.listing(keyword))), byId: await outcome(() => client.findById(id)) };
  }
  return facts;
}

const countOf = (v: unknown): number | undefined => {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  return typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : undefined;
};
const list = (xs: Iterable<string>) => [...xs].join(", ");

function pageSizeRow(f: ListingFacts): Observation {
  const page = rawPage(f.big.body);
  const n = page?.entries.length ?? 0;
  const total = countOf(page?.meta.total);
  const perPage = countOf(page?.meta.perPage);
  const observed = `asked for ${LISTING_PAGE_SIZE}, got ${n} (meta.perPage ${perPage ?? "not sent"}, meta.total ${total ?? "not sent"})`;
  const row = antsRow.bind(null, "listing.page-size", "§4.1", `Listing honours \`limit\` up to ${LISTING_PAGE_SIZE} (the provider's page size): a page holds as many segments as asked, or all there are`);
  if (n === 0 && (total ?? 0) > 0) return row(observed, "report", `page 1 came back empty while meta.total counts segments (see ants.listing.pages); ${PLEASE_REPORT}`);
  if (n < LISTING_PAGE_SIZE && n > 0 && ((total ?? 0) > n || (perPage !== undefined && perPage < LISTING_PAGE_SIZE))) {
    return row(observed, "report", `a page holds at most ${n} segments; the provider then asks for ${n} per page (provider/ants/client.ts), so its listings take more requests; ${PLEASE_REPORT} so docs/api/ants.md §4.1 can state the cap`);
  }
  return row(observed, "fine", "the provider's listings read every segment at its page size");
}

function pagesRow(f: ListingFacts): Observation {
  const c = rawPage(f.first1.body)?.entries[0];
  const a = rawPage(f.first2.body)?.entries ?? [];
  const b = rawPage(f.second1.body)?.entries[0];
  const total = countOf(rawPage(f.first1.body)?.meta.total);
  const show = (e: Entry | undefined) => (e === undefined ? "nothing" : `segment ${idOf(e)}`);
  const observed = `page 1 of size 1: ${show(c)}; page 1 of size 2: ${a.length === 0 ? "nothing" : a.map((e) => `segment ${idOf(e)}`).join(", ")}; page 2 of size 1: ${show(b)}`;
  const row = antsRow.bind(null, "listing.pages", "§4.1", "Listing pages count from 1: page 1 holds the first segments (by id), page 2 of size 1 the second");
  const firstOff = idOf(c) !== idOf(a[0]) || (c === undefined && (total ?? 0) > 0);
  const secondOff = a.length >= 2 && idOf(b) !== idOf(a[1]);
  if (firstOff || secondOff) {
    return row(observed, "report", `pages do not count from 1 the way the provider asks for them: its listings would miss or repeat segments, and a read could take a segment it did not see for gone; do not use the provider on this account, and ${PLEASE_REPORT}`);
  }
  if (a.length < 2) return row(`${observed} (fewer than 2 segments came back to a request for 2)`, "unknown", "page 2 could not be compared: it needs an account with 2 or more segments (or a server that returns 2 per page); run again with `--write`, which adds one");
  return row(observed, "fine", "the provider's page numbers address the segments it expects");
}

function totalRow(f: ListingFacts): Observation {
  const raw = rawPage(f.first1.body)?.meta.total;
  const total = countOf(raw);
  const row = antsRow.bind(null, "listing.total", "§3, §4.1", "Listing's `meta.total` is sent, and counts every segment that matches (not only this page)");
  if (raw === undefined) return row("meta.total is not sent", "report", `the provider pages on until an empty page (one more request per listing) and cannot tell a listing that ended early; ${PLEASE_REPORT}`);
  if (total === undefined) return row(`meta.total is ${typeName(raw)} that is not a whole number`, "report", `the provider ignores it and pages until an empty page; ${PLEASE_REPORT}`);
  if ("error" in f.all) return row(`meta.total ${total}; the full listing failed (see ants.listing.complete)`, "unknown", "the total could not be compared with a count of every segment");
  const count = f.all.ok.length;
  const form = typeof raw === "string" ? "a numeric string" : "a number";
  if (total > count) {
    return row(`meta.total ${total} (${form}) on a page of size 1; the provider's full listing read only ${count} segments, without stopping`, "report", `the provider's listing ended early and took that for complete: a read could take a segment it did not see for gone; do not use the provider on this account, and ${PLEASE_REPORT}`);
  }
  if (total !== count) {
    return row(`meta.total ${total} (${form}) on a page of size 1; the full listing holds ${count} segments`, "refuses", "a total that does not count every match makes listings that span pages look incomplete: the provider stops those reads with \"could not be shown complete\" rather than conclude anything from them");
  }
  if (count < 2) return row(`meta.total ${total} (${form}); the account holds ${count} segment${count === 1 ? "" : "s"}`, "unknown", "with fewer than 2 segments a total of only the page cannot be told apart; run again with `--write`, which adds one");
  return row(`meta.total ${total} (${form}) on a page of size 1, the count of every segment`, "fine", "the provider knows when a listing is complete");
}

function completeRow(f: ListingFacts): Observation {
  const row = antsRow.bind(null, "listing.complete", "§4.1", "the provider's paged Listing (page size, 1-based pages, totals) reads every segment exactly once");
  if ("error" in f.all) return row(errorText(f.all.error), "refuses", "reads, refreshes, deletes, imports and exports that list segments stop with this error; nothing is concluded from a partial listing");
  const total = countOf(rawPage(f.first1.body)?.meta.total);
  if (total !== undefined && total > f.all.ok.length) {
    return row(`${f.all.ok.length} segments, while meta.total counts ${total}`, "report", `the provider took a short listing for complete: a read could take a segment it did not see for gone; do not use the provider on this account, and ${PLEASE_REPORT}`);
  }
  return row(`${f.all.ok.length} segments, each once`, "fine", "the provider's listings are complete on this account");
}

function searchRow(f: ListingFacts): Observation {
  const stray = (rawPage(f.impossible.body)?.entries ?? []).filter((e) => idOf(e) !== IMPOSSIBLE_ID && !String(e.segment_display ?? "").includes(IMPOSSIBLE_ID));
  const row = antsRow.bind(null, "listing.search", "§4.1", "`search` keeps the segments whose name contains the keyword (or whose id is it), so it can return more than the exact match");
  if (stray.length > 0) {
    return row(`a search for "${IMPOSSIBLE_ID}" returned ${stray.length} segment${stray.length === 1 ? "" : "s"} that neither have that id nor contain it in their name: search is ignored`, "report", `the provider matches names and ids itself, so its reads stay right, but each one lists the whole account; ${PLEASE_REPORT}`);
  }
  const s = f.searched;
  if (!s) return row(`a search for "${IMPOSSIBLE_ID}" returned nothing; no segment has a name of 4 or more characters to search for`, "unknown", "whether search matches parts of names could not be seen; run again with `--write`, which adds one");
  if ("error" in s.byPrefix) return row(`the search for a part of segment ${s.id}'s name failed: ${errorText(s.byPrefix.error)}`, "unknown", "whether search matches parts of names could not be seen");
  if (!s.byPrefix.ok.some((e) => String(e.segment_id) === s.id)) {
    return row(`a search for all but the last character of segment ${s.id}'s name did not return it: search matches whole names only`, "report", `the provider searches whole names and ids, so its reads still find its segments; ${PLEASE_REPORT} so docs/api/ants.md §4.1 can say so`);
  }
  return row(`a search for "${IMPOSSIBLE_ID}" returned nothing; a search for all but the last character of segment ${s.id}'s name returned it among ${s.byPrefix.ok.length}`, "fine", "the provider's searches by name and id find what it looks for");
}

function missingSegmentRow(f: ListingFacts): Observation {
  const row = antsRow.bind(null, "listing.missing-segment", "§4", `a segment that does not exist is simply not listed (there is no get-by-id); asked with id ${IMPOSSIBLE_ID}, the largest id a JSON number holds exactly, which no segment can have`);
  const s = f.searched;
  const found = (rawPage(f.impossible.body)?.entries ?? []).some((e) => idOf(e) === IMPOSSIBLE_ID);
  if (found) return row(`a segment with id ${IMPOSSIBLE_ID} is listed`, "report", PLEASE_REPORT);
  if (s && "error" in s.byId) return row(`the id search for existing segment ${s.id} failed: ${errorText(s.byId.error)}`, "unknown", "whether an id search finds a segment could not be seen");
  if (s && "ok" in s.byId && s.byId.ok === undefined) {
    return row(`no segment ${IMPOSSIBLE_ID}; but an id search for existing segment ${s.id} did not find it either`, "report", `the provider reads a segment by searching its id: it would take this listed segment for gone (deleted outside Pulumi); do not use the provider on this account, and ${PLEASE_REPORT}`);
  }
  const idSearch = s ? `; an id search for existing segment ${s.id} found it` : "";
  return row(`the search answered the success envelope without segment ${IMPOSSIBLE_ID}${idSearch}`, "fine", "the provider concludes a segment is gone only from such an answer to a Listing that works");
}

function shapeRow(f: ListingFacts): Observation {
  const issues = new Set<string>();
  for (const r of [f.big, f.first1, f.first2, f.second1, f.impossible]) {
    const parsed = ListingPage.safeParse(r.body);
    if (!parsed.success) for (const i of parsed.error.issues) issues.add(`${i.path.map((p) => (typeof p === "number" ? "N" : String(p))).join(".") || "(body)"}: ${i.message}`);
  }
  const row = antsRow.bind(null, "listing.shape", "§4.2", "Listing answers have the envelope and entry types the provider's schema reads (provider/ants/wire.ts)");
  if (issues.size > 0) return row(`${[...issues].slice(0, 4).join("; ")}`, "refuses", "every Listing read fails the provider's schema: it cannot read, refresh, delete or import segments on this account");
  return row("every Listing answer matched the schema", "fine", "the provider reads Listing answers as sent");
}

function segmentIdRow(sample: Entry[]): Observation {
  const types = new Set(sample.map((e) => typeName(e.segment_id)));
  const observed = sample.length === 0 ? "no segment listed" : `segment_id is ${list(types)} (${sample.length} entries)`;
  const row = antsRow.bind(null, "listing.segment-id", "§4.2", "Listing's `segment_id` is a number");
  if (sample.length === 0) return row(observed, "unknown", "no entry to look at; run again with `--write`, which adds one");
  const numericText = sample.every((e) => typeof e.segment_id === "number" || (typeof e.segment_id === "string" && /^\d+$/.test(e.segment_id)));
  if (!numericText) return row(observed, "refuses", "the provider addresses segments by numeric id (update and delete send `segmentId` as a number): it cannot manage these");
  if (types.has("a string")) return row(observed, "report", `the provider reads ids as text either way, so nothing breaks; ${PLEASE_REPORT}`);
  return row(observed, "fine", "ids are read as documented");
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/;

function timesRow(sample: Entry[]): Observation {
  const forms = new Map<string, number>();
  for (const e of sample) for (const k of ["ctime", "utime"]) {
    const v = e[k];
    if (v === undefined || v === null) continue;
    const form = typeof v === "number" ? "epoch number" : typeof v !== "string" ? typeName(v) : ISO.test(v) ? "ISO 8601 with a zone" : Number.isNaN(Date.parse(v)) ? "unreadable text" : "date-time text without a zone";
    forms.set(form, (forms.get(form) ?? 0) + 1);
  }
  const observed = forms.size === 0 ? "no entry shows ctime or utime" : `ctime/utime: ${[...forms].map(([f, n]) => `${f} ×${n}`).join(", ")}`;
  const row = antsRow.bind(null, "listing.times", "§4.2", "Listing's `ctime`/`utime` are ISO 8601 text with a time zone");
  if (forms.size === 0) return row(observed, "unknown", "the age of segments could not be seen (see ants.listing.columns)");
  if ([...forms.keys()].some((f) => f !== "ISO 8601 with a zone" && f !== "date-time text without a zone" && f !== "unreadable text")) {
    return row(observed, "refuses", "Listing answers fail the provider's schema (it reads these as text): every read stops");
  }
  if (forms.has("unreadable text")) return row(observed, "report", `the provider never takes such a segment as recently created, so interrupted creates stop naming candidates; ${PLEASE_REPORT}`);
  if (forms.has("date-time text without a zone")) {
    return row(observed, "report", `the provider reads these times in this machine's time zone, so a segment's age (the interrupted-create window, ants:interruptedCreateWindowHours) can be off by the zone offset; ${PLEASE_REPORT}`);
  }
  return row(observed, "fine", "segment ages are read exactly");
}

function columnsRow(sample: Entry[]): Observation {
  const missing = new Set<string>();
  for (const e of sample) for (const c of LISTING_COLUMNS) if (!(c in e)) missing.add(c);
  const row = antsRow.bind(null, "listing.columns", "§4.2", `every column the provider asks Listing for is in each entry (${LISTING_COLUMNS.length} columns)`);
  if (sample.length === 0) return row("no segment listed", "unknown", "no entry to look at; run again with `--write`, which adds one");
  if (missing.size === 0) return row(`all ${LISTING_COLUMNS.length} columns in each of ${sample.length} entries`, "fine", "the provider sees every documented column");
  const observed = `left out: ${list(missing)}`;
  if (missing.has("c_user_id") || missing.has("ctime")) {
    return row(observed, "refuses", "without c_user_id and ctime the provider cannot show that a same-name segment is its own recent create: an interrupted create stops naming the candidates instead of adopting one");
  }
  return row(observed, "report", `the provider shows these as unknown in serverStatus; ${PLEASE_REPORT}`);
}

function elementShape(m: unknown): string {
  if (m !== null && typeof m === "object" && !Array.isArray(m)) return `an object with keys ${Object.keys(m).slice(0, 8).join(", ") || "(none)"}`;
  return typeName(m);
}

function usedByModulesRow(sample: Entry[]): Observation {
  const notList = sample.filter((e) => !Array.isArray(e.used_by_modules));
  const used = sample.filter((e) => Array.isArray(e.used_by_modules) && e.used_by_modules.length > 0);
  const shapes = new Set(used.flatMap((e) => (e.used_by_modules as unknown[]).map(elementShape)));
  const row = antsRow.bind(null, "listing.used-by-modules", "§4.2", "every Listing entry carries `used_by_modules`, a list of the modules that use the segment");
  if (sample.length === 0) return row("no segment listed", "unknown", "no entry to look at; run again with `--write`, which adds one");
  if (notList.length > 0) {
    return row(`not a list on ${notList.length} of ${sample.length} entries (${list(new Set(notList.map((e) => typeName(e.used_by_modules))))})`, "refuses", "whether modules use those segments cannot be told: the provider refuses to delete them (ants:deleteInUse refuse)");
  }
  const shown = used.length === 0 ? "empty on all" : `non-empty on ${used.length}, elements ${list(shapes)}`;
  return row(`a list on all ${sample.length} entries; ${shown}`, "fine", "the provider refuses deletes of segments that modules use, naming them");
}

function creatorRow(sample: Entry[], identity: string | undefined, scratch: Entry | undefined): Observation {
  const row = antsRow.bind(null, "listing.creator", "§4.2", "Listing's `c_user_id` is the segment's creator, and for a segment these client credentials created it is their client id");
  if (identity === undefined) return row("a ready token is configured (ANTS_ACCESS_TOKEN): it does not say which creator it creates with", "unknown", "after an interrupted create the provider cannot tell its own segment from another's: it stops, naming the candidates");
  if (scratch) {
    const c = scratch.c_user_id;
    if (c !== undefined && c !== null && String(c) === identity) return row("the scratch segment's c_user_id is the client id", "fine", "the provider recognises its own interrupted creates");
    return row(`the scratch segment's c_user_id is ${typeName(c)}, not the client id`, "refuses", "after an interrupted create the provider cannot prove a same-name segment is its own: it stops, naming the candidates, instead of adopting it");
  }
  const withCreator = sample.filter((e) => e.c_user_id !== undefined && e.c_user_id !== null && String(e.c_user_id).trim() !== "");
  const ours = withCreator.filter((e) => String(e.c_user_id) === identity).length;
  if (ours > 0) return row(`${ours} of ${sample.length} listed segments show the client id as c_user_id`, "fine", "the provider recognises its own interrupted creates");
  if (withCreator.length === 0) return row(`no listed segment shows a c_user_id (${sample.length} entries)`, sample.length === 0 ? "unknown" : "refuses", "after an interrupted create the provider cannot prove a same-name segment is its own: it stops, naming the candidates");
  const types = list(new Set(withCreator.map((e) => typeName(e.c_user_id))));
  return row(`none of ${withCreator.length} creators is the client id (c_user_id is ${types}); this client may have created none of them`, "unknown", "run again with `--write`: the scratch segment shows which creator these credentials get");
}

/** The status values the emulator models: `status` 1; `process_status` 1 (computing) and 2 (computed). */
const KNOWN_STATUS: Record<string, ReadonlySet<string>> = { status: new Set(["1"]), process_status: new Set(["1", "2"]) };

function statusRow(sample: Entry[]): Observation {
  const seen = { status: new Set<string>(), process_status: new Set<string>() };
  for (const e of sample) for (const k of ["status", "process_status"] as const) if (e[k] !== undefined && e[k] !== null) seen[k].add(String(e[k]).slice(0, 20));
  const odd = (["status", "process_status"] as const).flatMap((k) => [...seen[k]].filter((v) => !KNOWN_STATUS[k]!.has(v)).map((v) => `${k} ${v}`));
  const observed = `status ${list(seen.status) || "not shown"}; process_status ${list(seen.process_status) || "not shown"}`;
  const row = antsRow.bind(null, "listing.status", "§4.2", "Listing's `status` and `process_status` take the values the emulator models (status 1; process_status 1 computing, 2 computed); their meaning is not documented");
  if (sample.length === 0) return row("no segment listed", "unknown", "no entry to look at; run again with `--write`, which adds one");
  if (odd.length > 0) return row(observed, "report", `the provider only shows these numbers (serverStatus) and decides nothing from them; ${PLEASE_REPORT} with what ${list(odd)} mean in CDP 365`);
  return row(observed, "fine", "the provider shows them in serverStatus as numbers");
}

const RATE_HEADER = /rate-?limit|^retry-after$|^x-rate/i;

function rateLimitRow(f: ListingFacts): Observation {
  const found = Object.entries(f.big.headers).filter(([name]) => RATE_HEADER.test(name));
  const row = antsRow.bind(null, "rate-limit.headers", "§9", "ANTS sends no rate-limit headers: the provider paces itself (ants:requestsPerMinute, 180 by default, below the 200 a minute documented for another endpoint)");
  if (found.length === 0) return row("no rate-limit header on a Listing answer", "fine", "the provider paces itself at ants:requestsPerMinute");
  const shown = found.map(([n, v]) => `${n}: ${String(v).slice(0, 40)}`).join("; ");
  return row(shown, "report", `these headers show the account's real limit; set ants:requestsPerMinute below it, and ${PLEASE_REPORT} so the provider can follow them`);
}

/** The Listing rows, in a stable order; `scratch` is write mode's segment as Listing showed it. */
export function listingRows(f: ListingFacts, identity: string | undefined, scratch?: Entry): Observation[] {
  const sample = sampleOf(f);
  if (scratch && !sample.some((e) => idOf(e) === idOf(scratch))) sample.push(scratch);
  return [
    pageSizeRow(f), pagesRow(f), totalRow(f), completeRow(f), searchRow(f), missingSegmentRow(f), shapeRow(f),
    segmentIdRow(sample), timesRow(sample), columnsRow(sample), usedByModulesRow(sample), creatorRow(sample, identity, scratch), statusRow(sample),
    rateLimitRow(f),
  ];
}
