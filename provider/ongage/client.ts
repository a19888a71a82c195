import { processState } from "../http/process-state";
import { z } from "zod";
import type { PollSettings } from "../http/retry-policy";
import { HttpClient, path, type ApiResponse, type Classifier } from "../http/client";
import { NotFoundError, RouteNotFoundError, UnexpectedResponseError, WrongBaseUrlError, kindForStatus, type ErrorKind } from "../http/errors";
import { completeListing } from "../http/listing";
import { fingerprint, PromiseCache } from "../http/promise-cache";
import { sharedLimiter } from "../http/rate-limiter";
import type { ApiClientOptions } from "../pulumi/transport-settings";
import { WireContactCounts, WireMailing } from "./campaigns";
import { WireError, WireListField, WireSegment, WireSegmentSummary, ongageEnvelope, type WireListField as ListField } from "./wire";

/**
 * Ongage errors: `metadata.error === true` (whatever the HTTP status) with `payload.code` mirroring
 * the status, or any non-2xx status. The envelope's code decides the class, so a 404 inside an
 * HTTP 200 body is a NotFoundError like an HTTP 404 envelope; an envelope without a 4xx/5xx code
 * on HTTP 2xx is a ServerError (the request may have been processed). A 404 without the envelope
 * is a RouteNotFoundError (wrong base URL or route), never "segment not found".
 */
export const classifyOngage: Classifier = (status, body) => {
  const parsed = WireError.safeParse(body);
  if (parsed.success) {
    const code = Number(parsed.data.payload?.code ?? status);
    const effective = Number.isFinite(code) && code >= 400 ? code : status >= 400 ? status : 500;
    return { kind: kindForStatus(effective) as ErrorKind, apiCode: effective, detail: parsed.data.payload?.message };
  }
  if (status === 404) return { kind: "route-not-found", detail: "route not found (no Ongage error envelope)" };
  return status >= 300 ? { kind: kindForStatus(status) } : undefined;
};

const SegmentEnvelope = ongageEnvelope(WireSegment);
const MailingEnvelope = ongageEnvelope(WireMailing);
const IdEnvelope = ongageEnvelope(z.object({ id: z.union([z.string(), z.number()]) }).loose());
const SummaryPage = ongageEnvelope(z.array(WireSegmentSummary));
const FieldsPage = ongageEnvelope(z.array(WireListField));
const AnyEnvelope = z.unknown();
const CountsEnvelope = ongageEnvelope(WireContactCounts);

const PAGE_SIZE = 200;

/** list_fields per server, account and list, shared by every resource in the process. */
const fieldCache = processState("ongage/client: list fields", () => new PromiseCache<ListField[]>());

/** Everything an OngageClient needs; the providers build it from settings with `ongageClientOptions()` (settings.ts). */
export interface OngageClientOptions extends ApiClientOptions<{ username: string; password: string; accountCode: string }, { baseUrl: string; listId: string; credentials: string }> {
  poll?: Partial<PollSettings>;
}

/** Root checks that succeeded, per server, account and list; a failed one is not kept. */
const rootProofs = processState("ongage/client: root proofs", () => new PromiseCache<true>());

/** Routes of the Ongage segments API. Every call addresses the list in the route prefix. */
export class OngageClient {
  private readonly http: HttpClient;
  private readonly baseUrl: string;

  constructor(private readonly opts: OngageClientOptions) {
    const t = opts.transport;
    this.baseUrl = opts.baseUrl;
    this.http = new HttpClient({
      api: "ongage",
      baseUrl: this.baseUrl,
      classify: classifyOngage,
      limiter: sharedLimiter("ongage", t),
      dispatcher: opts.dispatcher,
      sleep: opts.sleep,
      timeoutMs: t.timeoutMs,
      deadlineMs: t.deadlineMs,
      retry: { maxRetries: t.maxRetries, baseDelayMs: t.retryBaseMs, maxRetryAfterMs: t.maxRetryAfterMs, ...opts.retry },
      baseUrlSource: opts.sources.baseUrl,
      auth: {
        headers: async () => {
          const c = opts.credentials();
          return { X_USERNAME: c.username, X_PASSWORD: c.password, X_ACCOUNT_CODE: c.accountCode };
        },
      },
    });
  }

  private prefix(listId: number | undefined): string {
    return listId === undefined ? "" : path`/${listId}`;
  }

  private cacheKey(item: string) {
    const c = this.opts.credentials();
    return { baseUrl: this.baseUrl, credentials: fingerprint(c.username, c.password, c.accountCode), item };
  }

  async getSegment(listId: number | undefined, id: string) {
    const res = await this.http.send({ method: "GET", path: this.prefix(listId) + path`/api/segments/${id}`, idempotent: true, schema: SegmentEnvelope });
    return res.body.payload;
  }

  /**
   * Shows that the base URL, the credentials and the list are right: the list's segment listing
   * (`GET [/<list_id>]/api/segments?limit=1`) answers with Ongage's success envelope. One call per
   * server, account and list per process (a failure is not remembered). A 404 there is a
   * WrongBaseUrlError naming the URL, the documented form and the settings; other failures as sent.
   */
  async proveRoot(listId: number | undefined): Promise<void> {
    const p = this.prefix(listId) + "/api/segments";
    await rootProofs().get(this.cacheKey(`root|${listId ?? "default"}`), async () => {
      try {
        await this.http.send({ method: "GET", path: p, query: { limit: 1 }, idempotent: true, schema: SummaryPage });
        return true as const;
      } catch (err) {
        if (!(err instanceof NotFoundError || err instanceof RouteNotFoundError)) throw err;
        const url = `${new URL(this.baseUrl).origin}${new URL(this.baseUrl).pathname.replace(/\/+$/, "")}${p}`;
        throw new WrongBaseUrlError(
          url,
          `ongage base URL looks wrong: GET ${url} (the list's segment listing, which every correct base URL answers) answered 404 (${err.message}). ` +
            `The documented form is ${this.opts.documentedBaseUrl}; check ${this.opts.sources.baseUrl}` +
            (listId === undefined ? "." : `, and that list ${listId} exists in this account (${this.opts.sources.listId}).`),
          { cause: err },
        );
      }
    });
  }

  /** What a "gone" conclusion about segment `id` needs besides a 404 (provider/pulumi/gone.ts): the list's root check. */
  goneProof(listId: number | undefined, id: string) {
    return {
      subject: `ongage segment ${id}${listId === undefined ? "" : ` (list ${listId})`}`,
      prove: () => this.proveRoot(listId),
      settings: `${this.opts.sources.baseUrl}, ${this.opts.sources.listId}, and the credentials (${this.opts.sources.credentials})`,
    };
  }

  /**
   * Every segment summary of the list, page by page (`listing.ts`: next offset = rows received,
   * until an empty page or the total; an IncompleteListingError when completeness cannot be shown).
   */
  async *listSegments(listId: number | undefined) {
    yield* completeListing<WireSegmentSummary>({
      api: "ongage",
      what: listId === undefined ? "segments of the default list" : `segments of list ${listId}`,
      idOf: (s) => String(s.id),
      page: async (received) => {
        const res = await this.http.send({
          method: "GET",
          path: this.prefix(listId) + "/api/segments",
          query: { offset: received, limit: PAGE_SIZE, sort: "id", order: "ASC" },
          idempotent: true,
          schema: SummaryPage,
        });
        return { rows: res.body.payload, total: res.body.metadata?.total, asked: PAGE_SIZE };
      },
    });
  }

  /** POST is not idempotent: it is never retried after a server error or lost response. */
  async createSegment(listId: number | undefined, body: unknown): Promise<{ id: string; segment?: z.infer<typeof WireSegment> }> {
    const p = this.prefix(listId) + "/api/segments";
    const res = await this.http.send({ method: "POST", path: p, body: { json: body }, idempotent: false, schema: AnyEnvelope });
    return segmentOrId("POST", p, res);
  }

  async updateSegment(listId: number | undefined, id: string, body: unknown): Promise<{ id: string; segment?: z.infer<typeof WireSegment> }> {
    const p = this.prefix(listId) + path`/api/segments/${id}`;
    const res = await this.http.send({ method: "PUT", path: p, body: { json: body }, idempotent: true, schema: AnyEnvelope });
    return segmentOrId("PUT", p, res);
  }

  /**
   * Deletes the segment. A 404 rejects with NotFoundError like any other failure: whether that means
   * "already gone" is decided by the caller with the root check (`proveRoot`), never from the 404 alone.
   */
  async deleteSegment(listId: number | undefined, id: string): Promise<void> {
    await this.http.send({ method: "DELETE", path: this.prefix(listId) + path`/api/segments/${id}`, idempotent: true, schema: AnyEnvelope });
  }

  /** Fills an external segment with recipients (email plus list-field values). */
  async populateExternal(listId: number | undefined, id: string, recipients: Array<Record<string, string>>): Promise<void> {
    await this.http.send({
      method: "PUT",
      path: this.prefix(listId) + path`/api/segments/${id}/populate_external`,
      body: { json: { recipients } },
      idempotent: true,
      schema: AnyEnvelope,
    });
  }

  /**
   * One GET of `route` under the list's prefix, answered as it came: status, headers and parsed body
   * (JSON, else the text), never classified as an error. For `pulumi-segments doctor`, which judges
   * the answer itself with classifyOngage and the wire schemas (provider/doctor/ongage.ts).
   */
  async observe(listId: number | undefined, route: string, query?: Record<string, string | number>): Promise<ApiResponse<unknown>> {
    return this.http.send({ method: "GET", path: this.prefix(listId) + route, query, idempotent: true, schema: AnyEnvelope, raw: true });
  }

  /** One campaign (mailing) of the list. */
  async getMailing(listId: number | undefined, id: string) {
    const res = await this.http.send({ method: "GET", path: this.prefix(listId) + path`/api/mailings/${id}`, idempotent: true, schema: MailingEnvelope });
    return res.body.payload;
  }

  /**
   * Contact counts of an existing segment (`segment_id`) or of criteria not saved anywhere (the
   * POST body's `criteria`, as in a segment body): one POST, then GETs until the counts are there,
   * polled by the transport (interval and count from `poll`, within the call's deadline).
   */
  async countContacts(listId: number | undefined, source: { segmentId: string } | { criteria: unknown[] }, signal?: AbortSignal): Promise<Required<Pick<WireContactCounts, "active">> & WireContactCounts & { total?: number }> {
    const body = "segmentId" in source ? { segment_id: Number(source.segmentId) } : { criteria: source.criteria };
    // Re-sending only starts another count of the same thing: safe to retry.
    const started = await this.http.send({ method: "POST", path: this.prefix(listId) + "/api/contact_counts/", body: { json: body }, idempotent: true, schema: IdEnvelope }, signal);
    const countId = String(started.body.payload.id);
    return this.http.poll(
      { method: "GET", path: this.prefix(listId) + path`/api/contact_counts/${countId}`, idempotent: true, schema: CountsEnvelope },
      (res) => {
        const counts = res.payload;
        if (typeof counts.active !== "number" || !Number.isFinite(counts.active)) return undefined;
        const total = Number(res.metadata?.total);
        return { ...counts, active: counts.active, ...(Number.isFinite(total) ? { total } : {}) };
      },
      this.opts.poll,
      signal,
    );
  }

  /** The list's fields, cached per process (per server, account and list); `refresh` drops the cached copy first. */
  async listFields(listId: number | undefined, refresh = false): Promise<ListField[]> {
    const key = this.cacheKey(`list_fields|${listId ?? "default"}`);
    return fieldCache().get(
      key,
      () => this.http
        .send({ method: "GET", path: this.prefix(listId) + "/api/list_fields", query: { limit: 1000 }, idempotent: true, schema: FieldsPage })
        .then((r) => r.body.payload),
      { refresh },
    );
  }
}

/** The segment (or at least its id) of a write's 2xx answer; an UnexpectedResponseError otherwise. */
function segmentOrId(method: string, p: string, res: ApiResponse<unknown>): { id: string; segment?: z.infer<typeof WireSegment> } {
  const full = SegmentEnvelope.safeParse(res.body);
  if (full.success && full.data.payload.rules) return { id: String(full.data.payload.id), segment: full.data.payload };
  const idOnly = IdEnvelope.safeParse(res.body);
  if (idOnly.success) return { id: String(idOnly.data.payload.id) };
  throw new UnexpectedResponseError({ api: "ongage", method, path: p, status: res.status, requestId: res.requestId, detail: "answered without a segment id" });
}
