import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { startAntsEmulator, type AntsEmulator } from "../../emulators/ants/server";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { resetProcessState } from "../../provider/http/process-state";

// Definitions that cannot work in the emulators' account, one mistake each, shared by the tests of
// validate --live (test/definitions/live-checks.test.ts, test/cli/validate-command.test.ts).

export const CREDENTIALS = { username: "live-user", password: "live-password", accountCode: "LIVE" };
export const ENV_KEYS = ["ONGAGE_BASE_URL", "ONGAGE_USERNAME", "ONGAGE_PASSWORD", "ONGAGE_ACCOUNT_CODE", "ONGAGE_LIST_ID", "ONGAGE_REQUESTS_PER_MINUTE", "ONGAGE_MAX_RETRIES", "ANTS_BASE_URL", "ANTS_AUTH_URL", "ANTS_CLIENT_ID", "ANTS_CLIENT_SECRET", "ANTS_ACCESS_TOKEN"];

/** The definitions with one mistake each (line numbers matter: the assertions name them). */
export const BAD = `- kind: ongage.Segment
  name: wrong-field
  spec:
    name: Wrong field
    match:
      all:
        - { type: email, field: email, operator: LIKE, values: [gmail] }
        - { type: string, field: country, operator: "=", values: [US] }
- kind: ongage.Segment
  name: wrong-type
  spec:
    name: Wrong type
    rules:
      - { type: numeric, field: first_name, operator: ">", values: [3] }
- kind: ongage.Segment
  name: missing-segment
  spec:
    name: Missing segment
    rules:
      - { type: segment, operator: "=", segmentIds: [SEEDED, 99999] }
- kind: ongage.Segment
  name: missing-list
  spec:
    listId: 99999
    name: Missing list
    rules:
      - { type: string, field: first_name, operator: notempty }
`;
export const ANTS_BAD = `kind: ants.Segment
name: missing-attribute
spec:
  name: Missing attribute
  audience: customer
  file: { path: members.csv }
  matchRules:
    - { column: customer_id, attribute: customer_id }
    - { column: country, attribute: country }
    - { column: tags, attribute: tags }
  schedule: { type: static }
`;
export const GOOD = `- kind: ongage.Segment
  name: fine
  spec:
    name: Fine
    match:
      all:
        - { type: email, field: email, operator: LIKE, values: [gmail] }
        - any:
            - { type: string, field: email, operator: notempty }
            - { type: date_relative, field: birthdate, operator: "<", values: [30] }
            - { type: segment, operator: "=", segmentIds: [SEEDED, { ref: other }] }
- kind: ongage.Segment
  name: other
  spec:
    name: Other
    rules:
      - { type: numeric, field: product_id, operator: ">", values: [3] }
- kind: ants.Segment
  name: members
  spec:
    name: Members
    audience: customer
    file: { path: members.csv }
    matchRules:
      - { column: customer_id, attribute: customer_id }
    schedule: { type: static }
`;

export async function seedSegment(url: string): Promise<string> {
  const res = await fetch(`${url}/api/segments`, {
    method: "POST",
    headers: { "content-type": "application/json", X_USERNAME: CREDENTIALS.username, X_PASSWORD: CREDENTIALS.password, X_ACCOUNT_CODE: CREDENTIALS.accountCode },
    body: JSON.stringify({ type: "Active", name: "Seeded", criteria: [] }),
  });
  const json = (await res.json()) as { payload: { id: string | number } };
  return String(json.payload.id);
}

/** A folder holding `files` (SEEDED replaced by the seeded segment's id) and the member file. */
export function folder(files: Record<string, string>, seeded: string): string {
  const dir = mkdtempSync(join(tmpdir(), "live-checks-"));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "members.csv"), "customer_id,country,tags\nc1,US,a\n");
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text.replaceAll("SEEDED", seeded));
  return dir;
}

export function liveEnv(ongage: OngageEmulator, ants: AntsEmulator): void {
  Object.assign(process.env, {
    ONGAGE_BASE_URL: ongage.url,
    ONGAGE_USERNAME: CREDENTIALS.username,
    ONGAGE_PASSWORD: CREDENTIALS.password,
    ONGAGE_ACCOUNT_CODE: CREDENTIALS.accountCode,
    ONGAGE_REQUESTS_PER_MINUTE: "1000000",
    ONGAGE_MAX_RETRIES: "0",
    ANTS_BASE_URL: ants.url,
    ANTS_AUTH_URL: ants.authUrl,
    ANTS_CLIENT_ID: "emulator-client",
    ANTS_CLIENT_SECRET: "emulator-secret",
  });
  delete process.env.ONGAGE_LIST_ID;
  delete process.env.ANTS_ACCESS_TOKEN;
}


/** Both emulators and the seeded segment's id, for the tests of one file (or describe block). */
export interface LiveAccount {
  ongage: OngageEmulator;
  ants: AntsEmulator;
  seeded: string;
}

/**
 * Starts both emulators once (Ongage with a seeded segment), points the environment at them, and
 * restores the environment at the end. Before each test: process state forgotten, no fault, the
 * environment set again (a test may remove a credential) and the request logs cleared.
 */
export function useLiveAccount(): LiveAccount {
  const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  const account = {} as LiveAccount;
  beforeAll(async () => {
    account.ongage = await startOngageEmulator({ credentials: CREDENTIALS, defaultListId: 10000 });
    account.ants = await startAntsEmulator();
    liveEnv(account.ongage, account.ants);
    account.seeded = await seedSegment(account.ongage.url);
  });
  afterAll(async () => {
    await account.ongage.close();
    await account.ants.close();
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  beforeEach(() => {
    resetProcessState();
    account.ongage.http.setFaultPolicy(undefined);
    liveEnv(account.ongage, account.ants);
    account.ongage.http.clearLog();
    account.ants.http.clearLog();
  });
  return account;
}
