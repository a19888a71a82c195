import { ConfigurationError } from "../http/errors";
import { processState } from "../http/process-state";
import { registerSecret } from "../http/redact";

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

const remembered = processState("pulumi/settings: remembered stack config", () => new Map<string, string>());

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
      remembered().set(key.config, value);
      if (key.secret) registerSecret(value);
    } else remembered().delete(key.config);
  }
}

/** Stack config value if set, else the environment variable, else undefined. */
export function readSetting(key: SettingKey): string | undefined {
  const fromConfig = remembered().get(key.config);
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
  return remembered().has(key.config) ? `stack config "${key.config}"` : `environment variable ${key.env}`;
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

/** @deprecated Use resetProcessState() (provider/http/process-state.ts), which also drops caches, tokens and limiters. */
export function forgetConfig(): void {
  remembered().clear();
}
