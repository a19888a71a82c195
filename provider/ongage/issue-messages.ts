import { z } from "zod";
import { optionMessages } from "../pulumi/issue-paths";

/** An operator safe to echo (operators are tokens, never contacts' data), shortened. */
const echo = (v: unknown) => (typeof v === "string" ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : String(v));

/**
 * A rule's `operator` schema, explained by rule type when it is wrong:
 * `"LIKES" is not an operator of numeric rules; numeric rules take one of "=", …`.
 */
export function ruleOperator<const T extends readonly [string, ...string[]]>(operators: T) {
  const schema = z.enum(operators);
  optionMessages.add(schema, {
    explain(value, allowed, owner) {
      const type = typeof owner.type === "string" ? owner.type : "these";
      const got = value === undefined ? "`operator` is required" : `${echo(value)} is not an operator of ${type} rules`;
      return `${got}; ${type} rules take one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}`;
    },
  });
  return schema;
}
