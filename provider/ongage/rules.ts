import type { z } from "zod";
import {
  SegmentInputs as SegmentInputsSchema,
  VALUELESS_OPERATORS,
  type MatchGroup,
  type MatchItem,
  type RuleInput,
  type SegmentInputs,
} from "./schemas";

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

const WHITELIST_MAX_ADDRESSES = 100;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Cross-field rules of a segment definition that a shape check cannot express. Adds one issue per
 * violation, at the exact property path.
 */
export function refineSegment(inputs: SegmentInputs, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
  if (inputs.rules !== undefined && inputs.match !== undefined) {
    issue(["match"], "give either `rules` or `match`, not both");
    return;
  }
  const located = locatedRules(inputs);
  if (inputs.external?.url !== undefined && located.length > 0) {
    issue(["external", "url"], "an external segment retrieved from a URL must have no rules");
  }
  if (inputs.whitelist && inputs.external) issue(["whitelist"], "a white-list segment cannot be external");

  let depth = 0;
  let whitelistAddresses = 0;
  located.forEach(({ rule, path }) => {
    const values = "values" in rule ? rule.values : undefined;
    if (rule.type === "behavioral") {
      if ((rule.event === undefined) === (rule.conversionPointId === undefined)) {
        issue([...path, "event"], "a behavioral rule needs exactly one of `event` or `conversionPointId`");
      }
    } else if (rule.type !== "segment") {
      if ((rule.field === undefined) === (rule.fieldId === undefined)) {
        issue([...path, "field"], "give exactly one of `field` (name) or `fieldId`");
      }
      if (VALUELESS_OPERATORS.has(rule.operator)) {
        if (values !== undefined && values.length > 0) issue([...path, "values"], `operator "${rule.operator}" takes no values`);
      } else if (rule.operator === "><") {
        if (values?.length !== 2) issue([...path, "values"], 'operator "><" (between) takes exactly two values: [low, high]');
      } else if (!values || values.length === 0) {
        issue([...path, "values"], `operator "${rule.operator}" needs at least one value`);
      }
      if (rule.type === "email" && rule.field !== undefined && rule.field.startsWith("ocx_")) {
        issue([...path, "field"], "email rules address the list's email field, not an ocx_* system field");
      }
    }
    if (inputs.whitelist) {
      if (rule.type !== "email" || rule.operator !== "=") {
        issue([...path, "operator"], 'a white-list segment allows only email rules with operator "="');
      } else {
        for (const [i, v] of (rule.values ?? []).entries()) {
          if (!EMAIL.test(v)) issue([...path, "values", i], "white-list values must be email addresses");
        }
        whitelistAddresses += rule.values?.length ?? 0;
      }
    }
    depth += rule.openParens ?? 0;
    depth -= rule.closeParens ?? 0;
    if (depth < 0) issue([...path, "closeParens"], "closes a parenthesis that was never opened");
    depth = Math.max(depth, 0);
  });
  if (depth > 0) issue([inputs.match ? "match" : "rules"], `${depth} parenthesis(es) opened but never closed`);
  if (whitelistAddresses > WHITELIST_MAX_ADDRESSES) {
    issue(["rules"], `a white-list segment holds at most ${WHITELIST_MAX_ADDRESSES} addresses (got ${whitelistAddresses})`);
  }
}

/** Segment arguments with every cross-field rule applied; what `check` validates against. */
export const ValidSegmentInputs = SegmentInputsSchema.superRefine(refineSegment);
