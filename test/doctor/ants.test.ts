import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ANTS_QUIRKS, type AntsEmulator, startAntsEmulator } from "../../emulators/ants/server";
import { resetProcessState } from "../../provider/http/process-state";
import { antsDoctor } from "../../provider/doctor/ants";
import { observationSchema, type Observation } from "../../provider/doctor/observation";
import { postJson, seedCreateBody, token, uploadFile } from "../emulators/ants/client";

// `antsDoctor` against an in-process ANTS emulator: plain (every row fine), under every variance switch
// (a non-fine row citing the switch's section), and with planted secrets and contact data.

const CLIENT = { clientId: "doctor-client-Qx7", clientSecret: "Doctor-Planted-S3cret-9f2k" };
const FOREIGN = { clientId: "other-client", clientSecret: "other-Secret-77" };
const PLANTED = { email: "planted.contact@doctor-example.com", phone: "84987654321", name: "Plantedname Zyxw" };
const FILE =
  "id\tcreated_date\tfrom_user\tto_user\tchannel\tmessage\n" +
  `1\t2024-01-02\t${PLANTED.phone}\t${PLANTED.email}\tsms\t${PLANTED.name}\n`;

let em: AntsEmulator;

async function seed(clientId: string, name: string): Promise<void> {
  const tok = await token(em);
  const up = await uploadFile(em, tok, "contacts.csv", FILE);
  const body = seedCreateBody(up.body.data.entries[0]);
  body.segmentDisplay = name;
  const r = await postJson(em, "/segment/create", body, tok);
  if (r.body?.code !== 200) throw new Error(`seed ${clientId}: ${r.text}`);
}

beforeAll(async () => {
  em = await startAntsEmulator({ clients: [CLIENT, FOREIGN], computeDelayMs: 0 });
  // The emulator tests' helpers take the client from ANTS_CLIENT_ID / ANTS_CLIENT_SECRET.
  process.env.ANTS_CLIENT_ID = FOREIGN.clientId;
  process.env.ANTS_CLIENT_SECRET = FOREIGN.clientSecret;
  await seed(FOREIGN.clientId, "Doctor foreign segment");
  process.env.ANTS_CLIENT_ID = CLIENT.clientId;
  process.env.ANTS_CLIENT_SECRET = CLIENT.clientSecret;
  for (const n of ["Doctor buyers", "Doctor VIP list", "Doctor lapsed customers"]) await seed(CLIENT.clientId, n);
  process.env.ANTS_BASE_URL = em.url;
  process.env.ANTS_AUTH_URL = em.authUrl;
  process.env.ANTS_MAX_RETRIES = "1";
  process.env.ANTS_RETRY_BASE_MS = "10";
});
afterAll(() => em.close());
beforeEach(() => {
  resetProcessState();
  em.setQuirks({});
  em.setAssumedEndpoints(true);
  em.http.clearLog();
});

const run = (write = false) => antsDoctor({ env: process.env, write });
const byId = (rows: Observation[]) => Object.fromEntries(rows.map((r) => [r.id, r]));
const notFine = (rows: Observation[]) => rows.filter((r) => r.verdict !== "fine").map((r) => `${r.id}: ${r.verdict} — ${r.observed}`);

const READ_ROWS = [
  "ants.auth.token", "ants.listing.root", "ants.errors.http-status", "ants.errors.unknown-route",
  "ants.listing.page-size", "ants.listing.pages", "ants.listing.total", "ants.listing.complete", "ants.listing.search",
  "ants.listing.missing-segment", "ants.listing.shape", "ants.listing.segment-id", "ants.listing.times", "ants.listing.columns",
  "ants.listing.used-by-modules", "ants.listing.creator", "ants.listing.status", "ants.rate-limit.headers",
];
const WRITE_ROWS = ["ants.write.create", "ants.write.read-back", "ants.write.update", "ants.write.delete", "ants.write.delete-again"];

describe("antsDoctor against the plain emulator", () => {
  it("read-only: every row is fine, valid against the schema, and only reads were sent", async () => {
    const started = Date.now();
    const rows = await run();
    const ms = Date.now() - started;
    expect(notFine(rows)).toEqual([]);
    expect(rows.map((r) => r.id)).toEqual(READ_ROWS);
    for (const r of rows) observationSchema.parse(r);
    const sent = new Set(em.http.requests.map((r) => `${r.method} ${r.path.replace(/^\/access\/api/, "")}`));
    expect([...sent].sort()).toEqual(["GET /segment/pulumi-segments-doctor-no-such-route", "POST /oauth/token", "POST /segment/listing"]);
    expect(em.store.allSegments()).toHaveLength(4);
    console.log(`ants doctor read-only: ${rows.length} rows, ${em.http.requests.length} requests, ${ms} ms`);
    expect(ms).toBeLessThan(2000);
  });

  it("--write: every row is fine, and the scratch segment is gone afterwards", async () => {
    const started = Date.now();
    const rows = await run(true);
    const ms = Date.now() - started;
    expect(notFine(rows)).toEqual([]);
    expect(rows.map((r) => r.id)).toEqual([...READ_ROWS, ...WRITE_ROWS]);
    expect(byId(rows)["ants.listing.creator"]!.observed).toBe("the scratch segment's c_user_id is the client id");
    const creates = em.http.requests.filter((r) => r.path.endsWith("/segment/create"));
    expect(creates).toHaveLength(1);
    expect(JSON.parse(creates[0]!.body).segmentDisplay).toMatch(/^pulumi-segments doctor \d{4}-\d\d-\d\dT[\d:.]+Z [0-9a-f]{8}$/);
    expect(em.store.allSegments().map((s) => s.segmentDisplay).sort()).toEqual(["Doctor VIP list", "Doctor buyers", "Doctor foreign segment", "Doctor lapsed customers"]);
    console.log(`ants doctor --write: ${rows.length} rows, ${em.http.requests.length} requests, ${ms} ms`);
    expect(ms).toBeLessThan(2000);
  });

  it("refused client credentials give one non-fine row and stop", async () => {
    process.env.ANTS_CLIENT_SECRET = "wrong-secret";
    try {
      const rows = await run();
      expect(rows.map((r) => [r.id, r.verdict])).toEqual([["ants.auth.token", "unknown"]]);
      expect(rows[0]!.observed).toMatch(/refused the client credentials/);
      expect(rows[0]!.consequence).toMatch(/ANTS_CLIENT_SECRET/);
    } finally {
      process.env.ANTS_CLIENT_SECRET = CLIENT.clientSecret;
    }
  });

  it("a ready token: its lifetime and the creator cannot be seen, and the rows say so", async () => {
    process.env.ANTS_ACCESS_TOKEN = await token(em);
    try {
      const rows = await run();
      expect(notFine(rows).map((r) => r.split(":")[0])).toEqual(["ants.auth.token", "ants.listing.creator"]);
      expect(byId(rows)["ants.auth.token"]!.verdict).toBe("unknown");
      expect(JSON.stringify(rows)).not.toContain(process.env.ANTS_ACCESS_TOKEN);
    } finally {
      delete process.env.ANTS_ACCESS_TOKEN;
    }
  });

  it("an env that differs from the process environment is refused, not ignored", async () => {
    await expect(antsDoctor({ env: { ...process.env, ANTS_BASE_URL: "https://elsewhere.example" }, write: false })).rejects.toThrow(/ANTS_BASE_URL/);
  });
});

/**
 * Switch=value → the row that names it, and whether it needs `--write`. Every non-default value of every
 * ANTS switch is here: none is left unobservable.
 */
const SWITCH_ROWS: Record<string, { row: string; write?: boolean }> = {
  "listing-total=absent": { row: "ants.listing.total" },
  "listing-total=page": { row: "ants.listing.total" },
  "page-base=0": { row: "ants.listing.pages" },
  "page-cap=2": { row: "ants.listing.page-size" },
  "search=ignored": { row: "ants.listing.search" },
  "search=exact": { row: "ants.listing.search" },
  "segment-id=string": { row: "ants.listing.segment-id" },
  "ctime=epoch-ms": { row: "ants.listing.times" },
  "ctime=datetime": { row: "ants.listing.times" },
  // Read-only says "unknown" (this client's segments could be the account's only ones); the scratch segment decides.
  "c-user-id=number": { row: "ants.listing.creator", write: true },
  "process-status=unknown": { row: "ants.listing.status" },
  "missing-columns=optional": { row: "ants.listing.columns" },
  "error-http=200": { row: "ants.errors.http-status" },
  "create-id=string": { row: "ants.write.create", write: true },
  "create-id=object": { row: "ants.write.create", write: true },
};

describe("antsDoctor under each ANTS variance switch", () => {
  it("the table covers every non-default value of every switch", () => {
    const values = Object.entries(ANTS_QUIRKS).flatMap(([name, d]) => d.values.slice(1).map((v) => `${name}=${v === "<n>" ? "2" : v}`));
    expect(Object.keys(SWITCH_ROWS).sort()).toEqual(values.sort());
  });

  for (const [assignment, { row, write }] of Object.entries(SWITCH_ROWS)) {
    it(`${assignment}: ${row} is not fine and cites the switch's section`, async () => {
      const [name, value] = assignment.split("=") as [keyof typeof ANTS_QUIRKS, string];
      em.setQuirks({ [name]: value });
      const rows = await run(write === true);
      const hit = byId(rows)[row];
      expect(hit, `${row} missing; rows: ${rows.map((r) => r.id).join(", ")}`).toBeDefined();
      expect(hit!.verdict, hit!.observed).not.toBe("fine");
      expect(hit!.cites).toBe(`ants.md ${ANTS_QUIRKS[name].cites.replace(/^ants\.md /, "")}`);
      for (const r of rows) observationSchema.parse(r);
      if (write) expect(em.store.allSegments()).toHaveLength(4);
    });
  }
});

describe("no secret or contact data in the rows", () => {
  it("neither the client secret, any token sent, nor the planted contact data appear", async () => {
    const rows = [...(await run(true)), ...(await run(false))];
    const text = JSON.stringify(rows);
    const tokens = new Set(em.http.requests.map((r) => /^Bearer (.+)$/.exec(String(r.headers.authorization ?? ""))?.[1]).filter((t): t is string => t !== undefined && !t.startsWith("pulumi-segments-doctor")));
    expect(tokens.size).toBeGreaterThan(0);
    for (const secret of [CLIENT.clientSecret, FOREIGN.clientSecret, ...tokens, PLANTED.email, PLANTED.phone, PLANTED.name]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/@[a-z-]+\.[a-z]{2,}/i);
  });
});

describe("rate-limit headers", () => {
  it("a Listing answer with rate-limit headers is reported with their names and values", async () => {
    const big = (r: { path: string; rawBody: Buffer }) => r.path.endsWith("/segment/listing") && /"limit":100,"columns"/.test(r.rawBody.toString("utf8"));
    em.http.failNext({
      match: big,
      reply: { status: 200, body: { code: 200, message: "Success", data: { entries: [], meta: { total: 0, perPage: 100 } } }, headers: { "x-ratelimit-limit": "200", "x-ratelimit-remaining": "187" } },
    });
    const row = byId(await run())["ants.rate-limit.headers"]!;
    expect(row.verdict).toBe("report");
    expect(row.observed).toBe("x-ratelimit-limit: 200; x-ratelimit-remaining: 187");
  });
});
