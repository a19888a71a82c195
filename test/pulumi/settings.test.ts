import { ongageClientOptions } from "../../provider/ongage/settings";
import { MockAgent } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { antsSettingsFailures, antsTransportSettings, listingCacheMs } from "../../provider/ants/settings";
import { ConfigurationError, ServerError } from "../../provider/http/errors";
import { resetProcessState } from "../../provider/http/process-state";
import { OngageClient } from "../../provider/ongage/client";
import { ongageDefaultListId, ongageSettingsFailures, ongageTransportSettings } from "../../provider/ongage/settings";
import { rememberConfig, type SettingKey } from "../../provider/pulumi/settings";
import { ONGAGE_KEYS } from "../../provider/ongage/settings";

const saved = { ...process.env };
beforeEach(() => {
  for (const k of Object.keys(process.env)) if (/^(ONGAGE|ANTS)_/.test(k)) delete process.env[k];
  resetProcessState();
});
afterEach(() => {
  process.env = { ...saved };
  resetProcessState();
});

const configure = (values: Record<string, string>, keys: ReadonlyArray<SettingKey> = Object.values(ONGAGE_KEYS)) =>
  rememberConfig({ config: { get: (k) => values[k] } }, keys);

describe("numeric transport settings", () => {
  it("accept 0 where 0 means something: ongage:maxRetries, retryBaseMs, maxRetryAfterMs, ants:listingCacheMs", () => {
    configure({ "ongage:maxRetries": "0", "ongage:retryBaseMs": "0", "ongage:maxRetryAfterMs": "0" });
    expect(ongageTransportSettings()).toMatchObject({ maxRetries: 0, retryBaseMs: 0, maxRetryAfterMs: 0 });
    process.env.ANTS_MAX_RETRIES = "0";
    process.env.ANTS_LISTING_CACHE_MS = "0";
    expect(antsTransportSettings().maxRetries).toBe(0);
    expect(listingCacheMs()).toBe(0);
  });

  it("use the documented defaults when unset or empty", () => {
    process.env.ONGAGE_MAX_RETRIES = "";
    expect(ongageTransportSettings()).toEqual({
      perMinute: 300, concurrency: 10, timeoutMs: 30_000, deadlineMs: 600_000, maxRetries: 6, retryBaseMs: 500, maxRetryAfterMs: 300_000,
    });
    expect(antsTransportSettings()).toMatchObject({ perMinute: 180, concurrency: 8 });
  });

  it.each([
    ["1.5", "a fraction"],
    ["-1", "a negative number"],
    ["1e3", "an exponent"],
    ["3 retries", "a unit"],
    ["0x10", "hex"],
    ["101", "above the range"],
  ])("reject %j (%s), naming the stack config key, the environment variable and the range", (raw) => {
    configure({ "ongage:maxRetries": raw });
    const err = (() => {
      try {
        ongageTransportSettings();
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toBe(
      `Invalid ongage:maxRetries ${JSON.stringify(raw)} (from stack config "ongage:maxRetries"): must be a whole number from 0 to 100. ` +
        'Change stack config "ongage:maxRetries" or environment variable ONGAGE_MAX_RETRIES.',
    );
  });

  it("say where a bad value came from (environment variable) and which settings forbid 0", () => {
    process.env.ANTS_TIMEOUT_MS = "0";
    expect(() => antsTransportSettings()).toThrow(
      'Invalid ants:timeoutMs "0" (from environment variable ANTS_TIMEOUT_MS): must be a whole number from 1 to 3600000.',
    );
    process.env.ANTS_TIMEOUT_MS = "100";
    process.env.ANTS_REQUESTS_PER_MINUTE = "0";
    expect(() => antsTransportSettings()).toThrow(/ants:requestsPerMinute "0" .* from 1 to 1000000/);
  });

  it("refuse more Ongage concurrency than the documented cap instead of capping it silently", () => {
    process.env.ONGAGE_MAX_CONCURRENCY = "11";
    expect(() => ongageTransportSettings()).toThrow(/ongage:maxConcurrency "11" .*from 1 to 10 \(Ongage allows at most 10 calls in parallel\)/);
  });

  it("ongage:listId must be a positive whole number", () => {
    process.env.ONGAGE_LIST_ID = "12.5";
    expect(() => ongageDefaultListId()).toThrow(/ongage:listId "12.5" .* ONGAGE_LIST_ID/);
    process.env.ONGAGE_LIST_ID = "42";
    expect(ongageDefaultListId()).toBe(42);
  });

  it("maxRetries 0 sends a failing GET exactly once", async () => {
    Object.assign(process.env, { ONGAGE_BASE_URL: "https://ongage.test", ONGAGE_USERNAME: "u@x.test", ONGAGE_PASSWORD: "pw-123456", ONGAGE_ACCOUNT_CODE: "acct", ONGAGE_MAX_RETRIES: "0" });
    const agent = new MockAgent();
    agent.disableNetConnect();
    let hits = 0;
    agent.get("https://ongage.test").intercept({ path: "/api/segments/5", method: "GET" }).reply(() => {
      hits++;
      return { statusCode: 503, data: "down" };
    }).times(3);
    await expect(new OngageClient(ongageClientOptions({ dispatcher: agent, sleep: async () => {} })).getSegment(undefined, "5")).rejects.toBeInstanceOf(ServerError);
    expect(hits).toBe(1);
    await agent.close();
  });
});

describe("settings check (what the providers' check reports, before any request)", () => {
  it("is empty for a valid configuration, credentials not required", () => {
    configure({ "ongage:baseUrl": "http://127.0.0.1:9", "ongage:maxRetries": "0" });
    expect(ongageSettingsFailures()).toEqual([]);
    expect(antsSettingsFailures()).toEqual([]);
  });

  it("reports every invalid Ongage setting, each naming its key, as resource-level failures", () => {
    configure({ "ongage:baseUrl": "http://ongage.example.com", "ongage:maxRetries": "2.5", "ongage:timeoutMs": "soon" });
    const failures = ongageSettingsFailures();
    expect(failures.map((f) => f.property)).toEqual(["", "", ""]);
    expect(failures[0]!.reason).toMatch(/ongage:baseUrl \/ ONGAGE_BASE_URL must use https:\/\//);
    expect(failures[1]!.reason).toMatch(/^Invalid ongage:timeoutMs "soon"/);
    expect(failures[2]!.reason).toMatch(/^Invalid ongage:maxRetries "2.5"/);
  });

  it("reports invalid ANTS strategies, cache and transport settings", () => {
    Object.assign(process.env, { ANTS_DELETE_STRATEGY: "archive", ANTS_LISTING_CACHE_MS: "-5", ANTS_MAX_CONCURRENCY: "0" });
    const reasons = antsSettingsFailures().map((f) => f.reason);
    expect(reasons).toHaveLength(3);
    expect(reasons[0]).toMatch(/ants:deleteStrategy "archive" .*"api" or "forget"/);
    expect(reasons[1]).toMatch(/ants:listingCacheMs "-5" .*from 0 to 3600000/);
    expect(reasons[2]).toMatch(/ants:maxConcurrency "0" .*ANTS_MAX_CONCURRENCY/);
  });

  it("never prints the value of a secret setting", () => {
    // No secret is numeric today; the rule holds for any secret key handed to the validators.
    const key = { config: "ants:clientSecret", env: "ANTS_CLIENT_SECRET", secret: true } as const;
    rememberConfig({ config: { get: () => "not-a-number-secret" } }, [key]);
    return import("../../provider/pulumi/settings").then(({ integerSetting }) => {
      expect(() => integerSetting(key, { fallback: 1, min: 1, max: 2 })).toThrow(/^Invalid ants:clientSecret \(from stack config/);
    });
  });
});
