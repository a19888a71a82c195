import { z } from "zod";
import type { Dispatcher } from "undici";
import { HttpClient, path, type Classifier } from "../http/client";
import { NotFoundError, RouteNotFoundError, UnexpectedResponseError, WrongBaseUrlError, kindForStatus } from "../http/errors";
import { completeListing } from "../http/listing";
import { processState } from "../http/process-state";
import { PromiseCache } from "../http/promise-cache";
import { markNotProcessed } from "../http/unknown-outcomes";
import { sharedLimiter } from "../http/rate-limiter";
import type { RetrySettings } from "../http/retry-policy";
import { antsAuth, credentialsKey } from "./auth";
import { assumedPath, endpointMissingMessage, type AssumedOperation } from "./endpoints";
import { WireBoAttribute, WireEnvelopeCode, WireListingEntry, WireUploadEntry, antsEnvelope } from "./wire";
import type { AntsCredentials } from "./settings";
import type { ApiClientOptions } from "../pulumi/transport-settings";

const RATE_LIMIT_MARKER = /429 Too Many Requests/i;

function bodyDetail(message: unknown, data: unknown): string | undefined {
  const parts = [message, data].filter((p): p is string => typeof p === "string" && p.trim() !== "" && !/^\s*</.test(p));
  if (parts.length === 0) return undefined;
  const text = parts.join(": ").replace(/\s+/g, " ").trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * ANTS errors (docs/api/ants.md §3): a response is an error when HTTP is not 2xx OR the body's `code` is not
 * 200. Body code 301 → permission; code 500 wrapping nginx's 429 page (or HTTP 429) → rate limit;
 * 401 → authentication; a JSON 404 keeps its `apiCode` (object not found) while an HTML 404 has none
 * (route not found); a body code below 400 other than 200 on HTTP 2xx is unrecognised, so it is an
 * UnexpectedResponseError (the request may have been processed), never a refusal.
 */
export const classifyAnts: Classifier = (status, body) => {
  const env = WireEnvelopeCode.safeParse(body);
  if (!env.success) {
    if (status >= 300) {
      if (typeof body === "string" && RATE_LIMIT_MARKER.test(body)) return { kind: "rate-limit" };
      if (status === 404) return { kind: "route-not-found", detail: "route not found" };
      return { kind: kindForStatus(status) };
    }
    return undefined;
  }
  const { code, message, data } = env.data;
  if (code === 200 && status < 300) return undefined;
  const detail = bodyDetail(message, data);
  if (status === 429 || (typeof message === "string" && RATE_LIMIT_MARKER.test(message))) return { kind: "rate-limit", apiCode: code, detail: "429 Too Many Requests" };
  if (code === 301) return { kind: "permission", apiCode: code, detail };
  if (code === 401 || status === 401) return { kind: "authentication", apiCode: code, detail };
  if (code === 200) return { kind: kindForStatus(status), detail };
  if (code < 400 && status < 300) return { kind: "unexpected", apiCode: code, detail: detail ?? `unrecognised body code ${code}` };
  const effective = code >= 400 ? code : status;
  return { kind: kindForStatus(effective), apiCode: code, detail };
};

/** Every documented Listing column (docs/api/ants.md §4.1). */
export const LISTING_COLUMNS = [
  "c_user_id", "compute_schedule", "compute_schedule_end", "compute_schedule_start", "ctime", "item_type_id",
  "label_ids", "last_processed_date", "process_status", "response_code", "segment_display", "segment_id",
  "segment_size", "source_names", "status", "storage_type", "u_user_id", "update_method", "utime",
] as const;

/** Listing's answer as the provider parses it (docs/api/ants.md §4.2). */
export const ListingPage = antsEnvelope(WireListingEntry);
const UploadResponse = antsEnvelope(WireUploadEntry);
/** Create's answer as the provider parses it: `data.entries[0]` the new id (docs/api/ants.md §6.7). */
export const CreateResponse = antsEnvelope(z.union([z.number(), z.string()]));
const AttributesResponse = antsEnvelope(WireBoAttribute);
const AnyEnvelope = z.unknown();

export const LISTING_PAGE_SIZE = 100;

/**
 * Everything an AntsClient needs; the providers build it from settings with `antsClientOptions()`
 * (settings.ts). Token requests use the same transport settings and injected dispatcher.
 */
export interface AntsClientOptions extends ApiClientOptions<AntsCredentials, { baseUrl: string; authUrl: string; credentials: string }> {
  /** How long one Listing snapshot serves reads; 0 = one search per read. */
  listingCacheMs: number;
  now?: () => number;
}

/** Listing snapshots shared by reads in this process, per server and credentials. */
const snapshots = processState("ants/client: listing snapshots", () => new PromiseCache<Map<string, WireListingEntry>>());
/** BO attributes per server, credentials and item type. */
const attributeCache = processState("ants/client: BO attributes", () => new PromiseCache<WireBoAttribute[]>());
/** Root checks that succeeded (a Listing answered with the success envelope), per server and credentials. */
const rootProofs = processState("ants/client: root proofs", () => new PromiseCache<true>());

/** Thrown when an assumed (undocumented) endpoint does not exist; the message names the setting to change. */
export class EndpointMissingError extends Error {
  constructor(message: string, readonly operation: AssumedOperation, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EndpointMissingError";
    // The route does not exist: the server processed nothing.
    markNotProcessed(this);
  }
}

/** Routes of the ANTS CDP Segment API (documented) plus the assumed update/delete endpoints. */
export class AntsClient {
  private readonly http: HttpClient;
  readonly baseUrl: string;
  private readonly now: () => number;

  constructor(private readonly opts: AntsClientOptions) {
    const t = opts.transport;
    const retry = { maxRetries: t.maxRetries, baseDelayMs: t.retryBaseMs, maxRetryAfterMs: t.maxRetryAfterMs, ...opts.retry };
    this.baseUrl = opts.baseUrl;
    this.now = opts.now ?? Date.now;
    this.http = new HttpClient({
      api: "ants",
      baseUrl: this.baseUrl,
      classify: classifyAnts,
      limiter: sharedLimiter("ants", t),
      dispatcher: opts.dispatcher,
      timeoutMs: t.timeoutMs,
      deadlineMs: t.deadlineMs,
      retry,
      sleep: opts.sleep,
      baseUrlSource: opts.sources.baseUrl,
      auth: antsAuth({
        credentials: opts.credentials,
        dispatcher: opts.dispatcher,
        timeoutMs: t.timeoutMs,
        deadlineMs: t.deadlineMs,
        retry,
        sleep: opts.sleep,
        authUrlSource: opts.sources.authUrl,
        now: this.now,
      }),
    });
  }

  private listingPage(page: number, limit: number, search: string | undefined) {
    return this.http.send({
      method: "POST",
      path: "/segment/listing",
      body: { json: { page, limit, ...(search === undefined ? {} : { search }), columns: [...LISTING_COLUMNS], sort: "segment_id", sd: "asc" } },
      idempotent: true,
      schema: ListingPage,
    });
  }

  /**
   * Every segment Listing returns for `search` (all segments when omitted), page by page (1-based;
   * provider/http/listing.ts decides completeness). When the first page holds fewer rows than asked (the
   * server's maximum page size is not documented), later pages ask for that many, so page numbers
   * address the same rows whichever page size the server applies.
   */
  async *listing(search?: string, pageSize = LISTING_PAGE_SIZE): AsyncGenerator<WireListingEntry> {
    let limit = pageSize;
    yield* completeListing<WireListingEntry>({
      api: "ants",
      what: search === undefined ? "segments" : `segments matching ${JSON.stringify(search)}`,
      idOf: (e) => String(e.segment_id),
      page: async (_received, page) => {
        const asked = limit;
        const res = await this.listingPage(page, asked, search).catch((err: unknown) => Promise.reject(page === 1 ? this.rootError(err) : err));
        this.recordRoot();
        const entries = res.body.data.entries;
        if (page === 1 && entries.length > 0 && entries.length < limit) limit = entries.length;
        return { rows: entries, total: res.body.data.meta?.total, asked };
      },
    });
  }

  /**
   * Shows that the base URL and the credentials are right: a Listing (page 1, limit 1) answers with
   * the ANTS success envelope. One call per server and credentials per process, none when a Listing
   * already answered (a failure is not remembered). A 404 there is a WrongBaseUrlError naming the URL,
   * the documented form and the setting; other failures as sent.
   */
  async proveRoot(): Promise<void> {
    await rootProofs().get(this.cacheKey("root"), async () => {
      await this.listingPage(1, 1, undefined).catch((err: unknown) => Promise.reject(this.rootError(err)));
      return true as const;
    });
  }

  /** What a "gone" conclusion about segment `id` needs besides its absence or a 404 (provider/pulumi/gone.ts): the root check. */
  goneProof(id: string) {
    return {
      subject: `ants segment ${id}`,
      prove: () => this.proveRoot(),
      settings: `${this.opts.sources.baseUrl} and the credentials (${this.opts.sources.credentials})`,
    };
  }

  /** Remembers that a Listing answered with the success envelope (the root check holds). */
  private recordRoot(): void {
    if (!rootProofs().has(this.cacheKey("root"))) void rootProofs().get(this.cacheKey("root"), async () => true as const);
  }

  /** A 404 from the Listing (every correct root answers it) as a WrongBaseUrlError; anything else unchanged. */
  private rootError(err: unknown): unknown {
    if (!(err instanceof NotFoundError || err instanceof RouteNotFoundError)) return err;
    const base = new URL(this.baseUrl);
    const url = `${base.origin}${base.pathname.replace(/\/+$/, "")}/segment/listing`;
    return new WrongBaseUrlError(
      url,
      `ants base URL looks wrong: POST ${url} (the segment Listing, which every correct base URL answers) answered 404 (${err.message}). ` +
        `The documented form is ${this.opts.documentedBaseUrl} (ending in /access/api); check ${this.opts.sources.baseUrl}.`,
      { cause: err },
    );
  }

  /** The segment with exactly this id, via a keyword search (Listing has no get-by-id). */
  async findById(id: string): Promise<WireListingEntry | undefined> {
    for await (const e of this.listing(id)) if (String(e.segment_id) === id) return e;
    return undefined;
  }

  /**
   * The segment as the process-wide Listing snapshot shows it. One full Listing serves every read
   * within `ants:listingCacheMs` (default 5 s) of it, so a refresh of N segments costs one paged
   * Listing, not N; a segment changed out of band within that window may look stale.
   */
  async findInSnapshot(id: string): Promise<WireListingEntry | undefined> {
    const ttl = this.opts.listingCacheMs;
    if (ttl === 0) return this.findById(id);
    const snapshot = await snapshots().get(
      this.cacheKey("listing"),
      async () => {
        const byId = new Map<string, WireListingEntry>();
        for await (const e of this.listing()) byId.set(String(e.segment_id), e);
        return byId;
      },
      { maxAgeMs: ttl, now: this.now() },
    );
    return snapshot.get(id);
  }

  /** Drops the Listing snapshot after a change made by this process. */
  invalidateSnapshot(): void {
    snapshots().delete(this.cacheKey("listing"));
  }

  private cacheKey(item: string) {
    return { baseUrl: this.baseUrl, credentials: credentialsKey(this.opts.credentials()), item };
  }

  /** Uploads the member file (multipart part `file`); a lost response only leaves an unused upload behind. */
  async upload(itemTypeId: number, fileName: string, content: Uint8Array): Promise<WireUploadEntry> {
    const res = await this.http.send({
      method: "POST",
      path: path`/segment/upload/${itemTypeId}`,
      body: { multipart: { field: "file", fileName, content, contentType: fileName.endsWith(".tsv") ? "text/tab-separated-values" : "text/csv" } },
      idempotent: true,
      schema: UploadResponse,
    });
    const entry = res.body.data.entries[0];
    if (!entry) {
      throw new UnexpectedResponseError({ api: "ants", method: "POST", path: path`/segment/upload/${itemTypeId}`, status: res.status, requestId: res.requestId, detail: `upload of "${fileName}" answered without an entry` });
    }
    return entry;
  }

  /** Create is not idempotent: never retried after a server error or lost response. Returns the new id. */
  async create(body: unknown): Promise<string> {
    this.invalidateSnapshot();
    const res = await this.http.send({ method: "POST", path: "/segment/create", body: { json: body }, idempotent: false, schema: CreateResponse });
    const id = res.body.data.entries[0];
    if (id === undefined) {
      throw new UnexpectedResponseError({ api: "ants", method: "POST", path: "/segment/create", status: res.status, requestId: res.requestId, detail: "answered without a segment id" });
    }
    return String(id);
  }

  /** Assumed endpoint (endpoints.ts): the Create body plus `segmentId`. */
  async update(id: string, body: Record<string, unknown>): Promise<void> {
    await this.assumed("update", { ...body, segmentId: Number(id) });
  }

  /**
   * Assumed endpoint (endpoints.ts). A 404 in the ANTS envelope rejects with NotFoundError: whether
   * that means "already gone" is decided by the caller with the root check (`proveRoot`).
   */
  async delete(id: string): Promise<void> {
    await this.assumed("delete", { segmentId: Number(id) });
  }

  /** BO attributes of the item type, cached per process; `refresh` drops the cached copy. */
  async boAttributes(itemTypeId: number, refresh = false): Promise<WireBoAttribute[]> {
    return attributeCache().get(
      this.cacheKey(`attributes|${itemTypeId}`),
      () => this.http
        .send({ method: "GET", path: path`/item/${itemTypeId}/attribute`, idempotent: true, schema: AttributesResponse })
        .then((r) => r.body.data.entries),
      { refresh },
    );
  }

  /**
   * Calls an assumed endpoint. A RouteNotFoundError (404 without an ANTS envelope: the route does
   * not exist) becomes an EndpointMissingError naming the setting to change once the root check
   * holds (else the root check's WrongBaseUrlError); a 404 inside the envelope stays a NotFoundError.
   */
  private async assumed(op: AssumedOperation, json: Record<string, unknown>): Promise<void> {
    const p = assumedPath(op);
    this.invalidateSnapshot();
    try {
      await this.http.send({ method: "POST", path: p, body: { json }, idempotent: true, schema: AnyEnvelope });
    } catch (err) {
      if (err instanceof RouteNotFoundError) {
        // The whole base URL may be wrong rather than this one route: then say so (WrongBaseUrlError).
        await this.proveRoot();
        throw new EndpointMissingError(endpointMissingMessage(op, p, err.message), op, { cause: err });
      }
      throw err;
    } finally {
      this.invalidateSnapshot();
    }
  }
}

/** Drops Listing snapshots and BO attributes only (stack config and tokens stay); between tests use resetProcessState(). */
export function forgetClientCaches(): void {
  snapshots().clear();
  attributeCache().clear();
}
