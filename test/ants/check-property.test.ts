import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertCheckContract, mutate, mutation } from "../pulumi/check-contract";
import { segmentProvider } from "../../provider/ants/provider";
import { MATCH_OPERATORS, REPEAT_RANGES, USER_ROLES } from "../../provider/ants/inputs";
import { PREVIEW_UNKNOWN as UNKNOWN } from "../../provider/pulumi/unknowns";

// A server that counts requests, set as both ANTS API and token endpoint: check must never reach it.
let server: Server;
let hits = 0;
let dir: string;
let csv: string;
let tsv: string;
const saved = { ...process.env };
beforeAll(async () => {
  server = createServer((_req, res) => {
    hits++;
    res.end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.ANTS_BASE_URL = `${url}/access/api`;
  process.env.ANTS_AUTH_URL = url;
  process.env.ANTS_CLIENT_ID = "c";
  process.env.ANTS_CLIENT_SECRET = "s";
  dir = mkdtempSync(join(tmpdir(), "ants-check-property-"));
  csv = join(dir, "members.csv");
  tsv = join(dir, "members.tsv");
  writeFileSync(csv, "customer_id,email,phone\n1001,a@example.com,+1\n");
  writeFileSync(tsv, "customer_id\temail\n1001\ta@example.com\n");
});
afterAll(async () => {
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((r) => server.close(() => r()));
});

const dayHour = fc.record({ day: fc.constantFrom("2026-01-31", "2026-02-30", "26-1-1"), hour: fc.constantFrom("00:00", "23:59", "24:00", "9:5") });
const schedule = fc.oneof(
  fc.constant({ type: "static" }),
  fc.record(
    {
      type: fc.constant("dynamic"),
      repeat: fc.record({ every: fc.integer({ min: -1, max: 400 }), unit: fc.constantFrom(...(Object.keys(REPEAT_RANGES) as string[]), "years"), on: fc.option(fc.array(fc.oneof(fc.integer({ min: 0, max: 31 }), fc.constantFrom("monday", "")), { maxLength: 3 }), { nil: undefined }) }, { requiredKeys: ["every", "unit"] }),
      start: fc.option(dayHour, { nil: undefined }),
      end: fc.option(fc.oneof(fc.constant({ never: true }), fc.record({ onDay: dayHour }), fc.record({ afterRuns: fc.integer({ min: 0, max: 20_000 }) })), { nil: undefined }),
    },
    { requiredKeys: ["type", "repeat"] },
  ),
);
const mostly = <T,>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: bad, weight: 1 });
const matchRule = fc.record(
  { column: mostly(fc.constantFrom("customer_id", "email"), fc.constantFrom("phone", " email ", "missing", "")), attribute: mostly(fc.constantFrom("customer_id", "email"), fc.constantFrom("phone", "no_such_attribute", "")), operator: mostly(fc.constantFrom(...MATCH_OPERATORS), fc.constant("like")) },
  { requiredKeys: ["column", "attribute"] },
);
const userId = fc.oneof(fc.integer({ min: -1, max: 5000 }), fc.constantFrom("1234", "abc"));
const definition = fc.record(
  {
    name: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(UNKNOWN)),
    audience: fc.oneof(fc.constantFrom("customer", "visitor", "lead"), fc.constant(UNKNOWN)),
    file: fc.record({ path: fc.oneof(fc.constant("CSV"), fc.constant("TSV"), fc.constant("missing.csv"), fc.constant(UNKNOWN)), delimiter: fc.option(fc.constantFrom("tab", "comma", "semicolon", "pipe", "space"), { nil: undefined, freq: 2 }) }, { requiredKeys: ["path"] }),
    matchRules: fc.array(matchRule, { maxLength: 6 }),
    logic: mostly(fc.constantFrom("and", "or"), fc.constant("xor")),
    schedule,
    shareAccess: fc.record(
      { description: fc.string({ maxLength: 10 }), isPublic: fc.boolean(), publicRole: fc.constantFrom("editor", "viewer", "owner"), users: fc.array(fc.record({ userId, role: fc.constantFrom(...(Object.keys(USER_ROLES) as string[]), "admin"), allowEdit: fc.boolean() }, { requiredKeys: ["userId", "role"] }), { maxLength: 3 }) },
      { requiredKeys: [] },
    ),
    alerts: fc.record({ accountIds: fc.array(userId, { maxLength: 2 }), onSuccess: fc.array(fc.constantFrom("email", "app_push", "sms"), { maxLength: 2 }), onFailure: fc.array(fc.constantFrom("email", "app_push"), { maxLength: 2 }) }, { requiredKeys: [] }),
    adopt: fc.boolean(),
  },
  { requiredKeys: ["name", "audience", "file", "matchRules"] },
);

/** Placeholders → the real member files (paths are per-run temp files). */
function withFiles(def: Record<string, unknown>): Record<string, unknown> {
  const file = def.file as { path: string } | undefined;
  if (!file) return def;
  const path = file.path === "CSV" ? csv : file.path === "TSV" ? tsv : file.path === "missing.csv" ? join(dir, "missing.csv") : file.path;
  return { ...def, file: { ...file, path } };
}


describe("ants check under generated and mutated definitions", () => {
  it("never throws, names a property path for every failure, and sends no HTTP request (10,000 runs)", async () => {
    let passed = 0;
    let failed = 0;
    await fc.assert(
      fc.asyncProperty(definition, fc.option(mutation, { nil: undefined, freq: 2 }), async (def, mut) => {
        const news = mut ? mutate(withFiles(def), mut) : withFiles(def);
        const input = news && typeof news === "object" && !Array.isArray(news) ? news : { value: news };
        const res = await assertCheckContract(segmentProvider as never, input);
        if ((res.failures ?? []).length === 0) {
          passed++;
          // What passes is the canonical definition: the member file is pinned by its hash.
          if (!JSON.stringify(res.inputs).includes(UNKNOWN)) expect((res.inputs as { file: { sha256?: string } }).file.sha256).toMatch(/^[0-9a-f]{64}$/);
        } else failed++;
      }),
      { numRuns: 10_000, seed: 20261124 },
    );
    expect(hits).toBe(0);
    // The generators must exercise both outcomes, or the property proves little.
    expect(passed).toBeGreaterThan(100);
    expect(failed).toBeGreaterThan(1000);
  });
});
