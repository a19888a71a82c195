import { expect } from "vitest";
import { type OngageEmulator, seedDemoCampaigns, startOngageEmulator } from "../../emulators/ongage/server";

// Shared by test/doctor/ongage.test.ts and test/cli/doctor-command.test.ts: an Ongage emulator seeded
// for the doctor, and the ONGAGE_* variables pointing at it.

export const CREDS = { username: "doctor-user-Q7x", password: "doctor-pass-Zk93wq", accountCode: "DOCACC42" };
export const LIST = 4242;
/** Distinctive contact data planted in the emulator: none of it may appear in a report. */
export const CONTACT = { email: "planted.person@contact-data.example", firstName: "Plantedfirstname", whitelisted: "whitelisted.person@contact-data.example" };

const ENV_KEYS = ["ONGAGE_BASE_URL", "ONGAGE_USERNAME", "ONGAGE_PASSWORD", "ONGAGE_ACCOUNT_CODE", "ONGAGE_LIST_ID", "ONGAGE_REQUESTS_PER_MINUTE", "ONGAGE_MAX_RETRIES", "ONGAGE_RETRY_BASE_MS"];
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
/** Puts the ONGAGE_* variables back as they were before the tests (call in afterAll). */
export function restoreEnv(): void {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

/** Points the ONGAGE_* variables at `em`, as a user's shell would for the CLI. */
export function useEmulator(em: OngageEmulator, listId: number | "none" = LIST): void {
  Object.assign(process.env, {
    ONGAGE_BASE_URL: em.url,
    ONGAGE_USERNAME: CREDS.username,
    ONGAGE_PASSWORD: CREDS.password,
    ONGAGE_ACCOUNT_CODE: CREDS.accountCode,
    ONGAGE_REQUESTS_PER_MINUTE: "100000",
    ONGAGE_MAX_RETRIES: "1",
    ONGAGE_RETRY_BASE_MS: "10",
  });
  if (listId === "none") delete process.env.ONGAGE_LIST_ID;
  else process.env.ONGAGE_LIST_ID = String(listId);
}

/**
 * An emulator whose list holds three segments with rules (one a white-list segment naming a planted
 * address), a planted contact, and the demo campaigns (which use the first two segments).
 */
export async function startSeeded(quirks: Record<string, string> = {}): Promise<OngageEmulator> {
  const em = await startOngageEmulator({ credentials: CREDS, defaultListId: LIST, lists: [{ id: LIST }], population: { size: 0 }, quirks });
  const field = (name: string) => em.store.list(LIST)!.fields.find((f) => f.name === name)!.id;
  em.store.setContacts(LIST, [{ email: CONTACT.email, fields: { first_name: CONTACT.firstName } }]);
  em.store.createSegment(LIST, { name: "Gmail readers", type: "Active", criteria: [{ type: "email", field_id: field("email"), operator: "LIKE", operand: ["gmail"], condition: "and", position: 0 }] } as never);
  em.store.createSegment(LIST, { name: "Named", type: "Active", criteria: [{ type: "string", field_id: field("first_name"), operator: "=", operand: [CONTACT.firstName], condition: "and", position: 0 }] } as never);
  em.store.createSegment(LIST, { name: "VIPs", type: "Active", is_whitelist: true, criteria: [{ type: "email", field_id: field("email"), operator: "=", operand: [CONTACT.whitelisted], condition: "and", position: 0 }] } as never);
  expect(seedDemoCampaigns(em.store, { listId: LIST }).length).toBeGreaterThan(0);
  return em;
}

