import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { REPO, definitionsProject } from "../review/helpers";

// A definitions project applied to the Ongage emulator through the driver, then a definition renamed.
let ongage: OngageEmulator;
beforeAll(async () => {
  ongage = await startOngageEmulator({ population: { size: 0 } });
});
afterAll(async () => ongage?.close());

// Each test names its Ongage segment differently: a same-name segment of another test's stack would be
// a candidate for the interrupted-create search (README *Interrupted runs*).
const segment = (name: string, options = "", segmentName = "Engaged openers") => `kind: ongage.Segment
name: ${name}
spec: { name: ${segmentName}, listId: 10000, rules: [{ type: email, field: email, operator: notempty }] }
${options}`;
const USER = "kind: ongage.Segment\nname: user\nspec: { name: Uses engaged, listId: 10000, rules: [{ type: segment, operator: '=', segmentIds: [{ ref: REF }] }] }\n";

interface Summary {
  errors: string[];
  ops: string[];
  state: Array<{ name: string; urn: string; id: string; aliases: string[] }>;
}
async function renameUp(files: Record<string, string>, edits: Array<{ path: string; content: string | null }>): Promise<{ first: Summary; second: Summary; requests: string[] }> {
  const projectDir = definitionsProject(files);
  const config = { "ongage:baseUrl": ongage.url, "ongage:username": "emulator", "ongage:password": "emulator-password", "ongage:accountCode": "EMULATOR", "ongage:listId": "10000" };
  const run = promisify(execFile)(process.execPath, ["--import", "tsx", join(REPO, "test", "fixtures", "driver", "rename-up.mjs")], { cwd: REPO, timeout: 120_000 });
  run.child.stdin!.end(JSON.stringify({ projectDir, project: "rename-test", config, edits }));
  const out = JSON.parse((await run).stdout) as { first: Summary; second: Summary };
  return { ...out, requests: ongage.http.requests.map((r) => `${r.method} ${r.path}`) };
}

describe("renaming a definition file's segment through the driver (Ongage emulator)", () => {
  it("with options.aliases: the same segment id, no POST and no DELETE in the second up, state under the new URN with the alias recorded", async () => {
    ongage.http.clearLog();
    const files = { "segments/engaged.yaml": segment("engaged"), "segments/user.yaml": USER.replace("REF", "engaged") };
    const edits = [
      { path: "segments/engaged.yaml", content: segment("engaged-openers", "options: { aliases: [engaged] }\n") },
      { path: "segments/user.yaml", content: USER.replace("REF", "engaged-openers") },
    ];
    const { first, second, requests } = await renameUp(files, edits);
    expect(first.errors).toEqual([]);
    expect(second.errors).toEqual([]);
    const id = first.state.find((r) => r.name === "engaged")!.id;
    const renamed = second.state.find((r) => r.name === "engaged-openers")!;
    expect(renamed.id).toBe(id);
    expect(renamed.urn).toMatch(/::engaged-openers$/);
    expect(renamed.aliases).toEqual([first.state.find((r) => r.name === "engaged")!.urn]);
    expect(second.state.map((r) => r.name).sort()).toEqual(["engaged-openers", "user"]);
    expect(second.ops).toEqual(["same engaged-openers", "same user"]);
    const posts = requests.filter((r) => r.startsWith("POST") && r.includes("/segments"));
    expect(posts).toHaveLength(2); // the two creates of the first up only
    expect(requests.filter((r) => r.startsWith("DELETE"))).toEqual([]);
  });

  it("without the alias: Pulumi creates the new resource and deletes the old one, and exactly one segment remains, whose id is in state", async () => {
    // Both ups run in one provider process here, so the interrupted-create listing of the first up is
    // reused and the old segment is not a candidate: a new one is created and the old one deleted.
    // (In separate processes within the window, the new resource takes the old segment over instead:
    // test/lifecycle/segment-ownership.test.ts.) Either way: one segment, the one in state.
    ongage.http.clearLog();
    const files = { "segments/engaged.yaml": segment("engaged2", "", "Renamed openers") };
    const { first, second } = await renameUp(files, [{ path: "segments/engaged.yaml", content: segment("engaged2-openers", "", "Renamed openers") }]);
    expect(first.errors).toEqual([]);
    expect(second.errors).toEqual([]);
    expect(second.ops).toEqual(["create engaged2-openers", "delete engaged2"]);
    expect(second.state).toHaveLength(1);
    expect(ongage.store.liveSegments(10000).filter((s) => s.name === "Renamed openers").map((s) => String(s.id))).toEqual([second.state[0]!.id]);
  });
});
