import { assertSafeBaseUrl } from "../http/client";
import type { CheckFailure } from "../pulumi/check-failures";
import {
  choiceSetting,
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

/** Every ANTS setting: stack config key first, environment variable as fallback. */
export const ANTS_KEYS = {
  baseUrl: { config: "ants:baseUrl", env: "ANTS_BASE_URL" },
  authUrl: { config: "ants:authUrl", env: "ANTS_AUTH_URL" },
  clientId: { config: "ants:clientId", env: "ANTS_CLIENT_ID" },
  clientSecret: { config: "ants:clientSecret", env: "ANTS_CLIENT_SECRET", secret: true },
  accessToken: { config: "ants:accessToken", env: "ANTS_ACCESS_TOKEN", secret: true },
  updateStrategy: { config: "ants:updateStrategy", env: "ANTS_UPDATE_STRATEGY" },
  deleteStrategy: { config: "ants:deleteStrategy", env: "ANTS_DELETE_STRATEGY" },
  updatePath: { config: "ants:updatePath", env: "ANTS_UPDATE_PATH" },
  deletePath: { config: "ants:deletePath", env: "ANTS_DELETE_PATH" },
  listingCacheMs: { config: "ants:listingCacheMs", env: "ANTS_LISTING_CACHE_MS" },
  requestsPerMinute: { config: "ants:requestsPerMinute", env: "ANTS_REQUESTS_PER_MINUTE" },
  maxConcurrency: { config: "ants:maxConcurrency", env: "ANTS_MAX_CONCURRENCY" },
  timeoutMs: { config: "ants:timeoutMs", env: "ANTS_TIMEOUT_MS" },
  deadlineMs: { config: "ants:deadlineMs", env: "ANTS_DEADLINE_MS" },
  maxRetries: { config: "ants:maxRetries", env: "ANTS_MAX_RETRIES" },
  retryBaseMs: { config: "ants:retryBaseMs", env: "ANTS_RETRY_BASE_MS" },
  maxRetryAfterMs: { config: "ants:maxRetryAfterMs", env: "ANTS_MAX_RETRY_AFTER_MS" },
  /** Hours within which a same-name segment created by an interrupted run is adopted before creating (0: off). */
  interruptedCreateWindowHours: { config: "ants:interruptedCreateWindowHours", env: "ANTS_INTERRUPTED_CREATE_WINDOW_HOURS" },
} as const satisfies Record<string, SettingKey>;

export const ANTS_DEFAULT_BASE_URL = "https://api.ants.tech/access/api";
export const ANTS_DEFAULT_AUTH_URL = "https://iam.ants.tech";
/** Scopes requested with client credentials: `segment` for the Segment API, `item` for BO attributes. */
export const ANTS_SCOPE = "segment,item";
/** Documented limit elsewhere on the API is 200/min; stay below it. */
export const ANTS_DEFAULT_PER_MINUTE = 180;
/** How long one Listing snapshot serves reads in this process. */
export const ANTS_DEFAULT_LISTING_CACHE_MS = 5_000;

export type UpdateStrategy = "api" | "replace";
export type DeleteStrategy = "api" | "forget";

/** Either a ready bearer token, or client credentials exchanged at `${authUrl}/oauth/token`. */
export type AntsCredentials =
  | { kind: "token"; accessToken: string }
  | { kind: "client"; authUrl: string; clientId: string; clientSecret: string };

/** The configured API base URL; a ConfigurationError naming the key when it is not https:// (or loopback http://). */
export function antsBaseUrl(): string {
  const raw = readSetting(ANTS_KEYS.baseUrl) ?? ANTS_DEFAULT_BASE_URL;
  assertSafeBaseUrl(raw, settingName(ANTS_KEYS.baseUrl));
  return raw;
}

/** The configured token endpoint base; validated like antsBaseUrl. */
export function antsAuthUrl(): string {
  const raw = readSetting(ANTS_KEYS.authUrl) ?? ANTS_DEFAULT_AUTH_URL;
  assertSafeBaseUrl(raw, settingName(ANTS_KEYS.authUrl));
  return raw;
}

/** Read at request time, never stored on an object that could be serialized. A ready token wins. */
export function antsCredentials(): AntsCredentials {
  const accessToken = readSetting(ANTS_KEYS.accessToken);
  if (accessToken !== undefined) return { kind: "token", accessToken };
  return {
    kind: "client",
    authUrl: antsAuthUrl(),
    clientId: requireSetting(ANTS_KEYS.clientId, `ANTS client id (or a ready token in ${settingName(ANTS_KEYS.accessToken)})`),
    clientSecret: requireSetting(ANTS_KEYS.clientSecret, "ANTS client secret"),
  };
}

/** `api` (default): the assumed update endpoint; `replace`: every change recreates the segment. */
export function updateStrategy(): UpdateStrategy {
  return choiceSetting(ANTS_KEYS.updateStrategy, ["api", "replace"], "api");
}

/** `api` (default): the assumed delete endpoint; `forget`: drop from state and warn. */
export function deleteStrategy(): DeleteStrategy {
  return choiceSetting(ANTS_KEYS.deleteStrategy, ["api", "forget"], "api");
}

/** How long one Listing snapshot serves reads; 0 = one search per read. */
export function listingCacheMs(): number {
  return integerSetting(ANTS_KEYS.listingCacheMs, { fallback: ANTS_DEFAULT_LISTING_CACHE_MS, min: 0, max: 3_600_000 });
}

const ANTS_TRANSPORT_DEFAULTS: TransportDefaults = { perMinute: ANTS_DEFAULT_PER_MINUTE, concurrency: 8, maxConcurrency: 64 };

/** ANTS's transport profile; a ConfigurationError naming the key for the first invalid setting. */
export function antsTransportSettings(): TransportSettings {
  return transportSettings(ANTS_KEYS, ANTS_TRANSPORT_DEFAULTS);
}

/**
 * Every invalid ANTS setting (base and auth URLs, strategies, listing cache, transport numbers) as
 * a check failure with property "", without sending anything; [] when all are valid. Missing
 * credentials are not reported here (they fail the first call that needs them).
 * Called from the lifecycle kit's check after configure: `failures.push(...antsSettingsFailures())`.
 */
export function antsSettingsFailures(): CheckFailure[] {
  return settingsFailures([
    antsBaseUrl,
    antsAuthUrl,
    updateStrategy,
    deleteStrategy,
    listingCacheMs,
    ...transportReaders(ANTS_KEYS, ANTS_TRANSPORT_DEFAULTS),
  ]);
}
