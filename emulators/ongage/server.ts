import { HttpEmulator } from "../harness/http-server";
import type { StatePersistence } from "../harness/state-file";
import { type RateLimit, RequestBudget } from "../harness/request-budget";
import { type OngageCredentials, ongageHandler } from "./routes";
import { seedDemoCampaigns } from "./demo";
import type { PopulationOptions } from "./population";
import { type ListSeed, OngageStore } from "./store";
import { resolveQuirks, type QuirkSettings } from "../harness/quirks";
import { ONGAGE_QUIRKS, type OngageQuirks } from "./quirks";

export type { RateLimit } from "../harness/request-budget";
export type { OngageCredentials } from "./routes";
export type { ListFieldSeed, ListSeed, MailingChanges, MailingInput, OngageStore, SegmentDeletion, SegmentUse, StoredSegment } from "./store";
export type { MailingStatusCode, StoredMailing } from "./mailings";
export type { Contact, ContactCounts, ContactEvent, ContactSeed, ContactStatus } from "./contacts";
export type { PopulationOptions } from "./population";
export { ONGAGE_QUIRKS, type OngageQuirkName, type OngageQuirks } from "./quirks";
export { DEMO_CAMPAIGN_NAMES, type DemoSeedOptions, seedDemoCampaigns } from "./demo";
export { AFFIX_OPERATORS, compileRules, countContacts, type EvaluationContext } from "./evaluate";
export { ESP_CONNECTIONS, IN_USE_STATUSES, isInUse, MAILING_STATUSES } from "./mailings";

export interface OngageEmulatorOptions {
  /** 0 (default) picks a free port on 127.0.0.1. */
  port?: number;
  /** Default: ONGAGE_USERNAME / ONGAGE_PASSWORD / ONGAGE_ACCOUNT_CODE, else emulator / emulator-password / EMULATOR. */
  credentials?: OngageCredentials;
  /** The account's default list. Default: ONGAGE_LIST_ID, else 10000. */
  defaultListId?: number;
  /** Extra lists (or the default list with custom fields); the default list otherwise gets typical fields. */
  lists?: ListSeed[];
  /** false models an account without API access (every call → 403). Default true. */
  apiAccess?: boolean;
  /** Account call limit; over it → 429 "Calls per minute exceeded". Default: none. */
  rateLimit?: RateLimit;
  /** Extra handling time per admitted call. Default 0. */
  latencyMs?: number;
  /** Milliseconds clock for timestamps and the rate-limit window. Default Date.now. */
  now?: () => number;
  /** State restored at start and saved after every mutating request. */
  persistence?: StatePersistence;
  /**
   * Synthetic contacts of every list (a list's own `population` wins): default 3000 contacts, seed 1.
   * `{ size: 0 }` starts with no contacts and no past campaigns (fast tests).
   */
  population?: PopulationOptions;
  /**
   * Seed the demo campaigns (`seedDemoCampaigns`) into the default list as soon as it has two live
   * segments (checked at start and after every mutating request), once. Default false.
   */
  seedDemo?: boolean;
  /**
   * Variance switches (`ONGAGE_QUIRKS` in quirks.ts), e.g. `{ "page-cap": "50" }`; absent ones keep
   * the documented or assumed behaviour. An unknown switch or value throws QuirkError.
   */
  quirks?: QuirkSettings;
}

export interface OngageEmulator {
  /** API root replacing https://api.ongage.net, e.g. http://127.0.0.1:PORT. */
  url: string;
  http: HttpEmulator;
  store: OngageStore;
  credentials: OngageCredentials;
  /** Forget segments, counts, the request log, faults and the rate-limit window. */
  reset(): void;
  close(): Promise<void>;
  setApiAccess(on: boolean): void;
  /** Change (or remove with undefined) the rate limit at run time. */
  setRateLimit(limit: RateLimit | undefined): void;
  /** Every variance switch with its value in force. */
  readonly quirks: OngageQuirks;
  /** Replace the variance switches at run time (validated like the start option; absent ones return to their default). */
  setQuirks(quirks: QuirkSettings): void;
}

export function defaultOngageCredentials(): OngageCredentials {
  return {
    username: process.env.ONGAGE_USERNAME || "emulator",
    password: process.env.ONGAGE_PASSWORD || "emulator-password",
    accountCode: process.env.ONGAGE_ACCOUNT_CODE || "EMULATOR",
  };
}

export function defaultOngageListId(): number {
  const fromEnv = Number(process.env.ONGAGE_LIST_ID);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 10000;
}

export async function startOngageEmulator(opts: OngageEmulatorOptions = {}): Promise<OngageEmulator> {
  const store = new OngageStore({ defaultListId: opts.defaultListId ?? defaultOngageListId(), lists: opts.lists, now: opts.now, population: opts.population });
  const persistence = opts.persistence;
  if (persistence) store.restore(persistence.load());
  let demoSeeded = !opts.seedDemo;
  const seedDemo = (): void => {
    if (demoSeeded || store.liveSegments(store.defaultListId).length < 2) return;
    demoSeeded = seedDemoCampaigns(store).length > 0;
  };
  const save = (): void => {
    seedDemo();
    persistence?.save(store.snapshot());
  };
  seedDemo();
  const budget = new RequestBudget(opts.rateLimit, store.clock);
  const credentials = opts.credentials ?? defaultOngageCredentials();
  let apiAccess = opts.apiAccess ?? true;
  let quirks = resolveQuirks("ongage", ONGAGE_QUIRKS, opts.quirks) as OngageQuirks;

  const http = await HttpEmulator.start({
    name: "ongage",
    port: opts.port ?? 0,
    requestIdHeader: "x-request-id",
    handler: ongageHandler({
      store,
      credentials,
      apiAccess: () => apiAccess,
      budget,
      latencyMs: () => opts.latencyMs ?? 0,
      onMutation: save,
      quirks: () => quirks,
    }),
  });

  return {
    url: http.url,
    http,
    store,
    credentials,
    reset() {
      demoSeeded = !opts.seedDemo;
      store.reset();
      budget.reset();
      http.clearLog();
      http.clearFaults();
      save();
    },
    close: () => http.close(),
    setApiAccess(on) {
      apiAccess = on;
    },
    setRateLimit(limit) {
      budget.set(limit);
    },
    get quirks() {
      return quirks;
    },
    setQuirks(next) {
      quirks = resolveQuirks("ongage", ONGAGE_QUIRKS, next) as OngageQuirks;
    },
  };
}
