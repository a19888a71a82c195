import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAntsEmulator, type AntsEmulator } from "../../emulators/ants/server";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { segmentProvider as antsProvider } from "../../provider/ants/provider";
import { processStateOwners, resetProcessState } from "../../provider/http/process-state";
import { redact } from "../../provider/http/redact";
import { segmentProvider as ongageProvider } from "../../provider/ongage/provider";
import { adoptInterruptedCreate } from "../../provider/pulumi/recent-create-finder";
import { readSetting } from "../../provider/pulumi/settings";

// Every module-level cache, limiter, token store and claim set registers with the one registry on
// first use (nothing at import), and one resetProcessState() clears them all.

const ownersAtImport = processStateOwners();

const ONGAGE_PASSWORD = "pw-process-state";
const ANTS_SECRET = "cs-process-state";
let ongage: OngageEmulator;
let ants: AntsEmulator;
let dir: string;
const saved = { ...process.env };
beforeAll(async () => {
  for (const k of Object.keys(process.env)) if (/^(ONGAGE|ANTS)_/.test(k)) delete process.env[k];
  ongage = await startOngageEmulator({ credentials: { username: "u", password: ONGAGE_PASSWORD, accountCode: "ACC" }, defaultListId: 7 });
  ants = await startAntsEmulator({ clients: [{ clientId: "c", clientSecret: ANTS_SECRET }], computeDelayMs: 0 });
  dir = mkdtempSync(join(tmpdir(), "process-state-"));
  writeFileSync(join(dir, "members.csv"), "customer_id,email\n1001,a@example.com\n");
});
afterAll(async () => {
  process.env = { ...saved };
  resetProcessState();
  await ongage?.close();
  await ants?.close();
  rmSync(dir, { recursive: true, force: true });
});

const config = () => ({
  "ongage:baseUrl": ongage.url, "ongage:username": "u", "ongage:password": ONGAGE_PASSWORD, "ongage:accountCode": "ACC", "ongage:listId": "7",
  "ants:baseUrl": ants.url, "ants:authUrl": ants.authUrl, "ants:clientId": "c", "ants:clientSecret": ANTS_SECRET,
});
const asConfig = (values: Record<string, string>) => ({ config: { get: (k: string) => values[k] } });

/** Creates and reads one segment through each provider (in process), and claims one adoption candidate. */
async function exercise(name: string) {
  await ongageProvider.configure(asConfig(config()));
  await antsProvider.configure(asConfig(config()));
  const o = await ongageProvider.check({}, { name, rules: [{ type: "email", field: "email", operator: "LIKE", values: ["@x.test"] }] });
  const oc = await ongageProvider.create(o.inputs as never);
  await ongageProvider.read(oc.id, oc.outs as never);
  const a = await antsProvider.check({}, { name, audience: "customer", file: { path: join(dir, "members.csv") }, matchRules: [{ column: "customer_id", attribute: "customer_id" }] });
  const ac = await antsProvider.create(a.inputs as never);
  await antsProvider.read(ac.id, ac.outs as never);
  const source = { apiTitle: "Test", key: `test|${name}`, scope: `test|${name}`, wayOut: "remove it", list: async function* () { yield { id: "1", name, createdAtMs: Date.now(), entry: {} }; } };
  await adoptInterruptedCreate(source, name, 3_600_000, async () => ({ notOurs: "another definition" }));
}

const count = (emu: { http: { requests: Array<{ path: string }> } }, re: RegExp) => emu.http.requests.filter((r) => re.test(r.path)).length;

describe("process-state registry", () => {
  it("nothing registers at import", () => {
    expect(ownersAtImport).toEqual([]);
  });

  it("lists every owner after both providers ran, and one reset clears each of them", async () => {
    await exercise("state one");
    expect(processStateOwners().sort()).toEqual([
      "ants/auth: tokens",
      "ants/client: BO attributes",
      "ants/client: listing snapshots",
      "ants/client: root proofs",
      "http/client: connection pool",
      "http/rate-limiter: limiters",
      "http/redact: secrets to redact",
      "ongage/client: list fields",
      "ongage/rule-paths: rule sources",
      "pulumi/claims: creates in flight",
      "pulumi/claims: holds",
      "pulumi/recent-create-finder: listings",
      "pulumi/settings: remembered stack config",
    ]);
    expect(readSetting({ config: "ongage:password", env: "ONGAGE_PASSWORD" })).toBe(ONGAGE_PASSWORD);
    expect(redact(`x ${ANTS_SECRET} y`)).not.toContain(ANTS_SECRET);

    resetProcessState();
    expect(processStateOwners()).toEqual([]);
    // remembered config and secrets to redact are gone
    expect(readSetting({ config: "ongage:password", env: "ONGAGE_PASSWORD" })).toBeUndefined();
    expect(redact(`x ${ANTS_SECRET} y`)).toContain(ANTS_SECRET);

    // caches, tokens, listings and limiters start afresh: the same work asks the APIs again
    const before = {
      token: count(ants, /\/oauth\/token$/),
      attributes: count(ants, /\/attribute$/),
      listing: count(ants, /\/segment\/listing$/),
      fields: count(ongage, /\/list_fields$/),
      ongageList: ongage.http.requests.filter((r) => (r as { method?: string }).method === "GET" && /\/api\/segments$/.test(r.path)).length,
    };
    await exercise("state two");
    expect(count(ants, /\/oauth\/token$/)).toBe(before.token + 1);
    expect(count(ants, /\/attribute$/)).toBe(before.attributes + 1);
    expect(count(ants, /\/segment\/listing$/)).toBeGreaterThan(before.listing);
    expect(count(ongage, /\/list_fields$/)).toBe(before.fields + 1);
    // (the interrupted-create listing of the list: its page and the empty page that confirms it)
    expect(ongage.http.requests.filter((r) => (r as { method?: string }).method === "GET" && /\/api\/segments$/.test(r.path)).length).toBe(before.ongageList + 2);
    expect(processStateOwners()).toHaveLength(13);
  }, 60_000);
});
