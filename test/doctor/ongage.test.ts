import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ONGAGE_QUIRKS, type OngageEmulator } from "../../emulators/ongage/server";
import { ongageDoctor } from "../../provider/doctor/ongage";
import { ONGAGE_ROWS, ONGAGE_WRITE_ROWS } from "../../provider/doctor/ongage-rows";
import { observationSchema, type Observation } from "../../provider/doctor/observation";
import { renderJson, renderText } from "../../provider/doctor/render";
import { CONTACT, CREDS, LIST, restoreEnv, startSeeded, useEmulator } from "./ongage-emulator";

// `ongageDoctor` against in-process Ongage emulators: the documented emulator (every row fine), every
// variance switch of emulators/ongage/quirks.ts (a non-fine row citing the switch's section), and
// the outputs free of credentials and contact data.

afterAll(restoreEnv);

const notFine = (rows: Observation[]) => rows.filter((r) => r.verdict !== "fine").map((r) => `${r.id}: ${r.verdict}: ${r.observed}`);

describe("ongageDoctor against the documented emulator", () => {
  let em: OngageEmulator;
  beforeAll(async () => {
    em = await startSeeded();
    useEmulator(em);
  });
  afterAll(async () => em.close());

  it("read-only: every read-only row is there, valid and fine; only GETs are sent; well under 2 s", async () => {
    em.http.clearLog();
    const started = performance.now();
    const rows = await ongageDoctor({ env: process.env, write: false });
    const ms = performance.now() - started;
    expect(notFine(rows)).toEqual([]);
    for (const r of rows) observationSchema.parse(r);
    const readOnlyIds = Object.entries(ONGAGE_ROWS).filter(([k]) => !ONGAGE_WRITE_ROWS.includes(k as never)).map(([, r]) => r.id);
    expect(rows.map((r) => r.id)).toEqual(readOnlyIds);
    expect(new Set(em.http.requests.map((e) => e.method))).toEqual(new Set(["GET"]));
    expect(ms).toBeLessThan(2000);
  });

  it("--write: a scratch segment is created, read, updated, counted and deleted; every row fine", async () => {
    const before = em.store.liveSegments(LIST).map((s) => s.id);
    const rows = await ongageDoctor({ env: process.env, write: true });
    expect(notFine(rows)).toEqual([]);
    expect(rows.map((r) => r.id)).toEqual(Object.values(ONGAGE_ROWS).map((r) => r.id));
    const scratch = em.store.allSegments().filter((s) => s.name.startsWith("pulumi-segments doctor "));
    expect(scratch).toHaveLength(1);
    expect(scratch[0]!.deleted).toBe("1");
    expect(scratch[0]!.description).toContain("(updated)");
    expect(em.store.liveSegments(LIST).map((s) => s.id)).toEqual(before);
    const methods = em.http.requests.map((e) => `${e.method} ${e.path.replace(/\d{4,}/g, "N")}`);
    expect(methods).toContain("POST /N/api/segments");
    expect(methods).toContain("PUT /N/api/segments/N");
    expect(methods).toContain("DELETE /N/api/segments/N");
  });

  it("--write without a list (no --list, no ONGAGE_LIST_ID) stops before sending anything", async () => {
    useEmulator(em, "none");
    em.http.clearLog();
    try {
      await expect(ongageDoctor({ env: process.env, write: true })).rejects.toThrow("pass --list N or set ONGAGE_LIST_ID");
      expect(em.http.requests).toEqual([]);
    } finally {
      useEmulator(em);
    }
  });

  it("the scratch segment is deleted even when a later step fails, and the delete row names it", async () => {
    // Every PUT fails: the update row refuses, the delete still happens.
    em.http.failNext({ match: (req) => req.method === "PUT", reply: { status: 500, body: { metadata: { error: true }, payload: { code: 500, errors: [], message: "Internal server error" } } } }, 10);
    try {
      const rows = await ongageDoctor({ env: process.env, write: true });
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(byId.get("ongage.write.update")!.verdict).toBe("refuses");
      expect(byId.get("ongage.write.delete")!.verdict).toBe("fine");
      expect(byId.get("ongage.write.delete")!.observed).toMatch(/scratch segment \d+ \("pulumi-segments doctor [^"]+"\) in list 4242 was deleted/);
      expect(em.store.liveSegments(LIST).filter((s) => s.name.startsWith("pulumi-segments doctor "))).toEqual([]);
    } finally {
      em.http.clearFaults();
    }
  });

  it("a failed delete says so with the scratch segment's id and name", async () => {
    em.http.failNext({ match: (req) => req.method === "DELETE", reply: { status: 403, body: { metadata: { error: true }, payload: { code: 403, errors: [], message: "Permission error" } } } }, 10);
    try {
      const rows = await ongageDoctor({ env: process.env, write: true });
      const del = rows.find((r) => r.id === "ongage.write.delete")!;
      const left = em.store.liveSegments(LIST).filter((s) => s.name.startsWith("pulumi-segments doctor "));
      expect(left).toHaveLength(1);
      expect(del.verdict).toBe("refuses");
      expect(del.observed).toContain(`scratch segment ${left[0]!.id} ("${left[0]!.name}") in list ${LIST} could not be deleted`);
      expect(del.consequence).toContain("delete it in the Ongage UI");
    } finally {
      em.http.clearFaults();
    }
  });

  it("wrong credentials: the access row refuses naming the variables, every other row is unknown", async () => {
    process.env.ONGAGE_PASSWORD = "not-the-password";
    try {
      const rows = await ongageDoctor({ env: process.env, write: false });
      expect(rows[0]).toMatchObject({ id: "ongage.access", verdict: "refuses" });
      expect(rows[0]!.consequence).toContain("ONGAGE_USERNAME, ONGAGE_PASSWORD and ONGAGE_ACCOUNT_CODE");
      expect(rows.slice(1).every((r) => r.verdict === "unknown" && r.observed.includes("see ongage.access"))).toBe(true);
      expect(JSON.stringify(rows)).not.toContain("not-the-password");
    } finally {
      useEmulator(em);
    }
  });

  it("no credentials, password, account code or contact data in the text or JSON output, read-only or --write", async () => {
    for (const write of [false, true]) {
      const rows = await ongageDoctor({ env: process.env, write });
      const report = { schemaVersion: 1 as const, tool: { name: "pulumi-segments" as const, version: "0.0.0" }, mode: write ? ("write" as const) : ("read-only" as const), observations: rows };
      for (const out of [renderText(report, 100), renderJson(report)]) {
        for (const secret of [CREDS.username, CREDS.password, CREDS.accountCode, CONTACT.email, CONTACT.firstName, CONTACT.whitelisted, "gmail", "contact-data.example"]) {
          expect(out, `${secret} in the ${write ? "--write" : "read-only"} output`).not.toContain(secret);
        }
        expect(out).not.toMatch(/[^\s@"]+@[^\s@"]+\.[a-z]{2,}/);
      }
    }
  });
});

/**
 * Each non-default value of each switch → the row that shows it, the verdict, and whether it takes
 * `--write` to see. Every value of the catalog is listed (the test below checks it): a switch doctor
 * cannot observe would be listed here with its reason instead of a row.
 */
const SWITCH_ROWS: Record<string, { row: string; verdict: Observation["verdict"]; write?: true }> = {
  "unknown-route=envelope": { row: "ongage.unknown-route", verdict: "report" },
  "page-cap=1": { row: "ongage.listing.page-size", verdict: "report" },
  "offset-base=1": { row: "ongage.listing.offset", verdict: "refuses" },
  "listing-total=number": { row: "ongage.listing.total", verdict: "report" },
  "listing-total=absent": { row: "ongage.listing.total", verdict: "report" },
  "listing-total=page": { row: "ongage.listing.total", verdict: "refuses" },
  "scalars=native": { row: "ongage.segment.scalars", verdict: "report" },
  "timestamps=datetime": { row: "ongage.segment.timestamps", verdict: "report" },
  "operand=native": { row: "ongage.segment.operand", verdict: "report" },
  "unknown-keys=extra": { row: "ongage.segment.keys", verdict: "report" },
  "error-envelope=flat": { row: "ongage.error.envelope", verdict: "report" },
  "error-envelope=text": { row: "ongage.error.envelope", verdict: "report" },
  "error-status=200": { row: "ongage.error.status", verdict: "report" },
  "missing-segment=html": { row: "ongage.missing-segment", verdict: "refuses" },
  "missing-segment=empty": { row: "ongage.missing-segment", verdict: "refuses" },
  "deleted-segment=row": { row: "ongage.write.delete", verdict: "report", write: true },
  "segment-lookup=account": { row: "ongage.segment.lookup", verdict: "report" },
  "create-reply=id-only": { row: "ongage.write.create", verdict: "report", write: true },
  "create-reply=none": { row: "ongage.write.create", verdict: "report", write: true },
  "segment-mailings=absent": { row: "ongage.segment.mailings", verdict: "refuses" },
  "segment-mailings=ids": { row: "ongage.segment.mailings", verdict: "refuses" },
  "mailing-status=unknown": { row: "ongage.campaigns.status", verdict: "refuses" },
  "mailing-status=text": { row: "ongage.campaigns.status", verdict: "report" },
};

describe("ongageDoctor under each variance switch (emulators/ongage/quirks.ts)", () => {
  const cases = Object.entries(ONGAGE_QUIRKS).flatMap(([name, def]) => def.values.slice(1).map((v) => `${name}=${v === "<n>" ? "1" : v}`));

  it("the table lists every non-default value of the catalog", () => {
    expect(Object.keys(SWITCH_ROWS).sort()).toEqual([...cases].sort());
  });

  let em: OngageEmulator | undefined;
  afterEach(async () => {
    await em?.close();
    em = undefined;
  });

  it.each(cases)("%s: the row that shows it is not fine and cites the switch's section", async (label) => {
    const [name, value] = label.split("=") as [keyof typeof ONGAGE_QUIRKS, string];
    const expected = SWITCH_ROWS[label]!;
    em = await startSeeded({ [name]: value });
    useEmulator(em);
    const rows = await ongageDoctor({ env: process.env, write: expected.write === true });
    for (const r of rows) observationSchema.parse(r);
    const row = rows.find((r) => r.id === expected.row);
    expect(row, `no row ${expected.row}`).toBeDefined();
    expect({ verdict: row!.verdict, cites: row!.cites }, row!.observed).toEqual({ verdict: expected.verdict, cites: ONGAGE_QUIRKS[name].cites });
    // No scratch segment is left behind under any switch.
    expect(em.store.liveSegments(LIST).filter((s) => s.name.startsWith("pulumi-segments doctor "))).toEqual([]);
  });
});
