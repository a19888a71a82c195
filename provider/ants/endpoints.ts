import { ConfigurationError } from "../http/errors";
import { readSetting, settingName, type SettingKey } from "../pulumi/settings";
import { ANTS_KEYS } from "./settings";

/**
 * The ONE table of ANTS endpoints that are NOT documented (docs/api/ants.md §10). They follow the documented
 * conventions (POST under /segment, JSON body, the standard `code` envelope) and match the ANTS
 * emulator's assumed routes. Each path can be overridden from config; each has an honest fallback
 * strategy that avoids calling it.
 *
 * | Operation | Default path        | Body                                  | Override            | Fallback                    |
 * |-----------|---------------------|---------------------------------------|---------------------|-----------------------------|
 * | update    | POST /segment/update | Create body + `"segmentId": <number>` | ants:updatePath     | ants:updateStrategy replace |
 * | delete    | POST /segment/delete | `{ "segmentId": <number> }`           | ants:deletePath     | ants:deleteStrategy forget  |
 */
export const ASSUMED_ENDPOINTS = {
  update: { path: "/segment/update", override: ANTS_KEYS.updatePath, fallback: { key: ANTS_KEYS.updateStrategy, value: "replace" } },
  delete: { path: "/segment/delete", override: ANTS_KEYS.deletePath, fallback: { key: ANTS_KEYS.deleteStrategy, value: "forget" } },
} as const satisfies Record<string, { path: string; override: SettingKey; fallback: { key: SettingKey; value: string } }>;

export type AssumedOperation = keyof typeof ASSUMED_ENDPOINTS;

/** The path (relative to the base URL) to call for `op`; an override must start with "/". */
export function assumedPath(op: AssumedOperation): string {
  const e = ASSUMED_ENDPOINTS[op];
  const raw = readSetting(e.override);
  if (raw === undefined) return e.path;
  if (!/^\/[A-Za-z0-9/_.-]*$/.test(raw) || raw.split("/").some((s) => s === "." || s === "..")) {
    throw new ConfigurationError(`${settingName(e.override)} must be a path such as "${e.path}", got ${JSON.stringify(raw)}.`);
  }
  return raw;
}

/** The message for an assumed endpoint that does not exist on this tenant (HTTP 404 for the route). */
export function endpointMissingMessage(op: AssumedOperation, path: string, cause: string): string {
  const e = ASSUMED_ENDPOINTS[op];
  return (
    `ANTS has no ${op} endpoint at POST ${path} (${cause}). The ${op} endpoint is not documented by Antsomi; ` +
    `set \`pulumi config set ${e.fallback.key.config} ${e.fallback.value}\` (or ${e.fallback.key.env}=${e.fallback.value}), ` +
    `or point ${settingName(e.override)} at the right path.`
  );
}
