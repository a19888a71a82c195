import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OngageClient } from "../../provider/ongage/client";
import { segmentProvider } from "../../provider/ongage/provider";
import { ongageClientOptions } from "../../provider/ongage/settings";
import { ConnectFailedError, IncompleteListingError } from "../../provider/http/errors";
import { resetProcessState } from "../../provider/http/process-state";
import { GoneUnprovenError } from "../../provider/pulumi/gone";

/** A loopback server answering with `handler`; records every request line. */
let server: Server;
let base: string;
let handler: (url: URL, req: IncomingMessage) => { status: number; body: unknown };
const seen: string[] = [];
const PASSWORD = "pw-never-shown-123";

beforeEach(async () => {
  resetProcessState();
  seen.length = 0;
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://x");
    seen.push(`${req.method} ${url.pathname}${url.search}`);
    const { status, body } = handler(url, req);
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, { "content-type": typeof body === "string" ? "text/html" : "application/json" }).end(text);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, { ONGAGE_BASE_URL: base, ONGAGE_USERNAME: "u@x.test", ONGAGE_PASSWORD: PASSWORD, ONGAGE_ACCOUNT_CODE: "acct", ONGAGE_REQUESTS_PER_MINUTE: "60000", ONGAGE_RETRY_BASE_MS: "0" });
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  for (const k of ["ONGAGE_BASE_URL", "ONGAGE_USERNAME", "ONGAGE_PASSWORD", "ONGAGE_ACCOUNT_CODE", "ONGAGE_REQUESTS_PER_MINUTE", "ONGAGE_RETRY_BASE_MS"]) delete process.env[k];
});

const ok = (payload: unknown, total?: unknown) => ({ status: 200, body: { metadata: { error: false, ...(total === undefined ? {} : { total }) }, payload } });
const envelope404 = { status: 404, body: { metadata: { error: true }, payload: { code: 404, message: "Not found" } } };
const html404 = { status: 404, body: "<html><body><h1>404 Not Found</h1></body></html>" };
const summaries = Array.from({ length: 130 }, (_, i) => ({ id: i + 1, name: `s${i + 1}` }));
const client = () => new OngageClient(ongageClientOptions());
const drain = async () => {
  const out = [];
  for await (const s of client().listSegments(5)) out.push(s);
  return out;
};

describe("ongage listing completeness (a server whose pages hold at most 50 rows)", () => {
  const capped = (total: (n: number) => unknown) => (url: URL) => {
    const offset = Number(url.searchParams.get("offset"));
    const rows = summaries.slice(offset, offset + Math.min(50, Number(url.searchParams.get("limit"))));
    return ok(rows, total(rows.length));
  };

  it("pages by the rows received: all 130 rows with a total, without one, and with a contradicting one", async () => {
    handler = capped(() => 130);
    expect((await drain()).map((s) => s.id)).toEqual(summaries.map((s) => s.id));
    // Every page is shorter than asked (200), so the total is confirmed by an empty page at 130.
    expect(seen.map((l) => new URL(l.split(" ")[1]!, "http://x").searchParams.get("offset"))).toEqual(["0", "50", "100", "130"]);
    handler = capped(() => undefined);
    expect(await drain()).toHaveLength(130);
    handler = capped((n) => n - 1);
    expect(await drain()).toHaveLength(130);
  });

  it("a server that ignores the offset (repeats the page) gives IncompleteListingError", async () => {
    handler = () => ok(summaries.slice(0, 50), 130);
    const err = await drain().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IncompleteListingError);
    expect((err as Error).message).toMatch(/segments of list 5 could not be shown complete: page 2 repeated row 1.*50 rows received/);
  });

  it("a total that drops below the rows received, and a page that fails after others, give IncompleteListingError", async () => {
    handler = (url) => (url.searchParams.get("offset") === "0" ? ok(summaries.slice(0, 50), 130) : ok(summaries.slice(50, 60), 20));
    await expect(drain()).rejects.toBeInstanceOf(IncompleteListingError);
    handler = (url) => (url.searchParams.get("offset") === "0" ? ok(summaries.slice(0, 50), 130) : { status: 400, body: { metadata: { error: true }, payload: { code: 400, message: "bad offset" } } });
    await expect(drain()).rejects.toThrow(/page 2 failed .*bad offset/);
  });
});

describe("gone means gone: a 404 counts only after the list's root check", () => {
  const props = { name: "s", listId: 5, segmentId: "9" } as never;

  it.each([["a JSON envelope", envelope404], ["an HTML page", html404]])("wrong base URL answering 404 with %s: read fails naming the setting, nothing is dropped", async (_, answer) => {
    handler = () => answer;
    const err = await segmentProvider.read("9", props).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GoneUnprovenError);
    expect((err as Error).message).toMatch(/could not establish that ongage segment 9 \(list 5\) is gone/);
    expect((err as Error).message).toMatch(/base URL looks wrong: GET http:\/\/127\.0\.0\.1:\d+\/5\/api\/segments .*answered 404/);
    expect((err as Error).message).toContain("https://api.ongage.net");
    expect((err as Error).message).toContain("ongage:baseUrl / ONGAGE_BASE_URL");
    expect(seen).toContain("GET /5/api/segments?limit=1");
    expect((err as Error).message).not.toContain(PASSWORD);
  });

  it("with a correct root, a real 404 drops the segment; the root check is made once per process and list", async () => {
    handler = (url) => (url.pathname === "/5/api/segments" ? ok([], 0) : envelope404);
    await expect(segmentProvider.read("9", props)).resolves.toEqual({});
    await expect(segmentProvider.read("10", props)).resolves.toEqual({});
    expect(seen.filter((l) => l === "GET /5/api/segments?limit=1")).toHaveLength(1);
  });

  it("a failed root check is not remembered: the next read checks again", async () => {
    let rootUp = false;
    handler = (url) => (url.pathname === "/5/api/segments" ? (rootUp ? ok([], 0) : envelope404) : envelope404);
    await expect(segmentProvider.read("9", props)).rejects.toBeInstanceOf(GoneUnprovenError);
    rootUp = true;
    await expect(segmentProvider.read("9", props)).resolves.toEqual({});
  });

  it("delete under a wrong base URL is an error, not 'already gone'", async () => {
    handler = () => envelope404;
    const err = await segmentProvider.delete("9", props).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GoneUnprovenError);
    expect((err as Error).message).toContain("ongage:baseUrl / ONGAGE_BASE_URL");
    handler = (url) => (url.pathname === "/5/api/segments" ? ok([], 0) : envelope404);
    await expect(segmentProvider.delete("9", props)).resolves.toBeUndefined();
  });
});

describe("a connection that cannot be opened fails fast and names the URL and the setting", () => {
  it("a closed port: ConnectFailedError within 3 s (3 attempts, 250 and 500 ms apart)", async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    const started = Date.now();
    const err = await client().getSegment(5, "9").catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(ConnectFailedError);
    expect((err as Error).message).toContain(`could not connect to ${base}/5/api/segments/9 (ECONNREFUSED)`);
    expect((err as Error).message).toContain("ongage:baseUrl / ONGAGE_BASE_URL");
    expect((err as Error).message).not.toContain(PASSWORD);
    expect(elapsed).toBeLessThan(3_000);
    expect(elapsed).toBeGreaterThanOrEqual(700);
    // The server was closed here: restart one so afterEach can close it.
    server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  });
});
