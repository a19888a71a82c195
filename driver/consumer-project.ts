import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { Engine } from "./engine";
import { ProviderHost } from "./provider-host";
import type { ResourceSpec } from "./steps";

/** The resource types of pulumi-segments as the engine names them. */
export const TYPES = {
  ongageSegment: "pulumi-nodejs:dynamic/ongage:Segment",
  ongageRecipients: "pulumi-nodejs:dynamic/ongage:ExternalRecipients",
  antsSegment: "pulumi-nodejs:dynamic/ants:Segment",
} as const;

const SHIMS: Record<keyof typeof TYPES, string> = {
  ongageSegment: "pulumi-segments/dist/provider/ongage/shim.js",
  ongageRecipients: "pulumi-segments/dist/provider/ongage/recipients-shim.js",
  antsSegment: "pulumi-segments/dist/provider/ants/shim.js",
};

// Serializes a provider module exactly as pulumi.dynamic.Resource does; prints { text } as JSON. It runs
// as a file (the serializer resolves captured modules from the main module, which \`node -e\` lacks).
const SERIALIZE_FILE = "serialize-provider.js";
const SERIALIZE = `
const pulumi = require("@pulumi/pulumi");
const provider = require(process.argv[2]);
pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })
  .then((sf) => process.stdout.write(JSON.stringify({ text: sf.text })))
  .catch((err) => { console.error(err); process.exit(1); });
`;

let created: string | undefined;

/**
 * A consumer project: a fresh directory with its own package.json whose node_modules is a link to the
 * nearest node_modules above `from` holding pulumi-segments (\`npm run build\` installs it there), so
 * \`pulumi-segments\` and \`@pulumi/pulumi\` resolve the way they do in a user's project. Created once
 * per process; throws when no such node_modules exists.
 */
export function consumerDir(from: string = __dirname): string {
  if (created) return created;
  for (let dir = from; ; dir = dirname(dir)) {
    const modules = join(dir, "node_modules");
    if (existsSync(join(modules, "pulumi-segments", "package.json"))) {
      const consumer = mkdtempSync(join(tmpdir(), "pulumi-segments-consumer-"));
      writeFileSync(join(consumer, "package.json"), '{ "name": "pulumi-segments-consumer", "private": true }\n');
      writeFileSync(join(consumer, SERIALIZE_FILE), SERIALIZE);
      symlinkSync(modules, join(consumer, "node_modules"), "dir");
      return (created = consumer);
    }
    if (dirname(dir) === dir) throw new Error(`no node_modules/pulumi-segments above ${from}: run \`npm run build\``);
  }
}

/** `__provider` text exactly as pulumi.dynamic.Resource produces it in a project at `cwd`. */
export async function serializedProvider(kind: keyof typeof TYPES, cwd: string = consumerDir()): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(cwd, SERIALIZE_FILE), SHIMS[kind]], { cwd });
  return (JSON.parse(stdout) as { text: string }).text;
}

/**
 * A provider host (the SDK's gRPC server) configured with `config` only — no ONGAGE_* / ANTS_*
 * variable reaches it unless given in `env` — and an engine over it.
 */
export async function startEngine(
  config: Record<string, string>,
  opts: { project?: string; stack?: string; env?: Record<string, string | undefined>; cwd?: string } = {},
) {
  const project = opts.project ?? "segments-test";
  const env: Record<string, string | undefined> = {};
  for (const k of Object.keys(process.env)) if (/^(ONGAGE|ANTS)_/.test(k)) env[k] = undefined;
  const host = await ProviderHost.start({ cwd: opts.cwd ?? consumerDir(), project, env: { ...env, ...opts.env } });
  await host.configure(config);
  const engine = new Engine({ host, project, stack: opts.stack ?? "test" });
  return { host, engine };
}

/** Specs of one type from a name → inputs map, each carrying the serialized provider. */
export function specs(type: string, provider: string, defs: Record<string, Record<string, unknown>>): ResourceSpec[] {
  return Object.entries(defs).map(([name, inputs]) => ({ type, name, inputs: { ...inputs, __provider: provider } }));
}
