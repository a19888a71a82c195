import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { formatText } from "../../provider/definitions/diagnostics";
import { parseDefinitionFolder } from "../../provider/definitions/parse";
import { validateFolder, validateStructure } from "../../provider/definitions/validate";

const root = resolve(__dirname, "..", "..");
const fixtures = join(root, "test", "fixtures", "definitions");
const broken = "test/fixtures/definitions/broken";

describe("validate: good definitions", () => {
  it("reports nothing and orders every definition after the ones it refers to", async () => {
    const report = await validateFolder(join(fixtures, "good"), root);
    expect(report.diagnostics).toEqual([]);
    expect(report.files.map((f) => f.slice(fixtures.length + 1))).toEqual(["good/external.yaml", "good/more/ants.json", "good/ongage.yaml"]);
    const order = report.definitions.map((d) => d.definition.name);
    expect(order).toEqual(["crm-export", "crm-export-members", "launch-customers", "reachable-gmail", "engaged-openers", "engaged-or-reachable"]);
    const combined = report.definitions.find((d) => d.definition.name === "engaged-or-reachable")!;
    expect(combined.references).toEqual([
      { path: "spec.rules[0].segmentIds[0]", name: "engaged-openers" },
      { path: "spec.rules[0].segmentIds[1]", name: "reachable-gmail" },
    ]);
    expect(combined.definition.options).toEqual({ protect: true });
  });
});

describe("validate: broken definitions", () => {
  it("reports every problem with file, line, column, property path and the exact message", async () => {
    const report = await validateFolder(join(fixtures, "broken"), root);
    expect(report.diagnostics.map((d) => formatText(d, root))).toEqual([
      `${broken}/ants.yaml:7:18: ants-members spec.matchRules[0].column: file "${broken}/members.csv" has no column "customer_no" (columns: customer_id, email)`,
      `${broken}/ants.yaml:10:1: ants-members name: duplicate name "ants-members": already defined at ants.yaml:2 (names are unique across all definition files)`,
      `${broken}/ants.yaml:14:11: ants-members spec.file.path: file "${broken}/missing.csv" cannot be read (ENOENT; resolved to ${join(fixtures, "broken", "missing.csv")})`,
      `${broken}/refs.yaml:10:61: loop-b spec.rules[0].segmentIds[0].ref: reference cycle: loop-a → loop-b → loop-a`,
      `${broken}/refs.yaml:15:60: dangling spec.rules[0].segmentIds[0].ref: no definition named "nowhere"`,
      `${broken}/refs.yaml:19:18: not-external spec.segmentId.ref: "loop-a" is not an external segment (its spec has no "external"); recipients can only be pushed to external segments`,
      `${broken}/refs.yaml:20:46: not-external spec.recipients[1].email: duplicate of recipients[0]`,
      `${broken}/refs.yaml:25:60: to-ants spec.rules[0].segmentIds[0].ref: "ants-members" is an ants.Segment; a ref must name an ongage.Segment`,
      `${broken}/schema.yaml:6:36: bad-operator spec.rules[0].operator: "CONTAINS" is not an operator of email rules; email rules take one of "LIKE", "NOT LIKE", "_LIKE", "LIKE_", "empty", "notempty", "=", "!="`,
      `${broken}/schema.yaml:11:3: typo spec.naem: unknown key \`naem\` (did you mean \`name\`?); allowed here: \`listId\`, \`name\`, \`description\`, \`favorite\`, \`whitelist\`, \`rules\`, \`match\`, \`external\`, \`adopt\``,
      `${broken}/schema.yaml:13:1: wrong-kind kind: unknown kind "ongage.Segmnt": expected one of "ongage.Segment", "ongage.ExternalRecipients", "ants.Segment"`,
      `${broken}/schema.yaml:23:54: no-values spec.rules[1].segmentIds[0].reff: unknown key \`reff\` (did you mean \`ref\`?); expected a segment id or { ref: <name of an ongage.Segment definition> }`,
      `${broken}/schema.yaml:31:43: cross-field spec.rules[0].operator: a white-list segment allows only email rules with operator "="`,
      `${broken}/schema.yaml:31:59: cross-field spec.rules[0].values: operator "><" (between) takes exactly two values: [low, high]`,
      `${broken}/syntax.json:5:1: JSON: Flow map must end with a }`,
    ]);
  });

  it("structural validation alone is synchronous and reads no member file", () => {
    const parsed = parseDefinitionFolder(join(fixtures, "broken"));
    const report = validateStructure(parsed.definitions);
    const messages = report.diagnostics.map((d) => d.message);
    expect(messages.some((m) => m.includes("missing.csv"))).toBe(false);
    expect(messages).toContain('no definition named "nowhere"');
    expect(messages).toContain("reference cycle: loop-a → loop-b → loop-a");
  });

  it("a self-reference and a reference across lists are reported at the ref", () => {
    const def = (name: string, listId: number, ref: string) => ({
      file: join(fixtures, "inline.yaml"),
      index: 1,
      value: { kind: "ongage.Segment", name, spec: { name, listId, rules: [{ type: "segment", operator: "=", segmentIds: [{ ref }] }] } },
      positions: new Map([["", { line: 1, column: 1 }]]),
    });
    const report = validateStructure([def("self", 1, "self"), def("other", 2, "self")]);
    expect(report.diagnostics.map((d) => `${d.definition} ${d.path}: ${d.message}`)).toEqual([
      'other spec.rules[0].segmentIds[0].ref: "self" is in list 1, this ongage.Segment in list 2; both must be in the same list',
      'self spec.rules[0].segmentIds[0].ref: "self" refers to itself',
    ]);
  });

  it("a folder without definition files is an error; a missing folder throws", async () => {
    const empty = mkdtempSync(join(tmpdir(), "segments-empty-"));
    const report = await validateFolder(empty, root);
    expect(report.diagnostics).toEqual([{ file: empty, line: 1, path: "", message: "no definition files (*.yaml, *.yml, *.json) in this folder" }]);
    await expect(validateFolder(join(empty, "nope"))).rejects.toThrow(`${join(empty, "nope")} is not a folder`);
  });
});

describe("validate: options.aliases (previous names after a rename)", () => {
  const folder = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "segments-aliases-"));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };
  const segment = (name: string, options = "") => `kind: ongage.Segment
name: ${name}
spec: { name: ${name}, listId: 10000, rules: [{ type: email, field: email, operator: notempty }] }
${options}`;

  it("an alias no live definition uses is valid, and is the definition's option", async () => {
    const dir = folder({ "a.yaml": segment("engaged-openers", "options: { aliases: [engaged] }\n") });
    const report = await validateFolder(dir, root);
    expect(report.diagnostics).toEqual([]);
    expect(report.definitions[0]!.definition.options).toEqual({ aliases: ["engaged"] });
  });

  it("an alias naming a live definition, the definition itself, or claimed twice is an error at file:line:col; so is a malformed one", async () => {
    const dir = folder({
      "a.yaml": segment("new-a", "options:\n  aliases: [still-here, new-a]\n"),
      "b.yaml": segment("still-here", "options:\n  aliases:\n    - gone\n"),
      "c.yaml": segment("new-c", "options: { aliases: [gone] }\n"),
      "d.yaml": segment("new-d", "options: { aliases: [] }\n"),
      "e.yaml": segment("new-e", "options: { aliases: [old-e, 'bad name'] }\n"),
    });
    const report = await validateFolder(dir, root);
    expect(report.diagnostics.map((d) => formatText(d, dir))).toEqual([
      'a.yaml:5:13: new-a options.aliases[0]: alias "still-here" is the name of a live definition at b.yaml:2; an alias is a previous name no definition uses any more (remove the alias, or that definition)',
      'a.yaml:5:25: new-a options.aliases[1]: "new-a" is this definition\'s own name; an alias is a name it had before (remove it)',
      'c.yaml:4:22: new-c options.aliases[0]: alias "gone" is also an alias of "still-here" at b.yaml:2; one old resource can be taken over by one definition only',
      "d.yaml:4:12: new-d options.aliases: needs at least 1 item",
      "e.yaml:4:29: new-e options.aliases[1]: expected 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit",
    ]);
  });
});
