import { antsClientOptions } from "../../provider/ants/settings";
import { MockAgent } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AntsClient, EndpointMissingError } from "../../provider/ants/client";
import { AuthenticationError, IncompleteListingError, NotFoundError, PermissionError, RateLimitError, WrongBaseUrlError } from "../../provider/http/errors";
import { resetProcessState } from "../../provider/http/process-state";

const API = "https://api.ants.test";
const IAM = "https://iam.ants.test";
const SECRET = "s3cr3t-value-never-printed";
const NGINX_429 = '<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body bgcolor="white">\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

let agent: MockAgent;
let clock: number;
const tokenRequests: URLSearchParams[] = [];
const authHeaders: string[] = [];

function headerOf(headers: unknown, name: string): string | undefined {
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2) if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
    return undefined;
  }
  const h = headers as Record<string, string | undefined>;
  return h[name] ?? Object.entries(h).find(([k]) => k.toLowerCase() === name)?.[1];
}

/** Token endpoint issuing tok-1, tok-2, … valid for `ttlMs` from the fake clock. */
function tokenEndpoint(ttlMs = 3_600_000, times = 10) {
  agent.get(IAM).intercept({ path: "/oauth/token", method: "POST" }).reply((opts) => {
    tokenRequests.push(new URLSearchParams(String(opts.body)));
    return { statusCode: 200, data: { accessToken: `tok-${tokenRequests.length}`, accessTokenExpiresAt: new Date(clock + ttlMs).toISOString(), scope: "segment,item" } };
  }).times(times);
}

const ok = (entries: unknown[], meta: Record<string, number> = { total: entries.length }) => ({ code: 200, message: "Success", data: { entries, meta }, codeMessage: null, duration: "1 ms" });

function api(path: string, reply: (body: any) => { statusCode: number; data: object }, times = 1) {
  agent.get(API).intercept({ path, method: "POST" }).reply((opts) => {
    authHeaders.push(headerOf(opts.headers, "authorization") ?? "");
    return reply(opts.body ? JSON.parse(String(opts.body)) : undefined);
  }).times(times);
}

const client = () => new AntsClient(antsClientOptions({ dispatcher: agent, retry: { baseDelayMs: 1 }, sleep: async () => {}, now: () => clock }));

beforeEach(() => {
  resetProcessState();
  Object.assign(process.env, {
    ANTS_BASE_URL: `${API}/access/api`,
    ANTS_AUTH_URL: IAM,
    ANTS_CLIENT_ID: "client-1",
    ANTS_CLIENT_SECRET: SECRET,
    ANTS_REQUESTS_PER_MINUTE: "60000",
  });
  delete process.env.ANTS_ACCESS_TOKEN;
  agent = new MockAgent();
  agent.disableNetConnect();
  clock = Date.parse("2025-01-01T00:00:00Z");
  tokenRequests.length = 0;
  authHeaders.length = 0;
});
afterEach(async () => {
  await agent.close();
  for (const k of ["ANTS_BASE_URL", "ANTS_AUTH_URL", "ANTS_CLIENT_ID", "ANTS_CLIENT_SECRET", "ANTS_REQUESTS_PER_MINUTE", "ANTS_ACCESS_TOKEN"]) delete process.env[k];
});

const drain = async (c: AntsClient) => {
  const out = [];
  for await (const e of c.listing()) out.push(e);
  return out;
};

describe("ants token", () => {
  it("requests a client-credentials token with scope segment,item once and caches it per process", async () => {
    tokenEndpoint();
    api("/access/api/segment/listing", () => ({ statusCode: 200, data: ok([]) }), 3);
    await drain(client());
    await drain(client());
    await drain(client());
    expect(tokenRequests).toHaveLength(1);
    expect(Object.fromEntries(tokenRequests[0]!)).toEqual({ grant_type: "client_credentials", client_id: "client-1", client_secret: SECRET, scope: "segment,item" });
    expect(authHeaders).toEqual(["Bearer tok-1", "Bearer tok-1", "Bearer tok-1"]);
  });

  it("renews shortly before accessTokenExpiresAt", async () => {
    tokenEndpoint(100_000);
    api("/access/api/segment/listing", () => ({ statusCode: 200, data: ok([]) }), 3);
    await drain(client());
    clock += 85_000; // 15 s left: still valid
    await drain(client());
    clock += 6_000; // 9 s left: inside the renewal margin (10 % of the lifetime)
    await drain(client());
    expect(authHeaders).toEqual(["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]);
  });

  it("renews once after a 401, then gives up with an AuthenticationError", async () => {
    tokenEndpoint();
    let n = 0;
    api("/access/api/segment/listing", () => (++n === 1 ? { statusCode: 401, data: { code: 401, message: "Unauthorized", data: "Access token has expired" } } : { statusCode: 200, data: ok([]) }), 2);
    await drain(client());
    expect(authHeaders).toEqual(["Bearer tok-1", "Bearer tok-2"]);
    api("/access/api/segment/listing", () => ({ statusCode: 401, data: { code: 401, message: "Unauthorized" } }), 2);
    await expect(drain(client())).rejects.toBeInstanceOf(AuthenticationError);
    expect(authHeaders.slice(2)).toEqual(["Bearer tok-2", "Bearer tok-3"]);
  });

  it("never puts the client secret in an error", async () => {
    agent.get(IAM).intercept({ path: "/oauth/token", method: "POST" }).reply(401, { statusCode: 401, status: 401, code: 401, message: "Invalid client: client is invalid", name: "invalid_client" });
    const err = await drain(client()).catch((e: Error) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(String((err as Error).message)).toContain("invalid_client");
    expect(JSON.stringify({ m: (err as Error).message, s: (err as Error).stack })).not.toContain(SECRET);
  });

  it("sends a ready access token as is and never asks the token endpoint", async () => {
    process.env.ANTS_ACCESS_TOKEN = "ready-token";
    api("/access/api/segment/listing", () => ({ statusCode: 200, data: ok([]) }));
    await drain(client());
    expect(authHeaders).toEqual(["Bearer ready-token"]);
    expect(tokenRequests).toHaveLength(0);
  });
});

describe("ants envelope errors", () => {
  it("body code 301 inside HTTP 200 is a PermissionError and is not retried", async () => {
    tokenEndpoint();
    api("/access/api/segment/create", () => ({ statusCode: 200, data: { code: 301, message: "Permission denied", data: "You don't have permission to access this request!" } }));
    const err = await client().create({}).catch((e: Error) => e);
    expect(err).toBeInstanceOf(PermissionError);
    expect((err as PermissionError).apiCode).toBe(301);
    expect((err as Error).message).toContain("Permission denied");
    expect(authHeaders).toHaveLength(1);
  });

  it.each([200, 429])("code 500 wrapping nginx's 429 page (HTTP %i) is a RateLimitError and is retried, even for create", async (status) => {
    tokenEndpoint();
    let n = 0;
    api("/access/api/segment/create", () => (++n <= 2 ? { statusCode: status, data: { code: 500, message: NGINX_429, duration: "0.35 ms" } } : { statusCode: 200, data: ok([5546595]) }), 3);
    await expect(client().create({})).resolves.toBe("5546595");
    expect(n).toBe(3);
  });

  it("gives up with a RateLimitError after the retries", async () => {
    tokenEndpoint();
    api("/access/api/segment/listing", () => ({ statusCode: 200, data: { code: 500, message: NGINX_429 } }), 10);
    const c = new AntsClient(antsClientOptions({ dispatcher: agent, retry: { baseDelayMs: 1, maxRetries: 2 }, sleep: async () => {}, now: () => clock }));
    await expect(drain(c)).rejects.toBeInstanceOf(RateLimitError);
  });
});

describe("ants listing", () => {
  const entry = (id: number) => ({ segment_id: id, segment_display: `s${id}`, item_type_id: -1003, update_method: "static", row_count: "1" });

  it("pages until a short page, sending page/limit/columns", async () => {
    tokenEndpoint();
    const pages: any[] = [];
    const all = Array.from({ length: 250 }, (_, i) => entry(i + 1));
    api("/access/api/segment/listing", (body) => {
      pages.push(body);
      return { statusCode: 200, data: ok(all.slice((body.page - 1) * body.limit, body.page * body.limit), { perPage: body.limit, total: all.length }) };
    }, 4);
    const got = await drain(client());
    expect(got.map((e) => e.segment_id)).toEqual(all.map((e) => e.segment_id));
    // Page 3 is short (50 of 100): a short page proves nothing, so an empty page 4 confirms the end.
    expect(pages.map((p) => p.page)).toEqual([1, 2, 3, 4]);
    expect(pages[0]).toMatchObject({ limit: 100, sort: "segment_id", sd: "asc" });
    expect(pages[0].columns).toContain("update_method");
  });

  it("stops at meta.total even when the last page is full", async () => {
    tokenEndpoint();
    api("/access/api/segment/listing", (body) => ({ statusCode: 200, data: ok(Array.from({ length: 100 }, (_, i) => entry((body.page - 1) * 100 + i + 1)), { total: 200 }) }), 2);
    expect(await drain(client())).toHaveLength(200);
  });

  it("concurrent reads share one listing snapshot", async () => {
    tokenEndpoint();
    let calls = 0;
    // One snapshot is two Listing pages: the three segments, then the empty page that confirms them.
    api("/access/api/segment/listing", (body) => (calls++, { statusCode: 200, data: ok(body.page === 1 ? [entry(1), entry(2), entry(3)] : []) }), 5);
    const found = await Promise.all(["1", "2", "3", "4"].map((id) => client().findInSnapshot(id)));
    expect(found.map((e) => e?.segment_display)).toEqual(["s1", "s2", "s3", undefined]);
    expect(calls).toBe(2);
    clock += 6_000; // past the 5 s staleness window
    await client().findInSnapshot("1");
    expect(calls).toBe(4);
  });
});

describe("ants assumed endpoints", () => {
  it("an update route answering 404 tells the user which setting to change", async () => {
    tokenEndpoint();
    agent.get(API).intercept({ path: "/access/api/segment/update", method: "POST" }).reply(404, "<html><head><title>404 Not Found</title></head></html>", { headers: { "content-type": "text/html" } });
    api("/access/api/segment/listing", () => ({ statusCode: 200, data: ok([]) }));
    const err = await client().update("5", { segmentDisplay: "x" }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(EndpointMissingError);
    expect((err as Error).message).toContain("pulumi config set ants:updateStrategy replace");
    expect((err as Error).message).toContain("ants:updatePath");
  });

  it("a delete route answering 404 names ants:deleteStrategy forget when the root holds; an unknown segment is a NotFoundError for the gone decision", async () => {
    tokenEndpoint();
    agent.get(API).intercept({ path: "/access/api/segment/delete", method: "POST" }).reply(404, "<html>404 Not Found</html>");
    api("/access/api/segment/listing", () => ({ statusCode: 200, data: ok([]) }));
    await expect(client().delete("5")).rejects.toThrow(/ants:deleteStrategy forget/);
    agent.get(API).intercept({ path: "/access/api/segment/delete", method: "POST" }).reply(404, { code: 404, message: "Segment not found", data: null });
    await expect(client().delete("5")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("a delete route answering 404 under a wrong base URL says the base URL looks wrong, never 'set deleteStrategy forget'", async () => {
    tokenEndpoint();
    agent.get(API).intercept({ path: "/access/api/segment/delete", method: "POST" }).reply(404, "<html>404 Not Found</html>");
    agent.get(API).intercept({ path: "/access/api/segment/listing", method: "POST" }).reply(404, "<html>404 Not Found</html>");
    const err = await client().delete("5").catch((e: Error) => e);
    expect(err).toBeInstanceOf(WrongBaseUrlError);
    expect((err as Error).message).toMatch(/base URL looks wrong.*https:\/\/api\.ants\.tech\/access\/api.*ants:baseUrl \/ ANTS_BASE_URL/);
    expect((err as Error).message).not.toContain("forget");
  });

  it("the update path can be overridden from config", async () => {
    tokenEndpoint();
    process.env.ANTS_UPDATE_PATH = "/segment/edit";
    try {
      let body: any;
      api("/access/api/segment/edit", (b) => ((body = b), { statusCode: 200, data: ok([5]) }));
      await client().update("5", { segmentDisplay: "x" });
      expect(body).toEqual({ segmentDisplay: "x", segmentId: 5 });
    } finally {
      delete process.env.ANTS_UPDATE_PATH;
    }
  });
});

describe("ants listing completeness", () => {
  const entry = (id: number) => ({ segment_id: id, segment_display: `s${id}`, item_type_id: -1003, update_method: "static", row_count: "1" });
  const all = Array.from({ length: 130 }, (_, i) => entry(i + 1));
  /** A server applying its own maximum page size of 40 whatever `limit` asks. */
  const capped = (meta: (seen: number) => Record<string, number> | undefined) => (body: any) => {
    const size = Math.min(body.limit, 40);
    const rows = all.slice((body.page - 1) * size, body.page * size);
    return { statusCode: 200, data: { code: 200, message: "Success", data: { entries: rows, ...(meta(rows.length) ? { meta: meta(rows.length) } : {}) } } };
  };

  it("a server that caps pages below limit: every row, with or without a total", async () => {
    tokenEndpoint();
    api("/access/api/segment/listing", capped(() => ({ total: 130 })), 10);
    expect((await drain(client())).map((e) => e.segment_id)).toEqual(all.map((e) => e.segment_id));
    api("/access/api/segment/listing", capped(() => undefined), 10);
    expect(await drain(client())).toHaveLength(130);
    api("/access/api/segment/listing", capped(() => ({ total: 3 })), 10);
    expect(await drain(client())).toHaveLength(130);
  });

  it("a server that repeats a page: IncompleteListingError, never a partial listing", async () => {
    tokenEndpoint();
    api("/access/api/segment/listing", () => ({ statusCode: 200, data: ok(all.slice(0, 40), { total: 130 }) }), 3);
    const err = await drain(client()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IncompleteListingError);
    expect((err as Error).message).toMatch(/could not be shown complete: page 2 repeated row 1/);
  });

  it("rows that end before the total: IncompleteListingError", async () => {
    tokenEndpoint();
    let n = 0;
    api("/access/api/segment/listing", () => ({ statusCode: 200, data: ok(++n === 1 ? all.slice(0, 40) : [], { total: 130 }) }), 3);
    await expect(drain(client())).rejects.toBeInstanceOf(IncompleteListingError);
  });
});

describe("ants 401 race", () => {
  it("two requests refused at once with the same token both retry with one renewed token", async () => {
    tokenEndpoint();
    api("/access/api/segment/listing", () => ({ statusCode: 200, data: ok([]) }));
    await drain(client());
    let refusals = 0;
    api("/access/api/segment/listing", () => (authHeaders.at(-1) === "Bearer tok-1" ? (refusals++, { statusCode: 401, data: { code: 401, message: "Unauthorized" } }) : { statusCode: 200, data: ok([]) }), 4);
    await expect(Promise.all([drain(client()), drain(client())])).resolves.toHaveLength(2);
    expect(refusals).toBe(2);
    expect(tokenRequests).toHaveLength(2);
    expect(authHeaders.slice(-2)).toEqual(["Bearer tok-2", "Bearer tok-2"]);
  });
});
