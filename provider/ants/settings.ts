import { ConfigurationError } from "../http/errors";
import { DEFAULT_RETRY } from "../http/retry-policy";
import { numberSetting, readSetting, requireSetting, type SettingKey } from "../pulumi/settings";

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

export function antsBaseUrl(): string {
  return readSetting(ANTS_KEYS.baseUrl) ?? ANTS_DEFAULT_BASE_URL;
}

/** Read at request time, never stored on an object that could be serialized. A ready token wins. */
export function antsCredentials(): AntsCredentials {
  const accessToken = readSetting(ANTS_KEYS.accessToken);
  if (accessToken !== undefined) return { kind: "token", accessToken };
  return {
    kind: "client",
    authUrl: readSetting(ANTS_KEYS.authUrl) ?? ANTS_DEFAULT_AUTH_URL,
    clientId: requireSetting(ANTS_KEYS.clientId, `ANTS client id (or a ready token in ${ANTS_KEYS.accessToken.config} / ${ANTS_KEYS.accessToken.env})`),
    clientSecret: requireSetting(ANTS_KEYS.clientSecret, "ANTS client secret"),
  };
}

function choice<T extends string>(key: SettingKey, allowed: readonly T[], fallback: T): T {
  const raw = readSetting(key);
  if (raw === undefined) return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigurationError(`${key.config} / ${key.env} must be ${allowed.map((a) => `"${a}"`).join(" or ")}, got ${JSON.stringify(raw)}.`);
}

/** `api` (default): the assumed update endpoint; `replace`: every change recreates the segment. */
export function updateStrategy(): UpdateStrategy {
  return choice(ANTS_KEYS.updateStrategy, ["api", "replace"], "api");
}

/** `api` (default): the assumed delete endpoint; `forget`: drop from state and warn. */
export function deleteStrategy(): DeleteStrategy {
  return choice(ANTS_KEYS.deleteStrategy, ["api", "forget"], "api");
}

export function listingCacheMs(): number {
  const raw = readSetting(ANTS_KEYS.listingCacheMs);
  if (raw === "0") return 0;
  return numberSetting(ANTS_KEYS.listingCacheMs, ANTS_DEFAULT_LISTING_CACHE_MS);
}

export function antsTransportSettings() {
  return {
    perMinute: numberSetting(ANTS_KEYS.requestsPerMinute, ANTS_DEFAULT_PER_MINUTE),
    concurrency: numberSetting(ANTS_KEYS.maxConcurrency, 8),
    timeoutMs: numberSetting(ANTS_KEYS.timeoutMs, 30_000),
    deadlineMs: numberSetting(ANTS_KEYS.deadlineMs, 600_000),
    maxRetries: numberSetting(ANTS_KEYS.maxRetries, 6),
    /** First backoff step (doubles per retry, capped at DEFAULT_RETRY.maxDelayMs). */
    retryBaseMs: numberSetting(ANTS_KEYS.retryBaseMs, DEFAULT_RETRY.baseDelayMs),
    /** Longest Retry-After honoured; a longer hint fails the call. */
    maxRetryAfterMs: numberSetting(ANTS_KEYS.maxRetryAfterMs, DEFAULT_RETRY.maxRetryAfterMs),
  };
}
