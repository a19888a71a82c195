import { assertSafeBaseUrl } from "../http/client";
import { ConfigurationError } from "../http/errors";
import type { CheckFailure } from "../pulumi/check-failures";
import {
  integerSetting,
  readSetting,
  requireSetting,
  settingName,
  settingsFailures,
  transportReaders,
  transportSettings,
  type SettingKey,
  type TransportDefaults,
  type TransportSettings,
} from "../pulumi/settings";

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
  deleteInUse: { config: "ongage:deleteInUse", env: "ONGAGE_DELETE_IN_USE" },
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

/** The configured base URL; a ConfigurationError naming the key when it is not https:// (or loopback http://). */
export function ongageBaseUrl(): string {
  const raw = readSetting(ONGAGE_KEYS.baseUrl) ?? ONGAGE_DEFAULT_BASE_URL;
  assertSafeBaseUrl(raw, settingName(ONGAGE_KEYS.baseUrl));
  return raw;
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
  if (readSetting(ONGAGE_KEYS.listId) === undefined) return undefined;
  return integerSetting(ONGAGE_KEYS.listId, { fallback: 0, min: 1, max: Number.MAX_SAFE_INTEGER, note: "(a list id)" });
}

export const DELETE_IN_USE_VALUES = ["refuse", "allow"] as const;
export type DeleteInUse = (typeof DELETE_IN_USE_VALUES)[number];

/** `ongage:deleteInUse` / ONGAGE_DELETE_IN_USE: `refuse` (default) or `allow` a delete of a segment that campaigns use. */
export function deleteInUsePolicy(): DeleteInUse {
  const raw = readSetting(ONGAGE_KEYS.deleteInUse);
  if (raw === undefined) return "refuse";
  const value = raw.trim().toLowerCase();
  if ((DELETE_IN_USE_VALUES as readonly string[]).includes(value)) return value as DeleteInUse;
  throw new ConfigurationError(`${settingName(ONGAGE_KEYS.deleteInUse)} must be "refuse" or "allow", got ${JSON.stringify(raw)}.`);
}

const ONGAGE_TRANSPORT_DEFAULTS: TransportDefaults = {
  perMinute: ONGAGE_DEFAULT_PER_MINUTE,
  concurrency: ONGAGE_MAX_PARALLEL,
  maxConcurrency: ONGAGE_MAX_PARALLEL,
  maxConcurrencyNote: "(Ongage allows at most 10 calls in parallel)",
};

/** Ongage's transport profile; a ConfigurationError naming the key for the first invalid setting. */
export function ongageTransportSettings(): TransportSettings {
  return transportSettings(ONGAGE_KEYS, ONGAGE_TRANSPORT_DEFAULTS);
}

/**
 * Every invalid Ongage setting (base URL, transport numbers) as a check failure with property "",
 * without sending anything; [] when all are valid. Missing credentials are not reported here (they
 * fail the first call that needs them), nor is `ongage:listId` (check reports it on `listId`).
 * Called from the lifecycle kit's check after configure: `failures.push(...ongageSettingsFailures())`.
 */
export function ongageSettingsFailures(): CheckFailure[] {
  return settingsFailures([ongageBaseUrl, ...transportReaders(ONGAGE_KEYS, ONGAGE_TRANSPORT_DEFAULTS), deleteInUsePolicy]);
}
