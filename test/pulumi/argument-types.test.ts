// The argument types as a user's TypeScript program sees them: fixture projects in a temp dir import
// the BUILT package by name (node_modules/pulumi-segments, installed by `npm run build`) and are
// compiled by the installed `tsc` under `strict`, once with module/moduleResolution nodenext and
// once with esnext + bundler. The README's TypeScript blocks, the examples and test/fixtures/types/
// inputs.ts must compile without a diagnostic; every mistake in test/fixtures/types/mistakes.ts must
// be reported on its own line, against the rule type it names. The language service then checks
// that hovers name the exported types instead of expanding nested mapped types.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..", "..");
const FIXTURES = join(ROOT, "test", "fixtures", "types");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

const CONFIGS = {
  nodenext: { module: "nodenext", moduleResolution: "nodenext" },
  bundler: { module: "esnext", moduleResolution: "bundler" },
} as const;
type ConfigName = keyof typeof CONFIGS;

/** The operators of a numeric rule, as the README documents them. */
const NUMERIC_OPERATORS = ["=", "!=", ">", "<", ">=", "<=", "><", "empty", "notempty"];

interface Diagnostic {
  file: string;
  line: number;
  column: number;
  code: string;
  /** The message with its elaboration lines, as tsc prints it. */
  text: string;
}

/** `file(line,col): error TSnnnn: message` plus indented elaboration lines (`tsc --pretty false`). */
function parseDiagnostics(output: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const line of output.split("\n")) {
    const m = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    if (m) out.push({ file: m[1]!, line: Number(m[2]), column: Number(m[3]), code: m[4]!, text: m[5]! });
    else if (line.startsWith("  ") && out.length > 0) out[out.length - 1]!.text += `\n${line.trim()}`;
    else if (line.trim() !== "") out.push({ file: "(tsc)", line: 0, column: 0, code: "", text: line });
  }
  return out;
}

/** The TypeScript code blocks of the README, in order. */
function readmeBlocks(): string[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  return [...readme.matchAll(/^```(?:ts|typescript)\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

let project: string;
const diagnostics = {} as Record<ConfigName, Diagnostic[]>;
/** Source files of the fixture project, relative to it. */
const files: string[] = [];

beforeAll(async () => {
  const built = join(ROOT, "node_modules", "pulumi-segments", "dist", "provider", "index.d.ts");
  if (!existsSync(built)) throw new Error("node_modules/pulumi-segments is not installed: run `npm run build` first");
  project = mkdtempSync(join(tmpdir(), "pulumi-segments-types-"));
  symlinkSync(join(ROOT, "node_modules"), join(project, "node_modules"), "dir");
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "types-fixture", private: true }));
  const add = (rel: string, text: string) => {
    mkdirSync(dirname(join(project, rel)), { recursive: true });
    writeFileSync(join(project, rel), text);
    files.push(rel);
  };
  readmeBlocks().forEach((block, i) => add(`readme/block-${i + 1}.ts`, block));
  for (const example of ["quickstart", "ants-members", "yaml-folder"]) {
    add(`examples/${example}/index.ts`, readFileSync(join(ROOT, "examples", example, "index.ts"), "utf8"));
  }
  for (const fixture of ["inputs.ts", "mistakes.ts"]) add(fixture, readFileSync(join(FIXTURES, fixture), "utf8"));
  cpSync(join(ROOT, "examples", "ants-members", "members.csv"), join(project, "members.csv"));

  await Promise.all(
    (Object.keys(CONFIGS) as ConfigName[]).map(async (name) => {
      const compilerOptions = { strict: true, target: "es2022", lib: ["es2022"], types: ["node"], noEmit: true, skipLibCheck: true, ...CONFIGS[name] };
      writeFileSync(join(project, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions, files }, null, 2));
      const run = await promisify(execFile)(process.execPath, [TSC, "-p", `tsconfig.${name}.json`, "--pretty", "false"], { cwd: project, encoding: "utf8" })
        .then(({ stdout }) => stdout)
        .catch((err: { stdout?: string; code?: number }) => {
          if (err.code !== 2 || err.stdout === undefined) throw err; // 2: diagnostics reported
          return err.stdout;
        });
      diagnostics[name] = parseDiagnostics(run);
    }),
  );
}, 180_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

/** Line (1-based) of each `// mistake: <id>` tag in mistakes.ts. */
function mistakeLines(): Map<string, number> {
  const lines = readFileSync(join(FIXTURES, "mistakes.ts"), "utf8").split("\n");
  const tags = new Map<string, number>();
  lines.forEach((l, i) => {
    const m = /\/\/ mistake: ([\w-]+)$/.exec(l);
    if (m) tags.set(m[1]!, i + 1);
  });
  return tags;
}

/** The string literals a message's `Input<"a" | "b" | ...>` allows. */
function allowedLiterals(text: string): string[] {
  const m = /is not assignable to type 'Input<(.*)>'\./.exec(text);
  return m ? [...m[1]!.matchAll(/"([^"]*)"/g)].map((x) => x[1]!).sort() : [];
}

describe.each(Object.keys(CONFIGS) as ConfigName[])("strict, %s", (name) => {
  it("compiles the README's TypeScript blocks, the examples and the input-passing fixture without a diagnostic", () => {
    expect(files.filter((f) => f.startsWith("readme/")).length).toBeGreaterThanOrEqual(2);
    const valid = diagnostics[name].filter((d) => d.file !== "mistakes.ts");
    expect(valid.map((d) => `${d.file}(${d.line},${d.column}): ${d.code} ${d.text}`)).toEqual([]);
  });

  it("reports each mistake once, on its own line, and nothing else", () => {
    const tags = mistakeLines();
    const mistakes = diagnostics[name].filter((d) => d.file === "mistakes.ts");
    expect(mistakes.map((d) => d.line).sort((a, b) => a - b)).toEqual([...tags.values()].sort((a, b) => a - b));
  });

  const at = (id: string): Diagnostic => {
    const line = mistakeLines().get(id);
    const found = diagnostics[name].filter((d) => d.file === "mistakes.ts" && d.line === line);
    expect(found, `diagnostics for mistake ${id}`).toHaveLength(1);
    return found[0]!;
  };

  it("reports a wrong numeric operator at `operator`, listing the numeric rule's operators only", () => {
    for (const id of ["numeric-operator", "grouped-numeric-operator"]) {
      const d = at(id);
      const source = readFileSync(join(FIXTURES, "mistakes.ts"), "utf8").split("\n")[d.line - 1]!;
      expect(d.code).toBe("TS2322");
      expect(d.column).toBe(source.indexOf('operator: "LIKES"') + 1);
      expect(d.text).toMatch(/^Type '"LIKES"' is not assignable to type 'Input<[^']*>'\.$/);
      expect(allowedLiterals(d.text)).toEqual([...NUMERIC_OPERATORS].sort());
      // Not reported against another rule type (the symptom was `'"email"' is not assignable to 'Input<"date_relative">'`).
      expect(d.text).not.toMatch(/email|string|date_|behavioral|segment|LIKE"/);
    }
  });

  it("names the rule, group, time range and schedule interfaces a mistake violates", () => {
    expect(at("numeric-missing-operator").text).toContain("Property 'operator' is missing in type '{ type: \"numeric\"; field: string; values: number[]; }' but required in type 'NumericRule'.");
    expect(at("segment-field").text).toBe("Object literal may only specify known properties, and 'field' does not exist in type 'SegmentRule'.");
    expect(at("grouped-condition").text).toBe("Object literal may only specify known properties, and 'condition' does not exist in type 'GroupedNumericRule'.");
    expect(at("time-range").text).toContain("is missing the following properties from type 'BetweenTimeRange': inLastUnit, to, toUnit");
    expect(at("ants-schedule").text).toContain("Property 'repeat' is missing in type '{ type: \"dynamic\"; }' but required in type 'DynamicSchedule'.");
  });

  it("reports wrong values and operators against the property's own type", () => {
    expect(at("email-values").text).toBe("Type 'number' is not assignable to type 'Input<string>'.");
    expect(at("type-typo").text).toContain(`Did you mean '"numeric"'?`);
    const ants = at("ants-operator");
    expect(ants.text).toMatch(/^Type '"like"' is not assignable to type 'Input<[^']*>'\.$/);
    expect(allowedLiterals(ants.text)).toEqual(["equals", "exactly", "not_equals"]);
  });
});

describe("hovers (language service, nodenext)", () => {
  let service: ts.LanguageService;
  beforeAll(() => {
    const options: ts.CompilerOptions = {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ["node"],
      skipLibCheck: true,
      noEmit: true,
    };
    const host: ts.LanguageServiceHost = {
      getScriptFileNames: () => files.map((f) => join(project, f)),
      getScriptVersion: () => "1",
      getScriptSnapshot: (f) => (existsSync(f) ? ts.ScriptSnapshot.fromString(readFileSync(f, "utf8")) : undefined),
      getCurrentDirectory: () => project,
      getCompilationSettings: () => options,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: ts.sys.fileExists,
      readFile: ts.sys.readFile,
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      realpath: ts.sys.realpath,
    };
    service = ts.createLanguageService(host, ts.createDocumentRegistry());
  });

  /** Quick info at the first occurrence of `needle` (after `after`, if given) in a project file. */
  const hover = (file: string, needle: string, after = ""): string => {
    const path = join(project, file);
    const text = readFileSync(path, "utf8");
    const pos = text.indexOf(needle, after ? text.indexOf(after) : 0);
    expect(pos, `${needle} in ${file}`).toBeGreaterThanOrEqual(0);
    const info = service.getQuickInfoAtPosition(path, pos);
    return info ? ts.displayPartsToString(info.displayParts) : "";
  };

  it("shows the named rule, group, operand and schedule types instead of nested mapped types", () => {
    const shown = {
      rules: hover("examples/quickstart/index.ts", "rules:"),
      match: hover("examples/quickstart/index.ts", "match:"),
      any: hover("examples/quickstart/index.ts", "any:"),
      operand: hover("examples/quickstart/index.ts", "operand:"),
      timeRange: hover("examples/quickstart/index.ts", "timeRange:"),
      matchRules: hover("examples/ants-members/index.ts", "matchRules:"),
      schedule: hover("examples/ants-members/index.ts", "schedule:"),
    };
    expect(shown.rules).toBe("(property) rules?: Input<DiscriminatedInput<ongage.Rule>[]> | undefined");
    expect(shown.match).toBe("(property) match?: Input<ongage.MatchGroup> | undefined");
    expect(shown.any).toBe("(property) any: Input<DiscriminatedInput<ongage.GroupedRule, ongage.MatchGroup>[]>");
    expect(shown.operand).toBe("(property) operand?: Input<ongage.BehavioralOperand> | undefined");
    expect(shown.timeRange).toBe('(property) timeRange?: DiscriminatedInput<ongage.TimeRange, never, "operator"> | undefined');
    expect(shown.matchRules).toBe("(property) matchRules: Input<Input<ants.MatchRule>[]>");
    expect(shown.schedule).toBe("(property) schedule?: DiscriminatedInput<ants.Schedule> | undefined");
  }, 120_000);

  it("names the interface of a rule's discriminant where the rule is typed by a named type", () => {
    expect(hover("inputs.ts", 'type: "numeric"', "const numeric: ongage.NumericRule")).toBe('(property) NumericRule.type: "numeric"');
    expect(hover("inputs.ts", 'type: "email"', "const rules: ongage.Rule[]")).toBe('(property) EmailRule.type: "email"');
  });
});
