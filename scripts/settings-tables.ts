/**
 * Writes README "Configuration"'s settings tables from the settings tables in provider/ongage/settings.ts
 * and provider/ants/settings.ts (`npm run docs:settings`), between the `<!-- settings-table:… -->`
 * markers. `--check` writes nothing and exits 1 when the README differs.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readmeWithSettingsTables } from "./settings-tables-readme";

const path = join(__dirname, "..", "README.md");
const before = readFileSync(path, "utf8");
const after = readmeWithSettingsTables(before);
if (process.argv.includes("--check")) {
  if (after !== before) {
    process.stderr.write("README.md settings tables differ from the settings tables: run npm run docs:settings\n");
    process.exit(1);
  }
} else if (after !== before) {
  writeFileSync(path, after);
  process.stdout.write("README.md: settings tables rewritten\n");
}
