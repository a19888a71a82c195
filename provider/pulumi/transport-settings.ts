import type { Dispatcher } from "undici";
import { DEFAULT_DEADLINE_MS, DEFAULT_TIMEOUT_MS } from "../http/client";
import { DEFAULT_RETRY, type RetrySettings } from "../http/retry-policy";
import { integerRule, settingValue, type SettingSpec } from "./setting-rules";
import type { SettingKey } from "./settings";

/** The transport settings every API has, under its own keys. */
export interface TransportKeys {
  requestsPerMinute: SettingKey;
  maxConcurrency: SettingKey;
  timeoutMs: SettingKey;
  deadlineMs: SettingKey;
  maxRetries: SettingKey;
  retryBaseMs: SettingKey;
  maxRetryAfterMs: SettingKey;
}

/** One API's transport profile: quota, concurrency, timeouts and retry policy, validated. */
export interface TransportSettings {
  perMinute: number;
  concurrency: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Budget of one call including retries and waits. */
  deadlineMs: number;
  /** Retries after the first attempt; 0 disables retries. */
  maxRetries: number;
  /** First backoff step (doubles per retry, capped at DEFAULT_RETRY.maxDelayMs); 0 retries at once. */
  retryBaseMs: number;
  /** Longest Retry-After honoured; a longer hint fails the call. */
  maxRetryAfterMs: number;
}

/**
 * What every API client takes (provider/ongage/client.ts, provider/ants/client.ts extend it with their own options):
 * where the API is, a credentials reader, the transport profile, and what tests inject.
 */
export interface ApiClientOptions<Credentials, Sources extends { baseUrl: string; credentials: string }> {
  baseUrl: string;
  /** Read at every request (never stored on the client). */
  credentials: () => Credentials;
  /** Rate limit, per-attempt timeout, deadline and retries. */
  transport: TransportSettings;
  /** Where each option comes from (setting / variable), for messages that must say what to check. */
  sources: Sources;
  /** The documented form of the base URL, shown when the root answers 404. */
  documentedBaseUrl: string;
  /** Injected transport for tests (an undici MockAgent). */
  dispatcher?: Dispatcher;
  retry?: Partial<RetrySettings>;
  /** Injected wait for tests (a fake clock). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface TransportDefaults {
  perMinute: number;
  concurrency: number;
  /** Highest concurrency the API allows. */
  maxConcurrency: number;
  maxConcurrencyNote?: string;
  /** README "Default" column of the concurrency setting. */
  concurrencyShownDefault?: string;
  /** README "Meaning" column of the call budget. */
  perMinuteMeaning: string;
}

const HOUR_MS = 3_600_000;

/** The settings-table rows of one API's transport settings (keyed like TransportKeys). */
export function transportSpecs(d: TransportDefaults): { [K in keyof TransportKeys]: SettingSpec<number> } {
  const shown = (n: number) => `\`${n}\``;
  return {
    requestsPerMinute: { rule: integerRule({ fallback: d.perMinute, min: 1, max: 1_000_000 }), shownDefault: shown(d.perMinute), meaning: d.perMinuteMeaning },
    maxConcurrency: {
      rule: integerRule({ fallback: d.concurrency, min: 1, max: d.maxConcurrency, note: d.maxConcurrencyNote }),
      shownDefault: d.concurrencyShownDefault ?? shown(d.concurrency),
      meaning: "calls in flight at once",
    },
    timeoutMs: { rule: integerRule({ fallback: DEFAULT_TIMEOUT_MS, min: 1, max: HOUR_MS }), shownDefault: shown(DEFAULT_TIMEOUT_MS), meaning: "per-attempt timeout" },
    deadlineMs: {
      rule: integerRule({ fallback: DEFAULT_DEADLINE_MS, min: 1, max: 24 * HOUR_MS }),
      shownDefault: shown(DEFAULT_DEADLINE_MS),
      meaning: "budget of one call including retries",
    },
    maxRetries: {
      rule: integerRule({ fallback: DEFAULT_RETRY.maxRetries, min: 0, max: 100 }),
      shownDefault: shown(DEFAULT_RETRY.maxRetries),
      meaning: "retries of 429/5xx/lost responses (never for a create); `0` = no retries. A connection that cannot be opened gets 2 quick retries instead (*What the provider never assumes*)",
    },
    retryBaseMs: {
      rule: integerRule({ fallback: DEFAULT_RETRY.baseDelayMs, min: 0, max: 10 * 60_000 }),
      shownDefault: shown(DEFAULT_RETRY.baseDelayMs),
      meaning: `first backoff step; doubles per retry (capped at ${DEFAULT_RETRY.maxDelayMs / 1000} s), minus up to 25 % jitter; \`0\` = retry at once`,
    },
    maxRetryAfterMs: {
      rule: integerRule({ fallback: DEFAULT_RETRY.maxRetryAfterMs, min: 0, max: 24 * HOUR_MS }),
      shownDefault: shown(DEFAULT_RETRY.maxRetryAfterMs),
      meaning: "longest `Retry-After` honoured (seconds or HTTP date, beyond undici's 30 s cap); a longer hint fails the call",
    },
  };
}

/** Reads and validates every transport setting of one API; throws a ConfigurationError for the first invalid one. */
export function transportSettings(keys: TransportKeys, specs: { [K in keyof TransportKeys]: SettingSpec<number> }): TransportSettings {
  const read = (name: keyof TransportKeys) => settingValue(keys[name], specs[name]);
  return {
    perMinute: read("requestsPerMinute"),
    concurrency: read("maxConcurrency"),
    timeoutMs: read("timeoutMs"),
    deadlineMs: read("deadlineMs"),
    maxRetries: read("maxRetries"),
    retryBaseMs: read("retryBaseMs"),
    maxRetryAfterMs: read("maxRetryAfterMs"),
  };
}
