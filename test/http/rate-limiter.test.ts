import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../provider/http/rate-limiter";

/** Settles to "stuck" when `p` has not settled after `ms`: a failure detector, never a wait for correctness. */
function within<T>(p: Promise<T>, ms = 2_000): Promise<T | "stuck"> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<"stuck">((r) => (timer = setTimeout(() => r("stuck"), ms)))]).finally(() => clearTimeout(timer));
}

/** Resolves after every microtask queued so far (and those they queue) ran. */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe("rate limiter", () => {
  it("never admits more than perMinute calls in any window, even in a burst", async () => {
    const windowMs = 300;
    const limiter = new RateLimiter({ perMinute: 5, concurrency: 100 }, () => performance.now(), windowMs);
    const times: number[] = [];
    await Promise.all(Array.from({ length: 15 }, async () => {
      const release = await limiter.acquire();
      times.push(performance.now());
      release();
    }));
    times.sort((a, b) => a - b);
    for (let i = 5; i < times.length; i++) expect(times[i]! - times[i - 5]!).toBeGreaterThanOrEqual(windowMs - 5);
    // ...and uses the whole budget: 15 calls take about two windows, not more.
    expect(times[14]! - times[0]!).toBeLessThan(windowMs * 2 + 150);
  });

  it("caps calls in flight and serves waiters in arrival order", async () => {
    const limiter = new RateLimiter({ perMinute: 1000, concurrency: 3 });
    let inFlight = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      const release = await limiter.acquire();
      order.push(i);
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      release();
    }));
    expect(peak).toBe(3);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("a release is handed to a waiter: a newcomer cannot take the slot in between", async () => {
    const limiter = new RateLimiter({ perMinute: 1000, concurrency: 1 });
    const first = await limiter.acquire();
    const waiter = limiter.acquire();
    first();
    // A newcomer arriving right after the release, before the waiter resumed, must queue.
    const newcomer = limiter.acquire();
    const releaseWaiter = await within(waiter);
    expect(typeof releaseWaiter).toBe("function");
    expect(await within(newcomer, 50)).toBe("stuck");
    (releaseWaiter as () => void)();
    expect(typeof (await within(newcomer))).toBe("function");
  });

  it("an aborted concurrency wait gives its place back: the NEXT waiter runs, and the limiter acquires again", async () => {
    const limiter = new RateLimiter({ perMinute: 1000, concurrency: 1 });
    const holder = await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort(new Error("deadline"));
    await expect(aborted).rejects.toThrow("deadline");
    holder();
    const releaseNext = await within(next);
    expect(typeof releaseNext).toBe("function");
    (releaseNext as () => void)();
    // The slot is free again: a new acquire does not wait.
    const again = await within(limiter.acquire(), 200);
    expect(typeof again).toBe("function");
  });

  it("an aborted quota wait gives its concurrency slot back: the next waiter is admitted when the window frees", async () => {
    const windowMs = 150;
    const limiter = new RateLimiter({ perMinute: 1, concurrency: 1 }, () => performance.now(), windowMs);
    const started = performance.now();
    (await limiter.acquire())();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal); // holds the concurrency slot, waits for the window
    const next = limiter.acquire(); // waits for the concurrency slot
    await settle();
    controller.abort(new Error("deadline"));
    await expect(aborted).rejects.toThrow("deadline");
    const releaseNext = await within(next);
    expect(typeof releaseNext).toBe("function");
    expect(performance.now() - started).toBeGreaterThanOrEqual(windowMs - 5);
    (releaseNext as () => void)();
    // The aborted wait did not spend quota: one admission per window, the next one a window later.
    const t = performance.now();
    (await limiter.acquire())();
    expect(performance.now() - t).toBeGreaterThanOrEqual(windowMs - 60);
  });

  it("a wait aborted while queued behind another quota waiter rejects at once and spends no quota", async () => {
    const windowMs = 300;
    const limiter = new RateLimiter({ perMinute: 1, concurrency: 10 }, () => performance.now(), windowMs);
    (await limiter.acquire())();
    const events: string[] = [];
    const queued = limiter.acquire().then((release) => {
      events.push("queued admitted");
      release();
    });
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal).then(
      () => events.push("aborted admitted"),
      () => events.push("aborted rejected"),
    );
    await settle();
    controller.abort(new Error("deadline"));
    await aborted;
    await queued;
    expect(events).toEqual(["aborted rejected", "queued admitted"]);
  });

  it("an already-aborted signal is refused without taking a slot or quota", async () => {
    const limiter = new RateLimiter({ perMinute: 1, concurrency: 1 }, () => performance.now(), 60_000);
    await expect(limiter.acquire(AbortSignal.abort(new Error("too late")))).rejects.toThrow("too late");
    const release = await within(limiter.acquire(), 200);
    expect(typeof release).toBe("function");
  });
});
