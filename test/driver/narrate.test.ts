import { describe, expect, it } from "vitest";
import { changedPaths, narrateOutputs, narratePreview, narrateRefresh, narrateReview, narrateUp } from "../../driver/narrate";
import { secret } from "../../driver/secrets";
import type { StackState, StateResource } from "../../driver/state";
import type { Step } from "../../driver/steps";

// What `npm run demo` says after each step (driver/narrate.ts): sentences built from the steps and the
// state, never from resource names known in advance, and never with a property's value.

const ONGAGE = "pulumi-nodejs:dynamic/ongage:Segment";
const ANTS = "pulumi-nodejs:dynamic/ants:Segment";
const RECIPIENTS = "pulumi-nodejs:dynamic/ongage:ExternalRecipients";
const urn = (type: string, name: string) => `urn:pulumi:demo::p::${type}::${name}`;
const typeOf = (u: string) => u.split("::").at(-2)!;
const step = (op: Step["op"], type: string, name: string): Step => ({ urn: urn(type, name), op, replaces: [], failures: [] });

const antsEntry = (over: Partial<StateResource> = {}): StateResource => ({
  urn: urn(ANTS, "launch-customers"),
  type: ANTS,
  name: "launch-customers",
  id: "5546595",
  inputs: { __provider: "x", name: "Launch customers", schedule: { type: "dynamic" } },
  outputs: { __provider: "x", name: "Launch customers", schedule: { type: "dynamic" }, segmentId: "5546595", serverStatus: {} },
  ...over,
});
const state = (...resources: StateResource[]): StackState => ({ resources });

describe("narrate: the demo's sentences", () => {
  it("a create step says how many resources of which API and kind, and how long it took", () => {
    const steps = [step("create", ONGAGE, "a"), step("create", ONGAGE, "b"), step("create", ANTS, "c"), step("create", RECIPIENTS, "d")];
    expect(narrateUp(steps, [], 1234, typeOf)).toBe("up: created 4 resources in 1.2 s (2 Ongage segments, 1 ANTS segment, 1 Ongage ExternalRecipients)");
    expect(narrateUp([step("update", ONGAGE, "a"), step("same", ANTS, "c")], [], 500, typeOf)).toBe("up: updated 1 resource in 0.5 s (1 Ongage segment); 1 unchanged");
    expect(narrateUp([step("same", ANTS, "c")], [], 500, typeOf)).toMatch(/^up: nothing to do/);
    expect(narrateUp(steps, [{ urn: steps[0]!.urn, phase: "Create", message: "boom" }], 900, typeOf)).toMatch(/^up: failed after 0\.9 s with 1 error/);
  });

  it("an empty preview says the definitions match the accounts; a pending one counts its changes", () => {
    expect(narratePreview([step("same", ONGAGE, "a"), step("same", ANTS, "b")], [])).toBe("preview: no changes — the definitions match the accounts");
    expect(narratePreview([step("update", ONGAGE, "a"), step("replace", ANTS, "b"), step("same", ONGAGE, "c")], [])).toBe("preview: 2 pending changes (1 to update, 1 to replace) — the accounts differ from the definitions");
  });

  it("a refresh that changed only outputs outside the definition says the API computed them: not drift", () => {
    const before = antsEntry();
    const after = antsEntry({ outputs: { ...before.outputs, serverStatus: { status: 1, processStatus: 1, createdAt: "2026-12-05T10:00:00Z" } } });
    const lines = narrateRefresh(state(before), { changed: [before.urn], dropped: [], errors: [], state: state(after) }, new Set([before.urn]));
    expect(lines).toEqual([
      "refresh: read 1 resource: 1 changed, 0 gone",
      "  launch-customers: serverStatus (createdAt, processStatus, status) changed, computed by ANTS after the create; no property of the definition changed, so this is not drift",
    ]);
    const later = narrateRefresh(state(before), { changed: [before.urn], dropped: [], errors: [], state: state(after) }, new Set());
    expect(later[1]).toContain("computed by ANTS since the last read");
    expect(lines.join("\n")).not.toContain("2026-12-05");
  });

  it("a refresh that changed an input property calls it drift and names the path, never the value", () => {
    const before = antsEntry();
    const renamed = "Launch customers (renamed by hand)";
    const after = antsEntry({
      inputs: { ...before.inputs, name: renamed },
      outputs: { ...before.outputs, name: renamed, serverStatus: { status: 2 } },
    });
    const lines = narrateRefresh(state(before), { changed: [before.urn], dropped: [], errors: [], state: state(after) }, new Set());
    expect(lines[1]).toBe("  launch-customers: drift — name changed in ANTS outside Pulumi; the next preview shows the update that applies the definition again");
    expect(lines.join("\n")).not.toContain(renamed);
    expect(lines.join("\n")).not.toContain("not drift");
  });

  it("a refresh with nothing changed, a resource gone and one not read each get their sentence", () => {
    const a = antsEntry();
    expect(narrateRefresh(state(a), { changed: [], dropped: [], errors: [], state: state(a) }, new Set())).toEqual(["refresh: nothing changed — all 1 resource read back as the state has them"]);
    const lines = narrateRefresh(state(a), { changed: [], dropped: [a.urn], errors: [{ urn: urn(ONGAGE, "x"), phase: "Read", message: "timed out" }], state: state() }, new Set());
    expect(lines[0]).toBe("refresh: read 1 resource: 0 changed, 1 gone, 1 not read");
    expect(lines[1]).toMatch(/^ {2}launch-customers: gone from ANTS .*the next up creates it again$/);
    expect(lines[2]).toBe("  x: could not be read (timed out); the state keeps what it had");
  });

  it("changedPaths names nested and indexed paths, enters no secret and skips the engine's __provider", () => {
    expect(changedPaths({ rules: [{ operator: "=" }, { operator: "<" }], __provider: "a" }, { rules: [{ operator: "=" }, { operator: ">" }], __provider: "b" })).toEqual(["rules[1].operator"]);
    expect(changedPaths({ recipients: secret([{ email: "jane@example.com" }]) }, { recipients: secret([{ email: "john@example.com" }]) })).toEqual(["recipients"]);
    expect(changedPaths({ a: 1, b: undefined }, { a: 1 })).toEqual([]);
  });

  it("empty outputs print nothing (no `outputs: {}`); resources and secrets are not dumped", () => {
    expect(narrateOutputs({})).toBeUndefined();
    expect(narrateOutputs(undefined)).toBeUndefined();
    const shown = narrateOutputs({ id: "50001", key: secret("hunter2") })!;
    expect(shown).toContain('"id": "50001"');
    expect(shown).not.toContain("hunter2");
  });

  it("the review's verdict: policy, what changes, and the warnings by code", () => {
    const report = {
      summary: { create: 0, update: 3, replace: 2, delete: 0 },
      policy: { verdict: "pass", findings: [] },
      segments: [{ warnings: [{ code: "replace-new-id" }, { code: "campaigns-affected" }] }, { warnings: [{ code: "replace-new-id" }] }, { warnings: [] }],
    };
    expect(narrateReview(report)).toBe("review: policy pass (no policy file) — the planned edit has 3 to update, 2 to replace; 3 warnings for the reviewer (replace-new-id ×2, campaigns-affected ×1)");
    expect(narrateReview({ ...report, policy: { verdict: "fail", file: "segments.policy.yaml", findings: [] }, segments: [] })).toBe("review: policy fail (segments.policy.yaml) — the planned edit has 3 to update, 2 to replace; no warnings");
  });
});
