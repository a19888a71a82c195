import type { ApiName } from "./errors";
import { processState } from "./process-state";

export interface RateLimitSettings {
  /** Requests allowed in any 60 s window. */
  perMinute: number;
  /** Requests allowed in flight at once. */
  concurrency: number;
}

/** Admissions are spaced over this window: 60 s plus a margin for latency jitter between us and the server. */
export const RATE_WINDOW_MS = 61_000;

/**
 * Process-wide admission control for one API: at most `perMinute` admissions in any sliding window
 * (a log of admission times, so no burst can exceed a strict server-side window) and at most
 * `concurrency` requests in flight. Every resource in the provider process shares it, so engine
 * parallelism never exceeds the API's quota.
 *
 * Waiters are served in arrival order; a released slot is handed directly to the next live
 * waiter, so a newcomer can never overtake it and the limit is never exceeded. A wait aborted by
 * its signal (of either kind: for a slot or for quota) rejects at once with the signal's reason,
 * gives its slot back to the next waiter and spends no quota.
 */
export class RateLimiter {
  /** Admission times within the current window, oldest first. */
  private readonly admitted: number[] = [];
  private active = 0;
  /** Live waiters for a slot, in arrival order; an aborted waiter removes itself. */
  private readonly waiters = new Set<() => void>();
  /** Serializes quota waits so admissions keep their arrival order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly settings: RateLimitSettings,
    private readonly now: () => number = () => performance.now(),
    private readonly windowMs: number = RATE_WINDOW_MS,
  ) {}

  /** Waits for a slot and quota; the returned function releases the slot (extra calls are ignored). */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    await this.takeSlot(signal);
    try {
      await this.admit(signal);
    } catch (err) {
      this.release();
      throw err;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release();
    };
  }

  private takeSlot(signal?: AbortSignal): Promise<void> {
    if (this.waiters.size === 0 && this.active < this.settings.concurrency) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.waiters.delete(wake);
        reject(signal?.reason);
      };
      const wake = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      this.waiters.add(wake);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Hands the slot to the oldest live waiter (the count of slots in use is unchanged), else frees it. */
  private release(): void {
    const next = this.waiters.values().next();
    if (next.done) {
      this.active--;
      return;
    }
    this.waiters.delete(next.value);
    next.value();
  }

  private admit(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(async () => {
      for (;;) {
        // A wait aborted while queued skips its turn without recording an admission.
        signal?.throwIfAborted();
        const t = this.now();
        while (this.admitted.length > 0 && t - this.admitted[0]! >= this.windowMs) this.admitted.shift();
        if (this.admitted.length < this.settings.perMinute) {
          this.admitted.push(t);
          return;
        }
        const waitMs = Math.max(1, Math.ceil(this.admitted[0]! + this.windowMs - t));
        await abortableSleep(waitMs, signal);
      }
    });
    this.queue = turn.catch(() => undefined);
    if (!signal) return turn;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      turn.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

const shared = processState("http/rate-limiter: limiters", () => new Map<string, RateLimiter>());

/**
 * The one limiter of `api` in this process, shared by every resource and client. A change of
 * settings (new stack config) starts a fresh limiter with the new quota.
 */
export function sharedLimiter(api: ApiName, settings: RateLimitSettings): RateLimiter {
  const current = shared().get(api);
  if (current && current.settings.perMinute === settings.perMinute && current.settings.concurrency === settings.concurrency) return current;
  const next = new RateLimiter({ perMinute: settings.perMinute, concurrency: settings.concurrency });
  shared().set(api, next);
  return next;
}
