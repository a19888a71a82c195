import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileMatch, type MatchGroupOf, type MatchItemOf } from "../../provider/ongage/match";
import { decompileMatch, type FlatJoining } from "../../provider/ongage/match-decompile";

// decompileMatch is the inverse of compileMatch: groups read from flat rules compile back to exactly
// those rules, and flat rules that no groups compile to are reported, never rewritten.

interface TestRule extends FlatJoining {
  type: "string";
  field: string;
  operator: "notempty";
}
type Group = MatchGroupOf<TestRule>;

const rule = (field: string, joining: FlatJoining = {}): TestRule => ({ type: "string", field, operator: "notempty", ...joining });
const flat = (group: Group) => compileMatch(group).map(({ rule: r }) => r);

/** Random trees: rules named r0, r1, … in order; groups of 1–4 items, nested up to 4 deep, labelled or not. */
const LABELS = [undefined, undefined, "", "Engaged", "group 1", "group 2", "group 3"];
function treeArbitrary(): fc.Arbitrary<Group> {
  const { group } = fc.letrec<{ group: Group; item: MatchItemOf<TestRule> }>((tie) => ({
    group: fc
      .record({ any: fc.boolean(), items: fc.array(tie("item"), { minLength: 1, maxLength: 4 }), label: fc.constantFrom(...LABELS) })
      .map(({ any, items, label }): Group => ({ ...(any ? { any: items } : { all: items }), ...(label === undefined ? {} : { label }) }) as Group),
    item: fc.oneof({ depthSize: "small", withCrossShrink: true }, fc.constant(rule("x")), tie("group")),
  }));
  // Name the rules in order, so a test failure shows which rule moved.
  return group.map((g) => {
    let n = 0;
    const rename = (x: Group): Group => {
      const items = ("all" in x ? x.all : x.any).map((i) => ("all" in i || "any" in i ? rename(i as Group) : rule(`r${n++}`)));
      return { ...("all" in x ? { all: items } : { any: items }), ...(x.label === undefined ? {} : { label: x.label }) } as Group;
    };
    return rename(g);
  });
}

describe("decompileMatch", () => {
  it("property: for random trees, the groups read from compile(tree) compile back to the same flat rules", () => {
    fc.assert(
      fc.property(treeArbitrary(), (tree) => {
        const rules = flat(tree);
        const read = decompileMatch(rules);
        if (!("match" in read)) throw new Error(`no groups for ${JSON.stringify(rules)}: ${read.problem}`);
        expect(flat(read.match)).toEqual(rules);
      }),
      { numRuns: 500 },
    );
  });

  it("property: for random flat rules, either groups that compile back to exactly them, or a reason", () => {
    const joining = fc.record({
      condition: fc.constantFrom("and" as const, "or" as const),
      openParens: fc.constantFrom(0, 0, 0, 1, 2),
      closeParens: fc.constantFrom(0, 0, 0, 1, 2),
      group: fc.constantFrom("", "", "A", "group 1"),
    });
    let readable = 0;
    fc.assert(
      fc.property(fc.array(joining, { minLength: 1, maxLength: 8 }), (joinings) => {
        const rules = joinings.map((j, i) => rule(`r${i}`, j));
        const read = decompileMatch(rules);
        if ("problem" in read) {
          expect(read.problem).toMatch(/\S/);
          return;
        }
        readable++;
        const again = flat(read.match).map((r) => ({ condition: r.condition ?? "and", openParens: r.openParens ?? 0, closeParens: r.closeParens ?? 0, group: r.group ?? "" }));
        expect(again).toEqual(joinings);
      }),
      { numRuns: 2000 },
    );
    // The generator must reach both outcomes, or the property proves little.
    expect(readable).toBeGreaterThan(20);
  });

  it("reads Ongage's documented OR group (docs/api/ongage.md §7): a rule and a labelled `any` group", () => {
    const label = "First name or last name or address";
    const rules = [
      rule("email", { condition: "and", openParens: 0, closeParens: 0, group: "" }),
      rule("first_name", { condition: "and", openParens: 1, closeParens: 0, group: label }),
      rule("last_name", { condition: "or", openParens: 0, closeParens: 0, group: label }),
      rule("address", { condition: "or", openParens: 0, closeParens: 1, group: label }),
    ];
    const strip = ({ condition, openParens, closeParens, group, ...r }: TestRule) => r;
    expect(decompileMatch(rules)).toEqual({ match: { all: [strip(rules[0]!), { any: rules.slice(1).map(strip), label }] } });
  });

  it("only `and`, or only `or`, without parentheses: one `all` or one `any`; one rule: an `all` of one", () => {
    const plain = (condition: "and" | "or") => [rule("a"), rule("b", { condition }), rule("c", { condition })];
    expect(decompileMatch(plain("and"))).toEqual({ match: { all: [rule("a"), rule("b"), rule("c")] } });
    expect(decompileMatch(plain("or"))).toEqual({ match: { any: [rule("a"), rule("b"), rule("c")] } });
    expect(decompileMatch([rule("a", { condition: "and", openParens: 0, closeParens: 0, group: "" })])).toEqual({ match: { all: [rule("a")] } });
  });

  it("leaves out a label that is the default `compileMatch` gives (group N, numbered depth first), keeps any other", () => {
    const tree: Group = { all: [{ any: [rule("a"), { all: [rule("b"), rule("c")] }] }, { any: [rule("d"), rule("e")], label: "group 1" }] };
    const read = decompileMatch(flat(tree));
    expect(read).toEqual({ match: { all: [{ any: [rule("a"), { all: [rule("b"), rule("c")] }] }, { any: [rule("d"), rule("e")], label: "group 1" }] } });
  });

  it("reports, naming the rule, what has no exact group form", () => {
    const problem = (rules: TestRule[]) => {
      const read = decompileMatch(rules);
      return "problem" in read ? read.problem : `unexpectedly read as ${JSON.stringify(read.match)}`;
    };
    expect(problem([rule("a"), rule("b", { condition: "and" }), rule("c", { condition: "or" })])).toBe('rules[2] joins with "or" where the rules before it at the same level join with "and", without parentheses between them');
    expect(problem([rule("a"), rule("b", { condition: "or", openParens: 1, group: "G" }), rule("c", { condition: "and", group: "G" })])).toBe("rules[1] opens a parenthesis that is never closed");
    expect(problem([rule("a"), rule("b", { condition: "or", closeParens: 1 })])).toBe("rules[1] closes a parenthesis that was never opened");
    expect(problem([rule("a"), rule("b", { openParens: 1, group: "G" }), rule("c", { condition: "or", closeParens: 1, group: "H" })])).toBe('rules[1] and rules[2] share parentheses but have different group labels ("G", "H")');
    expect(problem([rule("a"), rule("b", { group: "G" })])).toBe('rules[1] has the group label "G" but is outside parentheses');
    expect(problem([rule("a", { condition: "or" }), rule("b")])).toBe('rules[0] joins with "or" but is the first rule');
    expect(problem([])).toBe("there are no rules to group");
  });
});
