import { antsClientOptions } from "../../provider/ants/settings";
import { ongageClientOptions } from "../../provider/ongage/settings";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { MockAgent } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { AntsClient, EndpointMissingError } from "../../provider/ants/client";
import { HttpClient } from "../../provider/http/client";
import {
  ConfigurationError,
  ConnectFailedError,
  ConnectionError,
  DeadlineError,
  NotFoundError,
  RateLimitError,
  RouteNotFoundError,
  ServerError,
  TimeoutError,
  UnexpectedResponseError,
  ValidationError,
} from "../../provider/http/errors";
import { RateLimiter } from "../../provider/http/rate-limiter";
import { isRetryable } from "../../provider/http/retry-policy";
import { mayHaveBeenProcessed, settlesTo } from "../../provider/http/unknown-outcomes";
import { recoverLostCreate, UnknownOutcomeError } from "../../provider/pulumi/lost-create";
import { OngageClient } from "../../provider/ongage/client";
import { resetProcessState } from "../../provider/http/process-state";

const ONGAGE = "https://ongage.test";
const ANTS = "https://ants.test";
let agent: MockAgent;

beforeEach(() => {
  resetProcessState();
  Object.assign(process.env, {
    ONGAGE_BASE_URL: ONGAGE,
    ONGAGE_USERNAME: "user@example.com",
    ONGAGE_PASSWORD: "ongage-password-1",
    ONGAGE_ACCOUNT_CODE: "acct",
    ONGAGE_REQUESTS_PER_MINUTE: "60000",
    ANTS_BASE_URL: `${ANTS}/access/api`,
    ANTS_ACCESS_TOKEN: "ants-token-1",
    ANTS_REQUESTS_PER_MINUTE: "60000",
  });
  agent = new MockAgent();
  agent.disableNetConnect();
});

afterEach(async () => {
  await agent.close();
});

const fast = { retry: { baseDelayMs: 1 }, sleep: async () => {} };
const ongage = () => new OngageClient(ongageClientOptions({ dispatcher: agent, retry: fast.retry, sleep: fast.sleep }));
const ants = () => new AntsClient(antsClientOptions({ dispatcher: agent, retry: fast.retry, sleep: fast.sleep }));

/** The error a create POST fails with when the server answers `status` with `data`. */
async function ongageCreateFails(status: number, data: unknown): Promise<unknown> {
  agent.get(ONGAGE).intercept({ path: "/api/segments", method: "POST" }).reply(status, data as object);
  return ongage().createSegment(undefined, { name: "s" }).then(() => "resolved", (e: unknown) => e);
}
async function antsCreateFails(status: number, data: unknown): Promise<unknown> {
  agent.get(ANTS).intercept({ path: "/access/api/segment/create", method: "POST" }).reply(status, data as object);
  return ants().create({ name: "s" }).then(() => "resolved", (e: unknown) => e);
}

describe("a create that may have been processed (the lost-create search must run)", () => {
  it("Ongage HTTP 200 with metadata.error and a 5xx or missing payload code", async () => {
    for (const payload of [{ code: 500, message: "internal" }, { message: "something failed" }, undefined]) {
      const err = await ongageCreateFails(200, { metadata: { error: true }, payload });
      expect(err).toBeInstanceOf(ServerError);
      expect(mayHaveBeenProcessed(err)).toBe(true);
    }
  });

  it("ANTS HTTP 200 with a body code ≥ 500, or an unrecognised code below 400", async () => {
    const e500 = await antsCreateFails(200, { code: 500, message: "Internal error", data: null });
    expect(e500).toBeInstanceOf(ServerError);
    expect(mayHaveBeenProcessed(e500)).toBe(true);
    const e201 = await antsCreateFails(200, { code: 201, message: "Accepted?", data: null });
    expect(e201).toBeInstanceOf(UnexpectedResponseError);
    expect(mayHaveBeenProcessed(e201)).toBe(true);
  });

  it("a 2xx answer without a segment id (malformed body), for both APIs", async () => {
    const o = await ongageCreateFails(200, { metadata: { error: false }, payload: { name: "s" } });
    expect(o).toBeInstanceOf(UnexpectedResponseError);
    expect(mayHaveBeenProcessed(o)).toBe(true);
    const a = await antsCreateFails(200, { code: 200, message: "Success", data: { entries: [] } });
    expect(a).toBeInstanceOf(UnexpectedResponseError);
    expect(mayHaveBeenProcessed(a)).toBe(true);
    const notJson = await antsCreateFails(200, "<html>gateway</html>");
    expect(notJson).toBeInstanceOf(UnexpectedResponseError);
    expect(mayHaveBeenProcessed(notJson)).toBe(true);
  });

  it("a 5xx status, a reset connection, a timeout, and a plain Error", async () => {
    expect(mayHaveBeenProcessed(await ongageCreateFails(502, "bad gateway"))).toBe(true);
    agent.get(ONGAGE).intercept({ path: "/api/segments", method: "POST" }).replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    const reset = await ongage().createSegment(undefined, {}).catch((e: unknown) => e);
    expect(reset).toBeInstanceOf(ConnectionError);
    expect(reset).not.toBeInstanceOf(ConnectFailedError);
    expect(mayHaveBeenProcessed(reset)).toBe(true);
    expect(mayHaveBeenProcessed(new TimeoutError({ api: "ants", method: "POST", path: "/segment/create" }))).toBe(true);
    expect(mayHaveBeenProcessed(new Error("read-back failed after the POST"))).toBe(true);
    expect(mayHaveBeenProcessed("a thrown string")).toBe(true);
  });

  it("a create is never re-sent after any of them", async () => {
    let posts = 0;
    agent.get(ONGAGE).intercept({ path: "/api/segments", method: "POST" }).reply(() => {
      posts++;
      return { statusCode: 503, data: "unavailable" };
    }).times(5);
    await expect(ongage().createSegment(undefined, {})).rejects.toBeInstanceOf(ServerError);
    expect(posts).toBe(1);
  });
});

describe("a create that provably was not processed (no search)", () => {
  it("refusals by status or by a 4xx code inside an HTTP 200 body", async () => {
    const cases: Array<[unknown, new (...a: never[]) => unknown]> = [
      [await ongageCreateFails(400, { metadata: { error: true }, payload: { code: 400, message: "Invalid data" } }), ValidationError],
      [await ongageCreateFails(200, { metadata: { error: true }, payload: { code: 412, message: "Invalid data" } }), ValidationError],
      [await ongageCreateFails(200, { metadata: { error: true }, payload: { code: 404, message: "List not found" } }), NotFoundError],
      [await antsCreateFails(200, { code: 400, message: "Bad Request", data: "segment_display is required" }), ValidationError],
      [await antsCreateFails(200, { code: 301, message: "Permission denied", data: null }), Error],
    ];
    for (const [err, cls] of cases) {
      expect(err).toBeInstanceOf(cls);
      expect(mayHaveBeenProcessed(err)).toBe(false);
    }
  });

  it("a missing route (HTML 404), and the ANTS assumed endpoint it turns into", async () => {
    const route = await ongageCreateFails(404, "<html>Not Found</html>");
    expect(route).toBeInstanceOf(RouteNotFoundError);
    expect(mayHaveBeenProcessed(route)).toBe(false);
    agent.get(ANTS).intercept({ path: "/access/api/segment/delete", method: "POST" }).reply(404, "<html>Not Found</html>");
    // The root check (a Listing) holds, so the route alone is missing.
    agent.get(ANTS).intercept({ path: "/access/api/segment/listing", method: "POST" }).reply(200, { code: 200, message: "Success", data: { entries: [], meta: { total: 0 } } });
    const missing = await ants().delete("12").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(EndpointMissingError);
    expect(mayHaveBeenProcessed(missing)).toBe(false);
  });

  it("a 429 refusal is retried even for a create, and then succeeds", async () => {
    let posts = 0;
    agent.get(ONGAGE).intercept({ path: "/api/segments", method: "POST" }).reply<object>(() => {
      posts++;
      return posts === 1
        ? { statusCode: 429, data: { metadata: { error: true }, payload: { code: 429, message: "Too many requests" } }, responseOptions: { headers: { "retry-after": "0" } } }
        : { statusCode: 200, data: { metadata: { error: false }, payload: { id: "77" } } };
    }).times(2);
    await expect(ongage().createSegment(undefined, {})).resolves.toEqual({ id: "77" });
    expect(posts).toBe(2);
    expect(mayHaveBeenProcessed(new RateLimitError({ api: "ongage", method: "POST", path: "/api/segments", status: 429 }))).toBe(false);
  });

  it("a deadline hit while waiting for the limiter, and a configuration error", async () => {
    const limiter = new RateLimiter({ perMinute: 1, concurrency: 1 }, () => performance.now(), 60_000);
    (await limiter.acquire())();
    const http = new HttpClient({ api: "ants", baseUrl: ANTS, auth: { headers: async () => ({}) }, classify: () => undefined, limiter, dispatcher: agent, deadlineMs: 30 });
    const err = await http.send({ method: "POST", path: "/segment/create", idempotent: false, schema: z.unknown() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineError);
    expect(mayHaveBeenProcessed(err)).toBe(false);
    expect(mayHaveBeenProcessed(new ConfigurationError("Missing ANTS client secret"))).toBe(false);
  });

  it("a failure of the auth hook (the token request), whatever its class", async () => {
    const http = new HttpClient({
      api: "ants",
      baseUrl: ANTS,
      dispatcher: agent,
      classify: () => undefined,
      auth: { headers: async () => Promise.reject(new ServerError({ api: "ants", method: "POST", path: "/oauth/token", status: 503 })) },
    });
    const err = await http.send({ method: "POST", path: "/segment/create", idempotent: false, schema: z.unknown() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(mayHaveBeenProcessed(err)).toBe(false);
  });

  it("a refused connection (nothing listens on the port): also safe to retry for a create", async () => {
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((r) => server.close(() => r()));
    const http = new HttpClient({ api: "ongage", baseUrl: `http://127.0.0.1:${port}`, auth: { headers: async () => ({}) }, classify: () => undefined, retry: { maxRetries: 0 } });
    const err = await http.send({ method: "POST", path: "/api/segments", idempotent: false, schema: z.unknown() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectFailedError);
    expect(mayHaveBeenProcessed(err)).toBe(false);
    expect(isRetryable(err, false)).toBe(true);
  });
});

describe("recoverLostCreate (the settle-window search)", () => {
  const failure = new TimeoutError({ api: "ongage", method: "POST", path: "/api/segments", detail: "no response within 100 ms" });

  it("asks again after settle, 2 × and 4 × settle and adopts the one segment that appeared late", async () => {
    const waits: number[] = [];
    let calls = 0;
    const found = await recoverLostCreate(failure, "s", "Ongage", async () => (++calls === 3 ? [{ id: 9 }] : []), 100, async (ms) => {
      waits.push(ms);
    });
    expect(found).toEqual({ id: 9 });
    expect(waits).toEqual([100, 200]);
  });

  it("none found: an UnknownOutcomeError that keeps the original failure and says to rerun", async () => {
    const waits: number[] = [];
    const err = await recoverLostCreate(failure, "s", "Ongage", async () => [], 50_000, async (ms) => {
      waits.push(ms);
    }).catch((e: unknown) => e);
    expect(waits).toEqual([10_000, 20_000, 40_000]);
    expect(err).toBeInstanceOf(UnknownOutcomeError);
    expect((err as Error).cause).toBe(failure);
    expect((err as Error).message).toContain("no response within 100 ms");
    expect((err as Error).message).toContain("presumably not created");
  });

  it("several found: ambiguous, names adopt", async () => {
    const err = await recoverLostCreate(failure, "s", "ANTS", async () => [1, 2], 10, async () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownOutcomeError);
    expect((err as UnknownOutcomeError).candidates).toBe(2);
    expect((err as Error).message).toContain("adopt: true");
  });

  it("a look-up that keeps failing rejects with the look-up's error; one that recovers is used", async () => {
    const lookup = new Error("listing failed");
    await expect(recoverLostCreate(failure, "s", "ANTS", () => Promise.reject(lookup), 10, async () => {})).rejects.toBe(lookup);
    let n = 0;
    await expect(recoverLostCreate(failure, "s", "ANTS", async () => (++n < 4 ? Promise.reject(lookup) : ["x"]), 10, async () => {})).resolves.toBe("x");
  });

  it("a failing last look-up is no answer: asked up to 3 more times, 4 × settle apart, before giving up", async () => {
    const lookup = new Error("listing failed");
    const waits: number[] = [];
    let n = 0;
    // Empty while the create is still held, then the listing fails at the scheduled look-ups, then it answers.
    const search = async () => (++n === 1 ? [] : n <= 6 ? Promise.reject(lookup) : ["late"]);
    await expect(recoverLostCreate(failure, "s", "Ongage", search, 100, async (ms) => void waits.push(ms))).resolves.toBe("late");
    expect(waits).toEqual([100, 200, 400, 400, 400, 400]);
    const always: number[] = [];
    await expect(recoverLostCreate(failure, "s", "Ongage", () => Promise.reject(lookup), 100, async (ms) => void always.push(ms))).rejects.toBe(lookup);
    expect(always).toEqual([100, 200, 400, 400, 400, 400]);
    // An empty answer is an answer: no extra look-ups.
    const empty: number[] = [];
    await expect(recoverLostCreate(failure, "s", "Ongage", async () => [], 100, async (ms) => void empty.push(ms))).rejects.toBeInstanceOf(UnknownOutcomeError);
    expect(empty).toEqual([100, 200, 400]);
  });

  it("settlesTo answers true as soon as the check does, false when it never does", async () => {
    let n = 0;
    await expect(settlesTo(async () => ++n === 2, 10, async () => {})).resolves.toBe(true);
    expect(n).toBe(2);
    await expect(settlesTo(async () => false, 10, async () => {})).resolves.toBe(false);
  });
});
