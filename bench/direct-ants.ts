/**
 * The HTTP calls of an ANTS lifecycle sent directly with undici, 10 in flight: the baseline of P1 (ANTS).
 * Each phase sends what the provider sent in that phase (recorded by the emulator): the token request,
 * the attribute read, an upload then a create per segment, the Listing pages, an update and a delete per
 * segment, a keyword Listing before each delete and after each create and update if the provider sent one (it no longer
 * reads status after a write), and the interrupted-create Listing of the create phase. Only what the server assigns differs: ids and uploaded file paths come
 * from this run's answers.
 */
import { request } from "undici";
import type { RecordedRequest } from "../emulators/harness/http-server";
import { interruptedCreateListing } from "./call-check";
import { pool } from "./measure";

export interface AntsPhases {
  create: RecordedRequest[];
  update: RecordedRequest[];
  refresh: RecordedRequest[];
  destroy: RecordedRequest[];
}

const IN_FLIGHT = 10;

export async function directAntsLifecycle(origin: string, phases: AntsPhases, providerIdToName: Map<string, string>): Promise<{ ms: number; calls: number }> {
  let calls = 0;
  let bearer = "";
  const send = async (r: RecordedRequest, body: string = r.body): Promise<any> => {
    calls++;
    const headers: Record<string, string> = {};
    if (r.headers["content-type"]) headers["content-type"] = String(r.headers["content-type"]);
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    const res = await request(`${origin}${r.path}${r.query ? `?${r.query}` : ""}`, { method: r.method as "GET" | "POST", headers, body: r.method === "GET" ? undefined : body });
    const json = (await res.body.json()) as any;
    if (res.statusCode !== 200 || (json && typeof json.code === "number" && json.code !== 200)) throw new Error(`${r.method} ${r.path} → ${res.statusCode} ${JSON.stringify(json).slice(0, 300)}`);
    return json;
  };
  const only = (rs: RecordedRequest[], suffix: string) => rs.filter((r) => r.path.endsWith(suffix));
  /** The phase's keyword Listing by segment id, when the provider sent one after each write of the phase. */
  const statusRead = (rs: RecordedRequest[], writes: string) => {
    const listings = only(rs, "/segment/listing");
    const template = listings[0];
    if (!template || listings.length !== only(rs, writes).length) return async (_id: string) => {};
    return async (id: string) => void (await send(template, JSON.stringify({ ...JSON.parse(template.body), search: id })));
  };
  const readAfterCreate = statusRead(phases.create, "/segment/create");
  const readAfterUpdate = statusRead(phases.update, "/segment/update");
  const readBeforeDelete = statusRead(phases.destroy, "/segment/delete");
  const t0 = performance.now();

  // create: token, attributes, then upload + create per segment
  const token = phases.create.find((r) => r.path.endsWith("/oauth/token"))!;
  bearer = ((await send(token)) as { accessToken: string }).accessToken;
  for (const r of phases.create.filter((x) => x.method === "GET")) await send(r);
  // the interrupted-create listing (pages, one after the other), which every create waits for
  for (const r of interruptedCreateListing(phases)) await send(r);
  const upload = phases.create.find((r) => r.path.includes("/segment/upload/"))!;
  const idByName = new Map<string, string>();
  const uploadByName = new Map<string, { filePath: string; fileName: string }>();
  await pool(only(phases.create, "/segment/create"), IN_FLIGHT, async (r) => {
    const entry = (await send(upload)).data.entries[0] as { filePath: string; fileName: string };
    const body = JSON.parse(r.body) as { segmentDisplay: string; conditions: Record<string, unknown> };
    body.conditions.file_path = entry.filePath;
    body.conditions.file_name = entry.fileName;
    const created = await send(r, JSON.stringify(body));
    idByName.set(body.segmentDisplay, String(created.data.entries[0]));
    uploadByName.set(body.segmentDisplay, entry);
    await readAfterCreate(String(created.data.entries[0]));
  });
  /** The recorded body with this run's segment id, and this run's upload where the body names one. */
  const withId = (r: RecordedRequest) => {
    const body = JSON.parse(r.body) as { segmentId: number; conditions?: Record<string, unknown> };
    const name = providerIdToName.get(String(body.segmentId)) ?? "";
    const id = idByName.get(name);
    if (id === undefined) throw new Error(`no direct segment for provider segment ${body.segmentId}`);
    const upload = uploadByName.get(name)!;
    const conditions = body.conditions && { ...body.conditions, file_path: upload.filePath, file_name: upload.fileName };
    return JSON.stringify({ ...body, segmentId: Number(id), ...(conditions ? { conditions } : {}) });
  };
  // update (the file is unchanged: no upload), refresh (Listing pages, one after the other), delete
  await pool(only(phases.update, "/segment/update"), IN_FLIGHT, async (r) => {
    const body = withId(r);
    await send(r, body);
    await readAfterUpdate(String((JSON.parse(body) as { segmentId: number }).segmentId));
  });
  for (const r of only(phases.refresh, "/segment/listing")) await send(r);
  // destroy: the in-use guard's keyword Listing (used_by_modules, provider/ants/modules-in-use.ts), then the delete
  await pool(only(phases.destroy, "/segment/delete"), IN_FLIGHT, async (r) => {
    const body = withId(r);
    await readBeforeDelete(String((JSON.parse(body) as { segmentId: number }).segmentId));
    await send(r, body);
  });
  return { ms: performance.now() - t0, calls };
}
