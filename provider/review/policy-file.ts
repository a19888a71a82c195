import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ReviewInputError } from "./change-set";
import { POLICY_RULES, PolicyLevel } from "./report-schema";

/**
 * The policy file (`segments.policy.yaml`): guardrails a change must pass. One zod schema, the source
 * of the policy's types and of schema/review-policy.schema.json.
 */

export const DEFAULT_POLICY_FILE = "segments.policy.yaml";

const Level = z.object({ level: PolicyLevel }).strict();
/** At least one threshold; a rule fires when any given threshold is exceeded. */
const Thresholds = z
  .object({
    level: PolicyLevel,
    maxPercent: z.number().nonnegative().optional().describe("fires when the audience changes by more than this percentage of before"),
    maxContacts: z.number().int().nonnegative().optional().describe("fires when the audience changes by more than this many contacts"),
  })
  .strict()
  .refine((r) => r.maxPercent !== undefined || r.maxContacts !== undefined, { message: "needs maxPercent, maxContacts or both" });
const NewSegmentAudience = z.object({ level: PolicyLevel, maxContacts: z.number().int().nonnegative() }).strict();

export const PolicyRules = z
  .object({
    "audience-drop": Thresholds.optional().describe("an update or replacement shrinks the audience by more than a threshold"),
    "audience-growth": Thresholds.optional().describe("an update or replacement grows the audience by more than a threshold"),
    "audience-empty": Level.optional().describe("the audience after the change is 0"),
    "audience-unknown": Level.optional().describe("an audience rule could not be evaluated (no --live, or the count failed)"),
    "new-segment-audience": NewSegmentAudience.optional().describe("a new segment's audience is over maxContacts"),
    "campaigns-affected": Level.optional().describe("a delete or replacement of a segment that campaigns or ANTS modules use (or whose users could not be checked)"),
    delete: Level.optional().describe("a segment is deleted"),
    replace: Level.optional().describe("a segment is replaced (new id)"),
    "whitelist-changed": Level.optional().describe("an Ongage segment's white-list flag changes"),
  })
  .strict();

export const PolicyException = z
  .object({
    rule: z.enum(POLICY_RULES),
    segments: z.array(z.string().min(1)).min(1).describe("globs (* and ?) matched against the definition name and the segment name"),
    reason: z.string().trim().min(1).describe("why the finding is allowed: shown with it"),
  })
  .strict();
export type PolicyException = z.infer<typeof PolicyException>;

export const PolicyFile = z
  .object({
    rules: PolicyRules.default({}),
    exceptions: z.array(PolicyException).default([]),
  })
  .strict();
export type PolicyFile = z.infer<typeof PolicyFile>;

/** A policy as read: its rules, and the file it came from (absent: no policy). */
export interface LoadedPolicy {
  file?: string;
  policy: PolicyFile;
}

const pathOf = (path: PropertyKey[]) => path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "") || "(document)";

/** Parses policy text; every problem is a ReviewInputError naming the file and the property path. */
export function parsePolicy(text: string, source: string): PolicyFile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ReviewInputError(`${source} is not a policy file: not YAML: ${(err as Error).message.split("\n")[0]}`);
  }
  const parsed = PolicyFile.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keys = issue.code === "unrecognized_keys" ? `: ${issue.keys.join(", ")} (known: ${issue.path.length === 0 ? "rules, exceptions" : issue.path[0] === "rules" ? POLICY_RULES.join(", ") : "see schema/review-policy.schema.json"})` : "";
    throw new ReviewInputError(`${source}: ${pathOf(issue.path)}: ${issue.message}${keys}`);
  }
  return parsed.data;
}

/** `--policy FILE`, else `segments.policy.yaml` in `dir` when present, else no policy. */
export function loadPolicy(explicit: string | undefined, dir: string): LoadedPolicy {
  const file = explicit ?? (existsSync(join(dir, DEFAULT_POLICY_FILE)) ? join(dir, DEFAULT_POLICY_FILE) : undefined);
  if (file === undefined) return { policy: { rules: {}, exceptions: [] } };
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ReviewInputError(`cannot read policy ${file}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`);
  }
  return { file, policy: parsePolicy(text, file) };
}

/** Where the generated policy JSON Schema is published inside the package. */
export const POLICY_JSON_SCHEMA_PATH = "schema/review-policy.schema.json";

/** The policy file's JSON Schema text (draft-07, 2-space, trailing newline). */
export function policyJsonSchemaText(): string {
  const { $schema, ...rest } = z.toJSONSchema(PolicyFile, { target: "draft-7", io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  const doc = {
    $schema,
    $id: "https://unpkg.com/pulumi-segments/schema/review-policy.schema.json",
    title: "pulumi-segments review policy (segments.policy.yaml)",
    description: "Guardrails for `pulumi-segments review`: rules with a level (warn or fail) and thresholds, and exceptions that allow a finding with a reason. Generated from provider/review/policy-file.ts; do not edit.",
    ...rest,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
