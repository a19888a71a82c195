import type { CheckFailure } from "../pulumi/check-failures";
import { interruptedCreateWindowMs } from "../pulumi/recent-create-finder";
import {
  choiceRule,
  customRule,
  optionalIntegerRule,
  settingRowFailures,
  settingRows,
  settingValue,
  textRule,
  urlRule,
  type SettingSpec,
} from "../pulumi/setting-rules";
import { requireSetting, settingName, type SettingKey } from "../pulumi/settings";
import { transportSettings, transportSpecs, type TransportSettings } from "../pulumi/transport-settings";

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

export const DELETE_IN_USE_VALUES = ["refuse", "allow"] as const;
export type DeleteInUse = (typeof DELETE_IN_USE_VALUES)[number];

/**
 * The settings table of Ongage: every key of ONGAGE_KEYS with its rule, default and meaning. Check
 * validates every row (ongageSettingsFailures); README "### Ongage" is rendered from it.
 */
export const ONGAGE_SETTINGS = {
  baseUrl: { rule: urlRule(ONGAGE_DEFAULT_BASE_URL), shownDefault: `\`${ONGAGE_DEFAULT_BASE_URL}\``, meaning: "API root (`http://` only for loopback emulators)" },
  username: { rule: textRule(), shownDefault: "— (required)", meaning: "API user (`X_USERNAME`)" },
  password: { rule: textRule(), shownDefault: "— (required)", meaning: "API password (`X_PASSWORD`)" },
  accountCode: { rule: textRule(), shownDefault: "— (required)", meaning: "account code (`X_ACCOUNT_CODE`), not the numeric account id" },
  listId: { rule: optionalIntegerRule({ min: 1, max: Number.MAX_SAFE_INTEGER, note: "(a list id)" }), shownDefault: "account default list", meaning: "list for segments that name none" },
  ...transportSpecs({
    perMinute: ONGAGE_DEFAULT_PER_MINUTE,
    perMinuteMeaning: "process-wide call budget",
    concurrency: ONGAGE_MAX_PARALLEL,
    maxConcurrency: ONGAGE_MAX_PARALLEL,
    maxConcurrencyNote: "(Ongage allows at most 10 calls in parallel)",
    concurrencyShownDefault: "`10` (the documented cap; lower it to leave headroom for other integrations)",
  }),
  interruptedCreateWindowHours: {
    rule: customRule("hours", "", interruptedCreateWindowMs),
    shownDefault: "`24`",
    meaning: "how recently a segment must have been created to be adopted instead of created again (hours ≥ 0, fractions allowed); `0` = off (see *Interrupted runs*)",
  },
  deleteInUse: {
    rule: choiceRule(DELETE_IN_USE_VALUES, "refuse"),
    shownDefault: "`refuse`",
    meaning: "`refuse`: a delete of a segment that unfinished campaigns use fails, naming them; `allow`: it goes ahead and a warning lists the campaigns (see *Segments that campaigns and modules use*)",
  },
} as const satisfies { [K in keyof typeof ONGAGE_KEYS]: SettingSpec };

/** The rows of ONGAGE_SETTINGS with their keys, in ONGAGE_KEYS order. */
export const ongageSettingRows = () => settingRows(ONGAGE_KEYS, ONGAGE_SETTINGS);

/** The configured base URL; a ConfigurationError naming the key when it is not https:// (or loopback http://). */
export function ongageBaseUrl(): string {
  return settingValue(ONGAGE_KEYS.baseUrl, ONGAGE_SETTINGS.baseUrl);
}

/** Read at request time, never stored on an object that could be serialized. */
export function ongageCredentials(): OngageCredentials {
  return {
    username: ongageCredential("username", "Ongage user name"),
    password: ongageCredential("password", "Ongage password"),
    accountCode: ongageCredential("accountCode", "Ongage account code"),
  };
}

function ongageCredential(name: "username" | "password" | "accountCode", what: string): string {
  settingValue(ONGAGE_KEYS[name], ONGAGE_SETTINGS[name]);
  return requireSetting(ONGAGE_KEYS[name], what);
}

/** The default list for segments that name none; undefined means the account's default list. */
export function ongageDefaultListId(): number | undefined {
  return settingValue(ONGAGE_KEYS.listId, ONGAGE_SETTINGS.listId);
}

/** `ongage:deleteInUse` / ONGAGE_DELETE_IN_USE: `refuse` (default) or `allow` a delete of a segment that campaigns use. */
export function deleteInUsePolicy(): DeleteInUse {
  return settingValue(ONGAGE_KEYS.deleteInUse, ONGAGE_SETTINGS.deleteInUse);
}

/** Ongage's transport profile; a ConfigurationError naming the key for the first invalid setting. */
export function ongageTransportSettings(): TransportSettings {
  return transportSettings(ONGAGE_KEYS, ONGAGE_SETTINGS);
}

/**
 * Every invalid Ongage setting (every row of ONGAGE_SETTINGS) as a check failure with property "",
 * without sending anything; [] when all are valid. Missing credentials are not reported here (they
 * fail the first call that needs them). Called from each Ongage resource's check.
 */
export function ongageSettingsFailures(): CheckFailure[] {
  return settingRowFailures(ongageSettingRows());
}

/**
 * The options of an OngageClient (client.ts), read from the settings now; credentials stay a reader
 * called at each request. `overrides` replace single options (tests inject a dispatcher and a clock).
 */
export function ongageClientOptions<O extends object = object>(overrides?: O) {
  return {
    baseUrl: ongageBaseUrl(),
    credentials: ongageCredentials,
    transport: ongageTransportSettings(),
    sources: {
      baseUrl: settingName(ONGAGE_KEYS.baseUrl),
      listId: `${settingName(ONGAGE_KEYS.listId)} or the segment's listId`,
      credentials: [ONGAGE_KEYS.username, ONGAGE_KEYS.password, ONGAGE_KEYS.accountCode].map(settingName).join(", "),
    },
    documentedBaseUrl: ONGAGE_DEFAULT_BASE_URL,
    ...overrides,
  };
}
