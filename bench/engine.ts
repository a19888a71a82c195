/**
 * The benchmark's engine side: providers serialized exactly as `pulumi.dynamic.Resource` does in a user's
 * project, and the SDK's provider host driven over gRPC by the driver. Resolves `pulumi-segments` from the
 * repository's node_modules (the copy `npm run build` installs), as a user's project resolves it.
 */
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { Engine, ProviderHost, type ResourceSpec } from "../driver";

export const CONSUMER_DIR = resolve(__dirname, "consumer");

export const TYPES = {
  ongageSegment: "pulumi-nodejs:dynamic/ongage:Segment",
  antsSegment: "pulumi-nodejs:dynamic/ants:Segment",
} as const;

const SHIMS: Record<keyof typeof TYPES, string> = {
  ongageSegment: "pulumi-segments/dist/provider/ongage/shim.js",
  antsSegment: "pulumi-segments/dist/provider/ants/shim.js",
};

const SERIALIZE = `
const pulumi = require("@pulumi/pulumi");
const provider = require(process.argv[1]);
pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true }).then((sf) => process.stdout.write(sf.text));
`;

/** `__provider` text as the SDK serializer produces it in a project that installed the package. */
export async function serializedProvider(kind: keyof typeof TYPES): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ["-e", SERIALIZE, SHIMS[kind]], { cwd: CONSUMER_DIR });
  return stdout;
}

/** A provider host configured with `config` (credentials only through Configure), and an engine over it. */
export async function startEngine(config: Record<string, string>, env: Record<string, string | undefined> = {}) {
  const clean: Record<string, string | undefined> = {};
  for (const k of Object.keys(process.env)) if (/^(ONGAGE|ANTS)_/.test(k)) clean[k] = undefined;
  const host = await ProviderHost.start({ cwd: CONSUMER_DIR, project: "bench", env: { ...clean, ...env } });
  await host.configure(config);
  return { host, engine: new Engine({ host, project: "bench", stack: "bench" }) };
}

export function specs(type: string, provider: string, defs: Record<string, Record<string, unknown>>): ResourceSpec[] {
  return Object.entries(defs).map(([name, inputs]) => ({ type, name, inputs: { ...inputs, __provider: provider } }));
}

/** Runs `f` over `items` with at most `width` in flight. */
export async function pool<T>(items: readonly T[], width: number, f: (t: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      await f(items[i]!, i);
    }
  }));
}

/** User + system CPU time of a process so far, in ms (Linux procfs). */
export function processCpuMs(pid: number): number {
  const { readFileSync } = require("node:fs") as typeof import("node:fs");
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}
