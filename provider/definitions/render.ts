import { Document, Scalar, isMap, isScalar, isSeq, visit, type Node } from "yaml";

/** One definition file to write: its name inside the output folder, the definition and header comments. */
export interface DefinitionFileOut {
  /** File name, e.g. `vip-openers.yaml`. */
  fileName: string;
  definition: { kind: string; name: string; spec: Record<string, unknown> };
  /** Comment lines placed above the definition (without `#`). */
  comments: string[];
}

/** `Some Name!` → `some-name`; empty → undefined. Lowercase ASCII letters, digits and single dashes, ≤ 60 chars. */
export function slug(text: string): string | undefined {
  const s = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return s === "" ? undefined : s;
}

/**
 * Unique definition names from `candidates` (`[text, id]`): the slug of the text, or `<fallback>-<id>`
 * when it has none; every name two candidates would share gets `-<id>`. Order follows the input.
 */
export function uniqueNames(candidates: ReadonlyArray<readonly [string, string]>, fallback: string): string[] {
  const base = candidates.map(([text, id]) => slug(text) ?? `${fallback}-${id}`);
  const counts = new Map<string, number>();
  for (const b of base) counts.set(b, (counts.get(b) ?? 0) + 1);
  return base.map((b, i) => (counts.get(b)! > 1 ? `${b}-${candidates[i]![1]}` : b));
}

/**
 * The YAML text of one definition file: the schema line for the YAML language server, the comments,
 * then the definition (lists of scalars and small rule objects in flow style, the rest in block style).
 */
export function renderDefinitionFile(file: DefinitionFileOut, schemaPath: string): string {
  const doc = new Document(file.definition);
  const tiny = (item: unknown) => isScalar(item) || (isMap(item) && item.items.length <= 2 && item.items.every((p) => isScalar(p.value)));
  visit(doc, {
    Scalar(_key, node) {
      // Operators ("=", ">") and dates are quoted: YAML 1.1 readers give bare ones a meaning of their own.
      if (typeof node.value === "string" && /^(?:[=<>!]|\d{4}-\d{2}-\d{2})/.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
    Seq(_key, node) {
      if (node.items.every((item) => tiny(item as Node))) node.flow = true;
    },
    Map(_key, node) {
      const scalarsOnly = node.items.every((pair) => isScalar(pair.value) || (isSeq(pair.value) && pair.value.items.every((i) => isScalar(i))));
      if (scalarsOnly && node.items.length <= 8 && !node.items.some((pair) => isMap(pair.value))) {
        const key = (node.items[0]?.key as { value?: unknown } | undefined)?.value;
        if (key !== "kind" && key !== "name") node.flow = true;
      }
    },
  });
  // On the root node rather than the document, so no blank line separates the comments from the definition.
  (doc.contents as { commentBefore?: string }).commentBefore = [` yaml-language-server: $schema=${schemaPath}`, ...file.comments.map((c) => ` ${c}`)].join("\n");
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}
