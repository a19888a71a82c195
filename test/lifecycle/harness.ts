import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as consumer from "../../driver/consumer-project";
import type { AntsEmulator } from "../../emulators/ants/server";
import type { OngageEmulator } from "../../emulators/ongage/server";

/** A consumer project: its own package.json, pulumi-segments resolved from node_modules (npm run build). */
export const CONSUMER_DIR = join(__dirname, "..", "fixtures", "consumer");

export const TYPES = consumer.TYPES;
export const specs = consumer.specs;

const serialized = new Map<keyof typeof TYPES, Promise<string>>();

/**
 * `__provider` text exactly as pulumi.dynamic.Resource produces it in the consumer project. Serialized
 * once per test process and kind: the text depends only on the built package.
 */
export function serializedProvider(kind: keyof typeof TYPES): Promise<string> {
  let text = serialized.get(kind);
  if (!text) serialized.set(kind, (text = consumer.serializedProvider(kind, CONSUMER_DIR)));
  return text;
}

/** A provider host running in the consumer project, configured with `config`, and an engine over it. */
export const startEngine = (config: Record<string, string>, opts: Parameters<typeof consumer.startEngine>[1] = {}) =>
  consumer.startEngine(config, { cwd: CONSUMER_DIR, ...opts });

/** The provider configuration that reaches the Ongage emulator with its own credentials, plus `extra`. */
export function ongageConfig(emu: OngageEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    "ongage:baseUrl": emu.url,
    "ongage:username": emu.credentials.username,
    "ongage:password": emu.credentials.password,
    "ongage:accountCode": emu.credentials.accountCode,
    "ongage:listId": String(emu.store.defaultListId),
    ...extra,
  };
}

/** The provider configuration that reaches the ANTS emulator as `client`, plus `extra`. */
export function antsConfig(emu: AntsEmulator, client: { clientId: string; clientSecret: string }, extra: Record<string, string> = {}): Record<string, string> {
  return { "ants:baseUrl": emu.url, "ants:authUrl": emu.authUrl, "ants:clientId": client.clientId, "ants:clientSecret": client.clientSecret, ...extra };
}

/** A call to the Ongage emulator's API as a user in the Ongage UI makes it (out of band of the program). */
export function ongageApi(emu: OngageEmulator) {
  const headers = { "content-type": "application/json", X_USERNAME: emu.credentials.username, X_PASSWORD: emu.credentials.password, X_ACCOUNT_CODE: emu.credentials.accountCode };
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: { payload: any } }> => {
    const res = await fetch(`${emu.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { payload: any } };
  };
}

/** Writes a tab-separated members file `name` in `dir` (header line first) and returns its path. */
export function writeMembers(dir: string, name: string, header: string[], rows: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, [header.join("\t"), ...rows].join("\n") + "\n");
  return path;
}

/** Runs `fn` with the variables `env` set in this process (as a CLI reads them), restoring them after. */
export async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
