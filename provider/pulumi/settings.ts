import { DEFAULT_DEADLINE_MS, DEFAULT_TIMEOUT_MS } from "../http/client";
import { ConfigurationError } from "../http/errors";
import { DEFAULT_RETRY } from "../http/retry-policy";
import { onResetProcessState } from "../http/process-state";
import { registerSecret } from "../http/redact";
import type { CheckFailure } from "./check-failures";

/** The part of Pulumi's dynamic ConfigureRequest this package uses. */
export interface ConfigureRequest {
  config: { get(key: string): string | undefined };
}

/** A setting read from stack config, else from an environment variable at call time. */
export interface SettingKey {
  /** Fully-qualified stack config key, e.g. "ongage:username". */
  config: string;
  env: string;
  /** Secret values are registered for redaction as soon as they are read. */
  secret?: boolean;
}

const remembered = new Map<string, string>();
onResetProcessState(() => remembered.clear());

/**
 * Copies the given keys out of the stack config. The dynamic provider host configures each
 * serialized provider once per process; without a Configure call `config.get` throws, which is
 * treated as "no stack config".
 */
export function rememberConfig(req: ConfigureRequest, keys: ReadonlyArray<SettingKey>): void {
  for (const key of keys) {
    let value: string | undefined;
    try {
      value = req.config.get(key.config);
    } catch {
      value = undefined;
    }
    if (value !== undefined && value !== "") {
      remembered.set(key.config, value);
      if (key.secret) registerSecret(value);
    } else remembered.delete(key.config);
  }
}

/** Stack config value if set, else the environment variable, else undefined. */
export function readSetting(key: SettingKey): string | undefined {
  const fromConfig = remembered.get(key.config);
  const fromEnv = process.env[key.env];
  const value = fromConfig ?? (fromEnv === undefined || fromEnv === "" ? undefined : fromEnv);
  if (key.secret) registerSecret(value);
  return value;
}

let environmentOnly = false;

/**
 * For the CLI, which reads no stack config: from now on in this process, setting messages name only the
 * environment variables (the providers' messages name stack config and the variable).
 */
export function settingsFromEnvironmentOnly(): void {
  environmentOnly = true;
}

/** How a message names a setting: `ongage:baseUrl / ONGAGE_BASE_URL`, or only the variable in the CLI. */
export function settingName(key: SettingKey): string {
  return environmentOnly ? key.env : `${key.config} / ${key.env}`;
}

/** Like readSetting, but a missing value is a ConfigurationError naming the places to set it. */
export function requireSetting(key: SettingKey, what: string): string {
  const value = readSetting(key);
  if (value !== undefined) return value;
  if (environmentOnly) throw new ConfigurationError(`Missing ${what}: set environment variable ${key.env}.`);
  const set = key.secret ? `pulumi config set --secret ${key.config} <value>` : `pulumi config set ${key.config} <value>`;
  throw new ConfigurationError(`Missing ${what}: set stack config "${key.config}" (${set}) or environment variable ${key.env}.`);
}

/** Where a setting's value came from, for error messages. */
function sourceOf(key: SettingKey): string {
  return remembered.has(key.config) ? `stack config "${key.config}"` : `environment variable ${key.env}`;
}

/** A ConfigurationError for a set but invalid value: names the value's source and the places to change it. */
export function invalidSetting(key: SettingKey, raw: string, expected: string): ConfigurationError {
  const shown = key.secret ? "" : ` ${JSON.stringify(raw)}`;
  if (environmentOnly) return new ConfigurationError(`Invalid environment variable ${key.env}${shown}: must be ${expected}.`);
  return new ConfigurationError(
    `Invalid ${key.config}${shown} (from ${sourceOf(key)}): must be ${expected}. ` +
      `Change stack config "${key.config}" or environment variable ${key.env}.`,
  );
}

export interface IntegerRange {
  /** Used when the setting is absent or empty. */
  fallback: number;
  min: number;
  max: number;
  /** Appended to the range in the error, e.g. "(the documented cap)". */
  note?: string;
}

/**
 * A whole-number setting within [min, max] (decimal digits only: no sign, fraction, exponent or
 * unit); absent → `fallback`. Throws a ConfigurationError naming the key, the variable and the range.
 */
export function integerSetting(key: SettingKey, range: IntegerRange): number {
  const raw = readSetting(key);
  if (raw === undefined) return range.fallback;
  const trimmed = raw.trim();
  const n = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
    throw invalidSetting(key, raw, `a whole number from ${range.min} to ${range.max}${range.note ? ` ${range.note}` : ""}`);
  }
  return n;
}

/** One of `allowed`; absent → `fallback`. */
export function choiceSetting<T extends string>(key: SettingKey, allowed: readonly T[], fallback: T): T {
  const raw = readSetting(key);
  if (raw === undefined) return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw invalidSetting(key, raw, allowed.map((a) => `"${a}"`).join(" or "));
}

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

export interface TransportDefaults {
  perMinute: number;
  concurrency: number;
  /** Highest concurrency the API allows. */
  maxConcurrency: number;
  maxConcurrencyNote?: string;
}

const HOUR_MS = 3_600_000;

function transportRanges(keys: TransportKeys, d: TransportDefaults): { [K in keyof TransportSettings]: [SettingKey, IntegerRange] } {
  return {
    perMinute: [keys.requestsPerMinute, { fallback: d.perMinute, min: 1, max: 1_000_000 }],
    concurrency: [keys.maxConcurrency, { fallback: d.concurrency, min: 1, max: d.maxConcurrency, note: d.maxConcurrencyNote }],
    timeoutMs: [keys.timeoutMs, { fallback: DEFAULT_TIMEOUT_MS, min: 1, max: HOUR_MS }],
    deadlineMs: [keys.deadlineMs, { fallback: DEFAULT_DEADLINE_MS, min: 1, max: 24 * HOUR_MS }],
    maxRetries: [keys.maxRetries, { fallback: DEFAULT_RETRY.maxRetries, min: 0, max: 100 }],
    retryBaseMs: [keys.retryBaseMs, { fallback: DEFAULT_RETRY.baseDelayMs, min: 0, max: 10 * 60_000 }],
    maxRetryAfterMs: [keys.maxRetryAfterMs, { fallback: DEFAULT_RETRY.maxRetryAfterMs, min: 0, max: 24 * HOUR_MS }],
  };
}

/** Reads and validates every transport setting of one API; throws a ConfigurationError for the first invalid one. */
export function transportSettings(keys: TransportKeys, d: TransportDefaults): TransportSettings {
  const ranges = transportRanges(keys, d);
  const out = {} as TransportSettings;
  for (const name of Object.keys(ranges) as Array<keyof TransportSettings>) out[name] = integerSetting(...ranges[name]);
  return out;
}

/** One reader per transport setting, for settingsFailures (so every invalid key is reported, not only the first). */
export function transportReaders(keys: TransportKeys, d: TransportDefaults): Array<() => number> {
  return Object.values(transportRanges(keys, d)).map(([key, range]) => () => integerSetting(key, range));
}

/**
 * Runs each reader and turns every ConfigurationError into a check failure (property "", so the
 * engine prints the reason as a resource-level error naming the config key). Other errors propagate.
 */
export function settingsFailures(readers: ReadonlyArray<() => unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const read of readers) {
    try {
      read();
    } catch (err) {
      if (!(err instanceof ConfigurationError)) throw err;
      failures.push({ property: "", reason: err.message });
    }
  }
  return failures;
}

/** @deprecated Use resetProcessState() (http/process-state.ts), which also drops caches, tokens and limiters. */
export function forgetConfig(): void {
  remembered.clear();
}
