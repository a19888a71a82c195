import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { segmentProvider as antsProvider } from "../../provider/ants/provider";
import { segmentProvider as ongageProvider } from "../../provider/ongage/provider";
import { forgetConfig } from "../../provider/pulumi/settings";

// Missing credentials fail with one message naming the stack config key and the environment variable,
// before any request is sent.
let server: Server;
let hits = 0;
const saved = { ...process.env };
beforeAll(async () => {
  server = createServer((_q, r) => {
    hits++;
    r.end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  for (const k of Object.keys(process.env)) if (/^(ONGAGE|ANTS)_/.test(k)) delete process.env[k];
  forgetConfig();
});
afterAll(async () => {
  process.env = saved;
  await new Promise<void>((r) => server.close(() => r()));
});

const config = (values: Record<string, string>) => ({ config: { get: (k: string) => values[k] } });

describe("missing credentials", () => {
  it("ongage: names ongage:password and ONGAGE_PASSWORD, sends nothing", async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await ongageProvider.configure(config({ "ongage:baseUrl": url, "ongage:username": "u", "ongage:accountCode": "A" }));
    const { inputs } = await ongageProvider.check({}, { listId: 1, name: "x", rules: [] });
    await expect(ongageProvider.create(inputs as never)).rejects.toThrow(
      'Missing Ongage password: set stack config "ongage:password" (pulumi config set --secret ongage:password <value>) or environment variable ONGAGE_PASSWORD.',
    );
    expect(hits).toBe(0);
  });

  it("ants: names ants:clientSecret and ANTS_CLIENT_SECRET, sends nothing", async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await antsProvider.configure(config({ "ants:baseUrl": `${url}/access/api`, "ants:authUrl": url, "ants:clientId": "c" }));
    const err = await antsProvider.delete("123", { segmentId: "123" } as never).catch((e: unknown) => e);
    expect(String(err)).toContain('Missing ANTS client secret: set stack config "ants:clientSecret"');
    expect(String(err)).toContain("ANTS_CLIENT_SECRET");
    expect(hits).toBe(0);
  });
});
