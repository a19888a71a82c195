import type { z } from "zod";
import type { EmulatorReply, EmulatorRequest, Handler } from "../harness/http-server";
import type { RequestBudget } from "../harness/request-budget";
import { collectionQuery, contactCountBody, createMailingBody, createSegmentBody, firstIssue } from "./request-schemas";
import { mailingsQuery, populateExternalBody, positiveInt, updateMailingBody, updateSegmentBody } from "./request-schemas";
import { MailingStateError, type StoredMailing } from "./mailings";
import { listFieldPayload, MAILING_COLUMNS, mailingPayload, mailingSummary, segmentPayload, segmentSummary, SUMMARY_COLUMNS } from "./payloads";
import { InvalidData } from "./rules";
import { type OngageQuirks, rewriteReply, rewriteRequest, webServer404 } from "./quirks";
import { NotFound, type OngageList, type OngageStore } from "./store";

/**
 * HTTP surface of the Ongage emulator (ongage.md): auth headers, list selection, routes with and
 * without the `/<list_id>` prefix, request validation, and replies in the API's own envelopes with
 * its quirks (string scalars, JSON-string operands, string `total` for segments).
 */

export interface OngageCredentials {
  username: string;
  password: string;
  accountCode: string;
}

export interface OngageRoutesConfig {
  store: OngageStore;
  credentials: OngageCredentials;
  /** false models an account without API access: every call answers 403. */
  apiAccess: () => boolean;
  budget: RequestBudget;
  /** Extra handling time per admitted call (makes the parallel cap observable). */
  latencyMs: () => number;
  /** Called after a request changed state. */
  onMutation: () => void;
  /** Variance switches in force (quirks.ts), read per request. */
  quirks: () => OngageQuirks;
}

/** Message of the user-reported 401 reply (ongage.md §1.2). */
export const INVALID_CREDENTIALS_MESSAGE =
  'Invalid Credentials. Please provide valid x_username, x_password and x_account_code headers. x_account_code as displayed in the "Account Profile" page in your Ongage account.';
/** Message of the documented 429 reply (ongage.md §13.3). */
export const RATE_LIMIT_MESSAGE = "Calls per minute exceeded";
/** ASSUMED: the 403 text is undocumented. */
export const NO_API_ACCESS_MESSAGE = "Permission error: this account has no API access";

/** Every error reply: `{"metadata":{"error":true},"payload":{"code":<status>,"errors":[],"message":...}}`. */
export function errorReply(status: number, message: string): EmulatorReply {
  return { status, body: { metadata: { error: true }, payload: { code: status, errors: [], message } } };
}

/** Fault-injection replies in Ongage's error envelope: 429 "Calls per minute exceeded" (optionally with Retry-After seconds) and 5xx. */
export const ONGAGE_FAULT_REPLIES = {
  rateLimited(retryAfterSeconds?: number): EmulatorReply {
    const reply = errorReply(429, RATE_LIMIT_MESSAGE);
    return retryAfterSeconds === undefined ? reply : { ...reply, headers: { "retry-after": String(retryAfterSeconds) } };
  },
  serverError(status: 500 | 502 | 503): EmulatorReply {
    return errorReply(status, status === 500 ? "Internal server error" : status === 502 ? "Bad gateway" : "Service unavailable");
  },
  /** True for the non-idempotent calls: POST (create) of a segment or a campaign. */
  isCreate(req: EmulatorRequest): boolean {
    return req.method === "POST" && /^(?:\/\d+)?\/api\/(?:segments|mailings)\/?$/.test(req.path);
  },
};

const invalidCall = (detail: string) => errorReply(400, `Invalid call: ${detail}`);
const invalidData = (field: string, problem: string) => errorReply(412, `Invalid data: ${field}: ${problem}`);
const notFound = (detail: string) => errorReply(404, `Not found: ${detail}`);

function single(payload: unknown): EmulatorReply {
  return { status: 200, body: { metadata: { error: false }, payload } };
}

function collection(payload: unknown[], total: string | number): EmulatorReply {
  return { status: 200, body: { metadata: { error: false, total }, payload } };
}

/** ASSUMED default page size when `limit` is absent (the real default is undocumented). */
export const DEFAULT_LIMIT = 50;

// ---- request helpers ------------------------------------------------------------

type Outcome<T> = { ok: true; value: T } | { ok: false; reply: EmulatorReply };

function header(req: EmulatorRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function authenticate(req: EmulatorRequest, c: OngageCredentials): boolean {
  return header(req, "x_username") === c.username && header(req, "x_password") === c.password && header(req, "x_account_code") === c.accountCode;
}

/** The body as a JSON object; 400 for an empty, malformed or non-object body. */
function jsonObject(req: EmulatorRequest): Outcome<Record<string, unknown>> {
  const text = req.rawBody.toString("utf8");
  if (text.trim() === "") return { ok: false, reply: invalidCall("a JSON object body is required") };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, reply: invalidCall(`body is not valid JSON (${(err as Error).message})`) };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reply: invalidCall("body must be a JSON object") };
  }
  return { ok: true, value: parsed as Record<string, unknown> };
}

/** list_id precedence: body > query > route prefix > account default; unknown list → 404. */
function resolveList(store: OngageStore, routeList: string | undefined, req: EmulatorRequest, body?: Record<string, unknown>): Outcome<OngageList> {
  let id: number = routeList !== undefined ? Number(routeList) : store.defaultListId;
  const fromQuery = req.query.get("list_id");
  if (fromQuery !== null && fromQuery !== "") {
    const parsed = positiveInt.safeParse(fromQuery);
    if (!parsed.success) return { ok: false, reply: invalidData("list_id", "must be a positive integer") };
    id = parsed.data;
  }
  if (body && body.list_id !== undefined && body.list_id !== null) {
    const parsed = positiveInt.safeParse(body.list_id);
    if (!parsed.success) return { ok: false, reply: invalidData("list_id", "must be a positive integer") };
    id = parsed.data;
  }
  const list = store.list(id);
  return list ? { ok: true, value: list } : { ok: false, reply: notFound(`List ${id} not found`) };
}

/** Parses with a zod schema; the first issue becomes an "Invalid data" reply (412 for segments, 400 for campaigns). */
function parseWith<S extends z.ZodType>(schema: S, data: unknown, status = 412): Outcome<z.output<S>> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return { ok: true, value: parsed.data };
  const [field, problem] = firstIssue(parsed.error);
  return { ok: false, reply: status === 412 ? invalidData(field, problem) : errorReply(status, `Invalid data: ${field}: ${problem}`) };
}

/** Runs a store call, turning its domain errors into 404/412 replies. */
function attempt(fn: () => EmulatorReply, onValidation = (e: InvalidData) => invalidData(e.field, e.problem)): EmulatorReply {
  try {
    return fn();
  } catch (err) {
    if (err instanceof NotFound) return notFound(err.message);
    if (err instanceof InvalidData) return onValidation(err);
    throw err;
  }
}

interface PageQuery {
  sort?: string;
  order?: "ASC" | "DESC";
  offset?: number;
  limit?: number;
}

function page<T extends Record<string, unknown>>(rows: T[], query: URLSearchParams | PageQuery, columns: readonly string[]): Outcome<{ rows: T[]; total: number }> {
  let params: PageQuery;
  if (query instanceof URLSearchParams) {
    const q = parseWith(collectionQuery, Object.fromEntries(query));
    if (!q.ok) return q;
    params = q.value;
  } else params = query;
  const { sort = "id", order = "ASC", offset = 0, limit = DEFAULT_LIMIT } = params;
  if (!columns.includes(sort)) return { ok: false, reply: invalidData("sort", `must be a column name (${columns.join(", ")})`) };
  const numeric = rows.every((r) => r[sort] === null || r[sort] === undefined || /^-?\d+(\.\d+)?$/.test(String(r[sort])));
  const key = (r: T) => r[sort] ?? "";
  const sorted = [...rows].sort((a, b) => {
    const c = numeric ? Number(key(a)) - Number(key(b)) : String(key(a)).localeCompare(String(key(b)));
    return (order === "DESC" ? -c : c) || Number(a.id) - Number(b.id);
  });
  return { ok: true, value: { rows: sorted.slice(offset, offset + limit), total: rows.length } };
}

// ---- routes ---------------------------------------------------------------------

const ROUTE = /^(?:\/(\d+))?\/api\/(segments|list_fields|contact_counts|mailings)(?:\/(\d+)(?:\/(populate_external|unschedule|cancel|abort))?)?\/?$/;

export function ongageHandler(cfg: OngageRoutesConfig): Handler {
  const { store } = cfg;

  async function handle(original: EmulatorRequest): Promise<EmulatorReply> {
    const quirks = cfg.quirks();
    const req = rewriteRequest(original, quirks, store);
    const reply = await admitted(req);
    return rewriteReply(req, reply, quirks, store, (id) => {
      const s = store.rawSegment(id);
      return s && segmentPayload(s, store.segmentUses(id));
    });
  }

  async function admitted(req: EmulatorRequest): Promise<EmulatorReply> {
    if (!authenticate(req, cfg.credentials)) return errorReply(401, INVALID_CREDENTIALS_MESSAGE);
    if (!cfg.apiAccess()) return errorReply(403, NO_API_ACCESS_MESSAGE);
    if (!cfg.budget.tryAdmit()) return errorReply(429, RATE_LIMIT_MESSAGE);
    try {
      const latency = cfg.latencyMs();
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      return route(req);
    } finally {
      cfg.budget.release();
    }
  }

  /** A path or method the API does not route: a web server's 404 page, or with `unknown-route=envelope` the API's envelope. */
  function noRoute(req: EmulatorRequest): EmulatorReply {
    return cfg.quirks()["unknown-route"] === "envelope" ? notFound(`no route for ${req.method} ${req.path}`) : webServer404();
  }

  function route(req: EmulatorRequest): EmulatorReply {
    const m = ROUTE.exec(req.path);
    if (!m) return noRoute(req);
    const [, routeList, resource, idText, action] = m;
    const id = idText === undefined ? undefined : Number(idText);
    const key = `${req.method} ${resource}${id === undefined ? "" : "/:id"}${action ? `/${action}` : ""}`;
    switch (key) {
      case "GET segments":
        return listSegments(req, routeList);
      case "GET segments/:id":
        return getSegment(req, routeList, id as number);
      case "POST segments":
        return createSegment(req, routeList);
      case "PUT segments/:id":
        return updateSegment(req, routeList, id as number);
      case "PUT segments/:id/populate_external":
        return populateExternal(req, routeList, id as number);
      case "DELETE segments/:id":
        return deleteSegment(req, routeList, id as number);
      case "GET list_fields":
        return listFields(req, routeList);
      case "POST contact_counts":
        return requestCount(req, routeList);
      case "GET contact_counts/:id":
        return getCount(req, routeList, id as number);
      case "GET mailings":
        return listMailings(req, routeList);
      case "GET mailings/:id":
        return getMailing(req, routeList, id as number);
      case "POST mailings":
        return createMailing(req, routeList);
      case "PUT mailings/:id":
        return updateMailing(req, routeList, id as number);
      case "PUT mailings/:id/unschedule":
        return mailingAction(req, routeList, id as number, (listId) => store.unscheduleMailing(listId, id as number));
      case "PUT mailings/:id/cancel":
        return mailingAction(req, routeList, id as number, (listId) => store.cancelMailing(listId, id as number));
      case "PUT mailings/:id/abort":
        return mailingAction(req, routeList, id as number, (listId) => store.abortMailing(listId, id as number));
      default:
        return noRoute(req);
    }
  }

  function listSegments(req: EmulatorRequest, routeList?: string): EmulatorReply {
    const list = resolveList(store, routeList, req);
    if (!list.ok) return list.reply;
    const rows = store.liveSegments(list.value.id).map((s) => segmentSummary(s, list.value, store.userName));
    const paged = page(rows, req.query, SUMMARY_COLUMNS);
    if (!paged.ok) return paged.reply;
    return collection(paged.value.rows, String(paged.value.total));
  }

  function getSegment(req: EmulatorRequest, routeList: string | undefined, id: number): EmulatorReply {
    const list = resolveList(store, routeList, req);
    if (!list.ok) return list.reply;
    return attempt(() => single(segmentPayload(store.segment(list.value.id, id), store.segmentUses(id))));
  }

  function createSegment(req: EmulatorRequest, routeList?: string): EmulatorReply {
    const body = jsonObject(req);
    if (!body.ok) return body.reply;
    const list = resolveList(store, routeList, req, body.value);
    if (!list.ok) return list.reply;
    const parsed = parseWith(createSegmentBody, body.value);
    if (!parsed.ok) return parsed.reply;
    return attempt(() => {
      const created = store.createSegment(list.value.id, parsed.value);
      cfg.onMutation();
      return single(segmentPayload(created, []));
    });
  }

  /**
   * A PUT on an existing segment or campaign: JSON body (400), list (404), the object in that list
   * (404), body shape (412 for segments, 400 for campaigns), in that order; `apply` runs (and state is
   * saved) only when every check passes; its domain errors become replies through `run`.
   */
  function putOn<S extends z.ZodType>(
    req: EmulatorRequest,
    routeList: string | undefined,
    target: { exists: (listId: number) => unknown; invalidStatus: number; run: (fn: () => EmulatorReply) => EmulatorReply },
    schema: S,
    apply: (listId: number, value: z.output<S>) => EmulatorReply,
  ): EmulatorReply {
    const body = jsonObject(req);
    if (!body.ok) return body.reply;
    const list = resolveList(store, routeList, req, body.value);
    if (!list.ok) return list.reply;
    const existing = attempt(() => (target.exists(list.value.id), single(null)));
    if (existing.status !== 200) return existing;
    const parsed = parseWith(schema, body.value, target.invalidStatus);
    if (!parsed.ok) return parsed.reply;
    return target.run(() => {
      const reply = apply(list.value.id, parsed.value);
      cfg.onMutation();
      return reply;
    });
  }

  const existingSegment = (id: number) => ({ exists: (listId: number) => store.segment(listId, id), invalidStatus: 412, run: (fn: () => EmulatorReply) => attempt(fn) });
  const existingMailing = (id: number) => ({ exists: (listId: number) => store.mailing(listId, id), invalidStatus: 400, run: attemptMailing });

  function updateSegment(req: EmulatorRequest, routeList: string | undefined, id: number): EmulatorReply {
    return putOn(req, routeList, existingSegment(id), updateSegmentBody, (listId, value) => single(segmentPayload(store.updateSegment(listId, id, value), store.segmentUses(id))));
  }

  function populateExternal(req: EmulatorRequest, routeList: string | undefined, id: number): EmulatorReply {
    return putOn(req, routeList, existingSegment(id), populateExternalBody, (listId, value) => {
      const r = store.populateExternal(listId, id, value.recipients);
      return single({ segment_id: String(id), received: String(r.received), added: String(r.added), updated: String(r.updated), total: String(r.total) });
    });
  }

  function deleteSegment(req: EmulatorRequest, routeList: string | undefined, id: number): EmulatorReply {
    const list = resolveList(store, routeList, req);
    if (!list.ok) return list.reply;
    return attempt(() => {
      const { segment } = store.deleteSegment(list.value.id, id);
      cfg.onMutation();
      return single(segmentPayload(segment, store.segmentUses(id)));
    });
  }

  function listFields(req: EmulatorRequest, routeList?: string): EmulatorReply {
    const list = resolveList(store, routeList, req);
    if (!list.ok) return list.reply;
    const rows = list.value.fields.map((f) => listFieldPayload(list.value, f));
    const paged = page(rows, req.query, Object.keys(rows[0] ?? { id: 0 }));
    if (!paged.ok) return paged.reply;
    return collection(paged.value.rows, paged.value.total);
  }

  /** Contact Counts documents "500 - validation error" for bad bodies; the message names the field. */
  function requestCount(req: EmulatorRequest, routeList?: string): EmulatorReply {
    const validation = (field: string, problem: string) => errorReply(500, `Validation error: ${field}: ${problem}`);
    const body = jsonObject(req);
    if (!body.ok) return body.reply;
    const list = resolveList(store, routeList, req, body.value);
    if (!list.ok) return list.reply;
    const parsed = contactCountBody.safeParse(body.value);
    if (!parsed.success) return validation(...firstIssue(parsed.error));
    const { segment_id, criteria } = parsed.data;
    if (segment_id == null && criteria == null) return validation("segment_id", "segment_id or criteria is required");
    return attempt(
      () => {
        const record = store.requestCount(list.value.id, segment_id != null ? { segmentId: segment_id } : { criteria: criteria ?? [] });
        cfg.onMutation();
        return single({ id: record.id });
      },
      (e) => validation(e.field, e.problem),
    );
  }

  function getCount(req: EmulatorRequest, routeList: string | undefined, id: number): EmulatorReply {
    const list = resolveList(store, routeList, req);
    if (!list.ok) return list.reply;
    return attempt(() => {
      const c = store.contactCount(list.value.id, id);
      const total = c.active + c.bounced + c.complaint + c.unsubscribed;
      return { status: 200, body: { metadata: { error: false, total: String(total) }, payload: { active: c.active, bounced: c.bounced, complaint: c.complaint, unsubscribed: c.unsubscribed } } };
    });
  }

  // ---- campaigns: 400 for invalid data and refused status changes (ongage-mailings.md §2) ----

  const badMailing = (e: InvalidData) => errorReply(400, `Invalid data: ${e.field}: ${e.problem}`);

  /** Store call for a campaign route: NotFound → 404, InvalidData → 400, refused change → 400. */
  function attemptMailing(fn: () => EmulatorReply): EmulatorReply {
    return attempt(() => {
      try {
        return fn();
      } catch (err) {
        if (err instanceof MailingStateError) return invalidCall(err.message);
        throw err;
      }
    }, badMailing);
  }

  function listMailings(req: EmulatorRequest, routeList?: string): EmulatorReply {
    const list = resolveList(store, routeList, req);
    if (!list.ok) return list.reply;
    const q = parseWith(mailingsQuery, Object.fromEntries(req.query));
    if (!q.ok) return q.reply;
    const wanted = q.value.status;
    const rows = store
      .listMailings(list.value.id)
      .filter((m) => wanted === undefined || wanted.includes(m.status))
      .map(mailingSummary);
    const paged = page(rows, q.value, MAILING_COLUMNS);
    if (!paged.ok) return paged.reply;
    return collection(paged.value.rows, String(paged.value.total));
  }

  function getMailing(req: EmulatorRequest, routeList: string | undefined, id: number): EmulatorReply {
    const list = resolveList(store, routeList, req);
    if (!list.ok) return list.reply;
    return attempt(() => single(mailingPayload(store.mailing(list.value.id, id), store)));
  }

  function createMailing(req: EmulatorRequest, routeList?: string): EmulatorReply {
    const body = jsonObject(req);
    if (!body.ok) return body.reply;
    const list = resolveList(store, routeList, req, body.value);
    if (!list.ok) return list.reply;
    const parsed = parseWith(createMailingBody, body.value, 400);
    if (!parsed.ok) return parsed.reply;
    return attemptMailing(() => {
      const { list_id: _l, ...input } = parsed.value;
      const created = store.createMailing({ ...input, listId: list.value.id });
      cfg.onMutation();
      return single(mailingPayload(created, store));
    });
  }

  function updateMailing(req: EmulatorRequest, routeList: string | undefined, id: number): EmulatorReply {
    return putOn(req, routeList, existingMailing(id), updateMailingBody, (listId, { list_id: _l, ...changes }) =>
      single(mailingPayload(store.updateMailing(listId, id, changes), store)),
    );
  }

  /** unschedule / cancel / abort: no body needed (an object body may carry list_id). */
  function mailingAction(req: EmulatorRequest, routeList: string | undefined, id: number, apply: (listId: number) => StoredMailing): EmulatorReply {
    let bodyValue: Record<string, unknown> | undefined;
    if (req.rawBody.toString("utf8").trim() !== "") {
      const body = jsonObject(req);
      if (!body.ok) return body.reply;
      bodyValue = body.value;
    }
    const list = resolveList(store, routeList, req, bodyValue);
    if (!list.ok) return list.reply;
    return attemptMailing(() => {
      const changed = apply(list.value.id);
      cfg.onMutation();
      return single(mailingPayload(changed, store));
    });
  }

  return handle;
}
