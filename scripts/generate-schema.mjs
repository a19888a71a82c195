// Writes schema/segments.schema.json (the JSON Schema of segment definition files) from the built
// zod schemas in dist/. With --check, writes nothing and exits 1 if the committed file is stale.
import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const built = join(root, "dist", "provider", "definitions", "json-schema.js");
if (!existsSync(built)) {
  console.error("generate-schema: dist/ is missing; run `npx tsc -p tsconfig.build.json` first");
  process.exit(1);
}
const { definitionsJsonSchemaText, JSON_SCHEMA_PATH } = createRequire(import.meta.url)(built);
const target = join(root, JSON_SCHEMA_PATH);
const text = definitionsJsonSchemaText();

if (process.argv.includes("--check")) {
  const current = existsSync(target) ? readFileSync(target, "utf8") : "";
  if (current !== text) {
    console.error(`generate-schema: ${JSON_SCHEMA_PATH} is stale; run \`npm run schema\` and commit it`);
    process.exit(1);
  }
  console.log(`${JSON_SCHEMA_PATH} is current`);
} else {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  console.log(`wrote ${JSON_SCHEMA_PATH}`);
}
