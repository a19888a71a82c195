import { describe, expect, it } from "vitest";
import { Limiter } from "../../driver/limiter";

/** Queues `fn` behind `depth` rounds of microtasks. */
function afterMicrotasks(depth: number, fn: () => void): void {
  let p = Promise.resolve();
  for (let i = 0; i < depth; i++) p = p.then(() => undefined);
  void p.then(fn);
}

describe("driver limiter", () => {
  it("never runs more than `limit` tasks, even when a newcomer arrives while a woken waiter has not resumed yet", async () => {
    for (let depth = 0; depth < 12; depth++) {
      const limiter = new Limiter(1);
      let active = 0;
      let peak = 0;
      const task = (gate?: Promise<void>) => limiter.run(async () => {
        active++;
        peak = Math.max(peak, active);
        await (gate ?? Promise.resolve());
        await Promise.resolve();
        active--;
      });
      let open!: () => void;
      const first = task(new Promise<void>((r) => (open = r)));
      const waiter = task();
      let newcomer: Promise<void> | undefined;
      open();
      afterMicrotasks(depth, () => (newcomer = task()));
      await Promise.all([first, waiter]);
      await new Promise((r) => setImmediate(r));
      await newcomer;
      expect({ depth, peak }).toEqual({ depth, peak: 1 });
    }
  });

  it("runs queued tasks in arrival order and releases the slot when a task throws", async () => {
    const limiter = new Limiter(2);
    const order: number[] = [];
    const runs = Array.from({ length: 6 }, (_, i) => limiter.run(async () => {
      order.push(i);
      await new Promise((r) => setTimeout(r, 1));
      if (i === 1) throw new Error("task 1 failed");
    }));
    const results = await Promise.allSettled(runs);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled", "fulfilled"]);
  });

  it("refuses a limit below 1 or a fraction", () => {
    expect(() => new Limiter(0)).toThrow(/parallel/);
    expect(() => new Limiter(1.5)).toThrow(/parallel/);
  });
});
