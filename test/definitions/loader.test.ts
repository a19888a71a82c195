import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type * as Loader from "../../provider/definitions/loader";

const root = resolve(__dirname, "..", "..");
const fixtures = join(root, "test", "fixtures", "definitions");

// The resource classes load their serialized shims with `require`, so the loader runs from the build
// (`npm test` builds first; locally: npx tsc -p tsconfig.build.json).
const { loadSegments, DefinitionsError } = require(join(root, "dist", "provider", "definitions", "loader.js")) as typeof Loader;

interface Registered {
  type: string;
  inputs: Record<string, any>;
  dependencies: string[];
  protect: boolean;
  retainOnDelete: boolean;
  /** Alias specs as sent to the monitor: [name, type] ("" = the resource's own). */
  aliases: Array<[string, string]>;
}
const registered = new Map<string, Registered>();

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getDependenciesList(): string[];
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getAliasesList(): Array<{ getUrn(): string; getSpec(): { getName(): string; getType(): string } | undefined }>;
}

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: async (args) => {
        const r = registered.get(args.name);
        if (r) r.inputs = args.inputs;
        return { id: `${args.name}-id`, state: { ...args.inputs, segmentId: `id-of-${args.name}` } };
      },
      call: () => {
        throw new Error("no invokes");
      },
    },
    "project",
    "stack",
    false,
  );
  // setMocks' callback does not see dependencies or options: record them from the request itself.
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: RegisterRequest, cb: unknown): unknown };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    registered.set(req.getName(), { type: req.getType(), inputs: {}, dependencies: req.getDependenciesList(), protect: req.getProtect(), retainOnDelete: req.getRetainondelete(), aliases: req.getAliasesList().map((a) => [a.getSpec()?.getName() ?? `urn ${a.getUrn()}`, a.getSpec()?.getType() ?? ""]) });
    return original(req, cb);
  };
});

const urnOf = (name: string, type: string) => `urn:pulumi:stack::project::${type}::${name}`;
const ONGAGE = "pulumi-nodejs:dynamic/ongage:Segment";

describe("loadSegments", () => {
  it("declares one resource per definition in dependency order; a ref is the other segment's segmentId and a dependency", async () => {
    const loaded = loadSegments(join(fixtures, "good"));
    expect([...loaded.keys()]).toEqual(["crm-export", "crm-export-members", "launch-customers", "reachable-gmail", "engaged-openers", "engaged-or-reachable"]);
    await new Promise<void>((ok) => pulumi.all([...loaded.values()].map((r) => r.urn)).apply(() => ok()));

    expect(Object.fromEntries([...registered].map(([n, r]) => [n, r.type]))).toEqual({
      "crm-export": ONGAGE,
      "crm-export-members": "pulumi-nodejs:dynamic/ongage:ExternalRecipients",
      "launch-customers": "pulumi-nodejs:dynamic/ants:Segment",
      "reachable-gmail": ONGAGE,
      "engaged-openers": ONGAGE,
      "engaged-or-reachable": ONGAGE,
    });
    const combined = registered.get("engaged-or-reachable")!;
    expect(combined.inputs.rules).toEqual([{ type: "segment", operator: "=", segmentIds: ["id-of-engaged-openers", "id-of-reachable-gmail", 4242] }]);
    expect(combined.dependencies.sort()).toEqual([urnOf("engaged-openers", ONGAGE), urnOf("reachable-gmail", ONGAGE)]);
    expect(combined.protect).toBe(true);
    expect(registered.get("engaged-openers")!.protect).toBe(false);
    expect(registered.get("crm-export")!.retainOnDelete).toBe(true);
    expect(registered.get("engaged-openers")!.retainOnDelete).toBe(false);

    const members = registered.get("crm-export-members")!;
    expect(members.inputs.segmentId).toBe("id-of-crm-export");
    expect(members.dependencies).toEqual([urnOf("crm-export", ONGAGE)]);
    // Inline recipients reach the engine as a secret (encrypted in state, [secret] in previews).
    expect(members.inputs.recipients).toEqual({
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      value: [
        { email: "jane.doe1@example.com", first_name: "Jane" },
        { email: "jane.doe2@example.com", first_name: "Jane" },
      ],
    });

    // The member file path is resolved from the definition file's folder (more/ants.json → ../members.csv).
    const ants = registered.get("launch-customers")!;
    expect(ants.inputs.file).toEqual({ path: join(fixtures, "good", "members.csv") });
    expect(ants.dependencies).toEqual([]);
    expect(registered.get("reachable-gmail")!.inputs.match.all[1].label).toBe("First name or last name");
  });

  it("throws one error listing every structural problem, before declaring anything", () => {
    const before = registered.size;
    let error: unknown;
    try {
      loadSegments(join(fixtures, "broken"));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DefinitionsError);
    const lines = (error as Error).message.split("\n");
    // The misspelt `naem` is one problem, at that key: the missing `name` is not reported again.
    expect(lines[0]).toBe(`12 problems in the segment definitions in ${join(fixtures, "broken")}:`);
    expect(lines).toContain("  test/fixtures/definitions/broken/schema.yaml:11:3: typo spec.naem: unknown key `naem` (did you mean `name`?); allowed here: `listId`, `name`, `description`, `favorite`, `whitelist`, `rules`, `match`, `external`, `adopt`");
    expect(lines).toContain('  test/fixtures/definitions/broken/refs.yaml:15:60: dangling spec.rules[0].segmentIds[0].ref: no definition named "nowhere"');
    expect(lines).toContain("  test/fixtures/definitions/broken/syntax.json:5:1: JSON: Flow map must end with a }");
    expect(registered.size).toBe(before);
  });
});

describe("loadSegments: options.aliases", () => {
  it("each previous name becomes a { name } alias (same type and parent), not a bare string Pulumi would read as a URN", async () => {
    const dir = mkdtempSync(join(tmpdir(), "loader-aliases-"));
    writeFileSync(join(dir, "a.yaml"), "kind: ongage.Segment\nname: renamed-now\noptions: { aliases: [was-this, and-before] }\nspec: { name: R, listId: 10000, rules: [{ type: email, field: email, operator: notempty }] }\n");
    const loaded = loadSegments(dir);
    await new Promise<void>((ok) => loaded.get("renamed-now")!.urn.apply(() => ok()));
    expect(registered.get("renamed-now")!.aliases).toEqual([
      ["was-this", ""],
      ["and-before", ""],
    ]);
    expect(registered.get("engaged-openers")!.aliases).toEqual([]);
  });
});
