import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startAntsEmulator, type AntsEmulator } from "../../emulators/ants/server";
import { forgetTokens } from "../../provider/ants/auth";
import { forgetClientCaches } from "../../provider/ants/client";
import { segmentProvider as provider } from "../../provider/ants/provider";
import type { CanonicalSegment, SegmentOutputs } from "../../provider/ants/canonical";
import { forgetConfig } from "../../provider/pulumi/settings";
import { forgetClaims } from "../../provider/pulumi/claims";

let em: AntsEmulator;
const dir = mkdtempSync(join(tmpdir(), "ants-provider-"));
const membersPath = join(dir, "members.csv");
const V1 = "email,phone,name\na@example.com,84900000001,Alice\nb@example.com,84900000002,Bob\n";
const V2 = V1 + "c@example.com,84900000003,Carol\n";

beforeAll(async () => {
  em = await startAntsEmulator({ computeDelayMs: 0, clients: [{ clientId: "emulator-client", clientSecret: "emulator-secret" }] });
});
afterAll(async () => {
  await em?.close();
});

async function configure(extra: Record<string, string> = {}) {
  forgetConfig();
  forgetTokens();
  forgetClientCaches();
  const config: Record<string, string> = {
    "ants:baseUrl": em.url,
    "ants:authUrl": em.authUrl,
    "ants:clientId": "emulator-client",
    "ants:clientSecret": "emulator-secret",
    "ants:requestsPerMinute": "60000",
    ...extra,
  };
  await provider.configure({ config: { get: (k: string) => config[k] } });
}

const definition = (patch: Record<string, unknown> = {}) => ({
  name: "pulumi-segments-test-lifecycle",
  audience: "customer",
  file: { path: membersPath },
  matchRules: [{ column: "email", attribute: "email" }, { column: "phone", attribute: "phone", operator: "exactly" }],
  schedule: { type: "dynamic", repeat: { every: 2, unit: "days" }, start: { day: "2025-01-06", hour: "03:00" }, end: { afterRuns: 30 } },
  shareAccess: { users: [{ userId: "1600080515", role: "owner" }] },
  alerts: { accountIds: [1600080515], onFailure: ["email"] },
  ...patch,
});

async function checked(patch: Record<string, unknown> = {}): Promise<CanonicalSegment> {
  const res = await provider.check({}, definition(patch));
  expect(res.failures ?? []).toEqual([]);
  return res.inputs as unknown as CanonicalSegment;
}

const count = (path: string) => em.http.requests.filter((r) => r.path.startsWith(`/access/api${path}`)).length;

/** What the engine does for a replacement: create the new one, then delete the old one. */
async function replace(oldId: string, olds: SegmentOutputs, news: CanonicalSegment) {
  const created = await provider.create(news);
  await provider.delete(oldId, olds);
  return created;
}

beforeEach(() => {
  em.reset();
  em.setAssumedEndpoints(true);
  writeFileSync(membersPath, V1);
});

describe.each([
  ["api", "api"],
  ["api", "forget"],
  ["replace", "api"],
  ["replace", "forget"],
] as const)("ants.Segment against the emulator (updateStrategy %s, deleteStrategy %s)", (updateStrategy, deleteStrategy) => {
  it("create → read → no diff → file/schedule updates → audience replaces → out-of-band delete → read {} → delete", async () => {
    await configure({ "ants:updateStrategy": updateStrategy, "ants:deleteStrategy": deleteStrategy });
    const warnings = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      // create
      const c1 = await checked();
      const requestsBefore = em.http.requests.length;
      const { id, outs } = await provider.create(c1);
      // No status read after the write: serverStatus is filled in by the next read (refresh). (A Listing
      // before the POST is the interrupted-run look-up, one per process.)
      const during = em.http.requests.slice(requestsBefore).map((r) => r.path.replace("/access/api", ""));
      const posted = during.indexOf("/segment/create");
      expect(posted).toBeGreaterThanOrEqual(0);
      expect(during.slice(posted + 1).filter((p) => p.startsWith("/segment/listing"))).toEqual([]);
      expect(outs.serverStatus).toEqual({});
      expect(outs).toMatchObject({ segmentId: id, itemTypeId: -1003, name: c1.name, upload: { originalFileName: "members.csv", headers: ["email", "phone", "name"] } });
      expect(outs.resolvedRules).toEqual([
        { column: "email", headerIndex: 0, attribute: "email", operator: "exactly" },
        { column: "phone", headerIndex: 1, attribute: "phone", operator: "exactly" },
      ]);
      expect(outs.matchRules[0]).toEqual({ column: "email", attribute: "email" });
      const stored = em.store.getSegment(Number(id))!;
      expect(stored.conditions.method).toBe("create");
      expect(stored.computeSchedule).toEqual({ type: "dynamic", repeatType: "days", repeatValue: 2, repeatStartTime: { day: "2025-01-06", hour: "03:00" }, endTime: { type: "after_num_running", numRunning: 30 } });

      // read equals outs but for the server's status; same inputs → no change
      const read = await provider.read(id, outs);
      expect(read.props).toEqual({ ...outs, serverStatus: read.props!.serverStatus });
      expect(read.props!.serverStatus).toMatchObject({ processStatus: expect.any(Number), createdAt: expect.any(String) });
      expect(await provider.diff(id, read.props!, await checked())).toEqual({ changes: false, replaces: [] });

      // new file version
      writeFileSync(membersPath, V2);
      const c2 = await checked();
      expect(c2.file.sha256).not.toBe(c1.file.sha256);
      const fileDiff = await provider.diff(id, outs, c2);
      let cur: { id: string; outs: SegmentOutputs };
      const uploadsBefore = count("/segment/upload");
      if (updateStrategy === "api") {
        expect(fileDiff).toEqual({ changes: true, replaces: [] });
        cur = { id, outs: (await provider.update(id, outs, c2)).outs };
        expect(em.store.getSegment(Number(id))!.rowCount).toBe(3);
      } else {
        expect(fileDiff).toEqual({ changes: true, replaces: ["file"] });
        cur = await replace(id, outs, c2);
        expect(cur.id).not.toBe(id);
        expect(em.store.getSegment(Number(id)) !== undefined).toBe(deleteStrategy === "forget");
      }
      expect(count("/segment/upload")).toBe(uploadsBefore + 1);
      expect(cur.outs.file.sha256).toBe(c2.file.sha256);

      // schedule change (unchanged file: no upload)
      const c3 = await checked({ schedule: { type: "dynamic", repeat: { every: 3, unit: "days" } } });
      const schedDiff = await provider.diff(cur.id, cur.outs, c3);
      const uploads = count("/segment/upload");
      if (updateStrategy === "api") {
        expect(schedDiff).toEqual({ changes: true, replaces: [] });
        cur = { id: cur.id, outs: (await provider.update(cur.id, cur.outs, c3)).outs };
        expect(count("/segment/upload")).toBe(uploads);
        expect(em.store.getSegment(Number(cur.id))!.computeSchedule).toMatchObject({ repeatType: "days", repeatValue: 3 });
      } else {
        expect(schedDiff).toEqual({ changes: true, replaces: ["schedule"] });
        cur = await replace(cur.id, cur.outs, c3);
      }
      expect(await provider.diff(cur.id, (await provider.read(cur.id, cur.outs)).props!, c3)).toEqual({ changes: false, replaces: [] });

      // static ↔ dynamic and audience changes replace under every strategy
      expect((await provider.diff(cur.id, cur.outs, await checked({ schedule: { type: "static" } }))).replaces).toContain("schedule");
      const c4 = await checked({ audience: "visitor", schedule: { type: "dynamic", repeat: { every: 3, unit: "days" } } });
      const audienceDiff = await provider.diff(cur.id, cur.outs, c4);
      expect(audienceDiff.changes).toBe(true);
      expect(audienceDiff.replaces).toContain("audience");
      const oldId = cur.id;
      cur = await replace(cur.id, cur.outs, c4);
      expect(cur.outs.itemTypeId).toBe(-1007);
      expect(em.store.getSegment(Number(oldId)) !== undefined).toBe(deleteStrategy === "forget");
      if (deleteStrategy === "forget") {
        expect(warnings.mock.calls.map((c) => String(c[0])).join("")).toContain(`ants segment ${oldId}`);
      }

      // out-of-band delete: gone after the snapshot window
      em.store.deleteSegment(Number(cur.id));
      forgetClientCaches();
      expect(await provider.read(cur.id, cur.outs)).toEqual({});
      await expect(provider.delete(cur.id, cur.outs)).resolves.toBeUndefined();
    } finally {
      warnings.mockRestore();
    }
  });
});

describe("ants.Segment provider behaviour against the emulator", () => {
  it("drift: a rename or a schedule kind change in ANTS shows in read and diff", async () => {
    await configure();
    const c = await checked();
    const { id, outs } = await provider.create(c);
    const seg = em.store.getSegment(Number(id))!;
    seg.segmentDisplay = "renamed in the UI";
    forgetClientCaches();
    const read = await provider.read(id, outs);
    expect(read.props!.name).toBe("renamed in the UI");
    expect(read.inputs!.name).toBe("renamed in the UI");
    expect(await provider.diff(id, read.props!, c)).toEqual({ changes: true, replaces: [] });
  });

  it("a refresh of many segments costs one listing (its page and the empty page that confirms it)", async () => {
    await configure();
    const created = [];
    for (let i = 0; i < 4; i++) created.push(await provider.create(await checked({ name: `pulumi-segments-test-many-${i}` })));
    forgetClientCaches();
    em.http.clearLog();
    const reads = await Promise.all(created.map((c) => provider.read(c.id, c.outs)));
    expect(reads.map((r) => r.id)).toEqual(created.map((c) => c.id));
    expect(count("/segment/listing")).toBe(2);
  });

  it("assumed endpoints missing: errors name the setting to change", async () => {
    await configure();
    const c = await checked();
    const { id, outs } = await provider.create(c);
    em.setAssumedEndpoints(false);
    await expect(provider.update(id, outs, await checked({ name: "other" }))).rejects.toThrow(/ants:updateStrategy replace/);
    await expect(provider.delete(id, outs)).rejects.toThrow(/ants:deleteStrategy forget/);
  });

  it("adopt takes over the one segment with the same name and audience", async () => {
    await configure();
    const first = await provider.create(await checked());
    forgetClaims(); // the adopting run is another process: this one's claim on its own create would refuse it
    const adopted = await provider.create(await checked({ adopt: true, logic: "and" }));
    expect(adopted.id).toBe(first.id);
    expect(em.store.getSegment(Number(first.id))!.conditions.criteria_logic).toBe("and");
    expect(em.store.allSegments()).toHaveLength(1);
  });

  it("an attribute that does not fit the operator fails create before anything is created", async () => {
    await configure();
    await expect(provider.create(await checked({ matchRules: [{ column: "name", attribute: "date_created", operator: "exactly" }] }))).rejects.toThrow(/does not fit attribute "date_created"/);
    expect(em.store.allSegments()).toHaveLength(0);
  });
});
