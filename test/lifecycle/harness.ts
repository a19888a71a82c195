import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { Engine, ProviderHost, type ResourceSpec } from "../../driver";

/** A consumer project: its own package.json, pulumi-segments installed under node_modules (npm run build). */
export const CONSUMER_DIR = join(__dirname, "..", "fixtures", "consumer");

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

/** `__provider` text exactly as pulumi.dynamic.Resource produces it in a consumer project. */
export async function serializedProvider(kind: keyof typeof TYPES): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(CONSUMER_DIR, "serialize-provider.js"), SHIMS[kind]], { cwd: CONSUMER_DIR });
  return (JSON.parse(stdout) as { text: string }).text;
}

/** A provider host (the SDK's gRPC server) configured with `config`, and an engine over it. */
export async function startEngine(config: Record<string, string>, opts: { project?: string; stack?: string; env?: Record<string, string | undefined> } = {}) {
  const project = opts.project ?? "segments-test";
  // No credential reaches the host through its environment: only the Configure call carries them.
  const env: Record<string, string | undefined> = {};
  for (const k of Object.keys(process.env)) if (/^(ONGAGE|ANTS)_/.test(k)) env[k] = undefined;
  const host = await ProviderHost.start({ cwd: CONSUMER_DIR, project, env: { ...env, ...opts.env } });
  await host.configure(config);
  const engine = new Engine({ host, project, stack: opts.stack ?? "test" });
  return { host, engine };
}

/** Builds specs of one type from a name → inputs map. */
export function specs(type: string, provider: string, defs: Record<string, Record<string, unknown>>): ResourceSpec[] {
  return Object.entries(defs).map(([name, inputs]) => ({ type, name, inputs: { ...inputs, __provider: provider } }));
}
