import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine, type ProviderHost } from "../../driver";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { validateFolder } from "../../provider/definitions/validate";
import { runCli } from "../cli/run-cli";
import { EMAIL_DATE_LIST, NAMES_LIST } from "../emulators/ongage/http";
import { serializedProvider, specs, startEngine, TYPES } from "../lifecycle/harness";

// The documented request examples (docs/api/ongage.md §7, as test/emulators/ongage/emulator.test.ts
// replays them), created in Ongage's own wire format, exported by the CLI: each file reads as `match`
// groups, and a fresh stack adopting the files through the SDK's provider host sends no POST or PUT,
// and its next preview shows no changes.

const CREDS = { username: "export-docs", password: "export-docs-S3cret", accountCode: "EXPORTDOCS" };
const OR_GROUP = "First name or last name or address";

/** The §7 create bodies (and §4.2's system-field rules), by the list they are created in. */
const EXAMPLES: Record<number, Array<Record<string, unknown>>> = {
  2001: [
    {
      name: "My segment", type: "Active", description: "This is my segment",
      criteria: [
        { field_id: 1234, type: "email", position: 0, operator: "LIKE", operand: ["gmail"], condition: "and" },
        { field_id: 1235, type: "date_absolute", position: 1, operator: "<", operand: [884404800], condition: "and" },
      ],
    },
    {
      name: "Whitelist Segment", type: "Active", description: "This is a Whitelist Segment", is_whitelist: true,
      criteria: [{ field_id: 1234, type: "email", position: 0, operator: "=", operand: ["james@test.com", "peter@test.com", "david@test.com"], condition: "and" }],
    },
  ],
  2002: [
    {
      name: "My segment", type: "Active", description: "This is my segment",
      criteria: [{ field_id: 1234, type: "string", position: 0, operator: "LIKE", case_sensitive: "1", operand: ["James", "Peter", "David"], condition: "and" }],
    },
    {
      name: "My Group segment", type: "Active", description: "This is my segment",
      criteria: [
        { field_id: 1233, type: "string", position: 0, operator: "LIKE", operand: ["@gmail"], condition: "and" },
        { field_id: 1234, type: "string", group: OR_GROUP, position: 1, left_parenthesis: 1, operator: "notempty", condition: "and" },
        { field_id: 1235, type: "string", group: OR_GROUP, position: 1, operator: "notempty", condition: "or" },
        { field_id: 1236, type: "string", group: OR_GROUP, position: 2, right_parenthesis: 1, operator: "notempty", condition: "or" },
      ],
    },
  ],
  10000: [
    {
      name: "Behavioral Segment", type: "Active",
      criteria: [
        {
          type: "behavioral", position: 1, field_name: "opened", operator: "=",
          operand: {
            mailing_ids: [85362, 85360], esp_connection_ids: [60133, 60387],
            time_range: { operator: "between", in_last: 30, in_last_unit: "day", to: 2, to_unit: "month" },
            browsers: ["Chrome"], countries: ["AZ", "BH"], platforms: ["Linux", "Win8.1"],
          },
          condition: "and",
        },
        { type: "behavioral", position: 1, field_name: "clicked", operator: "=", operand: { time_range: { operator: "custom", from_date: "2017-02-01 10:30:00", to_date: "2017-02-23 10:30:00" } }, condition: "and" },
      ],
    },
    {
      name: "Segment Based on Import ID", type: "Active", description: "Segment based on Import ID",
      criteria: [{ condition: "and", field_name: "ocx_import_id", type: "numeric", position: 0, operator: "=", operand: ["11111111"] }],
    },
    {
      name: "system fields", type: "Active",
      criteria: [
        { field_name: "ocx_created_date", type: "date_relative", position: 0, operator: "<=", operand: ["13"], condition: "and" },
        { field_name: "ocx_unsubscribe_date", type: "date_absolute", position: 1, operator: "=", operand: [1503705600], condition: "and" },
        { field_name: "ocx_import_id", type: "numeric", position: 2, operator: "=", operand: [13, "23456"], condition: "and" },
      ],
    },
  ],
};
const LISTS = Object.keys(EXAMPLES).map(Number);

let em: OngageEmulator;
let out: string;
const seeded = new Map<string, string>(); // "<list> <name>" → id
const saved = new Map<string, string | undefined>();
const hosts: ProviderHost[] = [];

beforeAll(async () => {
  em = await startOngageEmulator({ credentials: CREDS, defaultListId: 10000, lists: [EMAIL_DATE_LIST, NAMES_LIST], population: { size: 0 } });
  const env = { ONGAGE_BASE_URL: em.url, ONGAGE_USERNAME: CREDS.username, ONGAGE_PASSWORD: CREDS.password, ONGAGE_ACCOUNT_CODE: CREDS.accountCode, ONGAGE_REQUESTS_PER_MINUTE: "1000000", ONGAGE_LIST_ID: undefined };
  for (const [k, v] of Object.entries(env)) {
    saved.set(k, process.env[k]);
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  for (const list of LISTS) {
    for (const body of EXAMPLES[list]!) {
      const res = await fetch(`${em.url}/${list}/api/segments`, {
        method: "POST",
        headers: { "content-type": "application/json", x_username: CREDS.username, x_password: CREDS.password, x_account_code: CREDS.accountCode },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as { payload: { id: string } };
      expect(res.status, JSON.stringify(json)).toBe(200);
      seeded.set(`${list} ${String(body.name)}`, String(json.payload.id));
    }
  }
  out = mkdtempSync(join(tmpdir(), "export-documented-"));
}, 60_000);
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  await em?.close();
  for (const [k, v] of saved) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe("export of the documented examples (docs/api/ongage.md §7)", () => {
  it("writes every example as `match` groups, without Ongage's joining properties", async () => {
    for (const list of LISTS) {
      const res = await runCli("export", "--api", "ongage", "--list-id", String(list), "--out", join(out, String(list)), "--schema", "segments.schema.json");
      expect(res.stderr).toBe("");
      expect(res.code).toBe(0);
      const n = EXAMPLES[list]!.length;
      expect(res.stdout.trimEnd().split("\n").at(-1)).toBe(`read ${n} ongage segments; wrote ${n} files to ${join(out, String(list))}; none keeps Ongage's flat \`rules\``);
      for (const file of readdirSync(join(out, String(list)))) {
        const text = readFileSync(join(out, String(list), file), "utf8");
        expect(text, file).toMatch(/\n  match:\n    (all|any):\n/);
        expect(text, file).not.toMatch(/\brules:|openParens|closeParens|condition:|group:/);
      }
    }
    expect(readFileSync(join(out, "2002", "my-group-segment.yaml"), "utf8")).toBe(`# yaml-language-server: $schema=segments.schema.json
# Exported from Ongage list 2002, segment ${seeded.get("2002 My Group segment")} ("My Group segment").
# adopt: true takes this segment over on the first \`pulumi up\` instead of creating a new one.
kind: ongage.Segment
name: my-group-segment
spec:
  name: My Group segment
  listId: 2002
  adopt: true
  description: This is my segment
  match:
    all:
      - { type: string, field: email, operator: LIKE, values: [ "@gmail" ] }
      - any:
          - { type: string, field: first_name, operator: notempty }
          - { type: string, field: last_name, operator: notempty }
          - { type: string, field: address, operator: notempty }
        label: ${OR_GROUP}
`);
  });

  it("the README's export example is the real output: the command's stdout and the file it shows", async () => {
    const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### `export --api"));
    const block = (fence: string) => {
      const start = section.indexOf(fence) + fence.length;
      return section.slice(start, section.indexOf("```", start));
    };
    const [command, ...stdout] = block("```text\n").trimEnd().split("\n");
    expect(command).toBe("$ npx pulumi-segments export --api ongage --list-id 2002 --out segments");
    // A project with pulumi-segments installed, as after `npm install pulumi-segments`.
    const project = mkdtempSync(join(tmpdir(), "export-readme-"));
    mkdirSync(join(project, "node_modules", "pulumi-segments", "schema"), { recursive: true });
    writeFileSync(join(project, "node_modules", "pulumi-segments", "schema", "segments.schema.json"), "{}");
    const cwd = process.cwd();
    process.chdir(project);
    try {
      const res = await runCli(...command!.replace("$ npx pulumi-segments ", "").split(" "));
      expect(res.stderr).toBe("");
      expect(res.stdout.trimEnd().split("\n")).toEqual(stdout);
    } finally {
      process.chdir(cwd);
    }
    const file = block("```yaml\n");
    // Segment ids are the account's: the README shows the emulator's for this test's seeding order.
    expect(file).toContain(`segment ${seeded.get("2002 My Group segment")} ("My Group segment")`);
    expect(readFileSync(join(project, "segments", "my-group-segment.yaml"), "utf8")).toBe(file);
  });

  it("a fresh stack adopting the exported files takes over every segment with no POST or PUT, and its next preview shows no changes", async () => {
    const provider = await serializedProvider("ongageSegment");
    const config = { "ongage:baseUrl": em.url, "ongage:username": CREDS.username, "ongage:password": CREDS.password, "ongage:accountCode": CREDS.accountCode, "ongage:listId": "10000" };
    const adopting = await startEngine(config, { project: "export-docs", stack: "adopt" });
    // The next `pulumi preview` is another provider process (provider/pulumi/claims.ts).
    const previewing = await startEngine(config, { project: "export-docs", stack: "adopt" });
    hosts.push(adopting.host, previewing.host);
    em.http.clearLog();
    for (const list of LISTS) {
      const report = await validateFolder(join(out, String(list)));
      expect(report.diagnostics).toEqual([]);
      const defs = Object.fromEntries(report.definitions.map((d) => [d.definition.name, d.definition.spec as Record<string, unknown>]));
      const resources = specs(TYPES.ongageSegment, provider, defs);
      const adopter = new Engine({ host: adopting.host, project: "export-docs", stack: `adopt-${list}` });
      const up = await adopter.up(resources);
      expect(up.errors).toEqual([]);
      expect(up.steps.map((s) => s.op)).toEqual(resources.map(() => "create"));
      const adoptedIds = Object.fromEntries(adopter.state.resources.map((r) => [String(r.outputs.name), r.id]));
      expect(adoptedIds).toEqual(Object.fromEntries(EXAMPLES[list]!.map((b) => [String(b.name), seeded.get(`${list} ${String(b.name)}`)])));

      const next = new Engine({ host: previewing.host, project: "export-docs", stack: `adopt-${list}` });
      next.state = adopter.state;
      const preview = await next.preview(resources);
      expect(preview.errors).toEqual([]);
      expect(preview.steps.map((s) => s.op)).toEqual(resources.map(() => "same"));
    }
    const segmentsCalls = em.http.requests.filter((r) => /\/api\/segments/.test(r.path));
    expect(segmentsCalls.length).toBeGreaterThan(0);
    expect(segmentsCalls.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`)).toEqual([]);
  }, 120_000);
});
