import type { MatchGroup, MatchItem, RuleInput, SegmentInputs } from "./inputs";

/** A flat rule together with the property path it came from (for check failures). */
export interface LocatedRule {
  rule: RuleInput;
  path: PropertyKey[];
}

const isGroup = (item: MatchItem): item is MatchGroup => "all" in item || "any" in item;

/**
 * Compiles a nested all/any tree to Ongage's flat encoding: each rule's `condition` joins it to the
 * previous rule, a nested group is wrapped in parentheses (opened on its first rule, closed on its
 * last) and its rules share a group label. The top level needs no parentheses.
 */
export function compileMatch(root: MatchGroup, rootPath: PropertyKey[] = ["match"]): LocatedRule[] {
  const out: LocatedRule[] = [];
  let groupCounter = 0;
  const walk = (group: MatchGroup, path: PropertyKey[], depth: number, label: string) => {
    const kind = "all" in group ? "all" : "any";
    const items = "all" in group ? group.all : group.any;
    const condition = kind === "all" ? "and" : "or";
    const first = out.length;
    items.forEach((item, i) => {
      const itemPath = [...path, kind, i];
      const start = out.length;
      if (isGroup(item)) {
        groupCounter++;
        walk(item, itemPath, depth + 1, item.label ?? `group ${groupCounter}`);
      } else {
        out.push({ rule: { ...item, group: depth === 0 ? "" : label } as RuleInput, path: itemPath });
      }
      const firstOfItem = out[start];
      if (firstOfItem && i > 0) firstOfItem.rule = { ...firstOfItem.rule, condition };
    });
    if (depth > 0 && out.length > first) {
      const a = out[first]!;
      a.rule = { ...a.rule, openParens: (a.rule.openParens ?? 0) + 1 };
      const b = out[out.length - 1]!;
      b.rule = { ...b.rule, closeParens: (b.rule.closeParens ?? 0) + 1 };
    }
  };
  walk(root, rootPath, 0, "");
  if (out[0]) out[0].rule = { ...out[0].rule, condition: "and" };
  return out;
}

/** The flat rules of validated inputs, with their source paths. */
export function locatedRules(inputs: SegmentInputs): LocatedRule[] {
  if (inputs.match) return compileMatch(inputs.match);
  return (inputs.rules ?? []).map((rule, i) => ({ rule, path: ["rules", i] }));
}
