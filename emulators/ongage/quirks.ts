import type { EmulatorReply, EmulatorRequest } from "../harness/http-server";
import { NUMBER_VALUE, type QuirkCatalog } from "../harness/quirks";
import type { OngageStore } from "./store";

/**
 * Variance switches of the Ongage emulator: each flips one response statement that docs/api/ongage.md
 * or docs/api/ongage-mailings.md marks *assumed*. The first value of each switch is the default (what
 * the docs assume). Applied around the routes: `rewriteRequest` before them, `rewriteReply` after.
 */
export const ONGAGE_QUIRKS = {
  "unknown-route": { values: ["html", "envelope"], summary: "an unknown route or method answers nginx's HTML 404 page (html) or the API's JSON 404 envelope (envelope)", cites: "ongage.md §2" },
  "page-cap": { values: ["off", NUMBER_VALUE], summary: "collections return at most N rows whatever `limit` asks for", cites: "ongage.md §5" },
  "offset-base": { values: ["0", "1"], summary: "1: `offset` counts from 1 (offset=1 is the first row; 0 is taken as 1)", cites: "ongage.md §5" },
  "listing-total": { values: ["string", "number", "absent", "page"], summary: "collections' `metadata.total` as a string, a number, missing, or the number of rows on this page", cites: "ongage.md §2, §5" },
  scalars: { values: ["string", "native"], summary: "native: ids, flags, counters and positions as JSON numbers instead of strings", cites: "ongage.md §4.5" },
  timestamps: { values: ["epoch", "datetime"], summary: "datetime: created/modified/… as \"YYYY-MM-DD HH:MM:SS\" (UTC) instead of epoch seconds", cites: "ongage.md §4.5" },
  operand: { values: ["json-text", "native"], summary: "native: a rule's `operand` as a JSON array instead of JSON text inside a string", cites: "ongage.md §4.5" },
  "unknown-keys": { values: ["none", "extra"], summary: "extra: undocumented keys in metadata, payloads, rows, rules and campaign entries", cites: "ongage.md §4.1" },
  "error-envelope": { values: ["documented", "flat", "text"], summary: "errors as {metadata,payload:{code,errors,message}}, as flat {error,code,message}, or as plain text", cites: "ongage.md §2" },
  "error-status": { values: ["http", "200"], summary: "200: error bodies are sent with HTTP 200 (the body's code still says what failed)", cites: "ongage.md §2" },
  "missing-segment": { values: ["envelope", "html", "empty"], summary: "GET of an unknown segment id: 404 envelope, nginx's HTML 404 page, or 200 with an empty payload", cites: "ongage.md §2" },
  "deleted-segment": { values: ["404", "row"], summary: "row: GET of a soft-deleted segment answers 200 with the row, `deleted` \"1\"", cites: "ongage.md §11" },
  "segment-lookup": { values: ["list", "account"], summary: "account: /<list_id>/api/segments/<id> reaches a segment of any list (GET, PUT, DELETE)", cites: "ongage.md §1.3" },
  "create-reply": { values: ["full", "id-only", "none"], summary: "POST /api/segments answers the full segment, only {id}, or an empty payload", cites: "ongage.md §6.5" },
  "segment-mailings": { values: ["summary", "absent", "ids"], summary: "a segment's `mailings` as campaign summaries, missing, or bare campaign ids", cites: "ongage-mailings.md §1" },
  "mailing-status": { values: ["code", "unknown", "text"], summary: "campaign `status` as the documented code, an undocumented code (60011 \"Archived\"), or the description text", cites: "ongage-mailings.md §5" },
} as const satisfies QuirkCatalog;

export type OngageQuirkName = keyof typeof ONGAGE_QUIRKS;
export type OngageQuirks = Readonly<Record<OngageQuirkName, string>>;

const SEGMENT_ROUTE = /^(?:\/(\d+))?\/api\/segments\/(\d+)(\/populate_external)?\/?$/;
const COLLECTION_ROUTE = /^(?:\/\d+)?\/api\/(segments|mailings)\/?$/;
const MAILING_ROUTE = /^(?:\/\d+)?\/api\/mailings(?:\/\d+(?:\/[a-z_]+)?)?\/?$/;

/** The request the routes see: paging parameters and the list prefix adjusted by the switches. */
export function rewriteRequest(req: EmulatorRequest, q: OngageQuirks, store: OngageStore): EmulatorRequest {
  if (req.method === "GET" && COLLECTION_ROUTE.test(req.path)) {
    const query = new URLSearchParams(req.query);
    if (q["offset-base"] === "1" && /^\d+$/.test(query.get("offset") ?? "")) query.set("offset", String(Math.max(0, Number(query.get("offset")) - 1)));
    if (q["page-cap"] !== "off") {
      const asked = Number(query.get("limit") ?? Number.POSITIVE_INFINITY);
      if (!(asked <= Number(q["page-cap"]))) query.set("limit", q["page-cap"]);
    }
    return { ...req, query };
  }
  const m = SEGMENT_ROUTE.exec(req.path);
  if (m && q["segment-lookup"] === "account") {
    const s = store.rawSegment(Number(m[2]));
    if (s && s.deleted === "0") return { ...req, path: `/${s.list_id}/api/segments/${m[2]}${m[3] ?? ""}` };
  }
  return req;
}

const NGINX_404 =
  '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body bgcolor="white">\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/** nginx's HTML 404 page, as a web server in front of the API answers a path it does not route. */
export function webServer404(): EmulatorReply {
  return { status: 404, raw: NGINX_404, headers: { "content-type": "text/html" } };
}

const NUMERIC_KEYS = new Set([
  "id", "list_id", "segment_id", "field_id", "position", "left_parenthesis", "right_parenthesis", "favorite", "deleted", "is_external",
  "external_insert_missing", "external_include_unsubscribes", "case_sensitive", "last_count", "last_sent", "segment_quota", "is_quota_percent",
  "created_by", "modified_by", "default_include_segment", "default_exclude_segment", "status", "is_test", "progress", "exclude",
  "email_message_id", "esp_id", "esp_connection_id", "percent",
  "created", "modified", "user_modified", "last_count_date", "last_count_request_date", "status_date", "schedule_date",
]);
const TIME_KEYS = new Set(["created", "modified", "user_modified", "last_count_date", "last_count_request_date", "status_date", "schedule_date"]);

function datetime(epoch: string): string {
  return new Date(Number(epoch) * 1000).toISOString().slice(0, 19).replace("T", " ");
}

/** Rewrites every value under a key of the payload tree (objects and arrays) with `fn(key, value)`. */
function mapTree(value: unknown, fn: (key: string, v: unknown) => unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => mapTree(v, fn));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = fn(k, mapTree(v, fn));
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function errorBody(reply: EmulatorReply, q: OngageQuirks): EmulatorReply {
  const status = q["error-status"] === "200" ? 200 : reply.status;
  const payload = isRecord(reply.body) && isRecord(reply.body.payload) ? reply.body.payload : {};
  const message = String(payload.message ?? "");
  if (q["error-envelope"] === "flat") return { ...reply, status, body: { error: true, code: reply.status, message } };
  if (q["error-envelope"] === "text") return { status, raw: `${reply.status} ${message}`, headers: reply.headers };
  return { ...reply, status };
}

/** The reply the client gets, after the switches reshaped what the routes answered. */
export function rewriteReply(req: EmulatorRequest, reply: EmulatorReply, q: OngageQuirks, store: OngageStore, segmentPayload: (id: number) => Record<string, unknown> | undefined): EmulatorReply {
  const one = SEGMENT_ROUTE.exec(req.path);
  if (req.method === "GET" && one && !one[3] && reply.status === 404) {
    const s = store.rawSegment(Number(one[2]));
    const listId = Number(one[1] ?? store.defaultListId);
    if (s && s.deleted === "1" && Number(s.list_id) === listId && q["deleted-segment"] === "row") {
      reply = { status: 200, body: { metadata: { error: false }, payload: segmentPayload(Number(s.id)) } };
    } else if (q["missing-segment"] === "html") return webServer404();
    else if (q["missing-segment"] === "empty") return { status: 200, body: { metadata: { error: false }, payload: [] } };
  }
  if (reply.raw !== undefined || !isRecord(reply.body)) return reply;
  const body = reply.body;
  if (isRecord(body.metadata) && body.metadata.error === true) return errorBody(reply, q);

  let payload = body.payload;
  const metadata: Record<string, unknown> = { ...(isRecord(body.metadata) ? body.metadata : {}) };
  const isCreate = req.method === "POST" && /^(?:\/\d+)?\/api\/segments\/?$/.test(req.path);
  if (isCreate && isRecord(payload) && q["create-reply"] !== "full") payload = q["create-reply"] === "id-only" ? { id: payload.id } : [];
  if (req.method === "GET" && COLLECTION_ROUTE.test(req.path) && "total" in metadata) {
    if (q["listing-total"] === "number") metadata.total = Number(metadata.total);
    else if (q["listing-total"] === "absent") delete metadata.total;
    else if (q["listing-total"] === "page") metadata.total = String(Array.isArray(payload) ? payload.length : 0);
  }
  if (one && isRecord(payload) && Array.isArray(payload.mailings)) {
    if (q["segment-mailings"] === "absent") {
      const { mailings: _m, ...rest } = payload;
      payload = rest;
    } else if (q["segment-mailings"] === "ids") payload = { ...payload, mailings: payload.mailings.map((m) => (isRecord(m) ? m.id : m)) };
  }
  const mailingShaped = MAILING_ROUTE.test(req.path) || one !== null;
  if (mailingShaped && q["mailing-status"] !== "code") {
    const restatus = (m: unknown): unknown => {
      if (!isRecord(m) || !("status_desc" in m)) return m;
      return q["mailing-status"] === "unknown" ? { ...m, status: "60011", status_desc: "Archived" } : { ...m, status: m.status_desc };
    };
    if (MAILING_ROUTE.test(req.path)) payload = Array.isArray(payload) ? payload.map(restatus) : restatus(payload);
    else if (isRecord(payload) && Array.isArray(payload.mailings)) payload = { ...payload, mailings: payload.mailings.map(restatus) };
  }
  if (q.operand === "native") {
    payload = mapTree(payload, (k, v) => {
      if (k !== "operand" || typeof v !== "string") return v;
      try {
        return JSON.parse(v) as unknown;
      } catch {
        return v;
      }
    });
  }
  if (q.timestamps === "datetime") payload = mapTree(payload, (k, v) => (TIME_KEYS.has(k) && typeof v === "string" && /^[1-9]\d{8,}$/.test(v) ? datetime(v) : v));
  if (q.scalars === "native") payload = mapTree(payload, (k, v) => (NUMERIC_KEYS.has(k) && typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v));
  if (q["unknown-keys"] === "extra") {
    metadata.api_version = "2.4";
    metadata.request_cost = 1;
    const extra = (v: unknown): unknown => (isRecord(v) ? { ...v, x_origin: "api", tags: [] } : v);
    payload = Array.isArray(payload) ? payload.map(extra) : extra(payload);
    payload = mapTree(payload, (k, v) => (k === "rules" || k === "mailings" || k === "segments") && Array.isArray(v) ? v.map(extra) : v);
  }
  return { ...reply, body: { ...body, metadata, payload } };
}
