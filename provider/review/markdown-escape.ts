/**
 * User text (segment and definition names, descriptions, rule values) made inert for a GitHub
 * comment: no HTML, no Markdown structure, no `@mention` or `#123` reference, and code that cannot be
 * closed from inside. Each helper is for one context; the text always reads as written.
 */

const ZWSP = "\u200b";

/** `@user` and `#123` stay readable but neither pings nor links: a zero-width space follows the sign. */
export function neutralizeReferences(s: string): string {
  return s.replace(/@(?=[A-Za-z0-9_-])/g, `@${ZWSP}`).replace(/#(?=\d)/g, `#${ZWSP}`).replace(/\b(GH-)(?=\d)/gi, `$1${ZWSP}`);
}

/** Control characters (terminal escapes, NUL, …) and line breaks as one space each. */
export function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ");
}

const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text inside an HTML element (`<summary>`, `<code>`): entities for `& < > " '`. */
export function htmlText(s: string): string {
  return neutralizeReferences(oneLine(s)).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}

/**
 * Inline Markdown text (headings, table cells, quotes), always after a prefix on one line: HTML as
 * entities; emphasis, code, links, images, tables, strike-through, math and headings escaped.
 */
export function mdText(s: string): string {
  return neutralizeReferences(oneLine(s))
    .replace(/[&<>]/g, (c) => HTML_ENTITIES[c]!)
    .replace(/[\\`*_[\]|~!#$]/g, (c) => `\\${c}`);
}

/**
 * A code span holding `s` exactly: the fence is one backtick longer than the longest run inside, and
 * padded when `s` starts or ends with a backtick. `inTable`: `|` escaped, as a GFM table cell needs even
 * inside code. Mentions and HTML inside code are inert already.
 */
export function codeSpan(s: string, inTable = false): string {
  let text = oneLine(s);
  if (inTable) text = text.replace(/\|/g, "\\|");
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") || text === "" ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** `<code>` for HTML contexts (`<summary>`). */
export const htmlCode = (s: string): string => `<code>${htmlText(s)}</code>`;

/** The fence of a code block: longer than any backtick run in its lines (at least three backticks). */
export function fenceFor(lines: readonly string[]): string {
  const longest = Math.max(2, ...lines.flatMap((l) => (l.match(/`+/g) ?? []).map((r) => r.length)));
  return "`".repeat(longest + 1);
}

/** A fenced block whose content cannot close it; lines made single-line. */
export function codeBlock(info: string, lines: readonly string[]): string[] {
  const body = lines.map(oneLine);
  const fence = fenceFor(body);
  return [`${fence}${info}`, ...body, fence];
}

/**
 * A message the review composed, where code spans (definition names) are intended: each code span is
 * re-made with codeSpan, every other run of text escaped with mdText.
 */
export function mdMessage(s: string, inTable = false): string {
  const out: string[] = [];
  const re = /(`+)([\s\S]*?[^`])\1(?!`)/g;
  let last = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    out.push(mdText(s.slice(last, m.index)), codeSpan(m[2]!.replace(/^ (.*) $/s, "$1"), inTable));
    last = m.index + m[0].length;
  }
  out.push(mdText(s.slice(last)));
  return out.join("");
}
