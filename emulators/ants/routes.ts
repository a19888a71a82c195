import type { z } from "zod";
import type { EmulatorReply, EmulatorRequest, Handler } from "../harness/http-server";
import { isItemTypeId } from "./bo-attributes";
import { FileRejected, parseDelimitedFile } from "./delimited-file";
import { listSegments } from "./listing";
import { createBody, deleteBody, describeIssue, listingBody, updateBody } from "./request-schemas";
import type { RequestBudget } from "../harness/request-budget";
import { AntsRuleError, type AntsStore, type IssuedToken, KNOWN_SCOPES, type Scope } from "./store";

/**
 * HTTP surface of the ANTS CDP emulator: the IAM token endpoint at `/oauth/token` and the API under
 * `/access/api`. Parses and validates requests and serialises the API's own envelopes and errors.
 */

export const API_PREFIX = "/access/api";
export const TOKEN_PATH = "/oauth/token";
/** Emulator-only control routes (not part of the ANTS API): no token, no rate limit. */
export const CONTROL_PREFIX = "/__emulator";

export interface AntsRoutesConfig {
  store: AntsStore;
  budget: RequestBudget;
  /** HTTP status sent with the rate-limit body (the body itself always says `code: 500`). */
  rateLimitHttpStatus: () => number;
  assumedEndpoints: () => boolean;
  /** Extra handling time for admitted API requests, so `parallel` limits can be exercised. */
  latencyMs: () => number;
  /** Called after a request changed uploads or segments. */
  onMutation: () => void;
}

// ---- reply bodies: one function per body ------------------------------------

function duration(startedAt: bigint): string {
  return `${(Number(process.hrtime.bigint() - startedAt) / 1e6).toFixed(3)} ms`;
}

/** `{code:200, message:"Success", data:{entries, meta}, codeMessage:null, duration}`; Create-style replies omit codeMessage. */
export function successReply(
  entries: unknown[],
  meta: Record<string, number>,
  startedAt: bigint,
  withCodeMessage = true,
): EmulatorReply {
  const body: Record<string, unknown> = { code: 200, message: "Success", data: { entries, meta } };
  if (withCodeMessage) body.codeMessage = null;
  body.duration = duration(startedAt);
  return { status: 200, body };
}

/** ASSUMED validation error: HTTP 400 with `{code:400, message:"<field path>: <problem>", data:null}`. */
export function validationError(message: string): EmulatorReply {
  return { status: 400, body: { code: 400, message, data: null } };
}

/** ASSUMED: missing/unknown/expired token, HTTP 401 in the envelope style. */
export function unauthorizedError(detail: string): EmulatorReply {
  return { status: 401, body: { code: 401, message: "Unauthorized", data: detail } };
}

/** Documented permission body, sent with HTTP 200 (the body code is the only signal). */
export function permissionDeniedError(): EmulatorReply {
  return { status: 200, body: { code: 301, message: "Permission denied", data: "You don't have permission to access this request!" } };
}

/** ASSUMED: unknown segment id on the assumed update/delete endpoints. */
export function segmentNotFoundError(): EmulatorReply {
  return { status: 404, body: { code: 404, message: "Segment not found", data: null } };
}

/** Token endpoint error, `{statusCode,status,code,message,name}` (documented for invalid_scope). */
export function oauthError(status: number, name: string, message: string): EmulatorReply {
  return { status, body: { statusCode: status, status, code: status, message, name } };
}

export const NGINX_429_HTML =
  '<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body bgcolor="white">\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/** Documented rate-limit body: nginx's 429 page wrapped in `code: 500`, no `data`. */
export function rateLimitedError(httpStatus: number, startedAt: bigint): EmulatorReply {
  return { status: httpStatus, body: { code: 500, message: NGINX_429_HTML, duration: duration(startedAt) } };
}

/** nginx's HTML page for a 502/503 from the gateway in front of the API. */
function nginxPage(status: number, text: string): string {
  return `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/**
 * Fault-injection replies shaped like ANTS: the documented rate-limit body (`code: 500` wrapping nginx's
 * 429 page; optionally with Retry-After seconds), a 500 in the `code` envelope, and nginx's HTML for 502/503.
 */
export const ANTS_FAULT_REPLIES = {
  rateLimited(retryAfterSeconds?: number): EmulatorReply {
    const reply = rateLimitedError(429, process.hrtime.bigint());
    return retryAfterSeconds === undefined ? reply : { ...reply, headers: { "retry-after": String(retryAfterSeconds) } };
  },
  serverError(status: 500 | 502 | 503): EmulatorReply {
    if (status === 500) return { status, body: { code: 500, message: "Internal Server Error", data: null } };
    return { status, raw: nginxPage(status, status === 502 ? "Bad Gateway" : "Service Temporarily Unavailable"), headers: { "content-type": "text/html" } };
  },
  /** True for the one non-idempotent call: POST /segment/create. */
  isCreate(req: EmulatorRequest): boolean {
    return req.method === "POST" && req.path === `${API_PREFIX}/segment/create`;
  },
};

export const NGINX_404_HTML =
  '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body bgcolor="white">\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/** Unknown route (and the assumed routes when switched off): nginx's plain HTML 404 page. */
export function routeNotFoundError(): EmulatorReply {
  return { status: 404, raw: NGINX_404_HTML, headers: { "content-type": "text/html" } };
}

// ---- routing ----------------------------------------------------------------

type ApiHandler = (req: EmulatorRequest, token: IssuedToken, startedAt: bigint) => EmulatorReply | Promise<EmulatorReply>;

interface ApiRoute {
  scope: Scope;
  handle: ApiHandler;
}

export function antsHandler(cfg: AntsRoutesConfig): Handler {
  const { store } = cfg;

  const findRoute = (req: EmulatorRequest): ApiRoute | undefined => {
    if (!req.path.startsWith(`${API_PREFIX}/`)) return undefined;
    const p = req.path.slice(API_PREFIX.length);
    if (req.method === "POST") {
      if (p === "/segment/listing") return { scope: "segment", handle: listing };
      if (p === "/segment/create") return { scope: "segment", handle: create };
      const up = /^\/segment\/upload\/([^/]+)$/.exec(p);
      if (up) return { scope: "segment", handle: (r, t, s) => upload(r, decodeURIComponent(up[1] ?? ""), s) };
      if (cfg.assumedEndpoints()) {
        if (p === "/segment/update") return { scope: "segment", handle: update };
        if (p === "/segment/delete") return { scope: "segment", handle: remove };
      }
    }
    if (req.method === "GET") {
      const attr = /^\/item\/([^/]+)\/attribute$/.exec(p);
      if (attr) return { scope: "item", handle: (_r, _t, s) => attributes(decodeURIComponent(attr[1] ?? ""), s) };
    }
    return undefined;
  };

  const listing: ApiHandler = (req, _token, startedAt) => {
    const body = parseJson(req, listingBody);
    if ("reply" in body) return body.reply;
    const { entries, total } = listSegments(store, body.value);
    return successReply(entries, { perPage: body.value.limit, total }, startedAt);
  };

  const create: ApiHandler = (req, token, startedAt) => {
    const body = parseJson(req, createBody);
    if ("reply" in body) return body.reply;
    return ruleReply(() => {
      const seg = store.createSegment(body.value, token.clientId);
      cfg.onMutation();
      return successReply([seg.segmentId], { total: 1 }, startedAt, false);
    });
  };

  const update: ApiHandler = (req, token, startedAt) => {
    const body = parseJson(req, updateBody);
    if ("reply" in body) return body.reply;
    const { segmentId, ...input } = body.value;
    return ruleReply(() => {
      store.updateSegment(segmentId, input, token.clientId);
      cfg.onMutation();
      return successReply([segmentId], { total: 1 }, startedAt, false);
    });
  };

  const remove: ApiHandler = (req, _token, startedAt) => {
    const body = parseJson(req, deleteBody);
    if ("reply" in body) return body.reply;
    return ruleReply(() => {
      store.deleteSegment(body.value.segmentId);
      cfg.onMutation();
      return successReply([body.value.segmentId], { total: 1 }, startedAt, false);
    });
  };

  const upload = async (req: EmulatorRequest, rawItemType: string, startedAt: bigint): Promise<EmulatorReply> => {
    const itemTypeId = Number(rawItemType);
    if (!/^-?\d+$/.test(rawItemType) || !isItemTypeId(itemTypeId)) {
      return validationError(`itemTypeId: must be -1003 (Customer) or -1007 (Visitor), got "${rawItemType}"`);
    }
    const contentType = header(req, "content-type");
    if (!/^multipart\/form-data\s*;.*boundary=/i.test(contentType)) {
      return validationError("file: the request must be multipart/form-data with a part named \"file\"");
    }
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(req.rawBody), { headers: { "content-type": contentType } }).formData();
    } catch (err) {
      return validationError(`file: the multipart body cannot be parsed: ${(err as Error).message}`);
    }
    const part = form.get("file");
    if (part === null) return validationError('file: is required (a form part named "file")');
    if (typeof part === "string") return validationError('file: the part "file" must be a file with a file name, not a plain field');
    const originalFileName = part.name;
    const extension = /\.([^./\\]+)$/.exec(originalFileName)?.[1]?.toLowerCase() ?? "";
    if (extension === "xls" || extension === "xlsx") {
      return validationError(`file: .${extension} uploads are not modelled by the emulator; upload the data as .csv, .tsv or .txt`);
    }
    if (!["csv", "tsv", "txt"].includes(extension)) {
      return validationError(`file: unsupported file type "${originalFileName}"; accepted: .csv, .tsv, .txt (.xls, .xlsx on the real API)`);
    }
    let parsed;
    try {
      parsed = parseDelimitedFile(Buffer.from(await part.arrayBuffer()).toString("utf8"), extension);
    } catch (err) {
      if (err instanceof FileRejected) return validationError(err.message);
      throw err;
    }
    const stored = store.addUpload({ itemTypeId, originalFileName, extension, ...parsed });
    cfg.onMutation();
    return successReply(
      [
        {
          filePath: stored.filePath,
          fileName: stored.fileName,
          extension: stored.extension,
          delimiter: stored.delimiter,
          delimiterCode: stored.delimiterCode,
          headerFiles: stored.headers.map((headerCode, headerIndex) => ({ headerCode, headerIndex })),
        },
      ],
      { total: 1 },
      startedAt,
    );
  };

  const attributes = (rawBoId: string, startedAt: bigint): EmulatorReply => {
    const boId = Number(rawBoId);
    if (!/^-?\d+$/.test(rawBoId) || !isItemTypeId(boId)) {
      return validationError(`bo_id: must be -1003 (Customer) or -1007 (Visitor), got "${rawBoId}"`);
    }
    const entries = store.attributes(boId);
    return successReply(entries, { total: entries.length }, startedAt);
  };

  const token = (req: EmulatorRequest): EmulatorReply => {
    if (req.method !== "POST") return oauthError(400, "invalid_request", "Invalid request: method must be POST");
    if (!/^application\/x-www-form-urlencoded\b/i.test(header(req, "content-type"))) {
      return oauthError(400, "invalid_request", "Invalid request: content must be application/x-www-form-urlencoded");
    }
    const form = new URLSearchParams(req.rawBody.toString("utf8"));
    const grantType = form.get("grant_type");
    if (!grantType) return oauthError(400, "invalid_request", "Missing parameter: `grant_type`");
    if (grantType !== "client_credentials") return oauthError(400, "unsupported_grant_type", "Unsupported grant type: `grant_type` is invalid");
    const clientId = form.get("client_id");
    const clientSecret = form.get("client_secret");
    if (!clientId || !clientSecret) return oauthError(400, "invalid_client", "Invalid client: cannot retrieve client credentials");
    if (!store.authenticateClient(clientId, clientSecret)) return oauthError(401, "invalid_client", "Invalid client: client is invalid");
    const requested = (form.get("scope") ?? "").split(",").map((s) => s.trim());
    const known = new Set<string>(KNOWN_SCOPES);
    if (requested.some((s) => !known.has(s))) return oauthError(400, "invalid_scope", "Invalid scope: Requested scope is invalid");
    const scopes = [...new Set(requested)] as Scope[];
    const issued = store.issueToken(clientId, scopes);
    return {
      status: 200,
      body: { accessToken: issued.accessToken, accessTokenExpiresAt: new Date(issued.expiresAt).toISOString(), scope: scopes.join(",") },
    };
  };

  /** `PUT /__emulator/segments/<id>/used_by_modules` with a JSON array: what Listing reports for the segment. */
  const control = (req: EmulatorRequest): EmulatorReply => {
    const m = /^\/segments\/(\d+)\/used_by_modules$/.exec(req.path.slice(CONTROL_PREFIX.length));
    if (!m || req.method !== "PUT") return routeNotFoundError();
    let modules: unknown;
    try {
      modules = JSON.parse(req.rawBody.toString("utf8"));
    } catch {
      return validationError("body: is not valid JSON");
    }
    if (!Array.isArray(modules)) return validationError("body: must be a JSON array (the segment's used_by_modules)");
    return ruleReply(() => {
      const seg = store.setUsedByModules(Number(m[1]), modules);
      cfg.onMutation();
      return { status: 200, body: { segment_id: seg.segmentId, used_by_modules: seg.usedByModules } };
    });
  };

  return async (req) => {
    const startedAt = process.hrtime.bigint();
    if (req.path === TOKEN_PATH) return token(req);
    if (req.path.startsWith(`${CONTROL_PREFIX}/`)) return control(req);
    const route = findRoute(req);
    if (!route) return routeNotFoundError();
    if (!cfg.budget.tryAdmit()) return rateLimitedError(cfg.rateLimitHttpStatus(), startedAt);
    try {
      const latency = cfg.latencyMs();
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      const auth = /^Bearer\s+(\S+)\s*$/i.exec(header(req, "authorization"));
      if (!auth?.[1]) return unauthorizedError("Missing access token: send Authorization: Bearer <ACCESS_TOKEN>");
      const issued = store.lookupToken(auth[1]);
      if (issued === "unknown") return unauthorizedError("Invalid access token");
      if (issued === "expired") return unauthorizedError("Access token has expired");
      if (!issued.scopes.includes(route.scope)) return permissionDeniedError();
      return await route.handle(req, issued, startedAt);
    } finally {
      cfg.budget.release();
    }
  };
}

// ---- helpers ------------------------------------------------------------------

function header(req: EmulatorRequest, name: string): string {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? "";
}

/** The body parsed as JSON and checked against `schema`, or the validation error to send. */
function parseJson<T extends z.ZodType>(req: EmulatorRequest, schema: T): { value: z.output<T> } | { reply: EmulatorReply } {
  if (!/^application\/json\b/i.test(header(req, "content-type"))) {
    return { reply: validationError("body: Content-Type must be application/json") };
  }
  let data: unknown;
  try {
    data = JSON.parse(req.rawBody.toString("utf8"));
  } catch {
    return { reply: validationError("body: is not valid JSON") };
  }
  const result = schema.safeParse(data);
  if (!result.success) return { reply: validationError(describeIssue(result.error)) };
  return { value: result.data };
}

function ruleReply(run: () => EmulatorReply): EmulatorReply {
  try {
    return run();
  } catch (err) {
    if (err instanceof AntsRuleError) return err.status === 404 ? segmentNotFoundError() : validationError(err.message);
    throw err;
  }
}
