import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** Node's own require: fixtures must load untransformed so the closure serializer can read them. */
export const nodeRequire = createRequire(__filename);
export const fixtureDir = resolve(__dirname, "..", "fixtures", "driver");
export const repoRoot = resolve(__dirname, "..", "..");
export const FIXTURE_TYPE = "pulumi-nodejs:dynamic/fixture:Item";

export async function fixtureProviderText(): Promise<string> {
  const mod = nodeRequire(join(fixtureDir, "serialize.js")) as { serializeFixtureProvider(): Promise<string> };
  return mod.serializeFixtureProvider();
}

export interface FixtureStore {
  nextId: number;
  items: Record<string, Record<string, unknown>>;
}

/** A fresh "remote" store for the fixture provider. */
export function newStore(): { path: string; read(): FixtureStore; write(s: FixtureStore): void; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "driver-test-"));
  const path = join(dir, "remote.json");
  writeFileSync(path, JSON.stringify({ nextId: 1, items: {} }));
  return {
    dir,
    path,
    read: () => JSON.parse(readFileSync(path, "utf8")) as FixtureStore,
    write: (s) => writeFileSync(path, JSON.stringify(s)),
  };
}

/** A provider host configured for the fixture provider with a fresh store, and a spec factory for it. */
export async function startFixtureHost(): Promise<{
  host: import("../../driver/provider-host").ProviderHost;
  store: ReturnType<typeof newStore>;
  item(name: string, inputs: Record<string, unknown>, extra?: Partial<import("../../driver/engine").ResourceSpec>): import("../../driver/engine").ResourceSpec;
  /** The RPCs (`"Check a"`) made while `fn` ran. */
  rpcsDuring<T>(fn: () => Promise<T>): Promise<{ result: T; rpcs: string[] }>;
}> {
  const { ProviderHost } = await import("../../driver/provider-host");
  const text = await fixtureProviderText();
  const store = newStore();
  const host = await ProviderHost.start({ cwd: repoRoot, project: "driver" });
  await host.configure({ "fixture:storePath": store.path });
  return {
    host,
    store,
    item: (name, inputs, extra = {}) => ({ type: FIXTURE_TYPE, name, inputs: { name, ...inputs, __provider: text }, ...extra }),
    rpcsDuring: async (fn) => {
      const from = host.calls.length;
      const result = await fn();
      return { result, rpcs: host.calls.slice(from).map((c) => `${c.rpc} ${c.urn.split("::").pop()}`) };
    },
  };
}
