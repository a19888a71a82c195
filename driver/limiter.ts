/**
 * Runs at most `limit` tasks at once; callers queue in arrival order. A finishing task hands its
 * slot directly to the oldest waiter, so a newcomer never overtakes it and the limit holds at
 * every instant; a task that throws releases its slot too.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`parallel must be an integer ≥ 1, got ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A wake-up carries the slot of the task that finished, so the count is not incremented again.
    if (this.active >= this.limit || this.waiting.length > 0) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
