import { IncompleteListingError, type ApiName } from "./errors";
import { redact } from "./redact";

/** One page as the server answered it. */
export interface ListingPage<R> {
  rows: R[];
  /** The server's total row count when it sent one (any type: it is checked here). */
  total: unknown;
  /** How many rows the request asked for. */
  asked: number;
}

export interface ListingSource<R> {
  api: ApiName;
  /** What is listed, for messages ("segments of list 5"). */
  what: string;
  /** A row's unique id: a row seen twice means the paging cannot be trusted. */
  idOf(row: R): string;
  /**
   * Fetches the next page: `received` rows came before it (the next offset), it is page number
   * `pageNumber` (1-based) for APIs that page by number.
   */
  page(received: number, pageNumber: number): Promise<ListingPage<R>>;
}

/** A total worth comparing: a whole number ≥ 0 (given as a number or a numeric string). */
function countOf(total: unknown): number | undefined {
  const n = typeof total === "string" && total.trim() !== "" ? Number(total) : total;
  return typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Every row of a paged listing, or an IncompleteListingError. The maximum page size of neither API
 * is documented, so nothing is inferred from a page being shorter than asked:
 * - the next page starts after the rows actually received;
 * - the listing ends at an empty page, or when the rows received reach the server's total on a full
 *   page (as many rows as asked). A short page proves nothing: a server with a smaller page cap and
 *   a total that counts only that page looks the same as the end of the listing, so paging goes on
 *   to the next page (docs/api/variance.md: page-cap with listing-total=page);
 * - a total that is missing or below the rows already received on first sight is ignored (paging
 *   goes on until an empty page);
 * - a page that repeats a row already received, a total that drops below the rows received after it
 *   was consistent, an empty page (the first one too) while the total says more rows exist, or a page that fails after others were
 *   received, throw IncompleteListingError. A failure of the first page is thrown as it is
 *   (nothing was received).
 * Rows are yielded page by page; a caller that needs the whole listing consumes it to the end
 * before concluding anything.
 */
export async function* completeListing<R>(source: ListingSource<R>): AsyncGenerator<R> {
  const seen = new Set<string>();
  const incomplete = (reason: string, cause?: unknown) => new IncompleteListingError(source.api, source.what, seen.size, reason, cause === undefined ? undefined : { cause });
  // The last total that was consistent with the rows received (undefined: none was).
  let consistentTotal: number | undefined;
  for (let pageNumber = 1; ; pageNumber++) {
    let page: ListingPage<R>;
    try {
      page = await source.page(seen.size, pageNumber);
    } catch (err) {
      if (seen.size === 0) throw err;
      throw incomplete(`page ${pageNumber} failed (${redact(err instanceof Error ? err.message : String(err))})`, err);
    }
    const total = countOf(page.total);
    if (page.rows.length === 0) {
      // An empty page under a total above the rows received is a contradiction, even on page 1: a
      // server paging from 0 answers page 1 past the end with the whole account's total.
      const expected = total ?? consistentTotal;
      if (expected !== undefined && seen.size < expected) {
        throw incomplete(`the rows ended at page ${pageNumber} before the total of ${expected} the server reported`);
      }
      return;
    }
    const ids = page.rows.map((r) => source.idOf(r));
    const repeated = ids.find((id, i) => seen.has(id) || ids.indexOf(id) !== i);
    if (repeated !== undefined) {
      throw incomplete(`page ${pageNumber} repeated row ${repeated}, already received (the server may ignore the offset or page, or the listing changed while it was read)`);
    }
    for (const id of ids) seen.add(id);
    yield* page.rows;
    if (total !== undefined && total >= seen.size) {
      consistentTotal = total;
      if (seen.size === total && page.rows.length >= page.asked) return;
    } else if (total !== undefined && consistentTotal !== undefined) {
      throw incomplete(`the total the server reported fell to ${total} (it was ${consistentTotal}), below the ${seen.size} rows already received`);
    }
  }
}
