import { antsSettingRows } from "../provider/ants/settings";
import { ongageSettingRows } from "../provider/ongage/settings";
import { settingsTableMarkdown, type SettingRow } from "../provider/pulumi/setting-rules";

/** The README blocks rendered from the settings tables, by marker name. */
export const SETTINGS_TABLE_BLOCKS: Record<string, () => SettingRow[]> = { ongage: ongageSettingRows, ants: antsSettingRows };

/** `readme` with every `<!-- settings-table:NAME -->` … `<!-- /settings-table:NAME -->` block rendered; throws when a marker is missing. */
export function readmeWithSettingsTables(readme: string): string {
  let out = readme;
  for (const [name, rows] of Object.entries(SETTINGS_TABLE_BLOCKS)) {
    const open = `<!-- settings-table:${name} -->`;
    const close = `<!-- /settings-table:${name} -->`;
    const a = out.indexOf(open);
    const b = out.indexOf(close);
    if (a < 0 || b < a) throw new Error(`README.md has no ${open} … ${close} block`);
    out = `${out.slice(0, a + open.length)}\n${settingsTableMarkdown(rows())}\n${out.slice(b)}`;
  }
  return out;
}
