import { z } from "zod";

/** An operator safe to echo (operators are tokens, never contacts' data), shortened. */
const echo = (v: unknown) => (typeof v === "string" ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : String(v));

/**
 * A rule's `operator` schema, explained by rule type when it is wrong:
 * `"LIKES" is not an operator of numeric rules; numeric rules take one of "=", …`.
 * The wording is the schema's own error (zod's `error` option, kept in its definition): nothing shared
 * is registered or changed when the schema is built.
 */
export function ruleOperator<const T extends readonly [string, ...string[]]>(type: string, operators: T) {
  return z.enum(operators, {
    error(issue) {
      if (issue.code !== "invalid_value") return undefined;
      const got = issue.input === undefined ? "`operator` is required" : `${echo(issue.input)} is not an operator of ${type} rules`;
      return `${got}; ${type} rules take one of ${operators.map((v) => JSON.stringify(v)).join(", ")}`;
    },
  });
}
