import { antsClientOptions } from "../../provider/ants/settings";
import { ongageClientOptions } from "../../provider/ongage/settings";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { AntsClient } from "../../provider/ants/client";
import { resetProcessState } from "../../provider/http/process-state";
import { OngageClient } from "../../provider/ongage/client";

const ONGAGE_PASSWORD = "Pw-ongage-Secret-7781";
const ANTS_SECRET = "ants/client secret+4411";
const ISSUED_TOKEN = "issued-token-xyz-9";
const READY_TOKEN = "ready-token-abc-5";

/** What the echo server answers for a route: it sees the raw request and must echo it back. */
type Echo = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let routes: Record<string, Echo> = {};
let server: Server;
let base: string;

const echoText = (req: IncomingMessage, body: string) => `${body} ${JSON.stringify(req.headers)}`;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const route = routes[`${req.method} ${req.url?.split("?")[0]}`];
      if (route) route(req, body, res);
      else res.writeHead(599).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

beforeEach(() => {
  resetProcessState();
  for (const k of Object.keys(process.env)) if (/^(ONGAGE|ANTS)_/.test(k)) delete process.env[k];
  Object.assign(process.env, {
    ONGAGE_BASE_URL: base,
    ONGAGE_USERNAME: "someone@example.com",
    ONGAGE_PASSWORD,
    ONGAGE_ACCOUNT_CODE: "acct-1",
    ONGAGE_MAX_RETRIES: "0",
    ANTS_BASE_URL: `${base}/access/api`,
    ANTS_AUTH_URL: base,
    ANTS_CLIENT_ID: "client-1",
    ANTS_CLIENT_SECRET: ANTS_SECRET,
    ANTS_MAX_RETRIES: "0",
  });
  routes = {};
});

/** Every textual trace a thrown error leaves: message, stack, JSON, and the full cause chain. */
function traces(err: unknown): string {
  const parts = [String(err), inspect(err, { depth: 20 }), JSON.stringify(err)];
  for (let e = err as Error | undefined, i = 0; e && i < 10; e = e.cause as Error | undefined, i++) parts.push(e.message, e.stack ?? "");
  return parts.join("\n");
}

function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** Runs `call`, returning its error and everything written to stderr meanwhile. */
async function failWithStderr(call: () => Promise<unknown>): Promise<{ err: unknown; stderr: string }> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    const err = await call().then(() => new Error("expected a failure"), (e: unknown) => e);
    return { err, stderr: written.join("") };
  } finally {
    spy.mockRestore();
  }
}

function expectNoSecret(trace: string, secrets: string[]): void {
  for (const s of secrets) {
    for (const form of [s, encodeURIComponent(s), new URLSearchParams({ v: s }).toString().slice(2)]) expect(occurrences(trace, form)).toBe(0);
  }
}

describe("secrets never appear in errors or stderr, even when the server echoes the request", () => {
  it("ongage: a non-JSON 400 echoing headers and body", async () => {
    routes["POST /api/segments"] = (req, body, res) => res.writeHead(400, { "content-type": "text/plain" }).end(`rejected: ${echoText(req, body)}`);
    const { err, stderr } = await failWithStderr(() => new OngageClient(ongageClientOptions()).createSegment(undefined, { name: "s", note: "hello" }));
    // The echo really carried the password; the error still says what went wrong.
    expect(String(err)).toMatch(/ongage POST \/api\/segments → 400 rejected: /);
    expect(String(err)).toContain("[redacted]");
    expectNoSecret(traces(err) + stderr, [ONGAGE_PASSWORD, "someone@example.com", "acct-1"]);
  });

  it("ongage: the password echoed inside the JSON error envelope of an HTTP 200, and in an HTML 502", async () => {
    routes["GET /api/segments/7"] = (req, _b, res) =>
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ metadata: { error: true }, payload: { code: 401, message: `bad login ${String(req.headers["x_password"])}` } }));
    const first = await failWithStderr(() => new OngageClient(ongageClientOptions()).getSegment(undefined, "7"));
    expect(String(first.err)).toContain("→ 401 (HTTP 200) bad login [redacted]");
    expectNoSecret(traces(first.err) + first.stderr, [ONGAGE_PASSWORD]);

    routes["GET /api/segments/8"] = (req, body, res) => res.writeHead(502, { "content-type": "text/html" }).end(`<html><body><pre>${echoText(req, body)}</pre></body></html>`);
    const second = await failWithStderr(() => new OngageClient(ongageClientOptions()).getSegment(undefined, "8"));
    expect(String(second.err)).toContain("→ 502");
    expectNoSecret(traces(second.err) + second.stderr, [ONGAGE_PASSWORD]);
  });

  it("ants: the token endpoint echoing the form with the client secret (non-JSON 401)", async () => {
    routes["POST /oauth/token"] = (req, body, res) => res.writeHead(401, { "content-type": "text/plain" }).end(`invalid client: ${body}`);
    const { err, stderr } = await failWithStderr(() => new AntsClient(antsClientOptions()).create({ segmentDisplay: "s" }));
    expect(String(err)).toMatch(/ants POST \/oauth\/token → 401 invalid client: .*client_secret=\[redacted\]/);
    expectNoSecret(traces(err) + stderr, [ANTS_SECRET]);
  });

  it("ants: an issued token echoed by the API inside an HTTP 200 error body and as raw text", async () => {
    routes["POST /oauth/token"] = (_q, _b, res) =>
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ accessToken: ISSUED_TOKEN, accessTokenExpiresAt: new Date(Date.now() + 3_600_000).toISOString() }));
    routes["POST /access/api/segment/create"] = (req, body, res) =>
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ code: 500, message: `failed for ${String(req.headers.authorization)}`, data: echoText(req, body) }));
    const { err, stderr } = await failWithStderr(() => new AntsClient(antsClientOptions()).create({ segmentDisplay: "s" }));
    expect(String(err)).toContain("failed for [redacted]");
    expectNoSecret(traces(err) + stderr, [ISSUED_TOKEN, ANTS_SECRET]);

    routes["POST /access/api/segment/create"] = (req, body, res) => res.writeHead(503, { "content-type": "text/plain" }).end(echoText(req, body));
    const raw = await failWithStderr(() => new AntsClient(antsClientOptions()).create({ segmentDisplay: "s" }));
    expect(String(raw.err)).toContain("→ 503");
    expectNoSecret(traces(raw.err) + raw.stderr, [ISSUED_TOKEN, ANTS_SECRET]);
  });

  it("ants: a ready access token echoed in a 403 and a malformed 2xx", async () => {
    process.env.ANTS_ACCESS_TOKEN = READY_TOKEN;
    routes["POST /access/api/segment/create"] = (req, body, res) => res.writeHead(403, { "content-type": "text/plain" }).end(`forbidden ${echoText(req, body)}`);
    const forbidden = await failWithStderr(() => new AntsClient(antsClientOptions()).create({ segmentDisplay: "s" }));
    expect(String(forbidden.err)).toContain("→ 403 forbidden");
    expectNoSecret(traces(forbidden.err) + forbidden.stderr, [READY_TOKEN]);

    routes["POST /access/api/segment/listing"] = (req, body, res) => res.writeHead(200, { "content-type": "text/plain" }).end(echoText(req, body));
    const malformed = await failWithStderr(async () => {
      for await (const _ of new AntsClient(antsClientOptions()).listing()) void _;
    });
    expect(String(malformed.err)).toContain("does not match the documented shape");
    expectNoSecret(traces(malformed.err) + malformed.stderr, [READY_TOKEN]);
  });
});
