import { compileMatch, JOINING_MASK, type MatchGroupOf, type MatchItemOf } from "./match";

/** A flat rule's joining properties (Ongage's encoding); a missing one has the default `compileMatch` leaves out. */
export interface FlatJoining {
  condition?: "and" | "or";
  openParens?: number;
  closeParens?: number;
  group?: string;
}

/** The groups the flat rules compile from, or why there are none that compile back to exactly these rules. */
export type Decompiled<R extends FlatJoining> = { match: MatchGroupOf<R> } | { problem: string };

type Joining = Required<FlatJoining>;
const joiningOf = (r: FlatJoining): Joining => ({ condition: r.condition ?? "and", openParens: r.openParens ?? 0, closeParens: r.closeParens ?? 0, group: r.group ?? "" });
const sameJoining = (a: Joining, b: Joining) => a.condition === b.condition && a.openParens === b.openParens && a.closeParens === b.closeParens && a.group === b.group;

/** A rule without the joining properties: the group it sits in decides them. */
function grouped<R extends FlatJoining>(rule: R): MatchItemOf<R> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rule)) if (!(k in JOINING_MASK)) out[k] = v;
  return out as MatchItemOf<R>;
}

/** A group while it is read: its items, the conditions between them, the rules directly in it. */
interface Reading<R> {
  items: Array<MatchItemOf<R>>;
  /** Index of the first rule of each item after the first: its condition joins the item to the previous one. */
  joins: number[];
  /** Indexes of the rules directly in this group (not in a nested group). */
  direct: number[];
  /** The groups nested directly in this one, in order, with the tree node each became. */
  nested: Array<{ reading: Reading<R>; group: MatchGroupOf<R> }>;
}

class Unreadable extends Error {}

/**
 * The inverse of `compileMatch` (provider/ongage/match.ts): nested `all`/`any` groups whose compiled
 * flat rules equal `rules` exactly (every condition, parenthesis count and group label), or the first
 * reason why no such groups exist: `and` and `or` mixed at one level without parentheses, parentheses
 * that do not balance, rules of one parenthesised group with different labels, a label outside
 * parentheses, a first rule joined with `or`. The result is compiled back and compared before it is
 * returned, so a tree is never a lossy rewrite of the rules. A group of one item is an `all`; a
 * group's label is left out when it is the one `compileMatch` would give it (`group N`).
 */
export function decompileMatch<R extends FlatJoining>(rules: readonly R[]): Decompiled<R> {
  if (rules.length === 0) return { problem: "there are no rules to group" };
  const joinings = rules.map(joiningOf);
  let next = 0; // the rule read next
  let opensLeft = joinings[0]!.openParens; // parentheses of rule `next` not yet read as groups
  let closesLeft = 0; // parentheses closed after the last rule read, not yet matched

  const readGroup = (depth: number): Reading<R> => {
    const g: Reading<R> = { items: [], joins: [], direct: [], nested: [] };
    for (;;) {
      if (opensLeft > 0) {
        const opener = next;
        opensLeft--;
        const inner = readGroup(depth + 1);
        if (closesLeft === 0) throw new Unreadable(`rules[${opener}] opens a parenthesis that is never closed`);
        closesLeft--;
        const group = toGroup(inner);
        g.nested.push({ reading: inner, group });
        g.items.push(group);
      } else {
        const i = next++;
        g.direct.push(i);
        g.items.push(grouped(rules[i]!));
        closesLeft = joinings[i]!.closeParens;
        opensLeft = joinings[next]?.openParens ?? 0;
      }
      if (closesLeft > 0) {
        if (depth === 0) throw new Unreadable(`rules[${next - 1}] closes a parenthesis that was never opened`);
        return g;
      }
      if (next === rules.length) return g;
      g.joins.push(next);
    }
  };
  const conditionOf = (g: Reading<R>) => {
    const first = g.joins[0] === undefined ? "and" : joinings[g.joins[0]]!.condition;
    const other = g.joins.find((i) => joinings[i]!.condition !== first);
    if (other !== undefined) throw new Unreadable(`rules[${other}] joins with "${joinings[other]!.condition}" where the rules before it at the same level join with "${first}", without parentheses between them`);
    return first;
  };
  const toGroup = (g: Reading<R>): MatchGroupOf<R> => (conditionOf(g) === "or" ? { any: g.items } : { all: g.items });

  try {
    if (joinings[0]!.condition !== "and") throw new Unreadable(`rules[0] joins with "${joinings[0]!.condition}" but is the first rule`);
    const root = readGroup(0);
    for (const i of root.direct) {
      if (joinings[i]!.group !== "") throw new Unreadable(`rules[${i}] has the group label "${joinings[i]!.group}" but is outside parentheses`);
    }
    const match = toGroup(root);
    labelGroups(root, joinings);
    const again = compileMatch(match).map(({ rule }) => joiningOf(rule));
    if (again.length !== rules.length) throw new Unreadable(`the groups compile back to ${again.length} rules instead of ${rules.length}`);
    const differs = again.findIndex((j, i) => !sameJoining(j, joinings[i]!));
    if (differs >= 0) throw new Unreadable(`the groups do not compile back to the same joining of rules[${differs}]`);
    return { match };
  } catch (err) {
    if (err instanceof Unreadable) return { problem: err.message };
    throw err;
  }
}

/**
 * Sets each nested group's label from its direct rules (all must share it), in the order `compileMatch`
 * numbers groups (depth first), leaving out the labels it would give by default.
 */
function labelGroups<R>(root: Reading<R>, joinings: readonly Joining[]): void {
  let counter = 0;
  const walk = (reading: Reading<R>) => {
    for (const { reading: inner, group } of reading.nested) {
      counter++;
      const labels = [...new Set(inner.direct.map((i) => joinings[i]!.group))];
      if (labels.length > 1) {
        const other = inner.direct.find((i) => joinings[i]!.group !== labels[0])!;
        throw new Unreadable(`rules[${inner.direct[0]}] and rules[${other}] share parentheses but have different group labels ("${labels[0]}", "${labels[1]}")`);
      }
      if (labels.length === 1 && labels[0] !== `group ${counter}`) group.label = labels[0];
      walk(inner);
    }
  };
  walk(root);
}
