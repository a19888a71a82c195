import { settingName, type SettingKey } from "../pulumi/settings";
import { ANTS_KEYS, assumedPathSetting } from "./settings";

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

/** The path (relative to the base URL) to call for `op`: the override when set (validated by its settings row), else the default. */
export function assumedPath(op: AssumedOperation): string {
  return assumedPathSetting(op === "update" ? "updatePath" : "deletePath") ?? ASSUMED_ENDPOINTS[op].path;
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
