import { assertSafeBaseUrl } from "../http/client";
import { ConfigurationError } from "../http/errors";
import type { CheckFailure } from "./check-failures";
import { integerSetting, invalidSetting, readSetting, settingName, type IntegerRange, type SettingKey } from "./settings";

/**
 * The one table of settings: each API's settings.ts lists every key with its rule, its default and
 * its meaning. The same rows validate every setting at check (so a bad value fails `pulumi preview`
 * before any request), are read at call time, and render the README's Configuration tables
 * (`npm run docs:settings`; test/pulumi/settings-table.test.ts proves the README agrees).
 */

/** How a setting's text is validated; tests feed each kind a value it must refuse. */
export type SettingKind = "url" | "text" | "integer" | "hours" | "choice" | "path";

export interface SettingRule<T> {
  kind: SettingKind;
  /** The accepted values as the README's Meaning column ends, e.g. "1–10"; "" when the meaning says it. */
  accepts: string;
  /** The validated value of `key` (stack config, else variable; absent → the default). Throws a ConfigurationError naming both. */
  read(key: SettingKey): T;
}

/** One row of a settings table, without its key (the table is keyed like the API's `*_KEYS`). */
export interface SettingSpec<T = unknown> {
  rule: SettingRule<T>;
  /** README "Default" column (Markdown). */
  shownDefault: string;
  /** README "Meaning" column (Markdown), before the accepted values. */
  meaning: string;
}

export interface SettingRow<T = unknown> extends SettingSpec<T> {
  key: SettingKey;
}

/** Every key of `keys` with its spec, in the keys' order. */
export function settingRows<K extends string>(keys: Record<K, SettingKey>, specs: Record<K, SettingSpec>): SettingRow[] {
  return (Object.keys(keys) as K[]).map((name) => ({ key: keys[name], ...specs[name] }));
}

/** The validated value of one row. */
export function settingValue<T>(key: SettingKey, spec: SettingSpec<T>): T {
  return spec.rule.read(key);
}

/**
 * Every invalid setting of `rows` as a check failure with property "" (the engine prints it as a
 * resource-level error naming the key and the variable); [] when all are valid. Sends nothing.
 * Missing values are not failures here: a missing credential fails the first call that needs it.
 */
export function settingRowFailures(rows: ReadonlyArray<SettingRow>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const row of rows) {
    try {
      row.rule.read(row.key);
    } catch (err) {
      if (!(err instanceof ConfigurationError)) throw err;
      failures.push({ property: "", reason: err.message });
    }
  }
  return failures;
}

/** An API root: `https://`, or `http://` to a loopback host (emulators); absent → `fallback`. */
export function urlRule(fallback: string): SettingRule<string> {
  return {
    kind: "url",
    accepts: "",
    read(key) {
      const raw = readSetting(key) ?? fallback;
      assertSafeBaseUrl(raw, settingName(key));
      return raw;
    },
  };
}

/**
 * Free text sent in a header or a form (user names, account codes, client ids, secrets): anything but
 * control characters, which no header can carry. Absent → undefined (required ones fail at first use).
 */
export function textRule(): SettingRule<string | undefined> {
  return {
    kind: "text",
    accepts: "",
    read(key) {
      const raw = readSetting(key);
      // eslint-disable-next-line no-control-regex
      if (raw !== undefined && /[\u0000-\u001f\u007f]/.test(raw)) throw invalidSetting(key, raw, "text without control characters (line breaks, tabs)");
      return raw;
    },
  };
}

/** A whole number within the range (see integerSetting); absent → `range.fallback`. */
export function integerRule(range: IntegerRange): SettingRule<number> {
  return { kind: "integer", accepts: `${range.min}–${range.max}`, read: (key) => integerSetting(key, range) };
}

/** A whole number within the range, or undefined when absent (e.g. a list id that defaults on the server). */
export function optionalIntegerRule(range: Omit<IntegerRange, "fallback">): SettingRule<number | undefined> {
  return {
    kind: "integer",
    accepts: "",
    read: (key) => (readSetting(key) === undefined ? undefined : integerSetting(key, { ...range, fallback: range.min })),
  };
}

/** One of `allowed` (surrounding spaces and case ignored); absent → `fallback`. */
export function choiceRule<T extends string>(allowed: readonly T[], fallback: T): SettingRule<T> {
  return {
    kind: "choice",
    accepts: "",
    read(key) {
      const raw = readSetting(key);
      if (raw === undefined) return fallback;
      const value = raw.trim().toLowerCase();
      if ((allowed as readonly string[]).includes(value)) return value as T;
      throw invalidSetting(key, raw, allowed.map((a) => `"${a}"`).join(" or "));
    },
  };
}

/** An endpoint path under the base URL (`/` then letters, digits, `/_.-`; no `.`/`..` segment); absent → undefined. */
export function pathRule(example: string): SettingRule<string | undefined> {
  return {
    kind: "path",
    accepts: "",
    read(key) {
      const raw = readSetting(key);
      if (raw === undefined) return undefined;
      if (!/^\/[A-Za-z0-9/_.-]*$/.test(raw) || raw.split("/").some((s) => s === "." || s === "..")) {
        throw invalidSetting(key, raw, `a path such as "${example}" (letters, digits and /_.- only)`);
      }
      return raw;
    },
  };
}

/** A rule whose reading lives with the feature that uses it (e.g. a time window); `kind` says how tests refuse it. */
export function customRule<T>(kind: SettingKind, accepts: string, read: (key: SettingKey) => T): SettingRule<T> {
  return { kind, accepts, read };
}

/** The Markdown table of `rows`, as README "Configuration" shows it (`npm run docs:settings` writes it). */
export function settingsTableMarkdown(rows: ReadonlyArray<SettingRow>): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const lines = ["| Stack config | Environment | Default | Meaning |", "|---|---|---|---|"];
  for (const { key, rule, shownDefault, meaning } of rows) {
    const config = `\`${key.config}\`${key.secret ? " (secret)" : ""}`;
    const full = rule.accepts ? `${meaning} (${rule.accepts})` : meaning;
    lines.push(`| ${config} | \`${key.env}\` | ${cell(shownDefault)} | ${cell(full)} |`);
  }
  return lines.join("\n");
}
