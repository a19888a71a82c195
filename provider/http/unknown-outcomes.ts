import {
  ApiError,
  AuthenticationError,
  ConfigurationError,
  ConnectFailedError,
  DeadlineError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  RouteNotFoundError,
  ValidationError,
} from "./errors";

/**
 * Unknown outcomes of writes: when a create (or delete) fails, did the server nevertheless process
 * it? Decided here, once, from the error's class; the lifecycle code never looks at HTTP statuses.
 */

const notProcessed = new WeakSet<object>();
const earlierAttemptMayHaveBeenProcessed = new WeakSet<object>();

/**
 * Records that `err` proves nothing was processed whatever its class: it was raised before the
 * request left this process (the auth hook failed), or it wraps a refusal (an assumed route that
 * does not exist). Returns `err`.
 */
export function markNotProcessed<E>(err: E): E {
  if (typeof err === "object" && err !== null) notProcessed.add(err);
  return err;
}

/**
 * Records that `err` ends a retried request an earlier attempt of which may have been processed
 * (e.g. a DELETE that timed out, retried and then refused with a 429): the last answer alone then
 * proves nothing, and `mayHaveBeenProcessed(err)` is true whatever its class. Returns `err`.
 */
export function markEarlierAttemptMayHaveBeenProcessed<E>(err: E): E {
  if (typeof err === "object" && err !== null) earlierAttemptMayHaveBeenProcessed.add(err);
  return err;
}

/**
 * False only when the error proves the server rejected the request or never received it:
 * a refusal by the API (ValidationError, AuthenticationError, PermissionError, NotFoundError,
 * RouteNotFoundError, RateLimitError — whether the refusal came as an HTTP status or as a 4xx code inside an HTTP 200
 * body), a DeadlineError (the deadline passed before sending), a ConnectFailedError (no connection,
 * no byte sent), a ConfigurationError, or any error marked with `markNotProcessed`.
 *
 * True for everything else: timeouts and resets after sending (TimeoutError, ConnectionError), 5xx
 * and 5xx-like codes inside an HTTP 200 body (ServerError), a malformed or unrecognised 2xx answer
 * (UnexpectedResponseError), and any error that is not an ApiError (e.g. a plain Error thrown after
 * a successful POST). A true answer means the write must be looked up, never re-sent blindly.
 * Also true for any error marked with `markEarlierAttemptMayHaveBeenProcessed` (a retried request
 * is judged by all its attempts, not by its last answer).
 */
export function mayHaveBeenProcessed(err: unknown): boolean {
  if (typeof err === "object" && err !== null && earlierAttemptMayHaveBeenProcessed.has(err)) return true;
  if (typeof err === "object" && err !== null && notProcessed.has(err)) return false;
  if (err instanceof ConfigurationError) return false;
  if (!(err instanceof ApiError)) return true;
  return !(
    err instanceof ValidationError ||
    err instanceof AuthenticationError ||
    err instanceof PermissionError ||
    err instanceof NotFoundError ||
    err instanceof RouteNotFoundError ||
    err instanceof RateLimitError ||
    err instanceof DeadlineError ||
    err instanceof ConnectFailedError
  );
}

export type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Settle window step for an unknown outcome: the per-attempt timeout, at most 10 s. */
export function lostCreateSettleMs(timeoutMs: number): number {
  return Math.min(timeoutMs, 10_000);
}

/** Look-ups added, 4 × `settleMs` apart, while the last scheduled one failed (a failure is no answer). */
export const FAILED_LOOKUP_EXTRA_TRIES = 3;

/**
 * Asks `search` at once and, while it answers empty or fails, again after `settleMs`, 2 × and
 * 4 × `settleMs` (a server can still be processing a request after the client gave up, and the
 * look-up can fail under the same conditions). While the last look-up failed, it is asked up to
 * FAILED_LOOKUP_EXTRA_TRIES more times, 4 × `settleMs` apart: only an answer proves absence.
 * Resolves with the first non-empty answer, else the last (empty) one; rejects only when the last
 * look-up failed, with that failure.
 */
export async function findAfterLostCreate<T>(search: () => Promise<T[]>, settleMs: number, sleep: Sleep = realSleep): Promise<T[]> {
  const waits = [0, settleMs, 2 * settleMs, 4 * settleMs];
  let last: { found: T[] } | { error: unknown } = { found: [] };
  for (let i = 0; i < waits.length + FAILED_LOOKUP_EXTRA_TRIES; i++) {
    if (i >= waits.length && !("error" in last)) break;
    const wait = waits[i] ?? 4 * settleMs;
    if (wait > 0) await sleep(wait);
    try {
      last = { found: await search() };
      if (last.found.length > 0) return last.found;
    } catch (error) {
      last = { error };
    }
  }
  if ("error" in last) throw last.error;
  return last.found;
}

/**
 * For a write whose outcome is unknown (a delete after a lost response): asks `check` over the same
 * settle window; true as soon as it answers true, false when it never did; rejects when the last
 * check failed.
 */
export async function settlesTo(check: () => Promise<boolean>, settleMs: number, sleep: Sleep = realSleep): Promise<boolean> {
  const found = await findAfterLostCreate(async () => ((await check()) ? [true] : []), settleMs, sleep);
  return found.length > 0;
}
