import type { CheckFailure } from "../pulumi/check-failures";
import { interruptedCreateWindowMs } from "../pulumi/recent-create-finder";
import {
  choiceRule,
  customRule,
  integerRule,
  pathRule,
  settingRowFailures,
  settingRows,
  settingValue,
  textRule,
  urlRule,
  type SettingSpec,
} from "../pulumi/setting-rules";
import { requireSetting, settingName, type SettingKey } from "../pulumi/settings";
import { transportSettings, transportSpecs, type TransportSettings } from "../pulumi/transport-settings";

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
  deleteInUse: { config: "ants:deleteInUse", env: "ANTS_DELETE_IN_USE" },
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

const UPDATE_STRATEGIES = ["api", "replace"] as const satisfies readonly UpdateStrategy[];
const DELETE_STRATEGIES = ["api", "forget"] as const satisfies readonly DeleteStrategy[];
const DELETE_IN_USE_VALUES = ["refuse", "allow"] as const;

/**
 * The settings table of ANTS: every key of ANTS_KEYS with its rule, default and meaning. Check
 * validates every row (antsSettingsFailures); README "### ANTS CDP" is rendered from it.
 */
export const ANTS_SETTINGS = {
  baseUrl: { rule: urlRule(ANTS_DEFAULT_BASE_URL), shownDefault: `\`${ANTS_DEFAULT_BASE_URL}\``, meaning: "API root (`http://` only for loopback emulators)" },
  authUrl: { rule: urlRule(ANTS_DEFAULT_AUTH_URL), shownDefault: `\`${ANTS_DEFAULT_AUTH_URL}\``, meaning: `token endpoint base (\`/oauth/token\`, scope \`${ANTS_SCOPE}\`)` },
  clientId: { rule: textRule(), shownDefault: "—", meaning: "OAuth client id" },
  clientSecret: { rule: textRule(), shownDefault: "—", meaning: "OAuth client secret" },
  accessToken: { rule: textRule(), shownDefault: "—", meaning: "a ready bearer token; wins over client credentials, never renewed" },
  updateStrategy: {
    rule: choiceRule(UPDATE_STRATEGIES, "api"),
    shownDefault: "`api`",
    meaning: "`api`: the assumed update endpoint; `replace`: every change recreates the segment",
  },
  deleteStrategy: {
    rule: choiceRule(DELETE_STRATEGIES, "api"),
    shownDefault: "`api`",
    meaning: "`api`: the assumed delete endpoint; `forget`: drop from state and warn that the segment stays in ANTS",
  },
  updatePath: { rule: pathRule("/segment/update"), shownDefault: "`/segment/update`", meaning: "assumed update endpoint (see below)" },
  deletePath: { rule: pathRule("/segment/delete"), shownDefault: "`/segment/delete`", meaning: "assumed delete endpoint" },
  deleteInUse: {
    rule: choiceRule(DELETE_IN_USE_VALUES, "refuse"),
    shownDefault: "`refuse`",
    meaning: "`refuse`: a delete of a segment whose Listing entry names modules in `used_by_modules` (or does not show the field) fails, naming them; `allow`: it goes ahead and a warning lists the modules (see *Segments that campaigns and modules use*)",
  },
  listingCacheMs: {
    rule: integerRule({ fallback: ANTS_DEFAULT_LISTING_CACHE_MS, min: 0, max: 3_600_000 }),
    shownDefault: `\`${ANTS_DEFAULT_LISTING_CACHE_MS}\``,
    meaning: "how long one listing serves concurrent reads (refresh); `0` = one search per segment",
  },
  ...transportSpecs({
    perMinute: ANTS_DEFAULT_PER_MINUTE,
    perMinuteMeaning: "process-wide call budget (the documents show 200/min elsewhere)",
    concurrency: 8,
    maxConcurrency: 64,
  }),
  interruptedCreateWindowHours: {
    rule: customRule("hours", "", interruptedCreateWindowMs),
    shownDefault: "`24`",
    meaning: "the same as `ongage:interruptedCreateWindowHours`, for ANTS",
  },
} as const satisfies { [K in keyof typeof ANTS_KEYS]: SettingSpec };

/** The rows of ANTS_SETTINGS with their keys, in ANTS_KEYS order. */
export const antsSettingRows = () => settingRows(ANTS_KEYS, ANTS_SETTINGS);

/** The configured API base URL; a ConfigurationError naming the key when it is not https:// (or loopback http://). */
export function antsBaseUrl(): string {
  return settingValue(ANTS_KEYS.baseUrl, ANTS_SETTINGS.baseUrl);
}

/** The configured token endpoint base; validated like antsBaseUrl. */
export function antsAuthUrl(): string {
  return settingValue(ANTS_KEYS.authUrl, ANTS_SETTINGS.authUrl);
}

/** Read at request time, never stored on an object that could be serialized. A ready token wins. */
export function antsCredentials(): AntsCredentials {
  const accessToken = settingValue(ANTS_KEYS.accessToken, ANTS_SETTINGS.accessToken);
  if (accessToken !== undefined) return { kind: "token", accessToken };
  settingValue(ANTS_KEYS.clientId, ANTS_SETTINGS.clientId);
  settingValue(ANTS_KEYS.clientSecret, ANTS_SETTINGS.clientSecret);
  return {
    kind: "client",
    authUrl: antsAuthUrl(),
    clientId: requireSetting(ANTS_KEYS.clientId, `ANTS client id (or a ready token in ${settingName(ANTS_KEYS.accessToken)})`),
    clientSecret: requireSetting(ANTS_KEYS.clientSecret, "ANTS client secret"),
  };
}

/** `api` (default): the assumed update endpoint; `replace`: every change recreates the segment. */
export function updateStrategy(): UpdateStrategy {
  return settingValue(ANTS_KEYS.updateStrategy, ANTS_SETTINGS.updateStrategy);
}

/** `api` (default): the assumed delete endpoint; `forget`: drop from state and warn. */
export function deleteStrategy(): DeleteStrategy {
  return settingValue(ANTS_KEYS.deleteStrategy, ANTS_SETTINGS.deleteStrategy);
}

/** The configured path of an assumed endpoint (`ants:updatePath` / `ants:deletePath`); undefined when unset. */
export function assumedPathSetting(name: "updatePath" | "deletePath"): string | undefined {
  return settingValue(ANTS_KEYS[name], ANTS_SETTINGS[name]);
}

/** `ants:deleteInUse` / ANTS_DELETE_IN_USE: `refuse` (default) or `allow` a delete of a segment that modules use. */
export function antsDeleteInUsePolicy(): "refuse" | "allow" {
  return settingValue(ANTS_KEYS.deleteInUse, ANTS_SETTINGS.deleteInUse);
}

/** How long one Listing snapshot serves reads; 0 = one search per read. */
export function listingCacheMs(): number {
  return settingValue(ANTS_KEYS.listingCacheMs, ANTS_SETTINGS.listingCacheMs);
}

/** ANTS's transport profile; a ConfigurationError naming the key for the first invalid setting. */
export function antsTransportSettings(): TransportSettings {
  return transportSettings(ANTS_KEYS, ANTS_SETTINGS);
}

/**
 * Every invalid ANTS setting (every row of ANTS_SETTINGS) as a check failure with property "",
 * without sending anything; [] when all are valid. Missing credentials are not reported here (they
 * fail the first call that needs them). Called from the segment's check.
 */
export function antsSettingsFailures(): CheckFailure[] {
  return settingRowFailures(antsSettingRows());
}

/**
 * The options of an AntsClient (client.ts), read from the settings now; credentials stay a reader
 * called at each request. `overrides` replace single options (tests inject a dispatcher and a clock).
 */
export function antsClientOptions<O extends object = object>(overrides?: O) {
  return {
    baseUrl: antsBaseUrl(),
    credentials: antsCredentials,
    transport: antsTransportSettings(),
    listingCacheMs: listingCacheMs(),
    sources: {
      baseUrl: settingName(ANTS_KEYS.baseUrl),
      authUrl: settingName(ANTS_KEYS.authUrl),
      credentials: [ANTS_KEYS.clientId, ANTS_KEYS.clientSecret, ANTS_KEYS.accessToken].map(settingName).join(", "),
    },
    documentedBaseUrl: ANTS_DEFAULT_BASE_URL,
    ...overrides,
  };
}
