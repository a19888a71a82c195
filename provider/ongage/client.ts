import { z } from "zod";
import { HttpClient, path, type Classifier } from "../http/client";
import { NotFoundError, kindForStatus, type ErrorKind } from "../http/errors";
import { RateLimiter } from "../http/rate-limiter";
import { ongageBaseUrl, ongageCredentials, ongageTransportSettings } from "./settings";
import { WireError, WireListField, WireMailing, WireSegment, WireSegmentSummary, envelope, type WireListField as ListField } from "./schemas";

/**
 * Ongage errors: `metadata.error === true` (whatever the HTTP status) with `payload.code` mirroring
 * the status, or any non-2xx status.
 */
export const classifyOngage: Classifier = (status, body) => {
  const parsed = WireError.safeParse(body);
  if (parsed.success) {
    const code = Number(parsed.data.payload?.code ?? status);
    const effective = Number.isFinite(code) && code >= 400 ? code : status >= 400 ? status : 500;
    return { kind: kindForStatus(effective) as ErrorKind, apiCode: effective, detail: parsed.data.payload?.message };
  }
  return status >= 300 ? { kind: kindForStatus(status) } : undefined;
};

const SegmentEnvelope = envelope(WireSegment);
const MailingEnvelope = envelope(WireMailing);
const IdEnvelope = envelope(z.object({ id: z.union([z.string(), z.number()]) }).loose());
const SummaryPage = envelope(z.array(WireSegmentSummary));
const FieldsPage = envelope(z.array(WireListField));
const AnyEnvelope = z.unknown();

const PAGE_SIZE = 200;

let limiter: RateLimiter | undefined;
/** One limiter per provider process: every Ongage resource shares the account's quota. */
function sharedLimiter(): RateLimiter {
  const t = ongageTransportSettings();
  if (!limiter || limiter.settings.perMinute !== t.perMinute || limiter.settings.concurrency !== t.concurrency) {
    limiter = new RateLimiter({ perMinute: t.perMinute, concurrency: t.concurrency });
  }
  return limiter;
}

const fieldCache = new Map<string, Promise<ListField[]>>();

/** Routes of the Ongage segments API. Every call addresses the list in the route prefix. */
export class OngageClient {
  private readonly http: HttpClient;
  private readonly baseUrl: string;

  constructor() {
    const t = ongageTransportSettings();
    this.baseUrl = ongageBaseUrl();
    this.http = new HttpClient({
      api: "ongage",
      baseUrl: this.baseUrl,
      classify: classifyOngage,
      limiter: sharedLimiter(),
      timeoutMs: t.timeoutMs,
      deadlineMs: t.deadlineMs,
      retry: { maxRetries: t.maxRetries, baseDelayMs: t.retryBaseMs, maxRetryAfterMs: t.maxRetryAfterMs },
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
    const res = await this.http.send({ method: "POST", path: this.prefix(listId) + "/api/segments", body: { json: body }, idempotent: false, schema: AnyEnvelope });
    return this.segmentOrId(res.body);
  }

  async updateSegment(listId: number | undefined, id: string, body: unknown): Promise<{ id: string; segment?: z.infer<typeof WireSegment> }> {
    const res = await this.http.send({ method: "PUT", path: this.prefix(listId) + path`/api/segments/${id}`, body: { json: body }, idempotent: true, schema: AnyEnvelope });
    return this.segmentOrId(res.body);
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

  /** The list's fields, cached per process; `refresh` drops the cached copy first. */
  async listFields(listId: number | undefined, refresh = false): Promise<ListField[]> {
    const key = `${this.baseUrl}|${listId ?? "default"}`;
    if (refresh) fieldCache.delete(key);
    let cached = fieldCache.get(key);
    if (!cached) {
      cached = this.http
        .send({ method: "GET", path: this.prefix(listId) + "/api/list_fields", query: { limit: 1000 }, idempotent: true, schema: FieldsPage })
        .then((r) => r.body.payload);
      fieldCache.set(key, cached);
      cached.catch(() => fieldCache.delete(key));
    }
    return cached;
  }

  private segmentOrId(body: unknown): { id: string; segment?: z.infer<typeof WireSegment> } {
    const full = SegmentEnvelope.safeParse(body);
    if (full.success && full.data.payload.rules) return { id: String(full.data.payload.id), segment: full.data.payload };
    const idOnly = IdEnvelope.safeParse(body);
    if (idOnly.success) return { id: String(idOnly.data.payload.id) };
    throw new Error("Ongage answered without a segment id");
  }
}
