import { ongageClientOptions } from "../../provider/ongage/settings";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { MockAgent } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { classifyAnts } from "../../provider/ants/client";
import { HttpClient, assertSafeBaseUrl, path, type Classifier, type HttpClientOptions } from "../../provider/http/client";
import {
  ApiError,
  AuthenticationError,
  ConfigurationError,
  ConnectionError,
  DeadlineError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  RouteNotFoundError,
  ServerError,
  TimeoutError,
  UnexpectedResponseError,
  ValidationError,
} from "../../provider/http/errors";
import { resetProcessState } from "../../provider/http/process-state";
import { RateLimiter } from "../../provider/http/rate-limiter";
import { mayHaveBeenProcessed } from "../../provider/http/unknown-outcomes";
import { OngageClient, classifyOngage } from "../../provider/ongage/client";

const BASE = "https://api.test";
let agent: MockAgent;
let sleeps: number[];

beforeEach(() => {
  resetProcessState();
  agent = new MockAgent();
  agent.disableNetConnect();
  sleeps = [];
});
afterEach(async () => {
  await agent.close();
});

const noClassify: Classifier = () => undefined;

/** A new MockAgent, so the next `sequence` is the only interceptor. */
async function fresh(): Promise<void> {
  await agent.close();
  agent = new MockAgent();
  agent.disableNetConnect();
  sleeps = [];
}
function client(opts: Partial<HttpClientOptions> = {}): HttpClient {
  return new HttpClient({
    api: "ongage",
    baseUrl: BASE,
    auth: { headers: async () => ({}) },
    classify: classifyOngage,
    dispatcher: agent,
    retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1_000 },
    random: () => 0,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...opts,
  });
}
const get = (c: HttpClient, idempotent = true) => c.send({ method: idempotent ? "GET" : "POST", path: "/x", idempotent, schema: z.unknown() });

/** Replies with `replies` in order (the last one repeats) and counts the attempts. */
function sequence(method: string, replies: Array<{ status: number; data?: unknown; headers?: Record<string, string> } | Error>) {
  const seen = { attempts: 0 };
  agent.get(BASE).intercept({ path: "/x", method }).reply<object>(() => {
    const r = replies[Math.min(seen.attempts++, replies.length - 1)]!;
    if (r instanceof Error) throw r;
    return { statusCode: r.status, data: (r.data ?? { metadata: { error: false }, payload: { ok: true } }) as object, responseOptions: { headers: r.headers ?? {} } };
  }).persist();
  return seen;
}

describe("retries per status", () => {
  it.each([429, 500, 502, 503, 504])("a GET answered %i is retried with backoff, then succeeds", async (status) => {
    const seen = sequence("GET", [{ status, data: "busy" }, { status, data: "busy" }, { status: 200 }]);
    await expect(get(client())).resolves.toMatchObject({ status: 200 });
    expect(seen.attempts).toBe(3);
    expect(sleeps).toEqual([100, 200]);
  });

  it.each([
    [400, ValidationError],
    [401, AuthenticationError],
    [403, PermissionError],
    [404, NotFoundError],
    [409, ValidationError],
    [412, ValidationError],
  ] as const)("a GET answered %i fails at once with the class for it", async (status, cls) => {
    const seen = sequence("GET", [{ status, data: { metadata: { error: true }, payload: { code: status, message: "no" } } }]);
    const err = await get(client()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(cls);
    expect(seen.attempts).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it("a POST (create) is retried after 429 only, never after a 5xx", async () => {
    const limited = sequence("POST", [{ status: 429, data: "slow down" }, { status: 200 }]);
    await expect(get(client(), false)).resolves.toMatchObject({ status: 200 });
    expect(limited.attempts).toBe(2);
    await fresh();
    const failing = sequence("POST", [{ status: 503, data: "down" }, { status: 200 }]);
    await expect(get(client(), false)).rejects.toBeInstanceOf(ServerError);
    expect(failing.attempts).toBe(1);
  });

  it("gives up after maxRetries and throws the last failure; maxRetries 0 sends once", async () => {
    const seen = sequence("GET", [{ status: 503, data: "down" }]);
    const err = await get(client()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(seen.attempts).toBe(4);
    expect(sleeps).toEqual([100, 200, 400]);
    await fresh();
    const once = sequence("GET", [{ status: 503, data: "down" }]);
    await expect(get(client({ retry: { maxRetries: 0 } }))).rejects.toBeInstanceOf(ServerError);
    expect(once.attempts).toBe(1);
  });

  it("backoff doubles, is capped at maxDelayMs and jitters down by at most 25 %", async () => {
    sequence("GET", [{ status: 503, data: "down" }]);
    await get(client({ retry: { maxRetries: 5, baseDelayMs: 300, maxDelayMs: 1_000 } })).catch(() => undefined);
    expect(sleeps).toEqual([300, 600, 1_000, 1_000, 1_000]);
    sleeps = [];
    await get(client({ random: () => 1, retry: { maxRetries: 2, baseDelayMs: 400, maxDelayMs: 1_000 } })).catch(() => undefined);
    expect(sleeps).toEqual([300, 600]);
  });
});

describe("retries per error class", () => {
  it("a reset connection is retried for a GET, not for a POST (it may have been processed)", async () => {
    const reset = () => Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    const g = sequence("GET", [reset(), { status: 200 }]);
    await expect(get(client())).resolves.toMatchObject({ status: 200 });
    expect(g.attempts).toBe(2);
    const p = sequence("POST", [reset(), { status: 200 }]);
    const err = await get(client(), false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(mayHaveBeenProcessed(err)).toBe(true);
    expect(p.attempts).toBe(1);
  });

  it("a retried DELETE is judged by all its attempts: 503 then 429 may have been processed, 429 then 429 was not", async () => {
    const del = (c: HttpClient) => c.send({ method: "DELETE", path: "/x", idempotent: true, schema: z.unknown() }).catch((e: unknown) => e);
    const err503 = { metadata: { error: true }, payload: { code: 503, errors: [], message: "Service unavailable" } };
    const err429 = { metadata: { error: true }, payload: { code: 429, errors: [], message: "Calls per minute exceeded" } };
    const ambiguous = sequence("DELETE", [{ status: 503, data: err503 }, { status: 429, data: err429 }]);
    const last429 = await del(client({ retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 } }));
    expect(ambiguous.attempts).toBe(2);
    expect(last429).toBeInstanceOf(RateLimitError);
    expect(mayHaveBeenProcessed(last429)).toBe(true);
    await fresh();
    const refused = sequence("DELETE", [{ status: 429, data: err429 }]);
    const only429 = await del(client({ retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 } }));
    expect(refused.attempts).toBe(2);
    expect(only429).toBeInstanceOf(RateLimitError);
    expect(mayHaveBeenProcessed(only429)).toBe(false);
  });

  it("a 401 renews the credentials once and retries, a second 401 fails", async () => {
    let renewals = 0;
    const seen = sequence("GET", [{ status: 401, data: "expired" }, { status: 200 }]);
    const auth = { headers: async () => ({ authorization: `Bearer t${renewals}` }), renew: async () => (++renewals, true) };
    await expect(get(client({ auth }))).resolves.toMatchObject({ status: 200 });
    expect([seen.attempts, renewals]).toEqual([2, 1]);
    await fresh();
    const always = sequence("GET", [{ status: 401, data: "no" }]);
    await expect(get(client({ auth }))).rejects.toBeInstanceOf(AuthenticationError);
    expect(always.attempts).toBe(2);
  });

  it("a malformed 2xx is not retried and names the first wrong fields", async () => {
    const seen = sequence("GET", [{ status: 200, data: { payload: { id: "x" } } }]);
    const err = await client().send({ method: "GET", path: "/x", idempotent: true, schema: z.object({ payload: z.object({ id: z.number() }) }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnexpectedResponseError);
    expect((err as Error).message).toContain("payload.id:");
    expect(seen.attempts).toBe(1);
  });
});

describe("Retry-After", () => {
  it("seconds, an HTTP date and retry-after-ms are honoured instead of the backoff", async () => {
    sequence("GET", [{ status: 429, data: "", headers: { "retry-after": "2" } }, { status: 200 }]);
    await get(client());
    expect(sleeps).toEqual([2_000]);

    await fresh();
    const at = new Date(Date.now() + 30_000).toUTCString();
    sequence("GET", [{ status: 503, data: "", headers: { "retry-after": at } }, { status: 200 }]);
    await get(client());
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(27_000);
    expect(sleeps[0]).toBeLessThanOrEqual(30_000);

    await fresh();
    sequence("GET", [{ status: 429, data: "", headers: { "retry-after-ms": "150", "retry-after": "9" } }, { status: 200 }]);
    await get(client());
    expect(sleeps).toEqual([150]);
  });

  it("a hint longer than maxRetryAfterMs fails the call at once instead of stalling", async () => {
    const seen = sequence("GET", [{ status: 429, data: "", headers: { "retry-after": "3600" } }, { status: 200 }]);
    const err = await get(client({ retry: { maxRetryAfterMs: 60_000 } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as ApiError).retryAfterMs).toBe(3_600_000);
    expect(seen.attempts).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it("an unparseable hint falls back to the backoff", async () => {
    sequence("GET", [{ status: 429, data: "", headers: { "retry-after": "soon" } }, { status: 200 }]);
    await get(client());
    expect(sleeps).toEqual([100]);
  });
});

describe("deadline vs per-attempt timeout (loopback server)", () => {
  let server: Server;
  let base: string;
  let delays: number[];
  let hits: number;
  beforeEach(async () => {
    hits = 0;
    server = createServer((_q, r) => {
      const delay = delays[Math.min(hits++, delays.length - 1)]!;
      const t = setTimeout(() => r.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'), delay);
      r.on("close", () => clearTimeout(t));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  const real = (opts: Partial<HttpClientOptions>) => new HttpClient({ api: "ants", baseUrl: base, auth: { headers: async () => ({}) }, classify: noClassify, retry: { maxRetries: 5, baseDelayMs: 1 }, ...opts });

  it("a slow attempt times out after timeoutMs and the retry succeeds within the deadline", async () => {
    delays = [5_000, 0];
    await expect(get(real({ timeoutMs: 100, deadlineMs: 5_000 }))).resolves.toMatchObject({ body: { ok: true } });
    expect(hits).toBe(2);
  });

  it("a timed-out create is not retried and may have been processed", async () => {
    delays = [5_000, 0];
    const err = await get(real({ timeoutMs: 100, deadlineMs: 5_000 }), false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toContain("no response within 100 ms");
    expect(mayHaveBeenProcessed(err)).toBe(true);
    expect(hits).toBe(1);
  });

  it("the overall deadline bounds all attempts together, however many retries are left", async () => {
    delays = [5_000];
    const started = performance.now();
    const err = await get(real({ timeoutMs: 120, deadlineMs: 300, retry: { maxRetries: 50, baseDelayMs: 1 } })).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(elapsed).toBeLessThan(2_000);
    expect(hits).toBeGreaterThanOrEqual(2);
    expect(hits).toBeLessThanOrEqual(4);
  });

  it("waiting for the limiter spends the deadline, not the per-attempt timeout; a deadline hit there sends nothing", async () => {
    delays = [0];
    const limiter = new RateLimiter({ perMinute: 1, concurrency: 10 }, () => performance.now(), 400);
    await get(real({ limiter, timeoutMs: 100, deadlineMs: 5_000 }));
    // Waits ~400 ms for the window, far beyond the 100 ms attempt timeout, and still succeeds.
    await get(real({ limiter, timeoutMs: 100, deadlineMs: 5_000 }));
    expect(hits).toBe(2);
    const err = await get(real({ limiter, timeoutMs: 100, deadlineMs: 150 }), false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineError);
    expect(mayHaveBeenProcessed(err)).toBe(false);
    expect(hits).toBe(2);
  });
});

describe("classifiers: the API's own code decides, even on HTTP 200", () => {
  it.each([
    [200, { metadata: { error: true }, payload: { code: 404, message: "Not found" } }, "not-found"],
    [200, { metadata: { error: true }, payload: { code: "412", message: "Invalid data" } }, "validation"],
    [200, { metadata: { error: true }, payload: { code: 429 } }, "rate-limit"],
    [200, { metadata: { error: true }, payload: { message: "?" } }, "server"],
    [404, { metadata: { error: true }, payload: { code: 404 } }, "not-found"],
    [404, "<html>nginx 404</html>", "route-not-found"],
    [502, "<html>bad gateway</html>", "server"],
  ] as const)("ongage HTTP %i %j → %s", (status, body, kind) => {
    expect(classifyOngage(status, body)?.kind).toBe(kind);
  });

  it("ongage success bodies are not errors", () => {
    expect(classifyOngage(200, { metadata: { error: false }, payload: { id: "1" } })).toBeUndefined();
    expect(classifyOngage(200, { payload: [] })).toBeUndefined();
  });

  it.each([
    [200, { code: 200, message: "Success", data: {} }, undefined],
    [200, { code: 301, message: "Permission denied" }, "permission"],
    [200, { code: 500, message: '<html><title>429 Too Many Requests</title></html>' }, "rate-limit"],
    [200, { code: 500, message: "Internal" }, "server"],
    [200, { code: 400, message: "Bad request" }, "validation"],
    [200, { code: 404, message: "Segment not found" }, "not-found"],
    [200, { code: 201, message: "?" }, "unexpected"],
    [404, "<html>404</html>", "route-not-found"],
    [429, "<html>429 Too Many Requests</html>", "rate-limit"],
    [401, { code: 401, message: "token expired" }, "authentication"],
  ] as const)("ants HTTP %i %j → %s", (status, body, kind) => {
    expect(classifyAnts(status, body)?.kind).toBe(kind);
  });
});

describe("Ongage not found is one thing (NotFoundError), however it is reported", () => {
  beforeEach(() => {
    Object.assign(process.env, { ONGAGE_BASE_URL: BASE, ONGAGE_USERNAME: "u@x.test", ONGAGE_PASSWORD: "pw-123456", ONGAGE_ACCOUNT_CODE: "acct", ONGAGE_REQUESTS_PER_MINUTE: "60000" });
  });
  const ongage = () => new OngageClient(ongageClientOptions({ dispatcher: agent, sleep: async () => {} }));
  const gone = { metadata: { error: true }, payload: { code: 404, message: "Not found" } };

  it("a GET with a 404 inside an HTTP 200 body and an HTTP 404 envelope both reject with NotFoundError", async () => {
    agent.get(BASE).intercept({ path: "/5/api/segments/9", method: "GET" }).reply(200, gone);
    agent.get(BASE).intercept({ path: "/5/api/segments/10", method: "GET" }).reply(404, gone);
    for (const id of ["9", "10"]) {
      const err = await ongage().getSegment(5, id).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotFoundError);
      expect((err as ApiError).apiCode).toBe(404);
    }
  });

  it("a DELETE of a segment already gone rejects with NotFoundError in both forms (the caller judges it with the root check); a missing route is a RouteNotFoundError", async () => {
    agent.get(BASE).intercept({ path: "/api/segments/9", method: "DELETE" }).reply(200, gone);
    agent.get(BASE).intercept({ path: "/api/segments/10", method: "DELETE" }).reply(404, gone);
    await expect(ongage().deleteSegment(undefined, "9")).rejects.toBeInstanceOf(NotFoundError);
    await expect(ongage().deleteSegment(undefined, "10")).rejects.toBeInstanceOf(NotFoundError);
    agent.get(BASE).intercept({ path: "/api/segments/11", method: "DELETE" }).reply(404, "<html>Not Found</html>");
    const err = await ongage().deleteSegment(undefined, "11").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RouteNotFoundError);
    expect(err).not.toBeInstanceOf(NotFoundError);
  });
});

describe("paths and base URLs", () => {
  it("path encodes every id and refuses segments that would change the route", () => {
    expect(path`/api/segments/${"a/b?c"}`).toBe("/api/segments/a%2Fb%3Fc");
    for (const bad of ["", ".", ".."]) expect(() => path`/api/segments/${bad}`).toThrow(/invalid path segment/);
  });

  it("plain http is refused except for loopback", () => {
    expect(assertSafeBaseUrl("http://127.0.0.1:8080", "k").port).toBe("8080");
    expect(assertSafeBaseUrl("https://api.ongage.net", "k").hostname).toBe("api.ongage.net");
    expect(() => assertSafeBaseUrl("http://api.ongage.net", "ongage:baseUrl")).toThrow(ConfigurationError);
    expect(() => assertSafeBaseUrl("not a url", "ongage:baseUrl")).toThrow(/ongage:baseUrl is not a valid URL/);
  });
});

describe("raw: an answer observed as it came (pulumi-segments doctor)", () => {
  it("any status comes back with its body and headers, unclassified and not retried", async () => {
    const seen = sequence("GET", [{ status: 404, data: "<html>404 Not Found</html>", headers: { "x-ratelimit-remaining": "299" } }]);
    const res = await client().send({ method: "GET", path: "/x", idempotent: true, schema: z.unknown(), raw: true });
    expect(res.status).toBe(404);
    expect(res.body).toBe("<html>404 Not Found</html>");
    expect(res.headers["x-ratelimit-remaining"]).toBe("299");
    expect(seen.attempts).toBe(1);
  });

  it("without raw the same answer is an error (the default is unchanged)", async () => {
    sequence("GET", [{ status: 404, data: "<html>404 Not Found</html>" }]);
    await expect(get(client())).rejects.toBeInstanceOf(RouteNotFoundError);
  });
});
