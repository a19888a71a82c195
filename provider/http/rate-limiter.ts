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
 */
export class RateLimiter {
  /** Admission times within the current window, oldest first. */
  private readonly admitted: number[] = [];
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  /** Serializes window waits so admissions keep their arrival order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly settings: RateLimitSettings,
    private readonly now: () => number = () => performance.now(),
    private readonly windowMs: number = RATE_WINDOW_MS,
  ) {}

  /** Waits for a slot; the returned function releases it (call it exactly once). */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    while (this.active >= this.settings.concurrency) {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal?.reason);
        signal?.addEventListener("abort", onAbort, { once: true });
        this.waiters.push(() => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        });
      });
    }
    this.active++;
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

  private release(): void {
    this.active--;
    this.waiters.shift()?.();
  }

  private admit(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(async () => {
      for (;;) {
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
    return turn;
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
