import { ConfigurationError } from "../http/errors";

/** The part of Pulumi's dynamic ConfigureRequest this package uses. */
export interface ConfigureRequest {
  config: { get(key: string): string | undefined };
}

/** A setting read from stack config, else from an environment variable at call time. */
export interface SettingKey {
  /** Fully-qualified stack config key, e.g. "ongage:username". */
  config: string;
  env: string;
  secret?: boolean;
}

const remembered = new Map<string, string>();

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
    if (value !== undefined && value !== "") remembered.set(key.config, value);
    else remembered.delete(key.config);
  }
}

/** Stack config value if set, else the environment variable, else undefined. */
export function readSetting(key: SettingKey): string | undefined {
  const fromConfig = remembered.get(key.config);
  if (fromConfig !== undefined) return fromConfig;
  const fromEnv = process.env[key.env];
  return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
}

/** Like readSetting, but a missing value is a ConfigurationError naming both places to set it. */
export function requireSetting(key: SettingKey, what: string): string {
  const value = readSetting(key);
  if (value !== undefined) return value;
  const set = key.secret ? `pulumi config set --secret ${key.config} <value>` : `pulumi config set ${key.config} <value>`;
  throw new ConfigurationError(`Missing ${what}: set stack config "${key.config}" (${set}) or environment variable ${key.env}.`);
}

/** Parses a numeric setting, naming the key on failure. */
export function numberSetting(key: SettingKey, fallback: number): number {
  const raw = readSetting(key);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    throw new ConfigurationError(`${key.config} / ${key.env} must be a positive number, got ${JSON.stringify(raw)}.`);
  }
  return n;
}

/** Forgets remembered stack config; for tests that switch configurations within one process. */
export function forgetConfig(): void {
  remembered.clear();
}
