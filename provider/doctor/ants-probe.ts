import { z } from "zod";
import { HttpClient, type ApiResponse, type AuthHook } from "../http/client";
import { ApiError } from "../http/errors";
import { sharedLimiter } from "../http/rate-limiter";
import { redact } from "../http/redact";
import { AntsClient, LISTING_COLUMNS, antsAuth, antsClientOptions, classifyAnts, type WireListingEntry } from "../ants";
import type { Observation, Verdict } from "./observation";

/**
 * What the ANTS doctor sends its requests through: the provider's own AntsClient (its Listing, paging,
 * upload, update and delete), and the same transport (provider/http/client.ts: auth hook, rate limiter,
 * retries, `classifyAnts`) for requests whose raw answer is the observation (a Listing page as sent, a
 * Create answer, an error's shape, response headers). Raw answers are parsed afterwards with the
 * provider's schemas (provider/ants/wire.ts), so a "fine" verdict means the provider accepts the answer.
 */
export interface AntsProbe {
  client: AntsClient;
  /** Same base URL, credentials and transport as `client`; answers are returned unparsed. */
  raw: HttpClient;
  /** The same transport with a bearer token no server can have issued (error shapes). */
  rawWithInvalidToken: HttpClient;
  /** The transport's per-attempt timeout (ants:timeoutMs): delete verification settles over a window derived from it. */
  timeoutMs: number;
}

const ANY = z.unknown();
/** The token the error-shape probe sends; it cannot be a real token and is not secret. */
export const INVALID_TOKEN = "pulumi-segments-doctor-invalid-token";

/** Builds the probe from the ANTS settings (stack config is not read by the CLI: environment variables). */
export function antsProbe(): AntsProbe {
  const options = antsClientOptions();
  const t = options.transport;
  const retry = { maxRetries: t.maxRetries, baseDelayMs: t.retryBaseMs, maxRetryAfterMs: t.maxRetryAfterMs };
  const transport = (auth: AuthHook) =>
    new HttpClient({
      api: "ants",
      baseUrl: options.baseUrl,
      classify: classifyAnts,
      limiter: sharedLimiter("ants", t),
      timeoutMs: t.timeoutMs,
      deadlineMs: t.deadlineMs,
      retry,
      baseUrlSource: options.sources.baseUrl,
      auth,
    });
  const auth = antsAuth({ credentials: options.credentials, timeoutMs: t.timeoutMs, deadlineMs: t.deadlineMs, retry, authUrlSource: options.sources.authUrl });
  return {
    client: new AntsClient({ ...options, listingCacheMs: 0 }),
    raw: transport(auth),
    rawWithInvalidToken: transport({ headers: async () => ({ authorization: `Bearer ${INVALID_TOKEN}` }) }),
    timeoutMs: t.timeoutMs,
  };
}

export interface ListingRequest {
  page: number;
  limit: number;
  search?: string;
}

/** One Listing page as the server sent it: every documented column asked for, sorted by id ascending (as the provider asks). */
export function rawListing(http: HttpClient, q: ListingRequest): Promise<ApiResponse<unknown>> {
  return http.send({
    method: "POST",
    path: "/segment/listing",
    body: { json: { page: q.page, limit: q.limit, ...(q.search === undefined ? {} : { search: q.search }), columns: [...LISTING_COLUMNS], sort: "segment_id", sd: "asc" } },
    idempotent: true,
    schema: ANY,
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The entries and meta of a raw Listing answer, whatever their types (undefined when the envelope has no entries array). */
export function rawPage(body: unknown): { entries: Record<string, unknown>[]; meta: Record<string, unknown> } | undefined {
  if (!isRecord(body) || !isRecord(body.data) || !Array.isArray(body.data.entries)) return undefined;
  return { entries: body.data.entries.filter(isRecord), meta: isRecord(body.data.meta) ? body.data.meta : {} };
}

/** A raw entry's id as the provider keys it (`String(segment_id)`), undefined when absent. */
export const idOf = (e: Record<string, unknown> | WireListingEntry | undefined): string | undefined =>
  e === undefined || e.segment_id === undefined || e.segment_id === null ? undefined : String(e.segment_id);

/** A value's JSON type in words ("a number", "a string", "null", "an array", "an object", "absent"). */
export function typeName(v: unknown): string {
  if (v === undefined) return "absent";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** An error as one line for a row: its message with every registered secret scrubbed, at most 300 characters. */
export function errorText(err: unknown): string {
  const text = redact(err instanceof Error ? err.message : String(err)).replace(/\s+/g, " ").trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** "HTTP 401, body code 401" for an ApiError (what the answer looked like), else the error's text. */
export function answerShape(err: unknown): string {
  if (!(err instanceof ApiError)) return errorText(err);
  const status = err.status === undefined ? "no HTTP status (no answer)" : `HTTP ${err.status}`;
  return `${status}, ${err.apiCode === undefined ? "no ANTS envelope" : `body code ${err.apiCode}`} (${err.name})`;
}

/** Builds ANTS rows; `cites` is a section of docs/api/ants.md. */
export function antsRow(id: string, cites: string, assumption: string, observed: string, verdict: Verdict, consequence: string): Observation {
  return { api: "ants", id: `ants.${id}`, assumption, cites: `ants.md ${cites}`, observed, verdict, consequence };
}

export const PLEASE_REPORT = "please report this (attach `pulumi-segments doctor --api ants --format json`)";
