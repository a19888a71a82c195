// Installs the built package into node_modules/pulumi-segments as a real copy (package.json, dist/, schema/),
// exactly as `npm install` places it in a user's project. The provider host and the serialized
// provider load `pulumi-segments/dist/...` by name, and the SDK serializer captures the shim module by
// reference only when it lives under node_modules.
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "node_modules", "pulumi-segments");
if (!existsSync(join(root, "dist"))) {
  console.error("link-self: dist/ is missing; run the build first");
  process.exit(1);
}
rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
cpSync(join(root, "package.json"), join(target, "package.json"));
cpSync(join(root, "dist"), join(target, "dist"), { recursive: true });
if (existsSync(join(root, "schema"))) cpSync(join(root, "schema"), join(target, "schema"), { recursive: true });
