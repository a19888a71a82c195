import { z } from "zod";
import type { Dispatcher } from "undici";
import { HttpClient, path, type Classifier } from "../http/client";
import { NotFoundError, RouteNotFoundError, UnexpectedResponseError, kindForStatus } from "../http/errors";
import { processState } from "../http/process-state";
import { PromiseCache } from "../http/promise-cache";
import { markNotProcessed } from "../http/unknown-outcomes";
import { sharedLimiter } from "../http/rate-limiter";
import type { RetrySettings } from "../http/retry-policy";
import { antsAuth, credentialsKey } from "./auth";
import { assumedPath, endpointMissingMessage, type AssumedOperation } from "./endpoints";
import { WireBoAttribute, WireEnvelopeCode, WireListingEntry, WireUploadEntry, antsEnvelope } from "./wire";
import { antsBaseUrl, antsTransportSettings, listingCacheMs } from "./settings";

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

const ListingPage = antsEnvelope(WireListingEntry);
const UploadResponse = antsEnvelope(WireUploadEntry);
const CreateResponse = antsEnvelope(z.union([z.number(), z.string()]));
const AttributesResponse = antsEnvelope(WireBoAttribute);
const AnyEnvelope = z.unknown();

export const LISTING_PAGE_SIZE = 100;

const dispatcherOverride = processState("ants/client: dispatcher override", () => ({ current: undefined as Dispatcher | undefined }));
/**
 * Routes every AntsClient (and token request) through `d` until resetProcessState(); for tests
 * that drive the provider (which builds its own clients) against an undici MockAgent.
 */
export function useAntsDispatcher(d: Dispatcher | undefined): void {
  dispatcherOverride().current = d;
}

export interface AntsClientOptions {
  dispatcher?: Dispatcher;
  retry?: Partial<RetrySettings>;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
}

/** Listing snapshots shared by reads in this process, per server and credentials. */
const snapshots = processState("ants/client: listing snapshots", () => new PromiseCache<Map<string, WireListingEntry>>());
/** BO attributes per server, credentials and item type. */
const attributeCache = processState("ants/client: BO attributes", () => new PromiseCache<WireBoAttribute[]>());

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

  constructor(opts: AntsClientOptions = {}) {
    const t = antsTransportSettings();
    const dispatcher = opts.dispatcher ?? dispatcherOverride().current;
    this.baseUrl = antsBaseUrl();
    this.now = opts.now ?? Date.now;
    this.http = new HttpClient({
      api: "ants",
      baseUrl: this.baseUrl,
      classify: classifyAnts,
      limiter: sharedLimiter("ants", t),
      dispatcher,
      timeoutMs: t.timeoutMs,
      deadlineMs: t.deadlineMs,
      retry: { maxRetries: t.maxRetries, baseDelayMs: t.retryBaseMs, maxRetryAfterMs: t.maxRetryAfterMs, ...opts.retry },
      sleep: opts.sleep,
      auth: antsAuth(dispatcher, this.now),
    });
  }

  /** Every segment Listing returns for `search` (all segments when omitted), page by page. */
  async *listing(search?: string, pageSize = LISTING_PAGE_SIZE): AsyncGenerator<WireListingEntry> {
    for (let page = 1; ; page++) {
      const res = await this.http.send({
        method: "POST",
        path: "/segment/listing",
        body: { json: { page, limit: pageSize, ...(search === undefined ? {} : { search }), columns: [...LISTING_COLUMNS], sort: "segment_id", sd: "asc" } },
        idempotent: true,
        schema: ListingPage,
      });
      const entries = res.body.data.entries;
      yield* entries;
      const total = res.body.data.meta?.total;
      if (entries.length < pageSize || (total !== undefined && page * pageSize >= total)) return;
    }
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
    const ttl = listingCacheMs();
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
    return { baseUrl: this.baseUrl, credentials: credentialsKey(), item };
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

  /** Assumed endpoint (endpoints.ts). Resolves when the segment is gone, including when it already was. */
  async delete(id: string): Promise<void> {
    try {
      await this.assumed("delete", { segmentId: Number(id) });
    } catch (err) {
      if (err instanceof NotFoundError) return;
      throw err;
    }
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
   * not exist) becomes an EndpointMissingError naming the setting to change; a 404 inside the
   * envelope means the segment is unknown and stays a NotFoundError.
   */
  private async assumed(op: AssumedOperation, json: Record<string, unknown>): Promise<void> {
    const p = assumedPath(op);
    this.invalidateSnapshot();
    try {
      await this.http.send({ method: "POST", path: p, body: { json }, idempotent: true, schema: AnyEnvelope });
    } catch (err) {
      if (err instanceof RouteNotFoundError) {
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
