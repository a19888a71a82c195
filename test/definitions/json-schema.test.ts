import { readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { JSON_SCHEMA_PATH, definitionsJsonSchemaText } from "../../provider/definitions/json-schema";
import { definitionFiles, parseDefinitionFolder } from "../../provider/definitions/parse";

const root = resolve(__dirname, "..", "..");
const committed = readFileSync(join(root, JSON_SCHEMA_PATH), "utf8");
/** The committed JSON Schema read back by an independent interpreter (zod's JSON Schema importer), not the zod source. */
const fromJsonSchema = z.fromJSONSchema(JSON.parse(committed) as Parameters<typeof z.fromJSONSchema>[0]);

const definitionsIn = (dir: string) =>
  parseDefinitionFolder(join(root, dir)).definitions.map((d) => ({ where: `${relative(root, d.file)}#${d.index}`, value: d.value }));

describe("schema/segments.schema.json", () => {
  it("is current with the zod schemas (CI fails here until `npm run schema` is run and committed)", () => {
    expect(committed, `${JSON_SCHEMA_PATH} is stale: run \`npm run schema\` and commit it`).toBe(definitionsJsonSchemaText());
  });

  it("is a draft-07 schema of one definition or a list of them", () => {
    const schema = JSON.parse(committed) as Record<string, any>;
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.anyOf).toEqual([{ $ref: "#/definitions/Definition" }, { type: "array", items: { $ref: "#/definitions/Definition" } }]);
    expect(Object.keys(schema.definitions).sort()).toEqual([
      "AntsSegmentDefinition",
      "Definition",
      "MatchGroup",
      "OngageExternalRecipientsDefinition",
      "OngageSegmentDefinition",
      "SegmentRef",
    ]);
  });

  it.each(["examples/yaml-folder/segments", "test/fixtures/definitions/good"])("accepts every definition in %s", (dir) => {
    const defs = definitionsIn(dir);
    expect(defs.length).toBeGreaterThanOrEqual(5);
    for (const d of defs) expect(fromJsonSchema.safeParse(d.value).error?.issues, d.where).toBeUndefined();
  });

  it("every example file names the schema for the YAML language server", () => {
    const files = definitionFiles(join(root, "examples", "yaml-folder", "segments"));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      expect(readFileSync(f, "utf8").split("\n")[0]).toBe("# yaml-language-server: $schema=../node_modules/pulumi-segments/schema/segments.schema.json");
    }
  });

  it("rejects the broken fixtures' shape errors; rules beyond shape are left to `validate`", () => {
    const verdicts = Object.fromEntries(
      definitionsIn("test/fixtures/definitions/broken").map((d) => [`${(d.value as { name: string }).name} (${d.where.split("/").pop()})`, fromJsonSchema.safeParse(d.value).success]),
    );
    expect(verdicts).toEqual({
      "ants-members (ants.yaml#1)": true, // missing column: needs the member file
      "ants-members (ants.yaml#2)": true, // duplicate name, missing file: cross-file and disk checks
      "loop-a (refs.yaml#1)": true, // reference cycle
      "loop-b (refs.yaml#2)": true,
      "dangling (refs.yaml#3)": true, // dangling ref
      "not-external (refs.yaml#4)": true, // ref to a non-external segment, duplicate email
      "to-ants (refs.yaml#5)": true, // ref to the wrong kind
      "bad-operator (schema.yaml#1)": false,
      "typo (schema.yaml#2)": false,
      "wrong-kind (schema.yaml#3)": false,
      "no-values (schema.yaml#4)": false,
      "cross-field (schema.yaml#5)": true, // cross-field rules (white list, "><" arity)
    });
  });
});
