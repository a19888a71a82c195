import { describe, expect, it } from "vitest";
import type { ResourceSpec } from "../../driver";
import { ongageConfig, TYPES } from "./harness";
import { runCase, type CaseContext, type LifecycleCase, type Step } from "./steps";

// The step-table runner itself: each of its checks fails when what it checks is wrong, naming the
// case and the step. Every case here runs against a fresh Ongage emulator through the provider host.
const CREDS = { username: "steps-user", password: "steps-S3cret-pw", accountCode: "STEPSACC" };

const segment = (name: string, inputs: Record<string, unknown> = {}, opts: Partial<ResourceSpec> = {}) => (ctx: CaseContext): ResourceSpec[] => [{
  type: TYPES.ongageSegment,
  name,
  inputs: { name: `${name} readers`, rules: [{ type: "email", field: "email", operator: "LIKE", values: ["@example.com"] }], ...inputs, __provider: ctx.providers.ongageSegment },
  ...opts,
}];

const ongageCase = (name: string, steps: Step[], extra: Partial<LifecycleCase> = {}): LifecycleCase => ({
  name,
  emulators: { ongage: { credentials: CREDS } },
  config: (e) => ongageConfig(e.ongage!),
  steps,
  ...extra,
});

describe("the step-table runner", () => {
  it("a step whose expectation is wrong fails, naming the case, the step's index and name, and what differed", async () => {
    const c = ongageCase("wrong expectation", [
      { name: "create", op: "up", program: segment("news"), expect: { changes: { create: 1 } } },
      { name: "claims an update", op: "up", program: segment("news"), expect: { changes: { update: 1 } } },
    ]);
    await expect(runCase(c)).rejects.toThrow(/^case "wrong expectation", step 2 of 2 "claims an update" \(up\): how many resources took each step/);
  }, 60_000);

  it("an error no step expects fails the step; one it expects passes", async () => {
    const bad = segment("bad", { rules: [{ type: "email", field: "email", operator: "LIKE", values: [] }] });
    await expect(runCase(ongageCase("unexpected", [{ name: "bad rule", op: "up", program: bad }]))).rejects.toThrow(
      /^case "unexpected", step 1 of 1 "bad rule" \(up\): unexpected errors:\nbad Check: /,
    );
    await runCase(ongageCase("expected", [{ name: "bad rule", op: "up", program: bad, expect: { errors: [{ phase: "Check", message: /rules\[0\]\.values/ }] } }]));
  }, 60_000);

  it("the automatic preview after up catches a perpetual diff (a program whose inputs change on every evaluation); a step can opt out, saying why", async () => {
    let built = 0;
    const drifting = (ctx: CaseContext) => segment("drift", { description: `built ${++built}` })(ctx);
    await expect(runCase(ongageCase("perpetual diff", [{ name: "create", op: "up", program: drifting }]))).rejects.toThrow(
      /^case "perpetual diff", step 1 of 1 "create" \(up\), the automatic no-change preview after it: resources the preview would change \(a perpetual diff\)/,
    );
    await runCase(ongageCase("perpetual diff, opted out", [{ name: "create", op: "up", program: drifting, noChangePreview: { skip: "the description is a build counter" } }]));
  }, 60_000);

  it("CheckDestroy catches a segment the destroy left behind (retainOnDelete), unless the case declares it", async () => {
    const kept = segment("kept", {}, { retainOnDelete: true });
    const keep: Step = { name: "create a retained segment", op: "up", program: kept, check: (ctx) => void (ctx.kept.id = ctx.ids().kept) };
    await expect(runCase(ongageCase("leftover", [keep]))).rejects.toThrow(
      /^case "leftover", CheckDestroy: ongage segments of the case still live after destroy: expected \[ '\d+ \("kept readers"\)' \] to deeply equal \[\]/,
    );
    await runCase(ongageCase("declared leftover", [keep], { checkDestroy: { leaves: (ctx) => ({ ongage: [ctx.kept.id] }) } }));
  }, 60_000);
});
