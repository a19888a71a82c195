import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertCheckContract, mutate, mutation } from "../pulumi/check-contract";
import { segmentProvider } from "../../provider/ongage/provider";
import { recipientsProvider } from "../../provider/ongage/recipients-provider";
import { OPERATORS } from "../../provider/ongage/inputs";
import { PREVIEW_UNKNOWN as UNKNOWN } from "../../provider/pulumi/unknowns";

// A server that counts requests: check must never reach it.
let server: Server;
let hits = 0;
const saved = { ...process.env };
beforeAll(async () => {
  server = createServer((_req, res) => {
    hits++;
    res.end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  process.env.ONGAGE_BASE_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.ONGAGE_USERNAME = "u";
  process.env.ONGAGE_PASSWORD = "p";
  process.env.ONGAGE_ACCOUNT_CODE = "a";
});
afterAll(async () => {
  process.env = saved;
  await new Promise<void>((r) => server.close(() => r()));
});

const fieldName = fc.constantFrom("email", "first_name", "last_name", "birthdate", "product_id", "ocx_created_date", "ocx_import_id");
const joining = {
  condition: fc.option(fc.constantFrom("and", "or"), { nil: undefined }),
  openParens: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  closeParens: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  group: fc.option(fc.constantFrom("", "g1", "First or last"), { nil: undefined }),
};
const operator = fc.constantFrom(...OPERATORS);
const values = fc.option(fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: -5, max: 2_000_000_000 }), fc.constantFrom("2024-01-31", "a@b.co", UNKNOWN)), { maxLength: 4 }), { nil: undefined });

const listRule = fc.record(
  { type: fc.constantFrom("email", "string", "numeric", "date_absolute", "date_relative"), field: fieldName, operator, values, caseSensitive: fc.option(fc.boolean(), { nil: undefined }), ...joining },
  { requiredKeys: ["type", "operator"] },
);
const behavioralRule = fc.record(
  {
    type: fc.constant("behavioral"),
    event: fc.constantFrom("opened", "clicked", "sent"),
    operator: fc.constantFrom("=", "!="),
    operand: fc.record({
      mailingIds: fc.array(fc.integer({ min: 1, max: 99999 }), { maxLength: 3 }),
      countries: fc.array(fc.constantFrom("US", "GB", "usa"), { maxLength: 2 }),
      timeRange: fc.oneof(
        fc.record({ operator: fc.constant("between"), inLast: fc.nat(60), inLastUnit: fc.constantFrom("day", "month", "fortnight"), to: fc.nat(3), toUnit: fc.constantFrom("day", "month") }),
        fc.record({ operator: fc.constant("custom"), fromDate: fc.constantFrom("2017-02-01 10:30:00", 1501545600, "yesterday"), toDate: fc.constantFrom(1504137600, "2017-02-23") }),
      ),
    }, { requiredKeys: [] }),
    ...joining,
  },
  { requiredKeys: ["type", "operator"] },
);
const segmentRule = fc.record({ type: fc.constant("segment"), operator: fc.constantFrom("=", "!=", "LIKE"), segmentIds: fc.array(fc.oneof(fc.nat(), fc.constantFrom("12", "x", UNKNOWN)), { maxLength: 3 }) });
const rule = fc.oneof(listRule, behavioralRule, segmentRule);

const definition = fc.record(
  {
    name: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(UNKNOWN)),
    listId: fc.option(fc.oneof(fc.integer({ min: -1, max: 50000 }), fc.constant(UNKNOWN)), { nil: undefined }),
    description: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
    favorite: fc.option(fc.boolean(), { nil: undefined }),
    whitelist: fc.option(fc.boolean(), { nil: undefined }),
    rules: fc.option(fc.array(rule, { maxLength: 5 }), { nil: undefined }),
    external: fc.option(fc.record({ url: fc.constantFrom("https://crm.example.com/x.csv", "ftp://nope", "not a url"), insertMissing: fc.boolean() }, { requiredKeys: [] }), { nil: undefined }),
  },
  { requiredKeys: ["name"] },
);


describe("ongage check under generated and mutated definitions", () => {
  it("never throws, names a property path for every failure, and sends no HTTP request (10,000 runs)", async () => {
    let passed = 0;
    let failed = 0;
    await fc.assert(
      fc.asyncProperty(definition, fc.option(mutation, { nil: undefined }), async (def, mut) => {
        const news = mut ? mutate(def, mut) : def;
        const input = news && typeof news === "object" && !Array.isArray(news) ? news : { value: news };
        const res = await assertCheckContract(segmentProvider, input);
        if ((res.failures ?? []).length === 0) {
          passed++;
          // Whatever passes is stable: checking the canonical inputs again yields the same inputs.
          if (!JSON.stringify(res.inputs).includes(UNKNOWN)) {
            const again = await segmentProvider.check({}, res.inputs!);
            expect(again.failures ?? []).toEqual([]);
            expect(again.inputs).toEqual(res.inputs);
          }
        } else failed++;
      }),
      { numRuns: 10_000, seed: 20261123 },
    );
    expect(hits).toBe(0);
    // The generators must exercise both outcomes, or the property proves little.
    expect(passed).toBeGreaterThan(100);
    expect(failed).toBeGreaterThan(1000);
  });

  it("recipients check: never throws, paths on failures, no HTTP (10,000 runs)", async () => {
    const recipients = fc.array(fc.record({ email: fc.oneof(fc.emailAddress(), fc.string({ maxLength: 6 })), first_name: fc.string({ maxLength: 5 }) }), { maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(fc.record({ segmentId: fc.oneof(fc.nat(), fc.string({ maxLength: 4 }), fc.constant(UNKNOWN)), recipients }), fc.option(mutation, { nil: undefined }), async (def, mut) => {
        const news = mut ? mutate(def, mut) : def;
        await assertCheckContract(recipientsProvider, news && typeof news === "object" && !Array.isArray(news) ? news : { value: news });
      }),
      { numRuns: 10_000, seed: 7 },
    );
    expect(hits).toBe(0);
  });
});
