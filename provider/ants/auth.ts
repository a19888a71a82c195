import { processState } from "../http/process-state";
import type { Dispatcher } from "undici";
import type { RetrySettings } from "../http/retry-policy";
import { HttpClient, type AuthHook, type Classifier } from "../http/client";
import { kindForStatus } from "../http/errors";
import { fingerprint, PromiseCache, type CacheKey, type CredentialsFingerprint } from "../http/promise-cache";
import { registerSecret } from "../http/redact";
import { TokenResponse } from "./wire";
import { ANTS_SCOPE, antsCredentials, type AntsCredentials } from "./settings";

interface CachedToken {
  accessToken: string;
  expiresAt: number;
  /** When to fetch a new one: shortly before expiry (10 % of the lifetime, at most 60 s). */
  renewAt: number;
}

/** Token cache per (auth URL, client credentials incl. the secret, scope), shared by every resource in the process. */
const tokens = processState("ants/auth: tokens", () => new PromiseCache<CachedToken>());

/** Token endpoint errors: any non-2xx is an authentication failure, except 429 and 5xx. */
const classifyToken: Classifier = (status, body) => {
  if (status < 300) return undefined;
  const b = body as { message?: unknown; name?: unknown } | undefined;
  const detail = typeof b?.message === "string" ? `${typeof b.name === "string" ? `${b.name}: ` : ""}${b.message}` : undefined;
  const kind = status === 429 || status >= 500 ? kindForStatus(status) : "authentication";
  return { kind, detail };
};

function cacheKey(c: Extract<AntsCredentials, { kind: "client" }>): CacheKey {
  return { baseUrl: c.authUrl, credentials: credentialsKey(c), item: `token|${ANTS_SCOPE}` };
}

/** Identifies the credentials (secret included) without revealing them; part of every ANTS cache key. */
export function credentialsKey(c: AntsCredentials = antsCredentials()): CredentialsFingerprint {
  return c.kind === "client" ? fingerprint("client", c.authUrl, c.clientId, c.clientSecret) : fingerprint("token", c.accessToken);
}

/** What the token source needs; built from settings by `antsClientOptions()` (settings.ts). */
export interface AntsTokenSourceOptions {
  /** Read at every request (never stored), so a changed secret takes effect at once. */
  credentials: () => AntsCredentials;
  dispatcher?: Dispatcher;
  /** Per-attempt timeout and overall deadline of one token request. */
  timeoutMs?: number;
  deadlineMs?: number;
  /** The transport's retry policy (the same one the API calls use). */
  retry?: Partial<RetrySettings>;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Where the token endpoint's URL comes from, for connection failures. */
  authUrlSource?: string;
  now?: () => number;
}

async function requestToken(c: Extract<AntsCredentials, { kind: "client" }>, opts: AntsTokenSourceOptions, now: () => number): Promise<CachedToken> {
  const http = new HttpClient({
    api: "ants",
    baseUrl: c.authUrl,
    classify: classifyToken,
    dispatcher: opts.dispatcher,
    auth: { headers: async () => ({}) },
    timeoutMs: opts.timeoutMs,
    deadlineMs: opts.deadlineMs,
    retry: opts.retry,
    sleep: opts.sleep,
    baseUrlSource: opts.authUrlSource,
  });
  const res = await http.send({
    method: "POST",
    path: "/oauth/token",
    body: { form: { grant_type: "client_credentials", client_id: c.clientId, client_secret: c.clientSecret, scope: ANTS_SCOPE } },
    idempotent: true,
    schema: TokenResponse,
  });
  const issuedAt = now();
  const parsed = Date.parse(res.body.accessTokenExpiresAt);
  const expiresAt = Number.isNaN(parsed) ? issuedAt + 5 * 60_000 : parsed;
  const lifetime = Math.max(0, expiresAt - issuedAt);
  registerSecret(res.body.accessToken);
  return { accessToken: res.body.accessToken, expiresAt, renewAt: expiresAt - Math.min(60_000, lifetime / 10) };
}

/**
 * Bearer authentication for the ANTS API. A ready token (`ants:accessToken`) is sent as is and never
 * renewed; client credentials are exchanged once per process and renewed before
 * `accessTokenExpiresAt`, or after a 401. Renewal is single-flight: every request refused with the
 * same token waits for one new token and is sent once more with it (a request refused with a token
 * that was already replaced just uses the replacement). Tokens and secrets never leave this module
 * except in the Authorization header.
 */
export function antsAuth(opts: AntsTokenSourceOptions): AuthHook {
  const now = opts.now ?? Date.now;
  const token = (c: Extract<AntsCredentials, { kind: "client" }>, refused?: string) =>
    tokens().get(cacheKey(c), () => requestToken(c, opts, now), { fresh: (t) => t.accessToken !== refused && now() < t.renewAt });
  return {
    async headers() {
      const c = opts.credentials();
      if (c.kind === "token") return { authorization: `Bearer ${c.accessToken}` };
      return { authorization: `Bearer ${(await token(c)).accessToken}` };
    },
    async renew(refusedHeaders) {
      const c = opts.credentials();
      const refused = /^Bearer (.+)$/.exec(refusedHeaders?.authorization ?? "")?.[1];
      // A ready token cannot be renewed; a refused token request (no token was sent) is final.
      if (c.kind === "token" || refused === undefined) return false;
      return (await token(c, refused)).accessToken !== refused;
    },
  };
}

/** Forgets cached tokens only; between tests use resetProcessState(). */
export function forgetTokens(): void {
  tokens().clear();
}
