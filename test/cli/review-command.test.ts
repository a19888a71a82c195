import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runCli } from "./run-cli";

const dir = mkdtempSync(join(tmpdir(), "review-cli-"));
const file = (name: string, content: string) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const SEG = "pulumi-nodejs:dynamic/ongage:Segment";
const digest = {
  steps: [{
    op: "update", urn: `urn:pulumi:prod::p::${SEG}::vip`,
    oldState: { urn: `urn:pulumi:prod::p::${SEG}::vip`, custom: true, id: "50003", type: SEG, inputs: { name: "VIP", listId: 10000, rules: [{ type: "email", field: "email", operator: "LIKE", values: ["a"], condition: "and", openParens: 0, closeParens: 0, group: "" }] }, outputs: { segmentId: "50003" } },
    newState: { urn: `urn:pulumi:prod::p::${SEG}::vip`, custom: true, id: "50003", type: SEG, inputs: { name: "VIP", listId: 10000, rules: [{ type: "email", field: "email", operator: "LIKE", values: ["b"], condition: "and", openParens: 0, closeParens: 0, group: "" }] } },
    diffReasons: ["rules"], detailedDiff: null,
  }],
  changeSummary: { update: 1 },
};

afterEach(() => vi.restoreAllMocks());

describe("pulumi-segments review: exit codes and inputs", () => {
  it.each([
    [[], "a preview digest file, or - for stdin is required"],
    [["a.json", "b.json"], "one argument expected, got 2: a.json b.json"],
    [["a.json", "--format", "html"], '--format must be one of markdown, text, json, got "html"'],
    [["a.json", "--frobnicate"], "Unknown option '--frobnicate'"],
    [["--base", "main"], "a definitions folder (review --base <git-ref> <dir>) is required"],
    [["--base", "", "segments"], "--base needs a git ref"],
    [["--base", "main", "segments", "--project", "."], "--project applies to a preview digest, not to --base"],
  ])("usage error %j → exit 2 with the usage", async (args, message) => {
    const r = await runCli("review", ...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain("Usage: pulumi-segments review <preview.json | ->");
    expect(r.stdout).toBe("");
  });

  it.each([
    ["missing.json", "pulumi-segments review: cannot read missing.json: no such file\n"],
    ["bad.json", "pulumi-segments review: bad.json is not a preview digest: not JSON: it does not start with a JSON object (was `pulumi preview` run with --json, without other output on stdout?)\n"],
    ["wrong.json", "pulumi-segments review: wrong.json is not a preview digest: steps[0].urn: not a Pulumi URN: \"x\"\n"],
  ])("malformed or missing digest %s → exit 1 with a clear message", async (name, message) => {
    if (name !== "missing.json") file(name, name === "bad.json" ? "Previewing update (prod)\n" : '{"steps":[{"op":"create","urn":"x"}]}');
    vi.spyOn(process, "cwd").mockReturnValue(dir);
    const r = await runCli("review", name === "missing.json" ? "missing.json" : join(dir, name));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(message.replace(name, name === "missing.json" ? name : join(dir, name)));
    expect(r.stdout).toBe("");
  });

  it("reads the digest from stdin with -, and prints one line when nothing changes", async () => {
    vi.spyOn(process, "stdin", "get").mockReturnValue(Readable.from([Buffer.from(JSON.stringify(digest))]) as unknown as typeof process.stdin);
    const r = await runCli("review", "-", "--format", "text");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Segment review: 1 to update\npolicy: pass · no policy file (segments.policy.yaml)\n\n~ update vip "VIP" (ongage.Segment · list 10000 · id 50003)\n    logic:\n      - email contains "a"\n      + email contains "b"\n    audience: not counted (no --live)\n');
    const none = file("none.json", JSON.stringify({ changeSummary: { same: 3 }, duration: 1 }));
    expect(await runCli("review", none, "--format", "text")).toEqual({ code: 0, stdout: "No segment changes.\n", stderr: "" });
    expect((await runCli("review", none)).stdout).toBe("<!-- pulumi-segments review -->\n✅ No segment changes.\n");
    expect(JSON.parse((await runCli("review", none, "--format", "json")).stdout)).toEqual({ schemaVersion: 2, mode: "change", summary: { create: 0, update: 0, replace: 0, delete: 0 }, segments: [], notes: [], policy: { verdict: "pass", findings: [] } });
  });

  it.each(["review", "validate", "export", "emulator"])("%s --help prints that command's usage and exits 0 without running it", async (name) => {
    const { COMMANDS } = await import("../../cli/main");
    const r = await runCli(name, "--help", "--unknown-flag");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(COMMANDS[name]!.usage.trim());
  });

  it("--help exits 0; the command is listed", async () => {
    expect((await runCli("review", "--help")).code).toBe(0);
    expect((await runCli("--help")).stdout).toMatch(/review\s+review segment changes/);
  });
});
