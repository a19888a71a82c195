import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { segmentProvider } from "../../provider/ongage/provider";

// Black-box: generated nested definitions with exactly one planted mistake; check must report that
// mistake at its own (deepest) property path, with what is allowed there — never a bare parent.

type Json = Record<string, unknown>;
type Path = Array<string | number>;

const pathText = (p: Path) => p.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");

/** Operators per rule type, as the README documents them. */
const OPERATORS: Record<string, string[]> = {
  email: ["LIKE", "NOT LIKE", "_LIKE", "LIKE_", "=", "!=", "empty", "notempty"],
  string: ["LIKE", "NOT LIKE", "_LIKE", "LIKE_", "=", "!=", "empty", "notempty"],
  numeric: ["=", "!=", ">", "<", ">=", "<=", "><", "empty", "notempty"],
  date_absolute: ["=", "!=", ">", "<", ">=", "<=", "><", "empty", "notempty"],
  date_relative: ["=", "!=", ">", "<", ">=", "<=", "><", "empty", "notempty"],
  behavioral: ["=", "!="],
  segment: ["=", "!="],
};
const RULE_TYPES = Object.keys(OPERATORS);
const UNITS = ["minute", "hour", "day", "week", "month", "year"];

const valuesFor = (type: string, operator: string): unknown[] | undefined => {
  if (operator === "empty" || operator === "notempty") return undefined;
  const one = type === "numeric" ? 5 : type === "date_absolute" ? "2024-01-31" : type === "date_relative" ? 7 : "gmail";
  const two = type === "numeric" ? 9 : type === "date_absolute" ? "2024-02-28" : type === "date_relative" ? 14 : "yahoo";
  return operator === "><" ? [one, two] : [one];
};

const listRule = fc
  .tuple(fc.constantFrom("email", "string", "numeric", "date_absolute", "date_relative"), fc.nat(), fc.constantFrom("first_name", "product_id", "birthdate"))
  .map(([type, n, field]) => {
    const operator = OPERATORS[type]![n % OPERATORS[type]!.length]!;
    const values = valuesFor(type, operator);
    return { type, field: type === "email" ? "email" : field, operator, ...(values ? { values } : {}) } as Json;
  });
const timeRange = fc.oneof(
  fc.record({ operator: fc.constant("between"), inLast: fc.integer({ min: 1, max: 90 }), inLastUnit: fc.constantFrom(...UNITS), to: fc.nat(3), toUnit: fc.constantFrom(...UNITS) }),
  fc.record({ operator: fc.constant("custom"), fromDate: fc.constantFrom("2017-02-01 10:30:00", "2024-01-01"), toDate: fc.constantFrom("2017-02-23 10:30:00", 1735689600) }),
);
const behavioralRule = fc.record({
  type: fc.constant("behavioral"),
  event: fc.constantFrom("opened", "clicked", "sent"),
  operator: fc.constantFrom("=", "!="),
  operand: fc.record({ mailingIds: fc.array(fc.integer({ min: 1, max: 99999 }), { minLength: 1, maxLength: 3 }), countries: fc.constantFrom(["US"], ["GB", "DE"]), timeRange }, { requiredKeys: ["timeRange"] }),
}) as fc.Arbitrary<Json>;
const segmentRule = fc.record({ type: fc.constant("segment"), operator: fc.constantFrom("=", "!="), segmentIds: fc.constantFrom(["123"], [456, "789"]) }) as fc.Arbitrary<Json>;
const rule: fc.Arbitrary<Json> = fc.oneof(listRule, behavioralRule, segmentRule);

type Tree = Json;
const { group } = fc.letrec<{ group: Tree; item: Tree }>((tie) => ({
  group: fc.tuple(fc.constantFrom("all", "any"), fc.array(tie("item"), { minLength: 1, maxLength: 3 }), fc.boolean()).map(([k, items, labelled]) => ({ [k]: items, ...(labelled ? { label: "a group" } : {}) })),
  item: fc.oneof({ depthSize: "small", withCrossShrink: true }, rule, rule, tie("group")),
}));

interface Site {
  path: Path;
  node: Json;
  kind: "rule" | "group";
}
/** Every rule and group of a tree with its property path. */
function sites(node: Json, path: Path): Site[] {
  const key = "all" in node ? "all" : "any" in node ? "any" : undefined;
  if (!key) return [{ path, node, kind: "rule" }];
  return [{ path, node, kind: "group" }, ...(node[key] as Json[]).flatMap((child, i) => sites(child, [...path, key, i]))];
}

interface Planted {
  path: Path;
  /** Substrings the reason must contain: what is allowed there. */
  mentions: string[];
}

/** Plants one mistake at `site` (mutating it); returns where it must be reported and what the reason must say. */
function plant(site: Site, choice: number): Planted | undefined {
  const n = site.node;
  if (site.kind === "group") {
    const key = "all" in n ? "all" : "any";
    switch (choice % 3) {
      case 0:
        n.lable = "typo";
        return { path: [...site.path, "lable"], mentions: ["all", "any", "label"] };
      case 1:
        n[key] = [];
        return { path: [...site.path, key], mentions: ["at least"] };
      default:
        n.label = 42;
        return { path: [...site.path, "label"], mentions: ["string"] };
    }
  }
  const type = n.type as string;
  switch (choice % 7) {
    case 0:
      n.operator = "LIKES";
      return { path: [...site.path, "operator"], mentions: [type, ...OPERATORS[type]!.map((o) => `"${o}"`)] };
    case 1: {
      const wrong = ["><", "LIKE", "empty"].find((o) => !OPERATORS[type]!.includes(o));
      if (!wrong) return undefined;
      n.operator = wrong;
      return { path: [...site.path, "operator"], mentions: [type, ...OPERATORS[type]!.map((o) => `"${o}"`)] };
    }
    case 2:
      n.colour = "red";
      return { path: [...site.path, "colour"], mentions: ["type", "operator"] };
    case 3:
      n.type = "emial";
      return { path: [...site.path, "type"], mentions: RULE_TYPES };
    case 4: {
      if (type !== "behavioral") {
        if (type === "segment") {
          n.segmentIds = ["12", "x"];
          return { path: [...site.path, "segmentIds", 1], mentions: ["segment id"] };
        }
        if (!Array.isArray(n.values)) return undefined;
        (n.values as unknown[])[0] = type === "numeric" || type === "date_relative" ? "lots" : type === "date_absolute" ? "yesterday" : 5;
        return { path: [...site.path, "values", 0], mentions: [] };
      }
      (n.operand as Json).mailingId = [1];
      return { path: [...site.path, "operand", "mailingId"], mentions: ["mailingIds", "timeRange", "countries"] };
    }
    case 5: {
      if (type !== "behavioral") return undefined;
      const tr = (n.operand as Json).timeRange as Json;
      if (tr.operator === "between") {
        tr.inLastUnit = "fortnight";
        return { path: [...site.path, "operand", "timeRange", "inLastUnit"], mentions: UNITS };
      }
      // The old name of the custom range's start: rejected with the new name.
      tr.from = tr.fromDate;
      delete tr.fromDate;
      return { path: [...site.path, "operand", "timeRange", "from"], mentions: ["fromDate"] };
    }
    default: {
      if (type !== "behavioral") return undefined;
      (n.operand as Json).countries = ["US", "usa"];
      return { path: [...site.path, "operand", "countries", 1], mentions: ["ISO 3166"] };
    }
  }
}

async function failuresOf(definition: Json) {
  return (await segmentProvider.check({}, definition)).failures ?? [];
}

describe("ongage check names the planted mistake's own path (generated nested definitions)", () => {
  it("valid generated definitions pass check (so a failure below comes from the planted mistake)", async () => {
    await fc.assert(
      fc.asyncProperty(group, async (match) => {
        expect(await failuresOf({ name: "generated", match })).toEqual([]);
      }),
      { numRuns: 300, seed: 424242 },
    );
  });

  it("match at any depth: exactly the planted path is reported, and the reason says what is allowed", async () => {
    await fc.assert(
      fc.asyncProperty(group, fc.nat(), fc.nat(), async (generated, where, choice) => {
        const match = structuredClone(generated);
        const all = sites(match, ["match"]);
        const site = all[where % all.length]!;
        const planted = plant(site, choice);
        fc.pre(planted !== undefined);
        const failures = await failuresOf({ name: "generated", match });
        expect(failures.map((f) => f.property)).toEqual([pathText(planted!.path)]);
        for (const m of planted!.mentions) expect(failures[0]!.reason).toContain(m);
        expect(failures[0]!.reason).not.toBe("Invalid input");
      }),
      { numRuns: 1000, seed: 20261201 },
    );
  });

  it("flat rules: the planted rule's own property is reported", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rule, { minLength: 1, maxLength: 5 }), fc.nat(), fc.nat(), async (generated, where, choice) => {
        const rules = structuredClone(generated);
        const i = where % rules.length;
        const planted = plant({ path: ["rules", i], node: rules[i]!, kind: "rule" }, choice);
        fc.pre(planted !== undefined);
        const failures = await failuresOf({ name: "generated", rules });
        expect(failures.map((f) => f.property)).toEqual([pathText(planted!.path)]);
        for (const m of planted!.mentions) expect(failures[0]!.reason).toContain(m);
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});

describe("ongage check failures at the mistake (examples)", () => {
  it("the issue's example: an unknown operator deep inside match", async () => {
    const failures = await failuresOf({
      name: "x",
      match: { all: [{ type: "email", field: "email", operator: "LIKE", values: ["@a.com"] }, { any: [{ type: "numeric", field: "n", operator: "LIKES", values: [1] }] }] },
    });
    expect(failures).toEqual([{ property: "match.all[1].any[0].operator", reason: expect.stringContaining('numeric rules take one of "="') }]);
  });

  it("an item that is neither a rule nor a group says what an item can be", async () => {
    const failures = await failuresOf({ name: "x", match: { all: [{ colour: [] }] } });
    expect(failures).toHaveLength(1);
    expect(failures[0]!.property).toBe("match.all[0]");
    expect(failures[0]!.reason).toMatch(/rule.*`type`.*group.*`all`.*`any`.*\(got keys `colour`\)/);
  });

  it("a misspelt group key is reported at that key, with the key it stands for and what an item can be", async () => {
    const failures = await failuresOf({ name: "x", match: { all: [{ alll: [] }] } });
    expect(failures).toHaveLength(1);
    expect(failures[0]!.property).toBe("match.all[0].alll");
    expect(failures[0]!.reason).toMatch(/^unknown key `alll` \(did you mean `all`\?\); .*rule.*`type`.*group.*`all`.*`any`/);
  });

  it("an unknown key names the key and lists the allowed ones", async () => {
    const failures = await failuresOf({ name: "x", rules: [{ type: "string", field: "city", operator: "=", values: ["Oslo"], caseSenstive: true }] });
    expect(failures).toEqual([{ property: "rules[0].caseSenstive", reason: expect.stringContaining("caseSensitive") }]);
  });

  it("the custom time range's old names are rejected with the new ones", async () => {
    const failures = await failuresOf({
      name: "x",
      rules: [{ type: "behavioral", event: "opened", operator: "=", operand: { timeRange: { operator: "custom", from: "2024-01-01", to: "2024-02-01" } } }],
    });
    expect(failures.map((f) => f.property).sort()).toEqual(["rules[0].operand.timeRange.from", "rules[0].operand.timeRange.to"]);
    expect(failures.find((f) => f.property.endsWith(".from"))!.reason).toContain("fromDate");
    expect(failures.find((f) => f.property.endsWith(".to"))!.reason).toContain("toDate");
  });
});
