export interface RateLimitSettings {
  /** Requests allowed per rolling minute (token bucket refilled continuously). */
  perMinute: number;
  /** Requests allowed in flight at once. */
  concurrency: number;
}

/**
 * Process-wide admission control for one API: a token bucket (perMinute, burst = perMinute / 6,
 * at least 1) and a concurrency cap. Every resource in the provider process shares it, so engine
 * parallelism never exceeds the API's quota.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  private readonly burst: number;

  constructor(
    readonly settings: RateLimitSettings,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.burst = Math.max(1, Math.floor(settings.perMinute / 6));
    this.tokens = this.burst;
    this.last = this.now();
  }

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
      await this.takeToken(signal);
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

  private async takeToken(signal?: AbortSignal): Promise<void> {
    const perMs = this.settings.perMinute / 60_000;
    for (;;) {
      const t = this.now();
      this.tokens = Math.min(this.burst, this.tokens + (t - this.last) * perMs);
      this.last = t;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const waitMs = Math.ceil((1 - this.tokens) / perMs);
      signal?.throwIfAborted();
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}
