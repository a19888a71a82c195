/**
 * An emulated API quota (Ongage account limit, ANTS gateway limit): at most `perMinute` admitted calls
 * in any sliding 60 s window and at most `parallel` admitted calls handled at once. Rejected calls do
 * not count.
 */
export interface RateLimit {
  perMinute: number;
  parallel?: number;
}

export class RequestBudget {
  private admitted: number[] = [];
  private inFlight = 0;

  constructor(
    private limit: RateLimit | undefined,
    private readonly now: () => number,
  ) {}

  set(limit: RateLimit | undefined): void {
    this.limit = limit;
    this.admitted = [];
  }

  get current(): RateLimit | undefined {
    return this.limit;
  }

  /** True if the call may proceed; an admitted call must be `release()`d when done. */
  tryAdmit(): boolean {
    const limit = this.limit;
    if (limit) {
      const t = this.now();
      this.admitted = this.admitted.filter((at) => at > t - 60_000);
      if (this.admitted.length >= limit.perMinute) return false;
      if (limit.parallel !== undefined && this.inFlight >= limit.parallel) return false;
      this.admitted.push(t);
    }
    this.inFlight++;
    return true;
  }

  release(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  reset(): void {
    this.admitted = [];
  }
}
