import { processState } from "./process-state";
import { Agent, FormData, request, type Dispatcher } from "undici";
import type { z } from "zod";
import {
  ApiError,
  ConfigurationError,
  ConnectFailedError,
  ConnectionError,
  DeadlineError,
  TimeoutError,
  UnexpectedResponseError,
  AuthenticationError,
  kindForStatus,
  type ApiName,
  type ErrorKind,
} from "./errors";
import { DEFAULT_POLL, DEFAULT_RETRY, isRetryable, parseRetryAfter, retryDelayMs, type PollSettings, type RetrySettings } from "./retry-policy";
import type { RateLimiter } from "./rate-limiter";
import { markEarlierAttemptMayHaveBeenProcessed, markNotProcessed, mayHaveBeenProcessed } from "./unknown-outcomes";
import { redact, registerSecret } from "./redact";

/** What an API-specific classifier returns for a response that is an error. */
export interface Classified {
  kind: ErrorKind;
  apiCode?: number;
  detail?: string;
}

/**
 * Decides whether a parsed response is an error; undefined means success. Runs on every response,
 * whatever the HTTP status, because ANTS reports errors inside HTTP 200 bodies.
 */
export type Classifier = (status: number, body: unknown) => Classified | undefined;

/** Authentication as a hook, so credentials never live in the client's fields or error messages. */
export interface AuthHook {
  headers(signal: AbortSignal): Promise<Record<string, string>>;
  /**
   * Called once per request after an AuthenticationError, with the headers the refused attempt sent
   * (undefined when `headers` itself failed, e.g. the token endpoint refused). Returns true when
   * different headers are now available (renewed here, or already by a concurrent request), so the
   * request is sent once more with them; false when renewing cannot help.
   */
  renew?(refused: Record<string, string> | undefined): Promise<boolean>;
}

export interface HttpClientOptions {
  api: ApiName;
  baseUrl: string;
  auth: AuthHook;
  classify: Classifier;
  limiter?: RateLimiter;
  dispatcher?: Dispatcher;
  /** Per-attempt timeout. */
  timeoutMs?: number;
  /** Overall budget of one call including retries and waits. */
  deadlineMs?: number;
  retry?: Partial<RetrySettings>;
  requestIdHeader?: string;
  /**
   * Where the base URL comes from (e.g. the setting and variable that hold it), appended to the
   * message of a connection that could not be opened; absent: the message names the URL only.
   */
  baseUrlSource?: string;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
}

export type RequestBody =
  | { json: unknown }
  | { form: Record<string, string> }
  | { multipart: { field: string; fileName: string; content: Uint8Array; contentType: string } };

export interface RequestSpec<T> {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path relative to the base URL, built with `path` so ids are encoded. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: RequestBody;
  /** Whether the call may be re-sent after a server error or lost response. */
  idempotent: boolean;
  schema: z.ZodType<T>;
  /**
   * Observe the answer as it came: any status is returned (never classified as an error) with the
   * parsed body and the headers. For `pulumi-segments doctor`, which reports what the API answers.
   */
  raw?: boolean;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  requestId: string | undefined;
  /** Response headers, names lower-cased (e.g. rate-limit headers an account sends). */
  headers: Record<string, string | string[] | undefined>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_DEADLINE_MS = 600_000;

/** One keep-alive connection pool per provider process; a reset closes it once its requests finish. */
const defaultDispatcher = processState(
  "http/client: connection pool",
  () => new Agent({ keepAliveTimeout: 10_000, connections: 32 }),
  (agent) => void agent.close().catch(() => undefined),
);

/**
 * Percent-encodes every interpolated value; rejects empty, "." and ".." segments so an id can never
 * change the route.
 */
export function path(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  let out = strings[0] ?? "";
  values.forEach((v, i) => {
    const s = String(v);
    if (s === "" || s === "." || s === "..") throw new Error(`invalid path segment ${JSON.stringify(s)}`);
    out += encodeURIComponent(s) + (strings[i + 1] ?? "");
  });
  return out;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** Refuses base URLs that would send credentials in clear text to a non-loopback host. */
export function assertSafeBaseUrl(raw: string, setting: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigurationError(`${setting} is not a valid URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && (LOOPBACK.has(url.hostname) || url.hostname.startsWith("127."))) return url;
  throw new ConfigurationError(
    `${setting} must use https:// (plain http:// is only allowed for loopback emulators): ${url.origin}`,
  );
}

/**
 * Transport shared by both APIs: base URL, auth hook, rate limiter, per-attempt timeout, overall
 * deadline, retries with backoff (honouring Retry-After), response classification and schema
 * validation. Errors are ApiError subclasses carrying api, method, path, status and request id.
 */
export class HttpClient {
  private readonly base: URL;
  private readonly retry: RetrySettings;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(private readonly opts: HttpClientOptions) {
    this.base = assertSafeBaseUrl(opts.baseUrl, `${opts.api} base URL`);
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.sleep = opts.sleep ?? sleepWithSignal;
  }

  /**
   * Sends `spec` under the retry policy: at most `maxConnectRetries` quick retries of a connection
   * that could not be opened (refused, DNS, TLS), backoff retries of retryable failures, one resend
   * with renewed credentials after a 401, all within one deadline (`deadlineMs`, or `signal` when it
   * ends first).
   */
  async send<T>(spec: RequestSpec<T>, signal?: AbortSignal): Promise<ApiResponse<T>> {
    const own = AbortSignal.timeout(this.opts.deadlineMs ?? DEFAULT_DEADLINE_MS);
    const deadline = signal ? AbortSignal.any([own, signal]) : own;
    let renewed = false;
    let connectFailures = 0;
    // Whether an attempt before the current one may have been processed: then the request's
    // outcome is unknown whatever the last attempt answered (see mayHaveBeenProcessed).
    let earlierMayHaveBeenProcessed = false;
    const fail = (err: unknown): never => {
      throw earlierMayHaveBeenProcessed ? markEarlierAttemptMayHaveBeenProcessed(err) : err;
    };
    for (let attempt = 0; ; attempt++) {
      const sent: SentHeaders = {};
      try {
        return await this.attempt(spec, deadline, sent);
      } catch (err) {
        if (err instanceof AuthenticationError && !renewed && this.opts.auth.renew) {
          renewed = true;
          if (await this.opts.auth.renew(sent.headers)) {
            attempt--;
            continue;
          }
        }
        if (err instanceof ConnectFailedError) {
          // Refused, unknown host, bad certificate: deterministic, so a few quick tries only.
          if (connectFailures >= this.retry.maxConnectRetries || deadline.aborted) return fail(err);
          connectFailures++;
          try {
            await this.sleep(this.retry.connectRetryDelayMs * connectFailures, deadline);
          } catch {
            return fail(err);
          }
          attempt--;
          continue;
        }
        if (attempt >= this.retry.maxRetries || !isRetryable(err, spec.idempotent) || deadline.aborted) return fail(err);
        const delay = retryDelayMs(attempt, this.retry, (err as ApiError).retryAfterMs, this.opts.random);
        if (delay === undefined) return fail(err);
        earlierMayHaveBeenProcessed ||= mayHaveBeenProcessed(err);
        try {
          await this.sleep(delay, deadline);
        } catch {
          return fail(err);
        }
      }
    }
  }

  /**
   * Sends `spec` (each time under `send`'s policy) until `ready` returns a value, `intervalMs` apart
   * (DEFAULT_POLL unless given), every request and wait within one deadline; `signal` aborts it.
   * Rejects with a TimeoutError when the answer is still not ready after `maxPolls` requests or
   * when the deadline passes.
   */
  async poll<T, R>(spec: RequestSpec<T>, ready: (body: T) => R | undefined, policy: Partial<PollSettings> = {}, signal?: AbortSignal): Promise<R> {
    const { intervalMs, maxPolls } = { ...DEFAULT_POLL, ...policy };
    const own = AbortSignal.timeout(this.opts.deadlineMs ?? DEFAULT_DEADLINE_MS);
    const deadline = signal ? AbortSignal.any([own, signal]) : own;
    const where = { api: this.opts.api, method: spec.method, path: spec.path };
    for (let n = 1; ; n++) {
      const res = await this.send(spec, deadline);
      const value = ready(res.body);
      if (value !== undefined) return value;
      if (n >= maxPolls) {
        throw new TimeoutError({ ...where, status: res.status, detail: `still not ready after ${n} polls ${intervalMs} ms apart`, requestId: res.requestId });
      }
      try {
        await this.sleep(intervalMs, deadline);
      } catch (cause) {
        throw new TimeoutError({ ...where, detail: `still not ready after ${n} polls when the operation deadline passed or the poll was aborted`, cause });
      }
    }
  }

  /** "could not connect to <URL without credentials or query> (<code>)", plus where the base URL comes from. */
  private describeConnectFailure(spec: RequestSpec<unknown>, cause: unknown): string {
    const u = new URL(this.url(spec));
    const source = this.opts.baseUrlSource ? `; check the base URL in ${this.opts.baseUrlSource}` : "";
    return `could not connect to ${u.origin}${u.pathname} (${networkCode(cause)})${source}`;
  }

  private url(spec: RequestSpec<unknown>): string {
    const basePath = this.base.pathname.replace(/\/+$/, "");
    const url = new URL(this.base.origin + basePath + spec.path);
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  private async attempt<T>(spec: RequestSpec<T>, deadline: AbortSignal, sent: SentHeaders): Promise<ApiResponse<T>> {
    const where = { api: this.opts.api, method: spec.method, path: spec.path };
    // Waiting for the limiter spends only the operation deadline: nothing has been sent yet.
    const release = this.opts.limiter ? await this.opts.limiter.acquire(deadline).catch((cause: unknown) => {
      throw new DeadlineError({ ...where, detail: "operation deadline exceeded while waiting for the rate limiter (nothing was sent)", cause });
    }) : undefined;
    const attemptTimeout = AbortSignal.timeout(this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const signal = AbortSignal.any([deadline, attemptTimeout]);
    try {
      // A failing auth hook (e.g. the token endpoint refused) means this request was never sent.
      const authHeaders = await this.opts.auth.headers(signal).catch((err: unknown) => Promise.reject(markNotProcessed(err)));
      sent.headers = authHeaders;
      // Every value the auth hook adds (password, token, user, account) is scrubbed from all output.
      for (const value of Object.values(authHeaders)) registerSecret(value);
      const headers: Record<string, string> = { accept: "application/json", ...authHeaders };
      if (deadline.aborted) {
        throw new DeadlineError({ ...where, detail: "operation deadline exceeded before the request was sent" });
      }
      let body: string | FormData | undefined;
      if (spec.body && "json" in spec.body) {
        headers["content-type"] = "application/json";
        body = JSON.stringify(spec.body.json);
      } else if (spec.body && "form" in spec.body) {
        headers["content-type"] = "application/x-www-form-urlencoded";
        body = new URLSearchParams(spec.body.form).toString();
      } else if (spec.body && "multipart" in spec.body) {
        const m = spec.body.multipart;
        const fd = new FormData();
        fd.set(m.field, new Blob([m.content], { type: m.contentType }), m.fileName);
        body = fd;
      }
      let res: Dispatcher.ResponseData;
      let text: string;
      try {
        res = await request(this.url(spec), {
          method: spec.method,
          headers,
          body,
          signal,
          dispatcher: this.opts.dispatcher ?? defaultDispatcher(),
        });
        text = await res.body.text();
      } catch (cause) {
        const timedOut = attemptTimeout.aborted || deadline.aborted;
        const never = !timedOut && neverConnected(cause);
        const detail = timedOut
          ? deadline.aborted ? "operation deadline exceeded" : `no response within ${this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`
          : never ? this.describeConnectFailure(spec, cause) : describeNetworkError(cause);
        const kind = timedOut ? TimeoutError : never ? ConnectFailedError : ConnectionError;
        throw new kind({ ...where, detail, cause });
      }
      const requestId = headerValue(res.headers[this.opts.requestIdHeader ?? "x-request-id"]);
      const parsed = parseJson(text);
      const classified = spec.raw ? undefined : this.opts.classify(res.statusCode, parsed);
      const failed = classified ?? (res.statusCode >= 300 && !spec.raw ? { kind: kindForStatus(res.statusCode) } : undefined);
      if (failed) {
        throw ApiError.from(failed.kind, {
          ...where,
          status: res.statusCode,
          apiCode: failed.apiCode,
          detail: failed.detail ?? (typeof parsed === "string" ? textDetail(parsed) : undefined),
          requestId,
          retryAfterMs: parseRetryAfter(res.headers),
        });
      }
      const result = spec.schema.safeParse(parsed);
      if (!result.success) {
        const first = result.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`);
        throw new UnexpectedResponseError({
          ...where,
          status: res.statusCode,
          detail: `response does not match the documented shape: ${first.join("; ")}`,
          requestId,
        });
      }
      return { status: res.statusCode, body: result.data, requestId, headers: res.headers };
    } finally {
      release?.();
    }
  }
}

/** The auth headers an attempt sent; unset when the auth hook failed before sending. */
interface SentHeaders {
  headers?: Record<string, string>;
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * At most 200 characters of a non-JSON error body, markup stripped and every registered secret
 * scrubbed before truncation (so no secret survives cut in half).
 */
function textDetail(s: string): string | undefined {
  const one = redact(s).replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ").replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
  if (one === "") return undefined;
  return one.length > 200 ? `${one.slice(0, 200)}…` : one;
}


/**
 * Error codes meaning no connection was ever established (refused, DNS, unreachable, connect timeout,
 * a TLS handshake that failed), so no byte of the request was sent.
 */
const CONNECT_FAILURES = new Set([
  "ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT",
  "CERT_HAS_EXPIRED", "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "ERR_TLS_CERT_ALTNAME_INVALID", "ERR_SSL_WRONG_VERSION_NUMBER",
]);

/** The first error code in the cause chain, else the first message. */
function networkCode(cause: unknown): string {
  for (let e = cause as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === "string") return e.code;
  }
  const m = (cause as { message?: unknown } | undefined)?.message;
  return typeof m === "string" && m !== "" ? m : "connection failed";
}

function neverConnected(cause: unknown): boolean {
  for (let e = cause as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === "string" && CONNECT_FAILURES.has(e.code)) return true;
  }
  return false;
}

function describeNetworkError(cause: unknown): string {
  const e = cause as { code?: string; message?: string };
  return e.code ? `connection failed (${e.code})` : `connection failed (${e.message ?? "unknown"})`;
}

function sleepWithSignal(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
