import { ongageClientOptions } from "../../provider/ongage/settings";
import { MockAgent } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { antsAuth } from "../../provider/ants/auth";
import { antsCredentials } from "../../provider/ants/settings";
import { fingerprint, PromiseCache } from "../../provider/http/promise-cache";
import { processState, processStateOwners, resetProcessState } from "../../provider/http/process-state";
import { sharedLimiter } from "../../provider/http/rate-limiter";
import { redact, registerSecret } from "../../provider/http/redact";
import { OngageClient } from "../../provider/ongage/client";
import { ONGAGE_KEYS } from "../../provider/ongage/settings";
import { readSetting, rememberConfig } from "../../provider/pulumi/settings";

let agent: MockAgent;
beforeEach(() => {
  resetProcessState();
  for (const k of Object.keys(process.env)) if (/^(ONGAGE|ANTS)_/.test(k)) delete process.env[k];
  agent = new MockAgent();
  agent.disableNetConnect();
});
afterEach(async () => {
  await agent.close();
});

const key = (item: string, who = "a") => ({ baseUrl: "https://x.test", credentials: fingerprint(who), item });

describe("PromiseCache", () => {
  it("shares one pending promise between concurrent callers", async () => {
    const cache = new PromiseCache<number>();
    let made = 0;
    const make = async () => ++made;
    const [a, b] = await Promise.all([cache.get(key("i"), make), cache.get(key("i"), make)]);
    expect([a, b, made]).toEqual([1, 1, 1]);
  });

  it("keys by credentials: another account never sees the value", async () => {
    const cache = new PromiseCache<string>();
    expect(await cache.get(key("i", "alice"), async () => "alice's")).toBe("alice's");
    expect(await cache.get(key("i", "bob"), async () => "bob's")).toBe("bob's");
  });

  it("drops a rejected promise, so the next caller fetches again", async () => {
    const cache = new PromiseCache<number>();
    await expect(cache.get(key("i"), () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await cache.get(key("i"), async () => 2)).toBe(2);
  });

  it("refresh, maxAgeMs and the freshness predicate each force a new fetch", async () => {
    const cache = new PromiseCache<number>();
    let n = 0;
    const make = async () => ++n;
    await cache.get(key("i"), make, { now: 0 });
    expect(await cache.get(key("i"), make, { now: 50, maxAgeMs: 100 })).toBe(1);
    expect(await cache.get(key("i"), make, { now: 200, maxAgeMs: 100 })).toBe(2);
    expect(await cache.get(key("i"), make, { refresh: true })).toBe(3);
    expect(await cache.get(key("i"), make, { fresh: (v) => v > 3 })).toBe(4);
    expect(await cache.get(key("i"), make, { fresh: (v) => v > 3 })).toBe(4);
  });

  it("held through processState(), is forgotten by resetProcessState", async () => {
    const cache = processState("test: numbers", () => new PromiseCache<number>());
    await cache().get(key("i"), async () => 1);
    expect(processStateOwners()).toContain("test: numbers");
    resetProcessState();
    expect(cache().has(key("i"))).toBe(false);
  });
});

describe("caches of the clients are keyed by the credentials, secrets included", () => {
  it("ants: a changed client secret gets its own token", async () => {
    const issued: string[] = [];
    agent.get("https://iam.test").intercept({ path: "/oauth/token", method: "POST" }).reply(() => {
      issued.push(`tok-${issued.length + 1}`);
      return { statusCode: 200, data: { accessToken: issued.at(-1), accessTokenExpiresAt: new Date(Date.now() + 3_600_000).toISOString() } };
    }).times(3);
    Object.assign(process.env, { ANTS_AUTH_URL: "https://iam.test", ANTS_CLIENT_ID: "c1", ANTS_CLIENT_SECRET: "first-secret" });
    const auth = antsAuth({ credentials: antsCredentials, dispatcher: agent });
    const signal = new AbortController().signal;
    expect(await auth.headers(signal)).toEqual({ authorization: "Bearer tok-1" });
    expect(await auth.headers(signal)).toEqual({ authorization: "Bearer tok-1" });
    process.env.ANTS_CLIENT_SECRET = "second-secret";
    expect(await auth.headers(signal)).toEqual({ authorization: "Bearer tok-2" });
    expect(issued).toHaveLength(2);
  });

  it("ongage: list fields of two accounts on one server are fetched separately", async () => {
    const asked: string[] = [];
    agent.get("https://ongage.test").intercept({ path: /\/api\/list_fields/, method: "GET" }).reply((opts) => {
      const user = String((opts.headers as Record<string, string>)["X_USERNAME"] ?? (opts.headers as Record<string, string>)["x_username"]);
      asked.push(user);
      return { statusCode: 200, data: { metadata: { error: false }, payload: [{ id: asked.length, name: `field-of-${user}`, type: "string" }] } };
    }).times(3);
    Object.assign(process.env, { ONGAGE_BASE_URL: "https://ongage.test", ONGAGE_USERNAME: "alice@x.test", ONGAGE_PASSWORD: "pw-alice", ONGAGE_ACCOUNT_CODE: "A", ONGAGE_REQUESTS_PER_MINUTE: "60000" });
    const first = await new OngageClient(ongageClientOptions({ dispatcher: agent })).listFields(1);
    await new OngageClient(ongageClientOptions({ dispatcher: agent })).listFields(1);
    Object.assign(process.env, { ONGAGE_USERNAME: "bob@x.test", ONGAGE_PASSWORD: "pw-bob" });
    const second = await new OngageClient(ongageClientOptions({ dispatcher: agent })).listFields(1);
    expect(asked).toEqual(["alice@x.test", "bob@x.test"]);
    expect(first[0]!.name).toBe("field-of-alice@x.test");
    expect(second[0]!.name).toBe("field-of-bob@x.test");
  });
});

describe("resetProcessState", () => {
  it("forgets stack config, limiters and registered secrets", () => {
    rememberConfig({ config: { get: (k) => (k === "ongage:password" ? "remembered-pw" : undefined) } }, Object.values(ONGAGE_KEYS));
    expect(readSetting(ONGAGE_KEYS.password)).toBe("remembered-pw");
    expect(redact("x remembered-pw y")).toBe("x [redacted] y");
    const limiter = sharedLimiter("ongage", { perMinute: 5, concurrency: 1 });
    expect(sharedLimiter("ongage", { perMinute: 5, concurrency: 1 })).toBe(limiter);
    resetProcessState();
    expect(readSetting(ONGAGE_KEYS.password)).toBeUndefined();
    expect(redact("x remembered-pw y")).toBe("x remembered-pw y");
    expect(sharedLimiter("ongage", { perMinute: 5, concurrency: 1 })).not.toBe(limiter);
  });
});

describe("redact", () => {
  it("scrubs a secret in every encoding, the longest match first, and leaves short values alone", () => {
    registerSecret("p@ss word/1");
    registerSecret("Bearer tok-abcdef");
    registerSecret("abc");
    expect(redact("raw p@ss word/1, url p%40ss%20word%2F1, form p%40ss+word%2F1")).toBe("raw [redacted], url [redacted], form [redacted]");
    expect(redact("Authorization: Bearer tok-abcdef; token tok-abcdef")).toBe("Authorization: [redacted]; token [redacted]");
    expect(redact("abc stays")).toBe("abc stays");
  });
});
