import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { randomFaults, seededRandom, type FaultKind } from "../../../emulators/harness/faults";
import type { EmulatorRequest } from "../../../emulators/harness/http-server";
import { ANTS_FAULT_REPLIES } from "../../../emulators/ants/routes";
import { startAntsEmulator, type AntsEmulator } from "../../../emulators/ants/server";
import { ONGAGE_FAULT_REPLIES } from "../../../emulators/ongage/routes";
import { startOngageEmulator, type OngageEmulator } from "../../../emulators/ongage/server";
import { classifyAnts } from "../../../provider/ants/client";
import { classifyOngage } from "../../../provider/ongage/client";
import { parseRetryAfter } from "../../../provider/http/retry-policy";
import { postJson, seedCreateBody, SEED_FILE, token, uploadFile } from "../ants/client";
import { call } from "../ongage/http";

const req = (method: string, path: string): EmulatorRequest => ({ method, path, query: new URLSearchParams(), headers: {}, rawBody: Buffer.alloc(0), requestId: "r" });
const GET = req("GET", "/api/segments/1");
const CREATE = req("POST", "/10000/api/segments");

describe("randomFaults policy", () => {
  it("is deterministic for a seed and differs between seeds", () => {
    const draw = (seed: number) => {
      const p = randomFaults({ rate: 0.5, seed, replies: ONGAGE_FAULT_REPLIES });
      return Array.from({ length: 200 }, () => JSON.stringify(p(GET) ?? null));
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(seededRandom(9)()).toBe(seededRandom(9)());
  });

  it("hits about `rate` of the matching requests, draws every kind, never touches non-matching ones", () => {
    const seen = new Map<FaultKind, number>();
    const p = randomFaults({ rate: 0.2, seed: 42, replies: ONGAGE_FAULT_REPLIES, match: (r) => r.method !== "DELETE", onFault: (k) => seen.set(k, (seen.get(k) ?? 0) + 1) });
    let hit = 0;
    for (let i = 0; i < 10_000; i++) if (p(i % 2 ? GET : CREATE)) hit++;
    expect(hit / 10_000).toBeGreaterThan(0.18);
    expect(hit / 10_000).toBeLessThan(0.22);
    expect([...seen.keys()].sort()).toEqual(["429", "429-retry-after", "500", "502", "503", "drop-after-commit", "reset", "timeout"]);
    for (let i = 0; i < 1000; i++) expect(p(req("DELETE", "/api/segments/1"))).toBeUndefined();
  });

  it("drop-after-commit applies to creates only (a non-create gets a reset)", () => {
    const p = randomFaults({ rate: 1, seed: 3, kinds: ["drop-after-commit"], replies: ONGAGE_FAULT_REPLIES });
    expect(p(CREATE)).toEqual({ dropAfterCommit: true });
    expect(p(GET)).toEqual({ reset: true });
    expect(ANTS_FAULT_REPLIES.isCreate(req("POST", "/access/api/segment/create"))).toBe(true);
    expect(ANTS_FAULT_REPLIES.isCreate(req("POST", "/access/api/segment/listing"))).toBe(false);
  });

  it("rejects a rate outside [0, 1] and empty kinds", () => {
    expect(() => randomFaults({ rate: 1.5, seed: 1, replies: ONGAGE_FAULT_REPLIES })).toThrow(RangeError);
    expect(() => randomFaults({ rate: 0.1, seed: 1, kinds: [], replies: ONGAGE_FAULT_REPLIES })).toThrow(RangeError);
  });
});

describe("injected faults on the Ongage emulator are API-shaped and classified by the provider", () => {
  let em: OngageEmulator;
  beforeAll(async () => (em = await startOngageEmulator({ defaultListId: 10000 })));
  afterAll(() => em.close());
  beforeEach(() => em.reset());
  const only = (kind: FaultKind) => em.http.setFaultPolicy(randomFaults({ rate: 1, seed: 1, kinds: [kind], replies: ONGAGE_FAULT_REPLIES, delayMs: 50, retryAfterSeconds: 2 }));

  it("429 with and without Retry-After: the Ongage error envelope, classified as a rate limit", async () => {
    only("429");
    const plain = await call(em, "GET", "/api/segments");
    expect(plain.status).toBe(429);
    expect(plain.body).toEqual({ metadata: { error: true }, payload: { code: 429, errors: [], message: "Calls per minute exceeded" } });
    expect(plain.headers.get("retry-after")).toBeNull();
    expect(classifyOngage(plain.status, plain.body)?.kind).toBe("rate-limit");
    only("429-retry-after");
    const hinted = await call(em, "GET", "/api/segments");
    expect(hinted.status).toBe(429);
    expect(parseRetryAfter({ "retry-after": hinted.headers.get("retry-after") ?? undefined })).toBe(2000);
  });

  it.each(["500", "502", "503"] as const)("%s: error envelope, classified as a server error; nothing committed", async (kind) => {
    only(kind);
    const r = await call(em, "POST", "/api/segments", { name: "x", type: "Active", criteria: [] });
    expect(r.status).toBe(Number(kind));
    expect(r.body.metadata.error).toBe(true);
    expect(classifyOngage(r.status, r.body)?.kind).toBe("server");
    expect(em.store.allSegments()).toHaveLength(0);
  });

  it("reset: the connection drops before the route runs; nothing committed", async () => {
    only("reset");
    await expect(call(em, "POST", "/api/segments", { name: "x", type: "Active", criteria: [] })).rejects.toThrow();
    expect(em.store.allSegments()).toHaveLength(0);
  });

  it("drop-after-commit: the create is committed and its response lost", async () => {
    const fields = await call(em, "GET", "/api/list_fields");
    const emailId = Number(fields.body.payload.find((f: { name: string }) => f.name === "email").id);
    only("drop-after-commit");
    await expect(call(em, "POST", "/api/segments", { name: "dropped", type: "Active", criteria: [{ field_id: emailId, type: "email", position: 0, operator: "LIKE", operand: ["gmail"], condition: "and" }] })).rejects.toThrow();
    expect(em.store.allSegments().map((s) => s.name)).toEqual(["dropped"]);
  });

  it("timeout: the request is held for delayMs, then answered", async () => {
    only("timeout");
    const t0 = performance.now();
    const r = await call(em, "GET", "/api/segments");
    expect(r.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
  });
});

describe("injected faults on the ANTS emulator are API-shaped and classified by the provider", () => {
  let em: AntsEmulator;
  let tok: string;
  beforeAll(async () => {
    em = await startAntsEmulator();
    tok = await token(em);
  });
  afterAll(() => em.close());
  const only = (kind: FaultKind) =>
    em.http.setFaultPolicy(randomFaults({ rate: 1, seed: 1, kinds: [kind], replies: ANTS_FAULT_REPLIES, match: (r) => r.path.startsWith("/access/api/segment/"), retryAfterSeconds: 1 }));

  it("429: the documented code-500 body wrapping nginx's 429 page, with and without Retry-After, classified as a rate limit", async () => {
    only("429");
    const r = await postJson(em, "/segment/listing", { page: 1, limit: 10 }, tok);
    expect(r.status).toBe(429);
    expect(r.body.code).toBe(500);
    expect(r.body.message).toContain("<title>429 Too Many Requests</title>");
    expect(r.headers.get("retry-after")).toBeNull();
    expect(classifyAnts(r.status, r.body)?.kind).toBe("rate-limit");
    only("429-retry-after");
    const hinted = await postJson(em, "/segment/listing", { page: 1, limit: 10 }, tok);
    expect(hinted.headers.get("retry-after")).toBe("1");
    expect(classifyAnts(hinted.status, hinted.body)?.kind).toBe("rate-limit");
  });

  it.each(["500", "502", "503"] as const)("%s: classified as a server error (not a rate limit)", async (kind) => {
    only(kind);
    const r = await postJson(em, "/segment/listing", { page: 1, limit: 10 }, tok);
    expect(r.status).toBe(Number(kind));
    const parsed = r.body ?? r.text;
    expect(classifyAnts(r.status, parsed)?.kind).toBe("server");
  });

  it("drop-after-commit on create: the segment exists, the response is lost", async () => {
    em.http.clearFaults();
    const up = await uploadFile(em, tok, "faults.csv", SEED_FILE);
    const before = em.store.allSegments().length;
    only("drop-after-commit");
    await expect(postJson(em, "/segment/create", seedCreateBody(up.body.data.entries[0]), tok)).rejects.toThrow();
    em.http.clearFaults();
    expect(em.store.allSegments().length).toBe(before + 1);
  });
});
