import { processState } from "../http/process-state";
import type { Dispatcher } from "undici";
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

async function requestToken(c: Extract<AntsCredentials, { kind: "client" }>, dispatcher: Dispatcher | undefined, now: () => number): Promise<CachedToken> {
  const http = new HttpClient({ api: "ants", baseUrl: c.authUrl, classify: classifyToken, dispatcher, auth: { headers: async () => ({}) }, retry: { maxRetries: 3 } });
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
 * `accessTokenExpiresAt`, or once after a 401. Tokens and secrets never leave this module except in
 * the Authorization header.
 */
export function antsAuth(dispatcher?: Dispatcher, now: () => number = Date.now): AuthHook {
  return {
    async headers() {
      const c = antsCredentials();
      if (c.kind === "token") return { authorization: `Bearer ${c.accessToken}` };
      const token = await tokens().get(cacheKey(c), () => requestToken(c, dispatcher, now), { fresh: (t) => now() < t.renewAt });
      return { authorization: `Bearer ${token.accessToken}` };
    },
    async renew() {
      const c = antsCredentials();
      // Only a token that was issued and then refused is worth renewing; a refused token request is final.
      if (c.kind === "token" || !tokens().has(cacheKey(c))) return false;
      tokens().delete(cacheKey(c));
      return true;
    },
  };
}

/** Forgets cached tokens only; between tests use resetProcessState(). */
export function forgetTokens(): void {
  tokens().clear();
}
