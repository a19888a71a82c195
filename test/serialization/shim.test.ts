import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";

const consumer = join(__dirname, "..", "fixtures", "consumer");
const CREDENTIALS = { username: "ser-user@example.com", password: "Pa55-very-secret-ongage", accountCode: "SERACCT42" };

/** Serializes a provider module in a consumer project, with credentials present in the environment. */
function serialize(modulePath: string): { text: string; containsSecrets: boolean } {
  const out = execFileSync(process.execPath, [join(consumer, "serialize-provider.js"), modulePath], {
    cwd: consumer,
    env: { ...process.env, ONGAGE_USERNAME: CREDENTIALS.username, ONGAGE_PASSWORD: CREDENTIALS.password, ONGAGE_ACCOUNT_CODE: CREDENTIALS.accountCode },
    encoding: "utf8",
  });
  return JSON.parse(out) as { text: string; containsSecrets: boolean };
}

describe.each([
  ["ongage.Segment", "pulumi-segments/dist/provider/ongage/shim.js"],
  ["ongage.ExternalRecipients", "pulumi-segments/dist/provider/ongage/recipients-shim.js"],
  ["ants.Segment", "pulumi-segments/dist/provider/ants/shim.js"],
])("serialized provider of %s", (_name, modulePath) => {
  it("is a small by-reference require with no credential text", () => {
    const sf = serialize(modulePath);
    expect(Buffer.byteLength(sf.text)).toBeLessThanOrEqual(1536);
    expect(sf.containsSecrets).toBe(false);
    expect(sf.text).toContain(`require("${modulePath}")`);
    for (const secret of Object.values(CREDENTIALS)) expect(sf.text).not.toContain(secret);
    expect(sf.text).not.toMatch(/zod|undici/);
  });
});

describe("serialized ongage.Segment provider reloaded like the provider host", () => {
  let emulator: OngageEmulator;
  beforeAll(async () => {
    emulator = await startOngageEmulator({ credentials: CREDENTIALS, defaultListId: 10000 });
  });
  afterAll(async () => emulator.close());

  it("creates a segment through the reloaded text, with credentials from stack config", async () => {
    const { text } = serialize("pulumi-segments/dist/provider/ongage/shim.js");
    const config = {
      "ongage:baseUrl": emulator.url,
      "ongage:username": CREDENTIALS.username,
      "ongage:password": CREDENTIALS.password,
      "ongage:accountCode": CREDENTIALS.accountCode,
      "ongage:listId": "10000",
    };
    const inputs = { name: "serialized create", rules: [{ type: "email", field: "email", operator: "LIKE", values: ["gmail"] }], __provider: text };
    const { ONGAGE_PASSWORD: _p, ONGAGE_USERNAME: _u, ONGAGE_ACCOUNT_CODE: _a, ...env } = process.env;
    // Async: the emulator answers from this process, so the child must not block its event loop.
    const child = promisify(execFile)(process.execPath, [join(consumer, "host-load.js")], { cwd: consumer, env, encoding: "utf8" });
    child.child.stdin!.end(JSON.stringify({ text, config, inputs }));
    const out = (await child).stdout;
    const created = JSON.parse(out) as { id: string; outs: Record<string, unknown> };
    expect(created.id).toMatch(/^\d+$/);
    expect(created.outs).toMatchObject({ segmentId: created.id, listId: 10000, name: "serialized create" });
    expect(JSON.stringify(created)).not.toContain(CREDENTIALS.password);
    const stored = emulator.http.requests.filter((r) => r.method === "POST" && r.path.endsWith("/api/segments"));
    expect(stored).toHaveLength(1);
  });
});
