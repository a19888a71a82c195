import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type AntsEmulator, startAntsEmulator } from "../../emulators/ants/server";
import { resetProcessState } from "../../provider/http/process-state";
import { antsProbe } from "../../provider/doctor/ants-probe";
import { scratchName, scratchSegmentRows } from "../../provider/doctor/ants-write";
import { ANTS_FAULT_REPLIES } from "../../emulators/ants/routes";

// The scratch segment of `doctor --api ants --write`: always deleted once created, and named when it cannot be.

const CLIENT = { clientId: "write-client", clientSecret: "write-Secret-31" };
let em: AntsEmulator;

beforeAll(async () => {
  em = await startAntsEmulator({ clients: [CLIENT], computeDelayMs: 0 });
  Object.assign(process.env, { ANTS_BASE_URL: em.url, ANTS_AUTH_URL: em.authUrl, ANTS_CLIENT_ID: CLIENT.clientId, ANTS_CLIENT_SECRET: CLIENT.clientSecret, ANTS_MAX_RETRIES: "0" });
});
afterAll(() => em.close());
beforeEach(() => {
  resetProcessState();
  em.store.reset();
  em.setAssumedEndpoints(true);
});

const verdicts = (rows: Array<{ id: string; verdict: string }>) => Object.fromEntries(rows.map((r) => [r.id, r.verdict]));

describe("the scratch segment", () => {
  it("has a unique name of the documented form", () => {
    const a = scratchName(new Date("2026-12-05T15:00:00.000Z"));
    expect(a).toMatch(/^pulumi-segments doctor 2026-12-05T15:00:00\.000Z [0-9a-f]{8}$/);
    expect(scratchName()).not.toBe(scratchName());
  });

  it("is deleted when a step while it exists fails, and the failure is rethrown", async () => {
    let created: string | undefined;
    await expect(scratchSegmentRows(antsProbe(), async (id) => { created = id; throw new Error("listing step failed"); })).rejects.toThrow("listing step failed");
    expect(created).toMatch(/^\d+$/);
    expect(em.store.getSegment(Number(created))).toBeUndefined();
    expect(em.http.requests.filter((r) => r.path.endsWith("/segment/delete")).map((r) => r.status)[0]).toBe(200);
  });

  it("is deleted when the update fails, and the update row refuses", async () => {
    em.http.failNext({ reply: ANTS_FAULT_REPLIES.serverError(500), match: (r) => r.path.endsWith("/segment/update") });
    const rows = await scratchSegmentRows(antsProbe(), async () => undefined);
    expect(verdicts(rows)).toMatchObject({ "ants.write.create": "fine", "ants.write.update": "refuses", "ants.write.delete": "fine" });
    expect(em.store.allSegments()).toEqual([]);
  });

  it("a delete that fails names the scratch segment's id and name", async () => {
    em.setAssumedEndpoints(false);
    const rows = await scratchSegmentRows(antsProbe(), async () => undefined);
    const del = rows.find((r) => r.id === "ants.write.delete")!;
    const [left] = em.store.allSegments();
    expect(del.verdict).toBe("refuses");
    expect(del.observed).toContain(`scratch segment ${left!.segmentId} ("${left!.segmentDisplay}") may still exist`);
    expect(verdicts(rows)["ants.write.update"]).toBe("refuses");
  });
});
