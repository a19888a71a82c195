import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, importEdges, sourceFiles } from "./source-graph";

/**
 * Tests mirror the source: every module of provider/, emulators/, driver/ and cli/ has a test file at the
 * same relative path, or a row in test/README.md naming test files that reach it through their imports.
 */
const modules = sourceFiles().filter((f) => /^(provider|emulators|driver|cli)\/.*\.ts$/.test(f));
const mirrorOf = (m: string) => `test/${m.startsWith("provider/") ? m.slice("provider/".length) : m}`.replace(/\.ts$/, ".test.ts");

function testFiles(dir = "test"): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((n) => {
    const p = `${dir}/${n}`;
    return statSync(join(ROOT, p)).isDirectory() ? (n === "fixtures" ? [] : testFiles(p)) : p.endsWith(".ts") ? [p] : [];
  });
}

/** Rows of test/README.md's table: module → the test files it names. */
function rows(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of readFileSync(join(ROOT, "test/README.md"), "utf8").split("\n")) {
    const cells = line.split("|").slice(1, -1);
    if (cells.length !== 2) continue;
    const module = /`([^`]+\.ts)`/.exec(cells[0]!)?.[1];
    if (module) out.set(module, [...cells[1]!.matchAll(/`(test\/[^`]+\.test\.ts)`/g)].map((m) => m[1]!));
  }
  return out;
}

describe("tests mirror the source", () => {
  const table = rows();
  const edges = importEdges([...sourceFiles(), ...testFiles()]);
  const next = new Map<string, Set<string>>();
  for (const e of edges) if (e.to) next.set(e.from, (next.get(e.from) ?? new Set()).add(e.to));
  const reaches = (from: string, target: string): boolean => {
    const seen = new Set([from]);
    const queue = [from];
    while (queue.length) {
      const f = queue.shift()!;
      if (f === target) return true;
      for (const t of next.get(f) ?? []) if (!seen.has(t)) (seen.add(t), queue.push(t));
    }
    return false;
  };

  it("every source module has a same-named test file or a row in test/README.md", () => {
    expect(modules.filter((m) => !existsSync(join(ROOT, mirrorOf(m))) && !table.has(m))).toEqual([]);
  });

  it("every row names existing test files, and each reaches its module (a child-process row says so)", () => {
    const wrong: string[] = [];
    for (const [module, tests] of table) {
      if (!existsSync(join(ROOT, module))) wrong.push(`${module}: no such module`);
      if (tests.length === 0) wrong.push(`${module}: names no test file`);
      for (const t of tests) {
        if (!existsSync(join(ROOT, t))) wrong.push(`${module}: ${t} does not exist`);
        else if (!reaches(t, module) && !/child process/.test(readFileSync(join(ROOT, "test/README.md"), "utf8").split("\n").find((l) => l.includes(`\`${module}\``)) ?? "")) {
          wrong.push(`${module}: ${t} does not reach it`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("a module with a same-named test needs no row (the table lists only the others)", () => {
    expect([...table.keys()].filter((m) => existsSync(join(ROOT, mirrorOf(m))))).toEqual([]);
  });
});
