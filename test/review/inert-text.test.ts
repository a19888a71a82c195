import { describe, expect, it } from "vitest";
import { changeSetFromDigest, parseDigest } from "../../provider/review/digest";
import { formatText } from "../../provider/review/formats";
import { formatMarkdown } from "../../provider/review/markdown";
import { codeSpan, htmlText, mdMessage, mdText } from "../../provider/review/markdown-escape";
import { buildReport, reportJson } from "../../provider/review/report";
import { runCli } from "../cli/run-cli";
import { digestFile, structureOf } from "./synthetic";

// Names, descriptions and rule values are written by pull-request authors and shown in a bot comment:
// they must read as written and do nothing (no image, no mention, no reference, no broken layout).

const HOSTILE = "A | B <img src=x> @octocat `tick` </details> #123 ```";
const SEG = "pulumi-nodejs:dynamic/ongage:Segment";
const urn = (name: string) => `urn:pulumi:prod::segments::${SEG}::${name}`;
const rule = (v: string) => ({ type: "email", field: "email", operator: "LIKE", values: [v], caseSensitive: false, condition: "and", openParens: 0, closeParens: 0, group: "" });
const DEF = "evil`name|x";

function hostileDigest() {
  const old = { listId: 10000, name: HOSTILE, description: "plain", favorite: false, whitelist: false, rules: [rule("a")] };
  const next = { ...old, description: `${HOSTILE} **bold** [link](https://example.org) ![i](x.png)`, rules: [rule("```\n</details>\n@octocat")] };
  return {
    steps: [
      { op: "update", urn: urn(DEF), oldState: { urn: urn(DEF), custom: true, id: "50001", type: SEG, inputs: old, outputs: { ...old, segmentId: "50001" } }, newState: { urn: urn(DEF), custom: true, id: "50001", type: SEG, inputs: next }, diffReasons: ["description", "rules"], detailedDiff: null },
      { op: "delete", urn: urn("plain"), oldState: { urn: urn("plain"), custom: true, id: "50002", type: SEG, inputs: { ...old, name: "</summary></details><details open>" }, outputs: { segmentId: "50002" } }, detailedDiff: null },
    ],
  };
}
const report = () => buildReport(changeSetFromDigest(parseDigest(JSON.stringify(hostileDigest()), "d"), "."));

describe("user text is inert in every format", () => {
  it("Markdown: no HTML, image, mention or reference gets through; the layout holds (GFM rendering)", () => {
    const md = formatMarkdown(report());
    const s = structureOf(md);
    expect(s.summaryTables).toBe(1);
    expect(s.summaryRows).toBe(2);
    expect(s.detailsOpened).toBe(2);
    expect(s.detailsBalanced).toBe(true);
    expect(s.fencesClosed).toBe(true);
    // Every summary row keeps its six cells: the `|` in the names did not split one.
    const rows = [...s.html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!.match(/<td/g)?.length ?? 0).filter((n) => n > 0);
    expect(rows.slice(0, 2)).toEqual([6, 6]);
    expect(s.html).not.toMatch(/<img|<a href="x|<summary><\/details>|<details open><\/summary>/);
    expect(s.html).not.toMatch(/<strong>bold<\/strong>|>link<\/a>/);
    // Mentions and references are broken by a zero-width space, so GitHub neither pings nor links.
    // (Inside code, GitHub neither pings nor links: only the text outside code is checked.)
    expect(s.html.replace(/<pre>[\s\S]*?<\/pre>|<code>[\s\S]*?<\/code>/g, "")).not.toMatch(/@octocat|#123/);
    expect(md).toContain("@\u200boctocat");
    // The name reads as written: in the summary row, in the <summary> and in the detail's heading text.
    expect(s.html).toContain("A | B &lt;img src=x&gt; @\u200boctocat `tick` &lt;/details&gt; #\u200b123 ```");
    // A definition name with a backtick and a pipe stays one code span.
    expect(s.html).toContain("<code>evil`name|x</code>");
    // The rule value with a fence and </details> stays inside the diff block.
    expect(s.html).toMatch(/<pre><code class="language-diff">[^<]*email contains &quot;```\\n&lt;\/details&gt;\\n@octocat&quot;\n<\/code><\/pre>/);
  });

  it("text: one line per value, no control characters; JSON: the text exactly as written (data, never markup)", () => {
    const r = report();
    const text = formatText(r);
    expect(text).toContain(`~ update ${DEF} "${HOSTILE.replace("@octocat", "@octocat")}"`);
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    const withEscape = buildReport(changeSetFromDigest(parseDigest(JSON.stringify({ steps: [{ ...hostileDigest().steps[0], newState: { ...hostileDigest().steps[0]!.newState, inputs: { ...hostileDigest().steps[0]!.newState!.inputs, name: "red\u001b[31m alert" } } }] }), "d"), "."));
    expect(formatText(withEscape)).not.toContain("\u001b");
    expect(formatMarkdown(withEscape)).not.toContain("\u001b");
    const json = JSON.parse(JSON.stringify(reportJson(r))) as { segments: Array<{ name: string; displayName: string }> };
    expect(json.segments.map((x) => x.displayName)).toContain(HOSTILE);
    expect(json.segments.map((x) => x.name)).toContain(DEF);
  });

  it("through the CLI, in every format", async () => {
    const file = digestFile(hostileDigest());
    for (const format of ["markdown", "text", "json"]) {
      const r = await runCli("review", file, "--format", format);
      expect(r.code).toBe(0);
      if (format === "markdown") expect(structureOf(r.stdout).detailsBalanced).toBe(true);
      if (format === "markdown") expect(r.stdout).not.toContain("<img");
    }
  });

  it("the escaping helpers, one context each", () => {
    expect(mdText("*a* _b_ [c](d) ![e](f) <b> & | ~g~ \\ #1 @u")).toBe("\\*a\\* \\_b\\_ \\[c\\](d) \\!\\[e\\](f) &lt;b&gt; &amp; \\| \\~g\\~ \\\\ \\#\u200b1 @\u200bu");
    expect(htmlText(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    expect(codeSpan("a`b")).toBe("``a`b``");
    expect(codeSpan("`x`")).toBe("`` `x` ``");
    expect(codeSpan("a|b", true)).toBe("`a\\|b`");
    expect(mdMessage("referenced by `crm` (<b>)")).toBe("referenced by `crm` (&lt;b&gt;)");
  });
});
