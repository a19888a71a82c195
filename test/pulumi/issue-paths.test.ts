import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as ongage from "../../provider/ongage";
import * as issuePaths from "../../provider/pulumi/issue-paths";
import { explainIssues, renamedKeys } from "../../provider/pulumi/issue-paths";

// Nothing is created in a shared registry or mutated when the package's modules are imported: the
// wording of an API's options and its renamed keys travel with the schemas themselves.

/** A registry created, or an `.add(` statement, at a module's top level (column 0). */
const TOP_LEVEL_REGISTRY = /^(export )?(const|let|var) \w+ = z\.registry[<(]|^[\w.]+\.add\(/;
const ROOT = join(__dirname, "..", "..");
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));

describe("issue paths: no registry filled at import", () => {
  it("issue-paths exports no registry, and no provider module fills one at its top level", () => {
    expect(Object.entries(issuePaths).filter(([, v]) => v instanceof z.core.$ZodRegistry).map(([k]) => k)).toEqual([]);
    const offending = sources(join(ROOT, "provider")).flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .flatMap((line, i) => (TOP_LEVEL_REGISTRY.test(line) ? [`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offending).toEqual([]);
  });

  it("the scan would see the old pattern (a top-level registry and a top-level .add), not a registry built in a function", () => {
    const scan = (text: string) => text.split("\n").filter((l) => TOP_LEVEL_REGISTRY.test(l));
    expect(scan('export const optionMessages = z.registry<{ x: 1 }>();\nrenamedKeys.add(CustomTimeRange, { renamed: {} });\n  const registry = z.registry();\n  registry.add(x, {});')).toHaveLength(2);
  });

  it("an operator's wording comes from its own schema: the rule type and the allowed operators, no value but the operator", () => {
    const input = { name: "x", rules: [{ type: "numeric", field: "age", operator: "LIKES", values: [3] }] };
    const parsed = ongage.ValidSegmentInputs.safeParse(input);
    expect(parsed.success).toBe(false);
    const issues = explainIssues(ongage.ValidSegmentInputs, input, parsed.error!.issues);
    expect(issues).toContainEqual({ path: ["rules", 0, "operator"], message: expect.stringMatching(/^"LIKES" is not an operator of numeric rules; numeric rules take one of "=", /) });
  });

  it("renamed keys are reported with their new name from the schema's own table", () => {
    const obj = z.strictObject({ fromDate: z.string() }, { error: renamedKeys({ from: "fromDate" }) });
    const input = { from: "2024-01-01" };
    const parsed = obj.safeParse(input);
    expect(explainIssues(obj, input, parsed.error!.issues)).toEqual([{ path: ["from"], message: "`from` was renamed `fromDate`: write `fromDate` instead" }]);
    expect(renamedKeys({ a: "b" }).renamed).toEqual({ a: "b" });
    expect(Object.isFrozen(renamedKeys({ a: "b" }).renamed)).toBe(true);
  });
});
