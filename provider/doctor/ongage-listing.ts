import { z } from "zod";
import { ConfigurationError, IncompleteListingError } from "../http/errors";
import { WireSegmentSummary, ongageEnvelope } from "../ongage/index";
import { PLEASE_REPORT, fine, guarded, ongageRow, refuses, report, unknown, type Finding } from "./ongage-rows";
import type { Observation } from "./observation";
import { describeAnswer, isRecord, messageOf, typeWord, type Answer, type OngageProbe } from "./ongage-probe";

/** The provider's page of segment summaries (provider/ongage/client.ts asks for 200 rows a page). */
const SummaryPage = ongageEnvelope(z.array(WireSegmentSummary));
export const PROVIDER_PAGE_SIZE = 200;

/** What the access check and the listing rows learnt, for the rows that follow. */
export interface ListingFacts {
  /** Every segment id of the list in the provider's order (ascending id), when the complete listing succeeded. */
  ids?: string[];
  /** Up to PROVIDER_PAGE_SIZE summaries of the first page, in ascending id order. */
  firstPage: Array<z.infer<typeof WireSegmentSummary>>;
}

const page = (offset: number, limit: number) => ({ offset, limit, sort: "id", order: "ASC" });

/**
 * The access row: the list's first listing page (the call every correct base URL, account and list
 * answers: provider/ongage/client.ts `proveRoot`). Not fine means nothing else can be observed.
 */
export async function observeAccess(probe: OngageProbe): Promise<{ row: Observation; ok: boolean }> {
  let a: Answer;
  try {
    a = await probe.get("/api/segments", page(0, 1));
  } catch (err) {
    // Missing or invalid settings (credentials, base URL) are the caller's to report, not a row.
    if (err instanceof ConfigurationError) throw err;
    const f = unknown(`GET ${probe.route("/api/segments")} failed: ${messageOf(err)}`, "nothing could be read; check ONGAGE_BASE_URL and the network, then run doctor again");
    return { row: ongageRow("access", f), ok: false };
  }
  const f = accessFinding(probe, a);
  return { row: ongageRow("access", f), ok: f.verdict === "fine" };
}

function accessFinding(probe: OngageProbe, a: Answer): Finding {
  const seen = `${describeAnswer(a)}${a.apiCode !== undefined && a.apiCode !== a.status ? ` (error code ${a.apiCode})` : ""}`;
  const credentials = "ONGAGE_USERNAME, ONGAGE_PASSWORD and ONGAGE_ACCOUNT_CODE (the account code from the Account Profile page, not the numeric id)";
  switch (a.kind) {
    case undefined:
      return SummaryPage.safeParse(a.body).success
        ? fine(`${seen}: the documented envelope, read as ${probe.list}`, "the credentials, the account and the list work")
        : refuses(`${seen}, which is not the documented segment listing`, `the provider cannot read this listing; check ONGAGE_BASE_URL (documented: https://api.ongage.net); ${PLEASE_REPORT}`);
    case "authentication":
      return refuses(`${seen}: the credentials were refused`, `every call will fail; check ${credentials}`);
    case "permission":
      return refuses(`${seen}: the account has no API access`, "every call will fail; ask Ongage support to enable API access for the account");
    case "not-found":
    case "route-not-found":
      return refuses(`${seen}`, `the base URL or the list is wrong: check ONGAGE_BASE_URL (documented: https://api.ongage.net) and that ${probe.list} exists (ONGAGE_LIST_ID or --list)`);
    default:
      return unknown(`${seen}`, "the account could not be reached as documented; run doctor again, and if it persists, " + PLEASE_REPORT);
  }
}

/** Page size, offset, completeness and total of the segment listing. */
export async function observeListing(probe: OngageProbe): Promise<{ rows: Observation[]; facts: ListingFacts }> {
  const facts: ListingFacts = { firstPage: [] };
  const rows: Observation[] = [];
  let completeRow: Observation;
  try {
    const ids: string[] = [];
    for await (const s of probe.client.listSegments(probe.listId)) ids.push(String(s.id));
    facts.ids = ids;
    completeRow = ongageRow("complete", fine(`the provider's listing of ${probe.list} received ${ids.length} segment(s), each once`, "adoption, export and interrupted-create look-ups can show the listing complete"));
  } catch (err) {
    completeRow = err instanceof IncompleteListingError
      ? ongageRow("complete", refuses(messageOf(err), "the provider stops every operation that needs the whole listing (adoption, export, interrupted-create look-ups) with this error"))
      : ongageRow("complete", unknown(`the provider's listing failed: ${messageOf(err)}`, "completeness could not be checked; run doctor again"));
  }
  rows.push(await guarded("pageSize", () => pageSizeFinding(probe, facts)));
  rows.push(await guarded("offset", () => offsetFinding(probe, facts)));
  rows.push(completeRow);
  rows.push(await guarded("total", () => totalFinding(probe, facts)));
  return { rows, facts };
}

/** The summaries of a listing answer, or a finding saying why there are none. */
function summaries(a: Answer): Array<z.infer<typeof WireSegmentSummary>> | Finding {
  if (a.kind !== undefined) return unknown(describeAnswer(a), "the listing failed; run doctor again");
  const parsed = SummaryPage.safeParse(a.body);
  if (!parsed.success) return refuses(`${describeAnswer(a)}, not the documented listing (${parsed.error.issues[0]?.path.join(".") || "body"}: ${parsed.error.issues[0]?.message ?? "invalid"})`, "the provider's listings fail with \"does not match the documented shape\"");
  return parsed.data.payload;
}

async function pageSizeFinding(probe: OngageProbe, facts: ListingFacts): Promise<Finding> {
  const a = await probe.get("/api/segments", page(0, PROVIDER_PAGE_SIZE));
  const got = summaries(a);
  if (!Array.isArray(got)) return got;
  facts.firstPage = got;
  const plain = summaries(await probe.get("/api/segments"));
  const byDefault = Array.isArray(plain) ? `; without \`limit\` a page held ${plain.length}` : "";
  const n = facts.ids?.length;
  const asked = `asked for ${PROVIDER_PAGE_SIZE} rows, a page held ${got.length}`;
  if (n === undefined) {
    return got.length === PROVIDER_PAGE_SIZE
      ? fine(`${asked}${byDefault}`, "the provider's pages of 200 arrive whole")
      : unknown(`${asked}${byDefault}; the list's size is not known (its complete listing failed)`, "whether the server caps pages cannot be told");
  }
  if (n === 0) return unknown(`${probe.list} has no segments${byDefault}`, "a page cap cannot be seen on an empty list; run doctor on a list with segments, or with --write");
  if (got.length < Math.min(PROVIDER_PAGE_SIZE, n)) {
    return report(`${asked} though ${probe.list} has ${n}: the server caps a page at ${got.length} rows${byDefault}`, `the provider pages on after a short page, so its listings still work; ${PLEASE_REPORT} (ongage.md §5 does not know the cap)`);
  }
  const beyond = n < PROVIDER_PAGE_SIZE ? ` (a cap above ${n} rows cannot be seen on this list)` : "";
  return fine(`${asked} of ${n}${beyond}${byDefault}`, "the provider's pages arrive as asked");
}

async function offsetFinding(probe: OngageProbe, facts: ListingFacts): Promise<Finding> {
  const first = summaries(await probe.get("/api/segments", page(0, 1)));
  if (!Array.isArray(first)) return first;
  const second = summaries(await probe.get("/api/segments", page(1, 1)));
  if (!Array.isArray(second)) return second;
  const a = first[0] === undefined ? undefined : String(first[0].id);
  const b = second[0] === undefined ? undefined : String(second[0].id);
  const consequence = "the provider's listings repeat or skip rows and stop with \"could not be shown complete\": adoption, export and interrupted-create look-ups stop";
  if (a === undefined) return unknown(`offset=0&limit=1 answered no row: ${probe.list} has no segments`, "offset paging cannot be seen on an empty list; run doctor on a list with segments, or with --write");
  if (a === b) return refuses(`offset=0 and offset=1 (limit=1) both answered segment ${a}: the server does not count offset from 0`, consequence);
  const expected = facts.ids?.[1];
  if (facts.ids !== undefined && b !== expected) {
    const saw = b === undefined ? "no row" : `segment ${b}`;
    return refuses(`offset=1&limit=1 answered ${saw}; the second segment in id order is ${expected ?? "none (the list has one segment)"}`, consequence);
  }
  if (facts.ids === undefined) return unknown(`offset=0 answered segment ${a}, offset=1 ${b === undefined ? "no row" : `segment ${b}`}; the complete listing failed, so the second row is not known`, "whether offset=1 starts at the second row cannot be told");
  return fine(`offset=0 answered segment ${a}, offset=1 ${b === undefined ? `no row (the list has one segment)` : `segment ${b}, the second in id order`}`, "the provider's paging by offset reads every row once");
}

async function totalFinding(probe: OngageProbe, facts: ListingFacts): Promise<Finding> {
  const a = await probe.get("/api/segments", page(0, 1));
  if (a.kind !== undefined || !isRecord(a.body)) return unknown(describeAnswer(a), "the listing failed; run doctor again");
  const total = isRecord(a.body.metadata) ? a.body.metadata.total : undefined;
  const n = facts.ids?.length;
  const shown = `metadata.total of a page of limit=1 is ${typeWord(total)}${typeof total === "string" || typeof total === "number" ? ` (${JSON.stringify(total)})` : ""}`;
  if (total === undefined) return report(`${shown}`, `the provider pages until an empty page, so its listings still work; ${PLEASE_REPORT}`);
  const count = typeof total === "number" ? total : typeof total === "string" && /^\d+$/.test(total.trim()) ? Number(total) : undefined;
  if (count === undefined) return report(`${shown}, not a count`, `the provider ignores such a total and pages until an empty page; ${PLEASE_REPORT}`);
  if (n === undefined) return unknown(`${shown}; the list's size is not known (its complete listing failed)`, "whether the total counts every segment cannot be told");
  if (count !== n) {
    const pageOnly = count === 1 && n > 1 ? " (it counts only the rows of the page)" : "";
    return refuses(`${shown}, but ${probe.list} has ${n} segments${pageOnly}`, "the provider stops listings longer than one page with \"could not be shown complete\": adoption, export and interrupted-create look-ups stop");
  }
  if (n < 2) return unknown(`${shown} and ${probe.list} has ${n} segment(s): a total that counts only the page looks the same`, "run doctor on a list with at least 2 segments (with --write the scratch segment counts)");
  if (typeof total === "number") return report(`${shown}: a number, where ongage.md §2 documents a string for segments`, `the provider accepts either; ${PLEASE_REPORT}`);
  return fine(`${shown}, every segment of ${probe.list}`, "the provider can tell a complete listing from a partial one");
}
