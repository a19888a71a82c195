// Makes `pulumi-segments` resolvable by name from the repo root, as it is in a user's project:
// the serialized provider shim and the Pulumi provider host load `pulumi-segments/dist/...` by name.
import { existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const link = join(root, "node_modules", "pulumi-segments");
mkdirSync(dirname(link), { recursive: true });
const target = relative(dirname(link), root);
if (existsSync(link) || lstatSync(link, { throwIfNoEntry: false })) {
  const st = lstatSync(link);
  if (st.isSymbolicLink() && readlinkSync(link) === target) process.exit(0);
  rmSync(link, { recursive: true, force: true });
}
symlinkSync(target, link, "dir");
