/**
 * The HTTP calls of an Ongage lifecycle sent directly with undici, 10 in flight (the documented cap):
 * the baseline of P1. list_fields once, then a POST, a PUT, a GET (refresh) per segment, and for destroy
 * a GET (the provider's delete guard reads the segment's campaigns first, campaigns-in-use.ts) then a
 * DELETE per segment, in phases. Before the creates, the interrupted-create listing the provider took
 * (the recorded list calls of its create phase, bench/call-check.ts), as the provider waits for it.
 */
import { request } from "undici";
import type { RecordedRequest } from "../emulators/harness/http-server";
import { pool } from "./measure";

export interface OngageTarget { url: string; listId: number; credentials: { username: string; password: string; accountCode: string } }

const IN_FLIGHT = 10;

export async function directOngageLifecycle(t: OngageTarget, n: number, listing: readonly RecordedRequest[] = []): Promise<{ ms: number; calls: number }> {
  let calls = 0;
  const headers = { "content-type": "application/json", X_USERNAME: t.credentials.username, X_PASSWORD: t.credentials.password, X_ACCOUNT_CODE: t.credentials.accountCode };
  const call = async (method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown) => {
    calls++;
    const res = await request(`${t.url}/${t.listId}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await res.body.json()) as { payload: any };
    if (res.statusCode !== 200) throw new Error(`${method} ${path} → ${res.statusCode} ${JSON.stringify(json)}`);
    return json.payload;
  };
  const criteria = (fieldId: number, v: number, i: number) => [{ field_id: fieldId, type: "email", position: 0, operator: "LIKE", operand: [`@v${v}-${i}.example.com`], condition: "and", case_sensitive: 0 }];
  const t0 = performance.now();
  const fields = (await call("GET", "/api/list_fields?limit=1000")) as Array<{ id: number; name: string }>;
  const emailId = Number(fields.find((f) => f.name === "email")!.id);
  const origin = new URL(t.url).origin;
  for (const r of listing) {
    calls++;
    const res = await request(`${origin}${r.path}${r.query ? `?${r.query}` : ""}`, { method: "GET", headers });
    await res.body.json();
    if (res.statusCode !== 200) throw new Error(`GET ${r.path} → ${res.statusCode}`);
  }
  const idx = Array.from({ length: n }, (_, i) => i);
  const ids: string[] = [];
  await pool(idx, IN_FLIGHT, async (i) => { ids[i] = String((await call("POST", "/api/segments", { name: `direct ${i}`, type: "Active", description: "v1", criteria: criteria(emailId, 1, i) })).id); });
  await pool(idx, IN_FLIGHT, async (i) => { await call("PUT", `/api/segments/${ids[i]}`, { name: `direct ${i}`, type: "Active", description: "v2", criteria: criteria(emailId, 2, i) }); });
  await pool(idx, IN_FLIGHT, async (i) => { await call("GET", `/api/segments/${ids[i]}`); });
  await pool(idx, IN_FLIGHT, async (i) => {
    await call("GET", `/api/segments/${ids[i]}`);
    await call("DELETE", `/api/segments/${ids[i]}`);
  });
  return { ms: performance.now() - t0, calls };
}
