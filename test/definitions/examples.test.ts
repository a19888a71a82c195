import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { validateFolder } from "../../provider/definitions/validate";
import { runCli } from "../cli/run-cli";

const root = resolve(__dirname, "..", "..");
const example = join(root, "examples", "yaml-folder");

describe("examples/yaml-folder", () => {
  it("its program declares exactly the resources its definition files describe, refs becoming the referenced segment's id", async () => {
    const registered: Array<{ type: string; name: string; inputs: Record<string, any> }> = [];
    pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: `${args.name}-id`, state: { ...args.inputs, segmentId: `${args.name}-id` } };
        },
        call: (args) => args.inputs,
      },
      "example-yaml-folder",
      "examples",
      false,
    );
    expect(JSON.parse(readFileSync(join(example, "package.json"), "utf8")).name).toBe("pulumi-segments-example-yaml-folder");
    // Run the example's program itself (it loads pulumi-segments by name, as a user's project does).
    await import(join(example, "index.ts"));
    const report = await validateFolder(join(example, "segments"), root);
    const declared = report.definitions.map((d) => `pulumi-nodejs:dynamic/${d.definition.kind.replace(".", ":")} ${d.definition.name}`).sort();
    await vi.waitFor(() => expect(registered).toHaveLength(declared.length));
    expect(registered.map((r) => `${r.type} ${r.name}`).sort()).toEqual(declared);
    const byName = new Map(registered.map((r) => [r.name, r]));
    expect(byName.get("crm-export-members")!.inputs.segmentId).toBe("crm-export-id");
    const refs = (byName.get("engaged-or-reachable")!.inputs.match ?? byName.get("engaged-or-reachable")!.inputs.rules);
    expect(JSON.stringify(refs)).toContain("engaged-openers-id");
    expect(JSON.stringify(refs)).toContain("reachable-gmail-id");
  });

  it("validates cleanly and covers rules, a segment-of-segment ref, an external segment with recipients and an ANTS CSV segment", async () => {
    const report = await validateFolder(join(example, "segments"), root);
    expect(report.diagnostics).toEqual([]);
    const kinds = report.definitions.map((d) => `${d.definition.kind} ${d.definition.name}`);
    expect(kinds).toEqual([
      "ants.Segment launch-customers",
      "ongage.Segment crm-export",
      "ongage.ExternalRecipients crm-export-members",
      "ongage.Segment engaged-openers",
      "ongage.Segment reachable-gmail",
      "ongage.Segment engaged-or-reachable",
    ]);
    expect(report.definitions.flatMap((d) => d.references.map((r) => `${d.definition.name} → ${r.name}`))).toEqual([
      "crm-export-members → crm-export",
      "engaged-or-reachable → engaged-openers",
      "engaged-or-reachable → reachable-gmail",
    ]);
  });
});

describe("examples/github-actions/segments.yml", () => {
  const workflow = parse(readFileSync(join(root, "examples", "github-actions", "segments.yml"), "utf8")) as Record<string, any>;
  const step = (job: string, uses: string) => (workflow.jobs[job].steps as Array<Record<string, any>>).find((s) => s.uses === uses);

  it("reviews pull requests in one edited PR comment, applies merges to main, checks drift nightly", () => {
    expect(Object.keys(workflow.on)).toEqual(["pull_request", "push", "schedule", "workflow_dispatch"]);
    expect(workflow.on.push.branches).toEqual(["main"]);
    expect(workflow.jobs.validate.steps.map((s: { run?: string }) => s.run).filter(Boolean)).toContain("npx pulumi-segments validate segments --format github");
    const runs = (workflow.jobs.preview.steps as Array<{ run?: string }>).map((s) => s.run ?? "").join("\n");
    expect(runs).toContain('pulumi preview --stack "$STACK" --json --non-interactive > preview.json');
    expect(runs).toContain("npx pulumi-segments review preview.json $live --full-report review-full.md > review.md");
    // One comment, found by the marker the Markdown review starts with, edited (PATCH) when it exists.
    expect(runs).toContain('marker="<!-- pulumi-segments review -->"');
    expect(runs).toMatch(/gh api -X PATCH "repos\/\$GITHUB_REPOSITORY\/issues\/comments\/\$id"[\s\S]*else[\s\S]*gh api -X POST/);
    expect(workflow.jobs.preview.permissions["pull-requests"]).toBe("write");
    expect(step("up", "pulumi/actions@v6")!.with).toMatchObject({ command: "up" });
    expect(workflow.jobs.up.if).toContain("push");
    const drift = (workflow.jobs.drift.steps as Array<{ run?: string }>).map((s) => s.run ?? "").join("\n");
    expect(drift).toContain('pulumi preview --stack "$STACK" --refresh --json --non-interactive > refresh.json');
    expect(drift).toContain("npx pulumi-segments review --drift refresh.json");
    expect(workflow.jobs.drift.if).toBe("github.event_name == 'schedule'");
  });

  it("runs validate --live on pull requests when secrets are there, and says it skipped it on forks without them", () => {
    const live = (workflow.jobs.validate.steps as Array<{ name?: string; if?: string; run?: string }>).find((s) => s.run?.includes("validate segments --live"))!;
    expect(live.if).toBe("github.event_name == 'pull_request'");
    const bin = mkdtempSync(join(tmpdir(), "fake-npx-"));
    writeFileSync(join(bin, "npx"), '#!/bin/sh\necho "npx $*"\n', { mode: 0o755 });
    const sh = (env: Record<string, string>) => spawnSync("bash", ["-e", "-c", live.run!], { env: { PATH: `${bin}:${process.env.PATH}`, ...env }, encoding: "utf8" });
    const fork = sh({});
    expect([fork.status, fork.stdout]).toEqual([0, "::notice title=validate --live skipped::no Ongage or ANTS secrets in this run (a pull request from a fork?): definitions were checked offline only\n"]);
    const own = sh({ ONGAGE_PASSWORD: "x" });
    expect([own.status, own.stdout]).toEqual([0, "npx pulumi-segments validate segments --live --format github\n"]);
  });

  it("its validate step passes on a project laid out like examples/yaml-folder, and fails with annotations on broken definitions", async () => {
    const command = (workflow.jobs.validate.steps as Array<{ run?: string }>).map((s) => s.run).find((r) => r?.includes("pulumi-segments validate"))!;
    const argv = command.replace(/^npx pulumi-segments /, "").split(" ");
    const at = (dir: string) => argv.map((a) => (a === "segments" ? dir : a));
    const good = await runCli(...at(join(example, "segments")));
    expect(good.code, good.stderr).toBe(0);
    const broken = await runCli(...at(join(root, "test", "fixtures", "definitions", "broken")));
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^::error file=/m);
  });
});
