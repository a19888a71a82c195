import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AntsEmulator, startAntsEmulator } from "../../../emulators/ants/server";
import { getJson, postJson, requestToken, token } from "./client";

const LISTING = { page: 1, limit: 10, columns: ["segment_id"] };

describe("ANTS emulator: token endpoint and bearer auth", () => {
  let em: AntsEmulator;
  beforeAll(async () => {
    em = await startAntsEmulator({ tokenTtlSeconds: 3600 });
  });
  afterAll(() => em.close());

  it("issues a token with exactly the documented fields", async () => {
    const r = await requestToken(em, { scope: "segment,item" });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(["accessToken", "accessTokenExpiresAt", "scope"]);
    expect(r.body.scope).toBe("segment,item");
    const expires = Date.parse(r.body.accessTokenExpiresAt);
    expect(r.body.accessTokenExpiresAt).toBe(new Date(expires).toISOString());
    expect(expires - Date.now()).toBeGreaterThan(3500_000);
  });

  it("rejects an unknown scope with the documented invalid_scope body", async () => {
    const r = await requestToken(em, { scope: "segment,bogus" });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      statusCode: 400,
      status: 400,
      code: 400,
      message: "Invalid scope: Requested scope is invalid",
      name: "invalid_scope",
    });
    // OAuth's usual space separator is not ANTS's comma separator
    expect((await requestToken(em, { scope: "segment item" })).body.name).toBe("invalid_scope");
  });

  it("rejects a bad client with 401 invalid_client and a bad grant with 400, same body shape", async () => {
    const bad = await requestToken(em, { client_secret: "wrong" });
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ statusCode: 401, status: 401, code: 401, name: "invalid_client" });
    const grant = await requestToken(em, { grant_type: "password" });
    expect(grant.status).toBe(400);
    expect(grant.body).toMatchObject({ code: 400, name: "unsupported_grant_type" });
  });

  it("rejects a JSON token request (form encoding is required)", async () => {
    const res = await fetch(`${em.authUrl}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials", client_id: "emulator-client", client_secret: "emulator-secret", scope: "segment" }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 400, name: "invalid_request" });
  });

  it("answers 401 in the envelope style without a token or with an unknown one", async () => {
    const none = await postJson(em, "/segment/listing", LISTING);
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ code: 401, message: "Unauthorized" });
    expect(typeof none.body.data).toBe("string");
    const unknown = await postJson(em, "/segment/listing", LISTING, "not-a-token");
    expect(unknown.status).toBe(401);
  });

  it("rejects an expired token", async () => {
    const short = await startAntsEmulator({ tokenTtlSeconds: 0.1 });
    try {
      const tok = await token(short);
      expect((await postJson(short, "/segment/listing", LISTING, tok)).body.code).toBe(200);
      await new Promise((r) => setTimeout(r, 150));
      const r = await postJson(short, "/segment/listing", LISTING, tok);
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ code: 401, message: "Unauthorized", data: "Access token has expired" });
    } finally {
      await short.close();
    }
  });

  it("answers code 301 inside HTTP 200 when the token lacks the segment scope", async () => {
    const tok = await token(em, "item");
    const r = await postJson(em, "/segment/listing", LISTING, tok);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ code: 301, message: "Permission denied", data: "You don't have permission to access this request!" });
    // and the BO attribute route needs `item`
    const segOnly = await token(em, "segment");
    const a = await getJson(em, "/item/-1003/attribute", segOnly);
    expect(a.status).toBe(200);
    expect(a.body.code).toBe(301);
    expect((await getJson(em, "/item/-1003/attribute", tok)).body.code).toBe(200);
  });

  it("accepts configured clients only", async () => {
    const other = await startAntsEmulator({ clients: [{ clientId: "c1", clientSecret: "s1" }] });
    try {
      expect((await requestToken(other)).status).toBe(401);
      expect((await requestToken(other, { client_id: "c1", client_secret: "s1" })).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});
