import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { beforeAll, describe, expect, it } from "vitest";
import { SegmentOutputs as AntsOutputs } from "../../provider/ants/canonical";
import { RecipientsOutputs, SegmentOutputs as OngageOutputs } from "../../provider/ongage/canonical";
import { registeredOptions, registeredProperties } from "../../provider/pulumi/resource-registration";

// The resource classes as users load them (the built package: its shims are required by package name).
const { ants, ongage } = require("pulumi-segments") as typeof import("../../provider/index");
const AntsSegment = ants.Segment;
const OngageSegment = ongage.Segment;
const ExternalRecipients = ongage.ExternalRecipients;

// Registration only: the mocks stand in for the engine's RegisterResource, never for provider CRUD.
const registered: Array<{ type: string; name: string }> = [];
beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "project",
    "stack",
    false,
  );
});

/** Keys of the output schema that the resource instance does not expose as a pulumi.Output. */
function unregistered(resource: object, outputs: z.ZodObject): string[] {
  return Object.keys(outputs.shape).filter((key) => !pulumi.Output.isInstance((resource as Record<string, unknown>)[key]));
}

describe("every declared output of every resource is registered, whatever the user omits", () => {
  it("ants.Segment registers logic, schedule, shareAccess and alerts when the program leaves them out", () => {
    const seg = new AntsSegment("minimal-ants", { name: "n", audience: "customer", file: { path: "members.csv" }, matchRules: [{ column: "id", attribute: "customer_id" }] });
    expect(unregistered(seg, AntsOutputs)).toEqual([]);
    expect(Object.keys(AntsOutputs.shape)).toEqual(expect.arrayContaining(["logic", "schedule", "shareAccess", "alerts", "segmentId", "serverStatus"]));
  });

  it("ongage.Segment registers external, rules and the defaults when the program gives only a name", () => {
    const seg = new OngageSegment("minimal-ongage", { name: "n" });
    expect(unregistered(seg, OngageOutputs)).toEqual([]);
    expect(Object.keys(OngageOutputs.shape)).toEqual(expect.arrayContaining(["external", "rules", "description", "favorite", "whitelist", "segmentId", "listId"]));
  });

  it("ongage.ExternalRecipients registers its count and hash (never the recipients as an output of their own)", () => {
    const rec = new ExternalRecipients("minimal-recipients", { segmentId: "1", recipients: [] });
    expect(unregistered(rec, RecipientsOutputs)).toEqual([]);
    expect(Object.keys(RecipientsOutputs.shape)).not.toContain("recipients");
  });

  it("registers with the URN types users see", async () => {
    await new Promise((r) => setTimeout(r, 50));
    expect(registered.map((r) => r.type)).toEqual(expect.arrayContaining(["pulumi-nodejs:dynamic/ants:Segment", "pulumi-nodejs:dynamic/ongage:Segment", "pulumi-nodejs:dynamic/ongage:ExternalRecipients"]));
  });
});

describe("the secret-inputs hook", () => {
  const reg = { outputs: z.object({ token: z.string(), id: z.string() }), secretInputs: ["token"] };

  it("wraps a secret input in pulumi.secret and lists it in additionalSecretOutputs", async () => {
    const props = registeredProperties(reg, { token: "s3cret", other: 1 });
    expect(Object.keys(props).sort()).toEqual(["id", "other", "token"]);
    expect(pulumi.Output.isInstance(props.token)).toBe(true);
    expect(await pulumi.isSecret(props.token as pulumi.Output<string>)).toBe(true);
    expect(props.other).toBe(1);
    expect(registeredOptions(reg, { additionalSecretOutputs: ["id"] })?.additionalSecretOutputs).toEqual(["id", "token"]);
  });

  it("leaves options untouched without secret inputs", () => {
    const opts = { protect: true };
    expect(registeredOptions({ outputs: reg.outputs }, opts)).toBe(opts);
  });
});
