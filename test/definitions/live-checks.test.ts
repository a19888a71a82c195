import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAntsEmulator, type AntsEmulator } from "../../emulators/ants/server";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { capList } from "../../provider/definitions/live-checks";
import { validateLive } from "../../provider/definitions/live-validate";
import { validateFolder } from "../../provider/definitions/validate";
import { resetProcessState } from "../../provider/http/process-state";
import { ANTS_BAD, BAD, CREDENTIALS, ENV_KEYS, GOOD, useLiveAccount, folder, liveEnv, seedSegment } from "./live-fixtures";

// validate --live's checks against both emulators: each kind of definition that cannot work is
// reported at its file:line:col with what the account has; a read that fails leaves the check
// unmade (never a pass); reads are one per list and per audience.

const account = useLiveAccount();

async function live(files: Record<string, string>) {
  const dir = folder(files, account.seeded);
  const report = await validateFolder(dir);
  expect(report.diagnostics).toEqual([]);
  return { dir, ...(await validateLive(report.definitions)) };
}
const lines = (dir: string, r: Awaited<ReturnType<typeof validateLive>>) => r.diagnostics.map((d) => `${d.file.slice(dir.length + 1)}:${d.line}:${d.column}: ${d.definition} ${d.path}: ${d.message}`);

describe("validate --live checks", () => {
  it("passes definitions that fit the account, with one field listing, one segment listing and one attribute listing", async () => {
    const r = await live({ "good.yaml": GOOD });
    expect(r).toMatchObject({ diagnostics: [], unchecked: [] });
    const reads = account.ongage.http.requests.map((q) => `${q.method} ${q.path}`);
    expect(reads.filter((q) => q.endsWith("/api/list_fields"))).toHaveLength(1);
    // One complete listing (listing.ts may confirm its end with one more page): one request from offset 0.
    expect(account.ongage.http.requests.filter((q) => q.path === "/api/segments" && /(^|&)offset=0(&|$)/.test(q.query))).toHaveLength(1);
    expect(account.ongage.http.requests.every((q) => q.method === "GET")).toBe(true);
    expect(account.ants.http.requests.filter((q) => q.path.includes("/attribute"))).toHaveLength(1);
  });

  it("reports a wrong field, a wrong field type, a missing segment id and a missing list at file:line:col with what exists", async () => {
    const r = await live({ "bad.yaml": BAD });
    expect(r.unchecked).toEqual([]);
    expect(lines(r.dir, r)).toEqual([
      'bad.yaml:8:27: wrong-field spec.match.all[1].field: the account\'s default list has no field "country"; fields: address, birthdate, email, first_name, last_name, product_id',
      "bad.yaml:14:26: wrong-type spec.rules[0].field: field \"first_name\" of the account's default list is a string field; a numeric rule needs a numeric field; fitting fields: product_id",
      `bad.yaml:20:61: missing-segment spec.rules[0].segmentIds[1]: the account's default list has no segment 99999; segments: "Seeded" (${account.seeded})`,
      'bad.yaml:24:5: missing-list spec.listId: list 99999 (from spec.listId) does not exist in this account: Ongage answered 404 (Not found: List 99999 not found) while the account\'s default list answers; lists these definitions name that exist: none besides the default list',
    ]);
  });

  it("reports an ANTS attribute that does not exist and a column mapped to an attribute ANTS cannot match", async () => {
    const r = await live({ "ants.yaml": ANTS_BAD });
    expect(r.unchecked).toEqual([]);
    expect(lines(r.dir, r)).toEqual([
      'ants.yaml:9:26: missing-attribute spec.matchRules[1].attribute: column "country" maps to "country", which the customer business object does not have; attributes: birthday, customer_id, date_created, email, gender, id, is_vip, name, notes, phone, tags, total_spent',
      'ants.yaml:10:23: missing-attribute spec.matchRules[2].attribute: column "tags" maps to "tags" of datatype ARRAY, which ANTS cannot match against a file; attributes it can match: birthday, customer_id, date_created, email, gender, id, is_vip, name, phone, total_spent',
    ]);
    // The unknown name made the one re-read create would make: two attribute reads, no more.
    expect(account.ants.http.requests.filter((q) => q.path.includes("/attribute"))).toHaveLength(2);
  });

  it("a read that fails leaves the check unmade and names it: never a pass", async () => {
    account.ongage.http.setFaultPolicy((req) => (req.path.endsWith("/api/list_fields") ? { reset: true } : undefined));
    const r = await live({ "good.yaml": GOOD });
    expect(r.diagnostics).toEqual([]);
    expect(r.unchecked.map((u) => [u.check, u.what, u.definitions])).toEqual([["list-field", "the fields of the account's default list", ["other", "fine"]]]);
    expect(r.unchecked[0]!.reason).toMatch(/list_fields/);
  });

  it("a failed segment listing leaves the segment ids unchecked", async () => {
    account.ongage.http.setFaultPolicy((req) => (req.method === "GET" && req.path.endsWith("/api/segments") ? { reset: true } : undefined));
    const r = await live({ "good.yaml": GOOD });
    expect(r.unchecked.map((u) => [u.check, u.what, u.definitions])).toEqual([["segment-id", "the segments of the account's default list", ["fine"]]]);
  });

  it("long listings are capped", () => {
    expect(capList(Array.from({ length: 15 }, (_, i) => `f${i}`), 3)).toBe("f0, f1, f2, … (12 more)");
    expect(capList([])).toBe("none");
  });
});
