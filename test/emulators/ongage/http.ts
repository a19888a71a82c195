import { expect } from "vitest";
import type { OngageEmulator } from "../../../emulators/ongage/server";

/** Minimal HTTP client for the Ongage emulator tests: real requests over loopback, nothing mocked. */

export interface Reply {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

export function authHeaders(em: OngageEmulator): Record<string, string> {
  return { x_username: em.credentials.username, x_password: em.credentials.password, x_account_code: em.credentials.accountCode };
}

/** Sends `body` as JSON (a string is sent verbatim); auth headers unless `headers` replaces them. */
export async function call(em: OngageEmulator, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> {
  const h: Record<string, string> = { ...(headers ?? authHeaders(em)) };
  let payload: string | undefined;
  if (body !== undefined) {
    h["content-type"] = "application/json";
    payload = typeof body === "string" ? body : JSON.stringify(body);
  }
  const res = await fetch(`${em.url}${path}`, { method, headers: h, body: payload });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

/** Example lists: field ids 1233-1236 as the ongage.md §7 examples use them (the examples disagree, hence two lists). */
export const EMAIL_DATE_LIST = {
  id: 2001,
  name: "Email and birthdate",
  fields: [
    { id: 1234, name: "email", type: "email" as const },
    { id: 1235, name: "birthdate", type: "date" as const },
  ],
};
export const NAMES_LIST = {
  id: 2002,
  name: "Names",
  fields: [
    { id: 1233, name: "email", type: "email" as const },
    { id: 1234, name: "first_name", type: "string" as const },
    { id: 1235, name: "last_name", type: "string" as const },
    { id: 1236, name: "address", type: "string" as const },
  ],
};

/** The documented error envelope; `message` may be a matcher. */
export function errorEnvelope(code: number, message: unknown = expect.any(String)): unknown {
  return { metadata: { error: true }, payload: { code, errors: [], message } };
}
