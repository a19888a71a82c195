import { ConnectFailedError, ConnectionError, RateLimitError, ServerError } from "./errors";

export interface RetrySettings {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff step; doubles per attempt. */
  baseDelayMs: number;
  /** Cap of the computed backoff (not of a server's Retry-After). */
  maxDelayMs: number;
  /** Longest Retry-After we honour; a longer hint fails the call instead of stalling the deployment. */
  maxRetryAfterMs: number;
  /**
   * Retries of a connection that could not be opened (refused, DNS failure, TLS error): such a
   * failure repeats, so it gets a few quick retries instead of the backoff (default 2, after 250 ms
   * and 500 ms).
   */
  maxConnectRetries: number;
  /** Wait before connect retry n (1-based) is n × this. */
  connectRetryDelayMs: number;
}

/** Polling an answer that is computed after the request (e.g. a contact count): how often, how many times. */
export interface PollSettings {
  intervalMs: number;
  maxPolls: number;
}

export const DEFAULT_POLL: PollSettings = { intervalMs: 500, maxPolls: 20 };

export const DEFAULT_RETRY: RetrySettings = {
  maxRetries: 6,
  baseDelayMs: 500,
  maxDelayMs: 16_000,
  maxRetryAfterMs: 300_000,
  maxConnectRetries: 2,
  connectRetryDelayMs: 250,
};

/**
 * Whether a failed attempt may be sent again under the backoff. A rate-limit refusal or a connection
 * that never opened is safe for every method (nothing was processed; HttpClient gives the latter its
 * own few quick retries, see `maxConnectRetries`); server errors, timeouts and dropped
 * connections only for idempotent requests, because a create may already have been committed.
 * Nothing else is retried (refusals would fail again; a malformed answer is not transient).
 */
export function isRetryable(err: unknown, idempotent: boolean): boolean {
  if (err instanceof RateLimitError || err instanceof ConnectFailedError) return true;
  if (!idempotent) return false;
  return err instanceof ServerError || err instanceof ConnectionError;
}

/**
 * Delay before retry number `attempt` (0-based): the server's hint when present (up to
 * `maxRetryAfterMs`), else base × 2^attempt capped at `maxDelayMs`, minus up to 25 % jitter.
 * Returns undefined when the server asks for longer than we are willing to wait.
 */
export function retryDelayMs(
  attempt: number,
  settings: RetrySettings,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number | undefined {
  if (retryAfterMs !== undefined) {
    return retryAfterMs > settings.maxRetryAfterMs ? undefined : retryAfterMs;
  }
  const exp = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** attempt);
  return Math.round(exp * (1 - 0.25 * random()));
}

/**
 * Server wait hint in milliseconds from `retry-after-ms`, or `retry-after` as seconds or an HTTP
 * date (a past date gives 0); undefined when absent or unparseable (e.g. a negative number).
 */
export function parseRetryAfter(
  headers: Record<string, string | string[] | undefined>,
  now: number = Date.now(),
): number | undefined {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const ms = one(headers["retry-after-ms"]);
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const ra = one(headers["retry-after"])?.trim();
  if (!ra) return undefined;
  if (/^\d+(\.\d+)?$/.test(ra)) return Math.ceil(Number(ra) * 1000);
  // HTTP dates (IMF-fixdate and the two obsolete forms) all start with a day name.
  if (!/^[A-Za-z]{3}/.test(ra)) return undefined;
  const at = Date.parse(ra);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
