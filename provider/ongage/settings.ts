import { ConfigurationError } from "../http/errors";
import { DEFAULT_RETRY } from "../http/retry-policy";
import { numberSetting, readSetting, requireSetting, type SettingKey } from "../pulumi/settings";

/** Every Ongage setting: stack config key first, environment variable as fallback. */
export const ONGAGE_KEYS = {
  baseUrl: { config: "ongage:baseUrl", env: "ONGAGE_BASE_URL" },
  username: { config: "ongage:username", env: "ONGAGE_USERNAME" },
  password: { config: "ongage:password", env: "ONGAGE_PASSWORD", secret: true },
  accountCode: { config: "ongage:accountCode", env: "ONGAGE_ACCOUNT_CODE" },
  listId: { config: "ongage:listId", env: "ONGAGE_LIST_ID" },
  requestsPerMinute: { config: "ongage:requestsPerMinute", env: "ONGAGE_REQUESTS_PER_MINUTE" },
  maxConcurrency: { config: "ongage:maxConcurrency", env: "ONGAGE_MAX_CONCURRENCY" },
  timeoutMs: { config: "ongage:timeoutMs", env: "ONGAGE_TIMEOUT_MS" },
  deadlineMs: { config: "ongage:deadlineMs", env: "ONGAGE_DEADLINE_MS" },
  maxRetries: { config: "ongage:maxRetries", env: "ONGAGE_MAX_RETRIES" },
  retryBaseMs: { config: "ongage:retryBaseMs", env: "ONGAGE_RETRY_BASE_MS" },
  maxRetryAfterMs: { config: "ongage:maxRetryAfterMs", env: "ONGAGE_MAX_RETRY_AFTER_MS" },
  /** Hours within which a same-name segment created by an interrupted run is adopted before creating (0: off). */
  interruptedCreateWindowHours: { config: "ongage:interruptedCreateWindowHours", env: "ONGAGE_INTERRUPTED_CREATE_WINDOW_HOURS" },
} as const satisfies Record<string, SettingKey>;

export const ONGAGE_DEFAULT_BASE_URL = "https://api.ongage.net";
/** Documented default account quota: 300 calls per minute, at most 10 in parallel. */
export const ONGAGE_DEFAULT_PER_MINUTE = 300;
export const ONGAGE_MAX_PARALLEL = 10;

export interface OngageCredentials {
  username: string;
  password: string;
  accountCode: string;
}

export function ongageBaseUrl(): string {
  return readSetting(ONGAGE_KEYS.baseUrl) ?? ONGAGE_DEFAULT_BASE_URL;
}

/** Read at request time, never stored on an object that could be serialized. */
export function ongageCredentials(): OngageCredentials {
  return {
    username: requireSetting(ONGAGE_KEYS.username, "Ongage user name"),
    password: requireSetting(ONGAGE_KEYS.password, "Ongage password"),
    accountCode: requireSetting(ONGAGE_KEYS.accountCode, "Ongage account code"),
  };
}

/** The default list for segments that name none; undefined means the account's default list. */
export function ongageDefaultListId(): number | undefined {
  const raw = readSetting(ONGAGE_KEYS.listId);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    throw new ConfigurationError(`${ONGAGE_KEYS.listId.config} / ${ONGAGE_KEYS.listId.env} must be a positive integer list id, got ${JSON.stringify(raw)}.`);
  }
  return n;
}

export function ongageTransportSettings() {
  return {
    perMinute: numberSetting(ONGAGE_KEYS.requestsPerMinute, ONGAGE_DEFAULT_PER_MINUTE),
    concurrency: Math.min(numberSetting(ONGAGE_KEYS.maxConcurrency, ONGAGE_MAX_PARALLEL), ONGAGE_MAX_PARALLEL),
    timeoutMs: numberSetting(ONGAGE_KEYS.timeoutMs, 30_000),
    deadlineMs: numberSetting(ONGAGE_KEYS.deadlineMs, 600_000),
    maxRetries: numberSetting(ONGAGE_KEYS.maxRetries, 6),
    /** First backoff step (doubles per retry, capped at DEFAULT_RETRY.maxDelayMs). */
    retryBaseMs: numberSetting(ONGAGE_KEYS.retryBaseMs, DEFAULT_RETRY.baseDelayMs),
    /** Longest Retry-After honoured; a longer hint fails the call. */
    maxRetryAfterMs: numberSetting(ONGAGE_KEYS.maxRetryAfterMs, DEFAULT_RETRY.maxRetryAfterMs),
  };
}
