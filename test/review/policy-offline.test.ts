import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { POLICY_JSON_SCHEMA_PATH, parsePolicy, policyJsonSchemaText } from "../../provider/review/policy-file";
import { globMatches } from "../../provider/review/policy";
import { REPORT_JSON_SCHEMA_PATH, Report, reportJsonSchemaText } from "../../provider/review/report-schema";
import { runCli } from "../cli/run-cli";
import { REPO } from "./helpers";
import { PLACEHOLDER, digestFile, syntheticDigest } from "./synthetic";

// Rules that need no audience, through the CLI on a preview digest: delete, replace, whitelist-changed;
// the policy file itself (schema, errors by property path, default location); exit codes.

const SEG = "pulumi-nodejs:dynamic/ongage:Segment";
const urn = (n: string) => `urn:pulumi:prod::segments::${SEG}::${n}`;
const rule = { type: "email", field: "email", operator: "LIKE", values: ["a"], caseSensitive: false, condition: "and", openParens: 0, closeParens: 0, group: "" };
const wl = (name: string, whitelist: boolean) => ({ listId: 10000, name, description: "", favorite: false, whitelist, rules: [rule] });
const whitelistDigest = { steps: [{ op: "update", urn: urn("vips"), oldState: { urn: urn("vips"), custom: true, id: "50009", type: SEG, inputs: wl("VIPs", false), outputs: { segmentId: "50009" } }, newState: { urn: urn("vips"), custom: true, id: "50009", type: SEG, inputs: wl("VIPs", true) }, diffReasons: ["whitelist"], detailedDiff: null }] };

const dir = mkdtempSync(join(tmpdir(), "review-policy-"));
const policy = (name: string, yaml: string) => {
  const p = join(dir, name);
  writeFileSync(p, yaml);
  return p;
};
const json = async (...args: string[]) => {
  const r = await runCli("review", ...args, "--format", "json");
  return { code: r.code, stderr: r.stderr, report: r.stdout ? Report.parse(JSON.parse(r.stdout)) : undefined };
};

describe("policy: delete, replace, whitelist-changed through the CLI", () => {
  const ten = digestFile(syntheticDigest(10));

  it("delete (warn): exit 0, verdict warn; replace (fail): exit 3", async () => {
    const warn = await json(ten, "--policy", policy("warn.yaml", "rules:\n  delete: { level: warn }\n"));
    expect(warn.code).toBe(0);
    expect(warn.report!.policy).toEqual({ verdict: "warn", file: join(dir, "warn.yaml"), findings: [{ rule: "delete", level: "warn", segment: "segment-00000", message: "segment 100000 is deleted", allowed: false }] });
    const fail = await json(ten, "--policy", policy("fail.yaml", "rules:\n  replace: { level: fail }\n"));
    expect(fail.code).toBe(3);
    expect(fail.report!.policy.findings).toEqual([{ rule: "replace", level: "fail", segment: "segment-00001", message: "segment 100001 is replaced by a new one with a new id", allowed: false }]);
    const text = await runCli("review", ten, "--format", "text", "--policy", join(dir, "fail.yaml"));
    expect(text.code).toBe(3);
    expect(text.stdout).toContain("policy: fail: replace · policy fail.yaml\n");
    expect(text.stdout).toContain("    fail replace: segment 100001 is replaced by a new one with a new id\n");
  });

  it("an exception allows a finding by glob on the definition or segment name: shown, marked allowed with its reason", async () => {
    const yaml = 'rules:\n  replace: { level: fail }\nexceptions:\n  - { rule: replace, segments: ["Segment 1"], reason: "moved to list 20000 on purpose" }\n';
    const r = await json(ten, "--policy", policy("exc.yaml", yaml));
    expect(r.code).toBe(0);
    expect(r.report!.policy).toMatchObject({ verdict: "pass", findings: [{ rule: "replace", allowed: true, reason: "moved to list 20000 on purpose" }] });
    const md = (await runCli("review", ten, "--policy", join(dir, "exc.yaml"))).stdout;
    expect(md.split("\n")[1]).toBe("✅ **Policy: pass · policy exc.yaml · 1 finding allowed by exceptions**");
    expect(md).toContain("✅ replace (allowed)");
    expect(md).toContain("> ✅ **replace** (policy, allowed: moved to list 20000 on purpose): segment 100001 is replaced by a new one with a new id");
    expect(globMatches("legacy-*", "legacy-2024")).toBe(true);
    expect(globMatches("legacy-?", "legacy-10")).toBe(false);
    expect(globMatches("a.b", "axb")).toBe(false);
  });

  it("whitelist-changed: a segment that becomes a white list fails", async () => {
    const r = await json(digestFile(whitelistDigest), "--policy", policy("wl.yaml", "rules:\n  whitelist-changed: { level: fail }\n"));
    expect(r.code).toBe(3);
    expect(r.report!.policy.findings).toEqual([{ rule: "whitelist-changed", level: "fail", segment: "vips", message: "the white-list flag changes", allowed: false }]);
  });

  it("segments.policy.yaml in --project is the default; --policy overrides it; none: verdict pass without findings", async () => {
    const project = mkdtempSync(join(tmpdir(), "review-policy-project-"));
    writeFileSync(join(project, "segments.policy.yaml"), "rules:\n  delete: { level: fail }\n");
    const found = await json(ten, "--project", project);
    expect(found.code).toBe(3);
    expect(found.report!.policy.file).toBe(join(project, "segments.policy.yaml"));
    const none = await json(ten, "--project", dir);
    expect(none.report!.policy).toEqual({ verdict: "pass", findings: [] });
  });

  it("a bad policy file: exit 1, naming the file and the property path, before any work", async () => {
    const cases: Array<[string, string]> = [
      ["rules:\n  audience-drop: { level: fail }\n", "rules.audience-drop: needs maxPercent, maxContacts or both"],
      ["rules:\n  delete: { level: block }\n", 'rules.delete.level: Invalid option: expected one of "warn"|"fail"'],
      ["rules:\n  audience-shrink: { level: fail }\n", "(document)"],
      ["exceptions:\n  - { rule: delete, segments: [a] }\n", "exceptions[0].reason"],
      ["rules: [\n", "is not a policy file: not YAML"],
    ];
    for (const [yaml, message] of cases) {
      const file = policy("bad.yaml", yaml);
      const r = await runCli("review", ten, "--policy", file);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(`pulumi-segments review: ${file}`);
      if (message !== "(document)") expect(r.stderr).toContain(message);
      else expect(r.stderr).toContain("audience-shrink (known: audience-drop, audience-growth");
    }
    expect((await runCli("review", ten, "--policy", join(dir, "missing.yaml"))).stderr).toBe(`pulumi-segments review: cannot read policy ${join(dir, "missing.yaml")}: no such file\n`);
  });

  it("the commented example policy passes its schema and names every rule", () => {
    const example = readFileSync(join(REPO, "examples", "policy", "segments.policy.yaml"), "utf8");
    const parsed = parsePolicy(example, "example");
    expect(Object.keys(parsed.rules).sort()).toEqual(["audience-drop", "audience-empty", "audience-growth", "audience-unknown", "campaigns-affected", "delete", "new-segment-audience", "replace", "whitelist-changed"]);
  });

  it("the shipped JSON Schemas are the ones derived from the zod schemas", () => {
    expect(readFileSync(join(REPO, REPORT_JSON_SCHEMA_PATH), "utf8")).toBe(reportJsonSchemaText());
    expect(readFileSync(join(REPO, POLICY_JSON_SCHEMA_PATH), "utf8")).toBe(policyJsonSchemaText());
  });
});

describe("no placeholders: every format of every review holds facts or says why not", () => {
  it.each([
    ["10 mixed changes", () => digestFile(syntheticDigest(10))],
    ["a white-list change", () => digestFile(whitelistDigest)],
  ])("%s", async (_, file) => {
    const path = file();
    for (const format of ["markdown", "text", "json"]) {
      const r = await runCli("review", path, "--format", format, "--policy", policy("all.yaml", readFileSync(join(REPO, "examples", "policy", "segments.policy.yaml"), "utf8")));
      expect(r.stdout.length).toBeGreaterThan(0);
      expect(r.stdout).not.toMatch(PLACEHOLDER);
    }
  });
});
