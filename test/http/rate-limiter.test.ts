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

describe("waiting for the limiter", () => {
  it("does not spend the per-attempt timeout, and a deadline hit while waiting proves nothing was sent", async () => {
    const { HttpClient } = await import("../../provider/http/client");
    const { DeadlineError } = await import("../../provider/http/errors");
    const { provesNotProcessed } = await import("../../provider/http/retry-policy");
    const { createServer } = await import("node:http");
    const { z } = await import("zod");
    let hits = 0;
    const server = createServer((_q, r) => {
      hits++;
      r.setHeader("content-type", "application/json");
      r.end("{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      const limiter = new RateLimiter({ perMinute: 1, concurrency: 10 }, () => performance.now(), 400);
      const client = (deadlineMs: number) => new HttpClient({ api: "ongage", baseUrl: `http://127.0.0.1:${port}`, auth: { headers: async () => ({}) }, classify: () => undefined, limiter, timeoutMs: 100, deadlineMs });
      const send = (c: InstanceType<typeof HttpClient>) => c.send({ method: "GET", path: "/x", idempotent: true, schema: z.unknown() });
      await send(client(5_000));
      // Waits ~400 ms for the window, far beyond the 100 ms attempt timeout, and still succeeds.
      await send(client(5_000));
      expect(hits).toBe(2);
      const err = await send(client(150)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeadlineError);
      expect(provesNotProcessed(err)).toBe(true);
      expect(hits).toBe(2);
    } finally {
      server.close();
    }
  });
});
