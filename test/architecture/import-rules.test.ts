import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, allows, importCircles, importEdges, importRules, ruleFor, sourceFiles } from "./source-graph";

/** ARCHITECTURE.md states the import rules; this test holds the code to them, so the map stays true. */
const architecture = readFileSync(join(ROOT, "ARCHITECTURE.md"), "utf8");
const rules = importRules(architecture);
const files = sourceFiles();
const edges = importEdges(files);

describe("ARCHITECTURE.md import rules", () => {
  it("has a rule for every source file, and every rule names something that exists", () => {
    expect(rules.length).toBeGreaterThan(10);
    expect(files.filter((f) => ruleFor(rules, f) === undefined)).toEqual([]);
    const missing = rules.flatMap((r) => [r.scope, ...r.allowed]).filter((p) => !existsSync(join(ROOT, p)));
    expect(missing).toEqual([]);
  });

  it("every relative import resolves to a file", () => {
    expect(edges.filter((e) => e.specifier.startsWith(".") && e.to === undefined).map((e) => `${e.from}:${e.line} ${e.specifier}`)).toEqual([]);
  });

  it("every import stays within what the importing folder may use", () => {
    const broken = edges
      .filter((e) => e.to !== undefined && !allows(ruleFor(rules, e.from)!, e.to))
      .map((e) => `${e.from}:${e.line} imports ${e.to} (rule for ${ruleFor(rules, e.from)!.scope})`);
    expect(broken).toEqual([]);
  });

  it("the emulators import no provider code, by path or by package name", () => {
    const leaks = edges.filter((e) => e.from.startsWith("emulators/") && (e.to?.startsWith("provider/") || e.specifier.startsWith("pulumi-segments")));
    expect(leaks.map((e) => `${e.from}:${e.line} ${e.specifier}`)).toEqual([]);
  });

  it("the rule checker catches a forbidden import (so the rules above cannot pass vacuously)", () => {
    const http = ruleFor(rules, "provider/http/client.ts")!;
    expect(allows(http, "provider/pulumi/settings.ts")).toBe(false);
    expect(allows(http, "provider/http/errors.ts")).toBe(true);
    const emulator = ruleFor(rules, "emulators/ongage/server.ts")!;
    expect(allows(emulator, "provider/ongage/wire.ts")).toBe(false);
  });
});

describe("invariants of the code map", () => {
  it("has no import circle", () => {
    expect(importCircles(edges)).toEqual([]);
  });

  it("the circle finder finds a circle (so the assertion above cannot pass vacuously)", () => {
    const edge = (from: string, to: string) => ({ from, to, specifier: to, line: 1 });
    expect(importCircles([edge("a", "b"), edge("b", "c"), edge("c", "a"), edge("c", "d")])).toEqual([["a", "b", "c"]]);
  });

  it("has no source file over 450 lines", () => {
    const long = files
      .map((f) => ({ f, lines: readFileSync(join(ROOT, f), "utf8").split("\n").length }))
      .filter((x) => x.lines > 450)
      .map((x) => `${x.f}: ${x.lines} lines`);
    expect(long).toEqual([]);
  });

  it("has no `as unknown as` cast in provider/", () => {
    const casts = files.filter((f) => f.startsWith("provider/") && readFileSync(join(ROOT, f), "utf8").includes("as unknown as"));
    expect(casts).toEqual([]);
  });
});
