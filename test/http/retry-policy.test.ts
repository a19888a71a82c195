import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  ConnectFailedError,
  ConnectionError,
  DeadlineError,
  NotFoundError,
  RateLimitError,
  ServerError,
  TimeoutError,
  UnexpectedResponseError,
  ValidationError,
} from "../../provider/http/errors";
import { DEFAULT_RETRY, isRetryable, parseRetryAfter, retryDelayMs } from "../../provider/http/retry-policy";

const at = { api: "ongage", method: "GET", path: "/x" } as const;

describe("isRetryable", () => {
  it.each([
    ["RateLimitError", new RateLimitError({ ...at, status: 429 }), true, true],
    ["ConnectFailedError", new ConnectFailedError(at), true, true],
    ["ServerError", new ServerError({ ...at, status: 503 }), true, false],
    ["ConnectionError", new ConnectionError(at), true, false],
    ["TimeoutError", new TimeoutError(at), true, false],
    ["ValidationError", new ValidationError({ ...at, status: 400 }), false, false],
    ["NotFoundError", new NotFoundError({ ...at, status: 404 }), false, false],
    ["AuthenticationError", new AuthenticationError({ ...at, status: 401 }), false, false],
    ["UnexpectedResponseError", new UnexpectedResponseError({ ...at, status: 200 }), false, false],
    ["DeadlineError", new DeadlineError(at), false, false],
    ["a plain Error", new Error("x"), false, false],
  ])("%s: idempotent %s, create %s", (_name, err, idempotent, create) => {
    expect(isRetryable(err, true)).toBe(idempotent);
    expect(isRetryable(err, false)).toBe(create);
  });
});

describe("retryDelayMs", () => {
  it("server hint first, up to maxRetryAfterMs; undefined beyond it", () => {
    expect(retryDelayMs(3, DEFAULT_RETRY, 1_234)).toBe(1_234);
    expect(retryDelayMs(0, DEFAULT_RETRY, 0)).toBe(0);
    expect(retryDelayMs(0, DEFAULT_RETRY, DEFAULT_RETRY.maxRetryAfterMs + 1)).toBeUndefined();
  });

  it("else base × 2^attempt capped at maxDelayMs, minus up to 25 % jitter", () => {
    const s = { ...DEFAULT_RETRY, baseDelayMs: 500, maxDelayMs: 16_000 };
    expect([0, 1, 2, 5, 9].map((n) => retryDelayMs(n, s, undefined, () => 0))).toEqual([500, 1_000, 2_000, 16_000, 16_000]);
    expect(retryDelayMs(1, s, undefined, () => 1)).toBe(750);
    expect(retryDelayMs(1, { ...s, baseDelayMs: 0 }, undefined, () => 0.5)).toBe(0);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it.each([
    [{ "retry-after": "3" }, 3_000],
    [{ "retry-after": "0.5" }, 500],
    [{ "retry-after": " 7 " }, 7_000],
    [{ "retry-after": "Thu, 01 Jan 2026 00:00:10 GMT" }, 10_000],
    [{ "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" }, 0],
    [{ "retry-after-ms": "250" }, 250],
    [{ "retry-after-ms": "250.2", "retry-after": "9" }, 251],
    [{ "retry-after-ms": "soon", "retry-after": "2" }, 2_000],
    [{ "retry-after": ["4", "8"] }, 4_000],
    [{ "retry-after": "-1" }, undefined],
    [{ "retry-after": "later" }, undefined],
    [{}, undefined],
  ])("%j → %s", (headers, expected) => {
    expect(parseRetryAfter(headers, now)).toBe(expected);
  });
});
