import { z } from "zod";
import type { Dispatcher } from "undici";
import type { RetrySettings } from "../http/retry-policy";
import { HttpClient, path, type ApiResponse, type Classifier } from "../http/client";
import { NotFoundError, UnexpectedResponseError, kindForStatus, type ErrorKind } from "../http/errors";
import { fingerprint, PromiseCache } from "../http/promise-cache";
import { sharedLimiter } from "../http/rate-limiter";
import { ongageBaseUrl, ongageCredentials, ongageTransportSettings } from "./settings";
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
const fieldCache = new PromiseCache<ListField[]>();

/** Injected transport for tests (an undici MockAgent) and a fake clock for backoff waits. */
export interface OngageClientOptions {
  dispatcher?: Dispatcher;
  retry?: Partial<RetrySettings>;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Routes of the Ongage segments API. Every call addresses the list in the route prefix. */
export class OngageClient {
  private readonly http: HttpClient;
  private readonly baseUrl: string;

  constructor(opts: OngageClientOptions = {}) {
    const t = ongageTransportSettings();
    this.baseUrl = ongageBaseUrl();
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
      auth: {
        headers: async () => {
          const c = ongageCredentials();
          return { X_USERNAME: c.username, X_PASSWORD: c.password, X_ACCOUNT_CODE: c.accountCode };
        },
      },
    });
  }

  private prefix(listId: number | undefined): string {
    return listId === undefined ? "" : path`/${listId}`;
  }

  async getSegment(listId: number | undefined, id: string) {
    const res = await this.http.send({ method: "GET", path: this.prefix(listId) + path`/api/segments/${id}`, idempotent: true, schema: SegmentEnvelope });
    return res.body.payload;
  }

  /** Every segment summary of the list, page by page. */
  async *listSegments(listId: number | undefined) {
    for (let offset = 0; ; offset += PAGE_SIZE) {
      const res = await this.http.send({
        method: "GET",
        path: this.prefix(listId) + "/api/segments",
        query: { offset, limit: PAGE_SIZE, sort: "id", order: "ASC" },
        idempotent: true,
        schema: SummaryPage,
      });
      yield* res.body.payload;
      const total = Number(res.body.metadata?.total ?? 0);
      if (res.body.payload.length === 0 || offset + PAGE_SIZE >= total) return;
    }
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

  /** Resolves when the segment is gone, including when it already was (404). */
  async deleteSegment(listId: number | undefined, id: string): Promise<void> {
    try {
      await this.http.send({ method: "DELETE", path: this.prefix(listId) + path`/api/segments/${id}`, idempotent: true, schema: AnyEnvelope });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
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

  /** One campaign (mailing) of the list. */
  async getMailing(listId: number | undefined, id: string) {
    const res = await this.http.send({ method: "GET", path: this.prefix(listId) + path`/api/mailings/${id}`, idempotent: true, schema: MailingEnvelope });
    return res.body.payload;
  }

  /**
   * Contact counts of an existing segment (`segment_id`) or of criteria not saved anywhere (the
   * POST body's `criteria`, as in a segment body): one POST, then GETs until the counts are there.
   */
  async countContacts(listId: number | undefined, source: { segmentId: string } | { criteria: unknown[] }, poll = { intervalMs: 500, attempts: 20 }): Promise<Required<Pick<WireContactCounts, "active">> & WireContactCounts & { total?: number }> {
    const body = "segmentId" in source ? { segment_id: Number(source.segmentId) } : { criteria: source.criteria };
    // Re-sending only starts another count of the same thing: safe to retry.
    const started = await this.http.send({ method: "POST", path: this.prefix(listId) + "/api/contact_counts/", body: { json: body }, idempotent: true, schema: IdEnvelope });
    const countId = String(started.body.payload.id);
    for (let attempt = 1; ; attempt++) {
      const res = await this.http.send({ method: "GET", path: this.prefix(listId) + path`/api/contact_counts/${countId}`, idempotent: true, schema: CountsEnvelope });
      const counts = res.body.payload;
      if (typeof counts.active === "number" && Number.isFinite(counts.active)) {
        const total = Number(res.body.metadata?.total);
        return { ...counts, active: counts.active, ...(Number.isFinite(total) ? { total } : {}) };
      }
      if (attempt >= poll.attempts) throw new Error(`ongage contact count ${countId} was not ready after ${attempt} polls`);
      await new Promise((r) => setTimeout(r, poll.intervalMs));
    }
  }

  /** The list's fields, cached per process (per server, account and list); `refresh` drops the cached copy first. */
  async listFields(listId: number | undefined, refresh = false): Promise<ListField[]> {
    const c = ongageCredentials();
    const key = { baseUrl: this.baseUrl, credentials: fingerprint(c.username, c.password, c.accountCode), item: `list_fields|${listId ?? "default"}` };
    return fieldCache.get(
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
