import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, sourceFiles } from "./source-graph";

/**
 * Comments cite only files in the repository: a path a comment names exists, and no comment points at
 * a document the reader cannot open (an issue number, "the design doc", a section of a file not named).
 */
const files = sourceFiles();

/** The comment text of a source file, line by line (line numbers kept). */
function comments(src: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  const lines = src.split("\n");
  let inBlock = false;
  lines.forEach((raw, i) => {
    let text = "";
    let rest = raw;
    if (inBlock) {
      const end = rest.indexOf("*/");
      text += end < 0 ? rest : rest.slice(0, end);
      inBlock = end < 0;
      rest = end < 0 ? "" : rest.slice(end + 2);
    }
    const block = rest.indexOf("/*");
    const lineComment = rest.search(/(^|[^:"'`\\])\/\//);
    if (lineComment >= 0 && (block < 0 || lineComment < block)) text += rest.slice(lineComment);
    else if (block >= 0) {
      const end = rest.indexOf("*/", block + 2);
      text += end < 0 ? rest.slice(block) : rest.slice(block, end);
      inBlock = end < 0;
    }
    if (text.trim()) out.push({ line: i + 1, text });
  });
  return out;
}

const PATH = /(?<![\w./-])((?:\.\.?\/)?(?:[\w.-]+\/)+[\w.-]+\.(?:md|ts|mts|mjs|js|json|yaml|go))(?![\w/])/g;
const FOREIGN = /\bissue\s+#?\d+|\bdesign doc\b|\bthe issue\b|\bsee the (?:ticket|spec)\b/i;
/** Paths that are not ours to resolve: Go sources of pulumi/pulumi's engine, installed packages, build output. */
const NOT_OURS = /\.go$|^(?:node_modules|dist|build)\//;

describe("comment citations", () => {
  const cited = files.flatMap((file) =>
    comments(readFileSync(join(ROOT, file), "utf8")).flatMap(({ line, text }) => [...text.matchAll(PATH)].map((m) => ({ file, line, path: m[1]!, text }))),
  );

  it("every file path a comment cites exists in the repository", () => {
    const dangling = cited
      .filter((c) => !NOT_OURS.test(c.path))
      .filter((c) => !existsSync(join(ROOT, c.path)) && !existsSync(join(ROOT, c.file, "..", c.path)))
      .map((c) => `${c.file}:${c.line} cites ${c.path}`);
    expect(dangling).toEqual([]);
  });

  it("no comment points at a document outside the repository", () => {
    const foreign = files.flatMap((file) =>
      comments(readFileSync(join(ROOT, file), "utf8"))
        .filter(({ text }) => FOREIGN.test(text))
        .map(({ line, text }) => `${file}:${line} ${text.trim().slice(0, 100)}`),
    );
    expect(foreign).toEqual([]);
  });

  it("the scanner sees comments and paths (so the assertions above cannot pass vacuously)", () => {
    expect(cited.length).toBeGreaterThan(20);
    expect(comments("const a = 1; // see docs/api/ongage.md §2\n/* issue 9 §3 */").map((c) => c.text.trim())).toEqual(["// see docs/api/ongage.md §2", "/* issue 9 §3"]);
  });
});
