import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResourceSpec } from "../../driver";
import { startAntsEmulator, type AntsEmulator } from "../../emulators/ants/server";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { segmentProvider as antsProvider } from "../../provider/ants/provider";
import { antsSettingRows } from "../../provider/ants/settings";
import { resetProcessState } from "../../provider/http/process-state";
import { segmentProvider as ongageProvider } from "../../provider/ongage/provider";
import { ongageSettingRows } from "../../provider/ongage/settings";
import type { SettingKind, SettingRow } from "../../provider/pulumi/setting-rules";
import { readmeWithSettingsTables } from "../../scripts/settings-tables-readme";
import { serializedProvider, specs, startEngine, TYPES } from "../lifecycle/harness";

// Every setting of both settings tables is validated at check: a bad value fails `preview` with zero
// requests, naming the key and the variable; and README "Configuration" lists exactly these keys.

/** A value each kind of rule must refuse. A new kind without one fails the test below. */
const BAD: Record<SettingKind, string> = {
  url: "http://api.example.com",
  text: "two\nlines",
  integer: "1.5",
  hours: "-1",
  choice: "sometimes",
  path: "/segment/../admin",
};

const README = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");

/** Rows of the Markdown table(s) under `heading` in README "Configuration": [stack config key, variable]. */
function readmeKeys(heading: string): Array<[string, string]> {
  const config = README.slice(README.indexOf("\n## Configuration\n"));
  const section = config.slice(config.indexOf(`\n${heading}\n`) + 1);
  const body = section.slice(0, section.slice(heading.length).search(/\n#{2,3} /) + heading.length);
  const out: Array<[string, string]> = [];
  for (const line of body.split("\n")) {
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    if (cells.length < 4 || !/^`[a-z]+:/.test(cells[1] ?? "")) continue;
    const keys = [...cells[1]!.matchAll(/`([a-z]+:[A-Za-z]+)`/g)].map((m) => m[1]!);
    const vars = [...cells[2]!.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!);
    expect(keys.length, line).toBe(vars.length);
    keys.forEach((k, i) => out.push([k, vars[i]!]));
  }
  return out;
}

const TABLES: Array<[string, string, () => SettingRow[]]> = [
  ["Ongage", "### Ongage", ongageSettingRows],
  ["ANTS", "### ANTS CDP", antsSettingRows],
];

describe("README Configuration and the settings tables", () => {
  it.each(TABLES)("%s: every key of the settings table is in the README table and vice versa, with its variable", (_api, heading, rows) => {
    const documented = readmeKeys(heading);
    expect(documented.length).toBeGreaterThan(10);
    expect(new Set(documented.map(([k, v]) => `${k} ${v}`))).toEqual(new Set(rows().map((r) => `${r.key.config} ${r.key.env}`)));
  });

  it("the README tables are exactly what the settings tables render (npm run docs:settings)", () => {
    expect(readmeWithSettingsTables(README)).toBe(README);
  });

  it("every kind of rule has a value it refuses", () => {
    for (const [, , rows] of TABLES) for (const row of rows()) expect(BAD[row.rule.kind], row.key.config).toBeDefined();
  });
});

const saved = { ...process.env };
let ongage: OngageEmulator;
let ants: AntsEmulator;
let dir: string;
let members: string;
beforeAll(async () => {
  for (const k of Object.keys(process.env)) if (/^(ONGAGE|ANTS)_/.test(k)) delete process.env[k];
  ongage = await startOngageEmulator({ credentials: { username: "u", password: "pw-settings", accountCode: "ACC" }, defaultListId: 7 });
  ants = await startAntsEmulator({ clients: [{ clientId: "c", clientSecret: "cs-settings" }], computeDelayMs: 0 });
  dir = mkdtempSync(join(tmpdir(), "settings-table-"));
  members = join(dir, "members.csv");
  writeFileSync(members, "customer_id,email\n1001,a@example.com\n");
});
afterAll(async () => {
  process.env = { ...saved };
  resetProcessState();
  await ongage?.close();
  await ants?.close();
  rmSync(dir, { recursive: true, force: true });
});

const requests = () => ongage.http.requests.length + ants.http.requests.length;
const ongageConfig = () => ({ "ongage:baseUrl": ongage.url, "ongage:username": "u", "ongage:password": "pw-settings", "ongage:accountCode": "ACC", "ongage:listId": "7" });
const antsConfig = () => ({ "ants:baseUrl": ants.url, "ants:authUrl": ants.authUrl, "ants:clientId": "c", "ants:clientSecret": "cs-settings" });
const ongageInputs = () => ({ name: "settings check", rules: [{ type: "email", field: "email", operator: "LIKE", values: ["@x.test"] }] });
const antsInputs = () => ({ name: "settings check", audience: "customer", file: { path: members }, matchRules: [{ column: "customer_id", attribute: "customer_id" }] });

const API = {
  Ongage: { rows: ongageSettingRows, config: ongageConfig, provider: ongageProvider, inputs: ongageInputs, type: TYPES.ongageSegment, kind: "ongageSegment" as const },
  ANTS: { rows: antsSettingRows, config: antsConfig, provider: antsProvider, inputs: antsInputs, type: TYPES.antsSegment, kind: "antsSegment" as const },
};

describe("each setting alone, bad, fails the provider's check with zero requests", () => {
  const cases = (Object.keys(API) as Array<keyof typeof API>).flatMap((api) => API[api].rows().map((row) => [api, row.key.config, row] as const));
  it.each(cases)("%s %s", async (api, _config, row) => {
    const a = API[api];
    resetProcessState();
    const before = requests();
    const config: Record<string, string> = { ...a.config(), [row.key.config]: BAD[row.rule.kind] };
    await a.provider.configure({ config: { get: (k: string) => config[k] } });
    const result = await a.provider.check({}, a.inputs() as never);
    const reasons = (result.failures ?? []).map((f) => f.reason);
    expect(reasons.length, `${row.key.config} accepted ${JSON.stringify(BAD[row.rule.kind])}`).toBe(1);
    expect(reasons[0]).toContain(row.key.config);
    expect(reasons[0]).toContain(row.key.env);
    if (row.key.secret) expect(reasons[0]).not.toContain(BAD[row.rule.kind]);
    expect(requests() - before).toBe(0);
  });

  it.each(Object.keys(API) as Array<keyof typeof API>)("%s: the valid configuration passes check", async (api) => {
    const a = API[api];
    resetProcessState();
    const config: Record<string, string> = a.config();
    await a.provider.configure({ config: { get: (k: string) => config[k] } });
    expect((await a.provider.check({}, a.inputs() as never)).failures ?? []).toEqual([]);
  });
});

describe("through the provider host: `preview` fails at check with zero requests to the emulator", () => {
  /** One preview of one new segment with `bad` settings over the API's valid configuration. */
  async function preview(api: keyof typeof API, bad: Record<string, string>) {
    const a = API[api];
    const { host, engine } = await startEngine({ ...a.config(), ...bad });
    try {
      const before = requests();
      const spec: ResourceSpec[] = specs(a.type, await serializedProvider(a.kind), { s: a.inputs() });
      const result = await engine.preview(spec);
      return { messages: result.errors.map((e) => `${e.phase}: ${e.message}`), sent: requests() - before };
    } finally {
      await host.close();
    }
  }

  it.each(Object.keys(API) as Array<keyof typeof API>)(
    "%s: every setting but the URLs bad at once: one check failure per key, each naming key and variable",
    async (api) => {
      const rows = API[api].rows().filter((r) => r.rule.kind !== "url");
      const bad = Object.fromEntries(rows.map((r) => [r.key.config, BAD[r.rule.kind]]));
      const { messages, sent } = await preview(api, bad);
      expect(sent).toBe(0);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/^Check: /);
      const failures = messages[0]!.slice("Check: ".length).split(/; (?=: )/);
      expect(failures).toHaveLength(rows.length);
      rows.forEach((r, i) => {
        expect(failures[i]).toContain(r.key.config);
        expect(failures[i]).toContain(r.key.env);
      });
    },
    60_000,
  );

  const urlCases = (Object.keys(API) as Array<keyof typeof API>).flatMap((api) =>
    API[api].rows().filter((r) => r.rule.kind === "url").map((r) => [api, r.key.config, r] as const),
  );
  it.each(urlCases)("%s %s", async (api, config, row) => {
    const { messages, sent } = await preview(api, { [config]: BAD.url });
    expect(sent).toBe(0);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(row.key.config);
    expect(messages[0]).toContain(row.key.env);
  }, 60_000);

  it("control: with valid settings the same preview passes and `up` reaches the emulator", async () => {
    const { host, engine } = await startEngine(ongageConfig());
    try {
      const spec = specs(TYPES.ongageSegment, await serializedProvider("ongageSegment"), { s: ongageInputs() });
      expect((await engine.preview(spec)).errors).toEqual([]);
      const before = requests();
      expect((await engine.up(spec)).errors).toEqual([]);
      expect(requests() - before).toBeGreaterThan(0);
    } finally {
      await host.close();
    }
  }, 60_000);
});
