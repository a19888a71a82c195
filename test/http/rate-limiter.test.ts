import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../provider/http/rate-limiter";

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

  it("caps calls in flight", async () => {
    const limiter = new RateLimiter({ perMinute: 1000, concurrency: 3 });
    let inFlight = 0;
    let peak = 0;
    await Promise.all(Array.from({ length: 20 }, async () => {
      const release = await limiter.acquire();
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      release();
    }));
    expect(peak).toBe(3);
  });

  it("an aborted wait gives its slot back", async () => {
    const limiter = new RateLimiter({ perMinute: 1, concurrency: 1 }, () => performance.now(), 10_000);
    (await limiter.acquire())();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    setTimeout(() => controller.abort(new Error("deadline")), 20);
    await expect(waiting).rejects.toThrow("deadline");
  });
});
