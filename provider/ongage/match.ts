/** The properties that join a flat rule to its neighbours; a rule inside a `match` group has none. */
export const JOINING_MASK = { condition: true, openParens: true, closeParens: true, group: true } as const;
type JoiningKey = keyof typeof JOINING_MASK;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A nested all/any group over rules of type `R`; compiles to Ongage's flat position/parenthesis/condition encoding. */
export type MatchGroupOf<R> =
  | { all: Array<MatchItemOf<R>>; label?: string }
  | { any: Array<MatchItemOf<R>>; label?: string };
/** A rule inside a group (the group decides condition, parentheses and label), or a nested group. */
export type MatchItemOf<R> = MatchGroupOf<R> | DistributiveOmit<R, JoiningKey>;

/** What compiling sets on a flat rule (its joining properties). */
interface JoinedRule {
  condition?: "and" | "or";
  openParens?: number;
  closeParens?: number;
  group?: string;
}

/** A flat rule together with the property path it came from (for check failures). */
export interface LocatedRule<R extends JoinedRule = JoinedRule> {
  rule: R;
  path: PropertyKey[];
}

const isGroup = <R>(item: MatchItemOf<R>): item is MatchGroupOf<R> => typeof item === "object" && item !== null && ("all" in item || "any" in item);

/**
 * Compiles a nested all/any tree to Ongage's flat encoding: each rule's `condition` joins it to the
 * previous rule, a nested group is wrapped in parentheses (opened on its first rule, closed on its
 * last) and its rules share a group label. The top level needs no parentheses.
 */
export function compileMatch<R extends JoinedRule>(root: MatchGroupOf<R>, rootPath: PropertyKey[] = ["match"]): LocatedRule<R>[] {
  const out: LocatedRule<R>[] = [];
  let groupCounter = 0;
  const walk = (group: MatchGroupOf<R>, path: PropertyKey[], depth: number, label: string) => {
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
        out.push({ rule: ({ ...item, group: depth === 0 ? "" : label } as JoinedRule as R), path: itemPath });
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
export function locatedRules<R extends JoinedRule>(inputs: { rules?: R[]; match?: MatchGroupOf<R> }): LocatedRule<R>[] {
  if (inputs.match) return compileMatch(inputs.match);
  return (inputs.rules ?? []).map((rule, i) => ({ rule, path: ["rules", i] }));
}
