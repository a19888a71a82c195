import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";

// Synthetic preview digests of any size, in the shape `pulumi preview --json` prints, and the GitHub-
// flavoured rendering of a review (micromark with GFM, raw HTML allowed as GitHub allows <details>).

const SEG = "pulumi-nodejs:dynamic/ongage:Segment";
const rule = (v: string) => ({ type: "email", field: "email", operator: "LIKE", values: [v], caseSensitive: false, condition: "and", openParens: 0, closeParens: 0, group: "" });
const urn = (name: string) => `urn:pulumi:prod::segments::${SEG}::${name}`;
const inputs = (name: string, extra: Record<string, unknown> = {}) => ({ listId: 10000, name, description: "", favorite: false, whitelist: false, rules: [rule("gmail")], ...extra });

export const nameOf = (i: number) => `segment-${String(i).padStart(5, "0")}`;

/**
 * `n` changed Ongage segments: every 10th deleted, every 10th (+1) replaced (moved to another list),
 * every 10th (+2) created; the rest updated (description, or rules every third one).
 * `named(i)` overrides the segment name (user text).
 */
export function syntheticDigest(n: number, named: (i: number) => string = (i) => `Segment ${i}`): Record<string, unknown> {
  const steps = Array.from({ length: n }, (_, i) => {
    const name = nameOf(i);
    const id = String(100000 + i);
    const old = inputs(named(i), { description: `old ${i}` });
    const oldState = { urn: urn(name), custom: true, id, type: SEG, inputs: old, outputs: { ...old, segmentId: id }, dependencies: [] };
    switch (i % 10) {
      case 0:
        return { op: "delete", urn: urn(name), provider: "", oldState, detailedDiff: null };
      case 1:
        return { op: "replace", urn: urn(name), provider: "", oldState, newState: { urn: urn(name), custom: true, type: SEG, inputs: { ...old, listId: 20000 }, dependencies: [] }, diffReasons: ["listId"], replaceReasons: ["listId"], detailedDiff: null };
      case 2:
        return { op: "create", urn: urn(name), provider: "", newState: { urn: urn(name), custom: true, type: SEG, inputs: inputs(named(i), { rules: [rule(`new${i}`)] }), dependencies: [] }, detailedDiff: null };
      default: {
        const next = i % 3 === 0 ? { ...old, rules: [rule(`changed${i}`)] } : { ...old, description: `new ${i}` };
        return { op: "update", urn: urn(name), provider: "", oldState, newState: { ...oldState, inputs: next }, diffReasons: i % 3 === 0 ? ["rules"] : ["description"], detailedDiff: null };
      }
    }
  });
  return { steps, changeSummary: {}, duration: 1 };
}

/** The digest written to a temporary file. */
export function digestFile(doc: Record<string, unknown>, name = "preview.json"): string {
  const path = join(mkdtempSync(join(tmpdir(), "review-synthetic-")), name);
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

/** GitHub-flavoured HTML of a comment body. */
export const gfmRender = (md: string): string => micromark(md, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });

/** The structure a valid review comment has: one summary table and its rows, balanced <details>, no fence left open. */
export function structureOf(md: string): { summaryTables: number; summaryRows: number; detailsOpened: number; detailsBalanced: boolean; fencesClosed: boolean; html: string } {
  const html = gfmRender(md);
  const tables = [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((m) => m[1]!);
  const summary = tables.filter((t) => /<th>(Op|Drift)<\/th>\s*<th>Definition<\/th>/.test(t));
  let depth = 0;
  let balanced = true;
  for (const m of html.matchAll(/<(\/?)details\b/g)) {
    depth += m[1] ? -1 : 1;
    if (depth < 0) balanced = false;
  }
  // An unclosed fence swallows everything after it. A fence closes with a line of at least as many backticks.
  let open: number | undefined;
  for (const line of md.split("\n")) {
    const m = /^(`{3,})(.*)$/.exec(line);
    if (!m) continue;
    if (open === undefined) open = m[1]!.length;
    else if (m[1]!.length >= open && m[2]!.trim() === "") open = undefined;
  }
  const fencesClosed = open === undefined;
  return {
    summaryTables: summary.length,
    summaryRows: summary[0] ? (summary[0].match(/<tr>/g)?.length ?? 1) - 1 : 0,
    detailsOpened: html.match(/<details\b/g)?.length ?? 0,
    detailsBalanced: balanced && depth === 0,
    fencesClosed,
    html,
  };
}

/** `?` standing for a value, `undefined`, `null`, NaN and the engine's unknown sentinel: never in a review. */
export const PLACEHOLDER = /\bundefined\b|\bnull\b|\bNaN\b|04da6b54-80e4-46f7-96ec-b56ff0331ba9|(^|[\s(:=])\?($|[\s),])/m;
