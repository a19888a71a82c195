import { redact, redactOptional } from "./redact";

/** The API a request went to; part of every error message. */
export type ApiName = "ongage" | "ants";

export interface ApiErrorInit {
  api: ApiName;
  method: string;
  /** Request path without query string or credentials. */
  path: string;
  /** HTTP status, or undefined when no response arrived. */
  status?: number;
  /** The API's own error code when it has one (ANTS body `code`, Ongage `payload.code`). */
  apiCode?: number;
  /** Server-side message; every registered secret is scrubbed from it (redact.ts). */
  detail?: string;
  requestId?: string;
  /** Milliseconds the server asked us to wait (Retry-After), when known. */
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * Root of every error raised by an API call. The message reads
 * `ongage PUT /api/segments/123 → 412 Invalid data (request id …)` and never contains
 * credentials, tokens or auth headers: message, detail and the messages and stacks of the cause
 * chain are scrubbed of every registered secret.
 */
export class ApiError extends Error {
  readonly api: ApiName;
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly apiCode: number | undefined;
  readonly detail: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(init: ApiErrorInit) {
    const detail = redactOptional(init.detail);
    super(redact(formatMessage({ ...init, detail })), init.cause === undefined ? undefined : { cause: scrubChain(init.cause) });
    this.name = new.target.name;
    this.api = init.api;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.apiCode = init.apiCode;
    this.detail = detail;
    this.requestId = init.requestId;
    this.retryAfterMs = init.retryAfterMs;
  }

  /**
   * The single factory: the subclass for the kind an API classifier assigned to a response
   * (`classifyOngage`, `classifyAnts`), which reads the API's own code even inside an HTTP 200 body.
   */
  static from(kind: ErrorKind, init: ApiErrorInit): ApiError {
    return new CLASSES[kind](init);
  }
}

/** 401, or a token endpoint refusal: credentials are wrong, expired or missing. */
export class AuthenticationError extends ApiError {}
/** 403, or ANTS body code 301 "Permission denied". */
export class PermissionError extends ApiError {}
/** The object does not exist: a 404 in the API's own error format (as HTTP status or inside an HTTP 200 body). */
export class NotFoundError extends ApiError {}
/**
 * A 404 outside the API's error format (an HTML or empty 404): the route itself does not exist,
 * e.g. a wrong base URL or an assumed endpoint the server lacks. Not a NotFoundError, so it is never
 * taken for "already deleted"; nothing was processed.
 */
export class RouteNotFoundError extends ApiError {}
/** 400/412 and other 4xx: the server rejected the request content. */
export class ValidationError extends ApiError {}
/** 429, or ANTS body code 500 wrapping nginx's 429 page. Safe to retry: nothing was processed. */
export class RateLimitError extends ApiError {}
/** 5xx, or an ANTS body code ≥ 500: the request may or may not have been processed. */
export class ServerError extends ApiError {}
/** A 2xx answer whose body does not have the documented shape. */
export class UnexpectedResponseError extends ApiError {}
/** No response: the connection was reset or closed mid-request or mid-response. The request may have been processed. */
export class ConnectionError extends ApiError {}
/** The connection could not be opened (refused, DNS failure, connect timeout): no byte of the request was sent. */
export class ConnectFailedError extends ConnectionError {}
/** The operation deadline passed before the request was sent (e.g. waiting for the rate limiter). Nothing was processed. */
export class DeadlineError extends ApiError {}
/** No response within the per-attempt timeout or the operation deadline. The request may have been processed. */
export class TimeoutError extends ConnectionError {}

/** The kinds an API-specific classifier can assign to a response. */
export type ErrorKind =
  | "authentication"
  | "permission"
  | "not-found"
  | "route-not-found"
  | "validation"
  | "rate-limit"
  | "server"
  | "unexpected";

const CLASSES: Record<ErrorKind, new (init: ApiErrorInit) => ApiError> = {
  authentication: AuthenticationError,
  permission: PermissionError,
  "not-found": NotFoundError,
  "route-not-found": RouteNotFoundError,
  validation: ValidationError,
  "rate-limit": RateLimitError,
  server: ServerError,
  unexpected: UnexpectedResponseError,
};

/** The kind an HTTP status implies when the body says nothing more specific. */
export function kindForStatus(status: number): ErrorKind {
  if (status === 401) return "authentication";
  if (status === 403) return "permission";
  if (status === 404) return "not-found";
  if (status === 429) return "rate-limit";
  if (status >= 500) return "server";
  return "validation";
}

/**
 * Missing or contradictory settings (credentials, base URL, strategies). Raised before any request;
 * the message names the config key and the environment variable.
 */
export class ConfigurationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(redact(message), options);
    this.name = "ConfigurationError";
  }
}

/**
 * The API root answered 404 to a request every correct root answers (its own listing): the base URL
 * (or the list in the route) is wrong. The message names the URL asked, the documented form and the
 * setting the caller said holds the base URL.
 */
export class WrongBaseUrlError extends ConfigurationError {
  constructor(readonly url: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WrongBaseUrlError";
  }
}

/**
 * A paged listing that could not be shown complete (a page repeated rows already received, the total
 * shrank below the rows received, a page failed after others were received, the rows ended before the
 * total). Whatever needs every row must stop on it:
 * a partial listing is never taken for the whole.
 */
export class IncompleteListingError extends Error {
  constructor(
    readonly api: ApiName,
    /** What was listed, e.g. "segments of list 5". */
    readonly what: string,
    /** Rows received before the listing was given up. */
    readonly received: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(redact(`${api} listing of ${what} could not be shown complete: ${reason} (${received} rows received); nothing was concluded from the partial listing`), options);
    this.name = "IncompleteListingError";
  }
}

/**
 * A delete refused because something still uses the segment (campaigns, modules), or because the API
 * did not show whether anything does (provider/pulumi/in-use.ts). Nothing was sent to delete it.
 */
export class SegmentInUseError extends Error {
  constructor(
    message: string,
    /** Each user, in words; empty when use could not be told. */
    readonly users: readonly string[],
  ) {
    super(redact(message));
    this.name = "SegmentInUseError";
  }
}

function formatMessage(init: ApiErrorInit): string {
  const what = init.status === undefined ? "no response" : String(init.apiCode ?? init.status);
  const code = init.apiCode !== undefined && init.status !== undefined && init.apiCode !== init.status
    ? ` (HTTP ${init.status})`
    : "";
  const detail = init.detail ? ` ${init.detail}` : "";
  const rid = init.requestId ? ` [request id ${init.requestId}]` : "";
  return `${init.api} ${init.method} ${init.path} → ${what}${code}${detail}${rid}`;
}

/**
 * Scrubs registered secrets from the message and stack of `cause` and of its own causes (errors
 * from undici or the OS that an ApiError wraps), in place; returns `cause`.
 */
function scrubChain(cause: unknown): unknown {
  const seen = new Set<unknown>();
  for (let e = cause; e instanceof Error && !seen.has(e) && seen.size < 8; e = e.cause) {
    seen.add(e);
    try {
      e.message = redact(e.message);
      if (e.stack) e.stack = redact(e.stack);
    } catch {
      // A frozen foreign error keeps its text; ours never carry secrets.
    }
  }
  return cause;
}
