import fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseDefinitionFile, parseDefinitionFolder, type SourceDefinition } from "../../provider/definitions/parse";
import { validateStructure } from "../../provider/definitions/validate";
import { didYouMean, editDistance } from "../../provider/pulumi/did-you-mean";

// Black-box: every valid definition of the fixtures and examples, with one key of its spec misspelt
// (two letters swapped, one dropped or one doubled): validate reports exactly one problem, at the
// misspelt key's own line and column, naming the key that was meant.

const root = resolve(__dirname, "..", "..");
const folders = [join(root, "test", "fixtures", "definitions", "good"), join(root, "examples", "yaml-folder", "segments")].map((d) => parseDefinitionFolder(d).definitions);
const sources: SourceDefinition[] = folders.flat();

type Path = Array<string | number>;
const pathText = (p: Path) => p.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");

/**
 * Every object key under `spec` long enough to misspell (4+ letters), with its path; recipients' keys
 * are list fields of the user's choosing, not keys of the schema.
 */
function keySites(value: unknown, path: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => keySites(v, [...path, i]));
  if (value === null || typeof value !== "object" || path.at(-2) === "recipients") return [];
  return Object.entries(value).flatMap(([k, v]) => [...(k.length >= 4 ? [[...path, k]] : []), ...keySites(v, [...path, k])]);
}

const misspell = (key: string, how: number, at: number): string => {
  const i = at % (key.length - 1);
  if (how === 0 && key[i] !== key[i + 1]) return key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
  if (how === 1) return key.slice(0, i) + key.slice(i + 1);
  return key.slice(0, i + 1) + key[i] + key.slice(i + 1);
};

/** A deep copy of `value` with the key at `path` renamed, keeping key order. */
function renameKey(value: unknown, path: Path, to: string): unknown {
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? renameKey(v, rest, to) : v));
  const entries = Object.entries(value as Record<string, unknown>);
  return Object.fromEntries(entries.map(([k, v]) => (k !== head ? [k, v] : rest.length === 0 ? [to, v] : [k, renameKey(v, rest, to)])));
}

const dir = mkdtempSync(join(tmpdir(), "misspelt-"));

describe("validate: one message per misspelt key", () => {
  it("the fixtures and examples are valid to begin with", () => {
    expect(sources.length).toBeGreaterThanOrEqual(8);
    for (const folder of folders) expect(validateStructure(folder).diagnostics).toEqual([]);
  });

  it("reports exactly one problem, at the misspelt key, with the key that was meant", () => {
    const cases = fc
      .tuple(fc.nat(sources.length - 1), fc.nat(), fc.nat(2), fc.nat())
      .map(([d, s, how, at]) => {
        const source = sources[d]!;
        const spec = (source.value as { spec: unknown }).spec;
        const sites = keySites(spec);
        const path = sites[s % sites.length]!;
        const key = String(path.at(-1));
        return { source, path: ["spec", ...path], key, typo: misspell(key, how, at) };
      })
      .filter(({ key, typo }) => typo !== key);
    fc.assert(
      fc.property(cases, ({ source, path, key, typo }) => {
        const value = renameKey(source.value, path, typo);
        const file = join(dir, "planted.yaml");
        writeFileSync(file, stringify(value));
        const [planted] = parseDefinitionFile(file).definitions;
        const report = validateStructure([planted!]);
        const where = pathText([...path.slice(0, -1), typo]);
        expect(report.diagnostics.map((d) => `${d.path}: ${d.message}`)).toHaveLength(1);
        const [d] = report.diagnostics;
        expect(d!.path).toBe(where);
        expect({ line: d!.line, column: d!.column }).toEqual(planted!.positions.get(where));
        expect(d!.message).toContain(`unknown key \`${typo}\` (did you mean \`${key}\`?)`);
      }),
      { numRuns: 150 },
    );
  });
});

describe("did you mean", () => {
  it("counts a swap of adjacent letters as one edit and ignores case", () => {
    expect(editDistance("opertor", "operator")).toBe(1);
    expect(editDistance("naem", "name")).toBe(1);
    expect(editDistance("FIELD", "field")).toBe(0);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("suggests the nearest key within a third of its length, and nothing when none is near", () => {
    expect(didYouMean("opertor", ["type", "field", "operator", "values"])).toBe("operator");
    expect(didYouMean("caseSenstive", ["values", "caseSensitive"])).toBe("caseSensitive");
    expect(didYouMean("colour", ["type", "field", "operator"])).toBeUndefined();
    expect(didYouMean("name", ["name"])).toBeUndefined();
  });
});
