import { type AntsEmulator, defaultAntsClients } from "../../../emulators/ants/server";

/** Minimal HTTP client for the ANTS emulator tests: real requests over loopback, nothing mocked. */

export interface Reply {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

async function toReply(res: Response): Promise<Reply> {
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, headers: res.headers };
}

export async function requestToken(
  em: AntsEmulator,
  fields: Record<string, string> = {},
): Promise<Reply> {
  const [client] = defaultAntsClients();
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: client?.clientId ?? "",
    client_secret: client?.clientSecret ?? "",
    scope: "segment,item",
    ...fields,
  });
  const res = await fetch(`${em.authUrl}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
  return toReply(res);
}

export async function token(em: AntsEmulator, scope = "segment,item"): Promise<string> {
  const r = await requestToken(em, { scope });
  if (r.status !== 200) throw new Error(`token: ${r.text}`);
  return r.body.accessToken as string;
}

export async function postJson(em: AntsEmulator, path: string, body: unknown, accessToken?: string): Promise<Reply> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  const res = await fetch(`${em.url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  return toReply(res);
}

export async function getJson(em: AntsEmulator, path: string, accessToken?: string): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  return toReply(await fetch(`${em.url}${path}`, { headers }));
}

export async function uploadFile(
  em: AntsEmulator,
  accessToken: string,
  fileName: string,
  content: string,
  itemTypeId: number | string = -1003,
): Promise<Reply> {
  const form = new FormData();
  form.append("file", new Blob([content], { type: "text/csv" }), fileName);
  const res = await fetch(`${em.url}/segment/upload/${itemTypeId}`, {
    method: "POST",
    headers: { authorization: `Bearer ${accessToken}` },
    body: form,
  });
  return toReply(res);
}

/** The seed's upload: tab-delimited, headers id(0) created_date(1) from_user(2) ... message(5). */
export const SEED_FILE =
  "id\tcreated_date\tfrom_user\tto_user\tchannel\tmessage\n" +
  "1\t2024-01-02\t84900000001\tshop\tsms\tAlice\n" +
  "2\t2024-01-03\t84900000002\tshop\tsms\tBob\n" +
  "3\t2024-01-04\t84900000003\tshop\tzalo\tCarol\n";

/** The Create body of the primary source, verbatim except the file fields taken from an upload. */
export function seedCreateBody(upload: { filePath: string; fileName: string }): any {
  return {
    conditions: {
      file_path: upload.filePath,
      method: "replace",
      file_name: upload.fileName,
      extension: "csv",
      delimiter: "\t",
      mapping_fields: [
        { item_attribute_code: "id", operator: "exactly", header_code: "id", header_index: 0 },
        { item_attribute_code: "name", operator: "exactly", header_code: "message", header_index: 5 },
        { item_attribute_code: "date_created", operator: "equals", header_code: "created_date", header_index: 1 },
        { item_attribute_code: "phone", operator: "exactly", header_code: "from_user", header_index: 2 },
      ],
      original_file_name: "test_upload.csv",
      criteria_logic: "or",
    },
    itemTypeId: -1003,
    computeSchedule: { type: "static", repeatType: "none" },
    segmentDisplay: "[dat] test upload 5",
    shareAccess: {
      description: "",
      is_public: 0,
      public_role: null,
      list_access: [{ user_id: "1600080515", allow_edit: 1, allow_view: 1, allow_comment: 1, role: 1 }],
    },
    alertSetting: { alertAccountIds: [1600080515], alertScopes: { success: [], failure: ["email", "app_push"] } },
  };
}

/** Upload the seed file and create the seed segment (optionally renamed); returns the new id. */
export async function createSeedSegment(em: AntsEmulator, accessToken: string, name?: string): Promise<number> {
  const up = await uploadFile(em, accessToken, "test_upload.csv", SEED_FILE);
  const body = seedCreateBody(up.body.data.entries[0]);
  if (name) body.segmentDisplay = name;
  const r = await postJson(em, "/segment/create", body, accessToken);
  if (r.body?.code !== 200) throw new Error(`create: ${r.text}`);
  return r.body.data.entries[0] as number;
}

export const ALL_COLUMNS = [
  "c_user_id",
  "compute_schedule",
  "compute_schedule_end",
  "compute_schedule_start",
  "ctime",
  "item_type_id",
  "label_ids",
  "last_processed_date",
  "process_status",
  "response_code",
  "segment_display",
  "segment_id",
  "segment_size",
  "source_names",
  "status",
  "storage_type",
  "u_user_id",
  "update_method",
  "utime",
];
