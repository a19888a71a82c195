import type { EmulatorReply, EmulatorRequest, Handler } from "../harness/http-server";
import { NUMBER_VALUE, type QuirkCatalog } from "../harness/quirks";
import { API_PREFIX } from "./routes";

/**
 * Variance switches of the ANTS emulator: each flips one response statement that docs/api/ants.md
 * marks *assumed* (or leaves open). The first value of each switch is the default. They wrap the
 * routes: a Listing body is adjusted before the routes see it, and replies are reshaped after.
 */
export const ANTS_QUIRKS = {
  "listing-total": { values: ["present", "absent", "page"], summary: "Listing's `meta.total`: the number of matches, missing, or the number of entries on this page", cites: "ants.md §3, §4.1" },
  "page-base": { values: ["1", "0"], summary: "0: Listing pages count from 0 (page=1 is the second page)", cites: "ants.md §4.1" },
  "page-cap": { values: ["off", NUMBER_VALUE], summary: "Listing returns at most N entries whatever `limit` asks for (meta.perPage says N)", cites: "ants.md §4.1" },
  search: { values: ["contains", "ignored", "exact"], summary: "`search` matches names containing it, is ignored (every segment), or matches whole names (case-sensitive) or whole ids only", cites: "ants.md §4.1" },
  "segment-id": { values: ["number", "string"], summary: "Listing's `segment_id` as a number or as a numeric string", cites: "ants.md §4.2" },
  ctime: { values: ["iso", "epoch-ms", "datetime"], summary: "`ctime`/`utime` as ISO 8601, epoch milliseconds (a number), or \"YYYY-MM-DD HH:MM:SS\"", cites: "ants.md §4.2" },
  "c-user-id": { values: ["client", "number"], summary: "`c_user_id`/`u_user_id` as the API client's id, or as a numeric portal user id", cites: "ants.md §4.2" },
  "process-status": { values: ["documented", "unknown"], summary: "unknown: `status` and `process_status` carry numbers the emulator never uses otherwise (9 and 7)", cites: "ants.md §4.2" },
  "missing-columns": { values: ["none", "optional"], summary: "optional: requested columns `segment_size`, `utime`, `last_processed_date` and `c_user_id` are left out", cites: "ants.md §4.2" },
  "error-http": { values: ["as-sent", "200"], summary: "200: every API error body is sent with HTTP 200 (only the body's `code` tells)", cites: "ants.md §3" },
  "create-id": { values: ["number", "string", "object"], summary: "Create's `data.entries[0]`: a bare number, a numeric string, or {segment_id}", cites: "ants.md §6.7" },
} as const satisfies QuirkCatalog;

export type AntsQuirkName = keyof typeof ANTS_QUIRKS;
export type AntsQuirks = Readonly<Record<AntsQuirkName, string>>;

const LISTING = `${API_PREFIX}/segment/listing`;
const CREATE = `${API_PREFIX}/segment/create`;
/** A numeric portal user id standing for an API client (stable per client id). */
const portalUserId = (clientId: string): number => 1_600_000 + [...clientId].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 100_000, 7);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** `search=exact`: the keyword becomes "whole name or whole id" conditions added to every filter group. */
function exactSearch(body: Record<string, unknown>, keyword: string): Record<string, unknown> {
  const { search: _s, ...rest } = body;
  const filters = isRecord(body.filters) && Array.isArray(body.filters.OR) ? body.filters.OR : [{ AND: [] }];
  const byName = { column: "segment_display", data_type: "string", operator: "equals", value: keyword };
  const byId = { column: "segment_id", data_type: "number", operator: "equals", value: /^\d+$/.test(keyword) ? Number(keyword) : -1 };
  const groups = filters.flatMap((g: unknown) => {
    const and = isRecord(g) && Array.isArray(g.AND) ? g.AND : [];
    return [{ AND: [...and, byName] }, { AND: [...and, byId] }];
  });
  return { ...rest, filters: { OR: groups } };
}

function rewriteListingRequest(req: EmulatorRequest, q: AntsQuirks): EmulatorRequest {
  let body: unknown;
  try {
    body = JSON.parse(req.rawBody.toString("utf8"));
  } catch {
    return req;
  }
  if (!isRecord(body)) return req;
  let next = { ...body };
  if (q["page-base"] === "0" && typeof next.page === "number") next.page += 1;
  if (q["page-cap"] !== "off" && typeof next.limit === "number" && next.limit > Number(q["page-cap"])) next.limit = Number(q["page-cap"]);
  const search = typeof next.search === "string" ? next.search.trim() : "";
  if (q.search === "ignored") delete next.search;
  if (q.search === "exact" && search !== "") next = exactSearch(next, search);
  return { ...req, rawBody: Buffer.from(JSON.stringify(next)) };
}

function timeText(iso: unknown, form: string): unknown {
  if (typeof iso !== "string") return iso;
  if (form === "epoch-ms") return Date.parse(iso);
  return iso.slice(0, 19).replace("T", " ");
}

function rewriteEntry(entry: unknown, q: AntsQuirks): unknown {
  if (!isRecord(entry)) return entry;
  const e = { ...entry };
  if (q["segment-id"] === "string" && typeof e.segment_id === "number") e.segment_id = String(e.segment_id);
  if (q.ctime !== "iso") for (const k of ["ctime", "utime"]) if (k in e) e[k] = timeText(e[k], q.ctime);
  if (q["c-user-id"] === "number") for (const k of ["c_user_id", "u_user_id"]) if (typeof e[k] === "string") e[k] = portalUserId(e[k] as string);
  if (q["process-status"] === "unknown") {
    if ("status" in e) e.status = 9;
    if ("process_status" in e) e.process_status = 7;
  }
  if (q["missing-columns"] === "optional") for (const k of ["segment_size", "utime", "last_processed_date", "c_user_id"]) delete e[k];
  return e;
}

/** The routes' handler with the switches applied; `quirks` is read per request. */
export function withAntsQuirks(handler: Handler, quirks: () => AntsQuirks): Handler {
  return async (original) => {
    const q = quirks();
    const req = original.method === "POST" && original.path === LISTING ? rewriteListingRequest(original, q) : original;
    const reply: EmulatorReply = await handler(req);
    if (reply.raw !== undefined || !isRecord(reply.body) || req.path.startsWith("/oauth/")) return reply;
    const body = reply.body;
    if (typeof body.code === "number" && body.code !== 200) return q["error-http"] === "200" ? { ...reply, status: 200 } : reply;
    if (!isRecord(body.data) || !Array.isArray(body.data.entries)) return reply;
    let entries: unknown[] = body.data.entries;
    const meta: Record<string, unknown> = { ...(isRecord(body.data.meta) ? body.data.meta : {}) };
    if (req.path === LISTING) {
      entries = entries.map((e) => rewriteEntry(e, q));
      if (q["listing-total"] === "absent") delete meta.total;
      else if (q["listing-total"] === "page") meta.total = entries.length;
    }
    if (req.path === CREATE && typeof entries[0] === "number") {
      if (q["create-id"] === "string") entries = [String(entries[0])];
      else if (q["create-id"] === "object") entries = [{ segment_id: entries[0] }];
    }
    return { ...reply, body: { ...body, data: { ...body.data, entries, meta } } };
  };
}
