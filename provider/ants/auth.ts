import { createHash } from "node:crypto";
import type { Dispatcher } from "undici";
import { HttpClient, type AuthHook, type Classifier } from "../http/client";
import { kindForStatus } from "../http/errors";
import { TokenResponse } from "./schemas";
import { ANTS_SCOPE, antsCredentials, type AntsCredentials } from "./settings";

interface CachedToken {
  accessToken: string;
  expiresAt: number;
  /** When to fetch a new one: shortly before expiry (10 % of the lifetime, at most 60 s). */
  renewAt: number;
}

/** Token cache per (auth URL, client id, scope), shared by every resource in the provider process. */
const tokens = new Map<string, Promise<CachedToken>>();

/** Token endpoint errors: any non-2xx is an authentication failure, except 429 and 5xx. */
const classifyToken: Classifier = (status, body) => {
  if (status < 300) return undefined;
  const b = body as { message?: unknown; name?: unknown } | undefined;
  const detail = typeof b?.message === "string" ? `${typeof b.name === "string" ? `${b.name}: ` : ""}${b.message}` : undefined;
  const kind = status === 429 || status >= 500 ? kindForStatus(status) : "authentication";
  return { kind, detail };
};

function cacheKey(c: Extract<AntsCredentials, { kind: "client" }>): string {
  return `${c.authUrl}|${c.clientId}|${ANTS_SCOPE}`;
}

/** Identifies the credentials without revealing them (for cache keys shared with other modules). */
export function credentialsKey(c: AntsCredentials = antsCredentials()): string {
  if (c.kind === "client") return `client:${c.authUrl}|${c.clientId}`;
  return `token:${createHash("sha256").update(c.accessToken).digest("hex").slice(0, 16)}`;
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
      const key = cacheKey(c);
      let pending = tokens.get(key);
      if (pending) {
        const cached = await pending.catch(() => undefined);
        if (!cached || now() >= cached.renewAt) {
          if (tokens.get(key) === pending) tokens.delete(key);
          pending = undefined;
        }
      }
      if (!pending) {
        pending = tokens.get(key) ?? requestToken(c, dispatcher, now);
        tokens.set(key, pending);
        pending.catch(() => {
          if (tokens.get(key) === pending) tokens.delete(key);
        });
      }
      return { authorization: `Bearer ${(await pending).accessToken}` };
    },
    async renew() {
      const c = antsCredentials();
      // Only a token that was issued and then refused is worth renewing; a refused token request is final.
      if (c.kind === "token" || !tokens.has(cacheKey(c))) return false;
      tokens.delete(cacheKey(c));
      return true;
    },
  };
}

/** Forgets cached tokens; for tests that switch credentials or servers within one process. */
export function forgetTokens(): void {
  tokens.clear();
}
