import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ANTS_FAULT_REPLIES } from "../../emulators/ants/routes";
import { startAntsEmulator, type AntsEmulator } from "../../emulators/ants/server";
import { forgetTokens } from "../../provider/ants/auth";
import { forgetClientCaches } from "../../provider/ants/client";
import { segmentProvider as provider } from "../../provider/ants/provider";
import type { CanonicalSegment } from "../../provider/ants/canonical";
import { forgetConfig } from "../../provider/pulumi/settings";

// The ANTS side of lost-answers-ongage.test.ts: the first POST /segment/delete is held past the
// client's timeout (the server runs it afterwards), its retry is refused with a 429. The segment is
// gone, so the delete must succeed; a delete that was never processed must fail and leave it.
let em: AntsEmulator;
const dir = mkdtempSync(join(tmpdir(), "ants-lost-delete-"));
const membersPath = join(dir, "members.csv");

beforeAll(async () => {
  writeFileSync(membersPath, "customer_id,email\n1001,a@example.com\n");
  em = await startAntsEmulator({ computeDelayMs: 0, clients: [{ clientId: "lost-del-client", clientSecret: "lost-del-secret" }] });
  forgetConfig();
  forgetTokens();
  forgetClientCaches();
  const config: Record<string, string> = {
    "ants:baseUrl": em.url,
    "ants:authUrl": em.authUrl,
    "ants:clientId": "lost-del-client",
    "ants:clientSecret": "lost-del-secret",
    "ants:requestsPerMinute": "60000",
    "ants:timeoutMs": "300",
    "ants:maxRetries": "1",
    "ants:retryBaseMs": "20",
  };
  await provider.configure({ config: { get: (k: string) => config[k] } });
});
afterAll(async () => {
  await em?.close();
  forgetConfig();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  em.http.clearFaults();
  em.http.clearLog();
});

const isDelete = (r: { method: string; path: string }) => r.method === "POST" && r.path.endsWith("/segment/delete");
const live = (id: string) => em.store.allSegments().some((s) => String(s.segmentId) === id);

async function created(name: string) {
  const res = await provider.check({}, {
    name,
    audience: "customer",
    file: { path: membersPath },
    matchRules: [{ column: "customer_id", attribute: "customer_id" }, { column: "email", attribute: "email" }],
    schedule: { type: "static" },
  });
  expect(res.failures ?? []).toEqual([]);
  return provider.create(res.inputs as unknown as CanonicalSegment);
}

describe("ants delete whose first attempt's answer was lost", () => {
  it("succeeds when the held first delete removed the segment although the retry got a 429", async () => {
    const { id, outs } = await created("lost delete 429");
    em.http.failNext({ delayMs: 600, match: isDelete });
    em.http.failNext({ reply: ANTS_FAULT_REPLIES.rateLimited(), match: isDelete });
    await expect(provider.delete(id, outs)).resolves.toBeUndefined();
    expect(live(id)).toBe(false);
  });

  it("fails, leaving the segment in ANTS, when no attempt was processed (two 429s)", async () => {
    const { id, outs } = await created("refused delete");
    em.http.failNext({ reply: ANTS_FAULT_REPLIES.rateLimited(), match: isDelete }, 2);
    await expect(provider.delete(id, outs)).rejects.toThrow(/429/);
    expect(live(id)).toBe(true);
  });
});
