import type { Observation, Verdict } from "./observation";
import { messageOf } from "./ongage-probe";

/**
 * Every row `pulumi-segments doctor --api ongage` reports, in report order: the assumption as
 * docs/api/ongage.md or docs/api/ongage-mailings.md states it, and the section (`cites`, the form the
 * emulator's variance switches use in emulators/ongage/quirks.ts). `write` rows appear only with `--write`.
 */
export const ONGAGE_ROWS = {
  access: {
    id: "ongage.access",
    cites: "ongage.md §1.2",
    assumption: "The credentials (X_USERNAME, X_PASSWORD, X_ACCOUNT_CODE) are accepted and the list's segment listing answers in the success envelope.",
  },
  pageSize: {
    id: "ongage.listing.page-size",
    cites: "ongage.md §5",
    assumption: "A page of the segment listing holds as many rows as `limit` asks for (the maximum page size is undocumented).",
  },
  offset: {
    id: "ongage.listing.offset",
    cites: "ongage.md §5",
    assumption: "`offset` counts rows from 0: offset=1 starts at the second row.",
  },
  complete: {
    id: "ongage.listing.complete",
    cites: "ongage.md §5",
    assumption: "Paging with `offset` and `limit` until the total is reached yields every segment once.",
  },
  total: {
    id: "ongage.listing.total",
    cites: "ongage.md §2, §5",
    assumption: "The listing's `metadata.total` is present, a string, and counts every segment of the list (not only the page).",
  },
  listFields: {
    id: "ongage.list-fields",
    cites: "ongage.md §13.1",
    assumption: "list_fields lists fields with a name and one of the types email, string, date, numeric; its total is a number.",
  },
  segmentShape: {
    id: "ongage.segment.shape",
    cites: "ongage.md §4.1",
    assumption: "GET of one segment answers its fields, rules and mailings in the shape the provider parses.",
  },
  segmentKeys: {
    id: "ongage.segment.keys",
    cites: "ongage.md §4.1",
    assumption: "A segment, its rules and the envelope's metadata carry only the documented keys.",
  },
  scalars: {
    id: "ongage.segment.scalars",
    cites: "ongage.md §4.5",
    assumption: "Ids, flags, counters and positions come as strings (or null).",
  },
  timestamps: {
    id: "ongage.segment.timestamps",
    cites: "ongage.md §4.5",
    assumption: "`created` and `modified` are epoch seconds.",
  },
  operand: {
    id: "ongage.segment.operand",
    cites: "ongage.md §4.5",
    assumption: "A non-behavioral rule's `operand` is JSON text inside a string.",
  },
  mailings: {
    id: "ongage.segment.mailings",
    cites: "ongage-mailings.md §1",
    assumption: "GET of one segment lists the campaigns that use it in `mailings`, each entry an object with the campaign's id and status.",
  },
  lookup: {
    id: "ongage.segment.lookup",
    cites: "ongage.md §1.3",
    assumption: "A segment is reached only through its own list: the route of another list does not answer it.",
  },
  missingSegment: {
    id: "ongage.missing-segment",
    cites: "ongage.md §2",
    assumption: "GET of a segment id that does not exist answers 404 in the error envelope, which the provider reads as \"gone\".",
  },
  errorEnvelope: {
    id: "ongage.error.envelope",
    cites: "ongage.md §2",
    assumption: "An error body is {\"metadata\":{\"error\":true},\"payload\":{\"code\",\"errors\",\"message\"}}.",
  },
  errorStatus: {
    id: "ongage.error.status",
    cites: "ongage.md §2",
    assumption: "An error is sent with the HTTP status its body's code names.",
  },
  unknownRoute: {
    id: "ongage.unknown-route",
    cites: "ongage.md §2",
    assumption: "A route the API does not have answers 404 without the API's error envelope (the web server's page).",
  },
  campaignStatus: {
    id: "ongage.campaigns.status",
    cites: "ongage-mailings.md §5",
    assumption: "Every campaign's `status` is one of the documented codes 60001–60010.",
  },
  rateLimitHeaders: {
    id: "ongage.rate-limit.headers",
    cites: "ongage.md §13.3",
    assumption: "Answers carry no rate-limit headers: the quota (300 calls a minute, 10 in parallel) is documented, not announced.",
  },
  create: {
    id: "ongage.write.create",
    cites: "ongage.md §6.5",
    assumption: "POST /api/segments answers the new segment, its id in `payload.id`.",
  },
  readBack: {
    id: "ongage.write.read-back",
    cites: "ongage.md §4.1",
    assumption: "A segment reads back as it was created (name, description, flags, rules).",
  },
  update: {
    id: "ongage.write.update",
    cites: "ongage.md §9",
    assumption: "PUT /api/segments/<id> changes the segment and it reads back changed.",
  },
  count: {
    id: "ongage.write.count",
    cites: "ongage.md §13.2",
    assumption: "A contact count of a segment (POST, then GET /api/contact_counts/<id>) answers a number of active contacts.",
  },
  delete: {
    id: "ongage.write.delete",
    cites: "ongage.md §11",
    assumption: "DELETE /api/segments/<id> removes the segment; a GET afterwards answers 404.",
  },
} as const satisfies Record<string, { id: string; cites: string; assumption: string }>;

export type OngageRowKey = keyof typeof ONGAGE_ROWS;

/** Rows that need `--write` (a scratch segment); the others are read-only. */
export const ONGAGE_WRITE_ROWS: readonly OngageRowKey[] = ["create", "readBack", "update", "count", "delete"];

/** What one observation found: the verdict, what the account showed, what it means for the provider. */
export interface Finding {
  verdict: Verdict;
  observed: string;
  consequence: string;
}

export const fine = (observed: string, consequence: string): Finding => ({ verdict: "fine", observed, consequence });
export const refuses = (observed: string, consequence: string): Finding => ({ verdict: "refuses", observed, consequence });
export const report = (observed: string, consequence: string): Finding => ({ verdict: "report", observed, consequence });
export const unknown = (observed: string, consequence: string): Finding => ({ verdict: "unknown", observed, consequence });

/** The closing words of a "report" row. */
export const PLEASE_REPORT = "please report this (attach `pulumi-segments doctor --api ongage --format json`)";

export function ongageRow(key: OngageRowKey, finding: Finding): Observation {
  return { api: "ongage", ...ONGAGE_ROWS[key], ...finding };
}

/** Rows left unobserved because an earlier step failed; `why` says which. */
export function notObserved(keys: readonly OngageRowKey[], why: string): Observation[] {
  return keys.map((k) => ongageRow(k, unknown(`not observed: ${why}`, "nothing can be concluded about this assumption; fix the earlier row and run doctor again")));
}

/** The row of `key`, or an unknown row naming the failure when the observation threw. */
export async function guarded(key: OngageRowKey, observe: () => Promise<Finding>): Promise<Observation> {
  try {
    return ongageRow(key, await observe());
  } catch (err) {
    return ongageRow(key, unknown(`the observation failed: ${messageOf(err)}`, "nothing can be concluded about this assumption; run doctor again"));
  }
}
