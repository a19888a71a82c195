import { HttpEmulator } from "../harness/http-server";
import type { StatePersistence } from "../harness/state-file";
import { type RateLimit, RequestBudget } from "../harness/request-budget";
import { API_PREFIX, antsHandler } from "./routes";
import { type AntsClient, AntsStore } from "./store";
import { resolveQuirks, type QuirkSettings } from "../harness/quirks";
import { ANTS_QUIRKS, type AntsQuirks, withAntsQuirks } from "./quirks";

export type { RateLimit } from "../harness/request-budget";
export type { AntsClient } from "./store";
export { ANTS_QUIRKS, type AntsQuirkName, type AntsQuirks } from "./quirks";

export interface AntsEmulatorOptions {
  /** 0 (default) picks a free port on 127.0.0.1. */
  port?: number;
  /** Default: one client from ANTS_CLIENT_ID / ANTS_CLIENT_SECRET, else emulator-client / emulator-secret. */
  clients?: AntsClient[];
  /** Token lifetime; fractions allowed (tests use tiny values). Default 3600. */
  tokenTtlSeconds?: number;
  /** false makes the ASSUMED update/delete routes answer 404 like an unknown route. Default true. */
  assumedEndpoints?: boolean;
  rateLimit?: RateLimit;
  /** HTTP status sent with the documented rate-limit body (`code: 500` + nginx 429 page). Default 429. */
  rateLimitHttpStatus?: number;
  /** Time from create/update until a segment reports process_status 2 and its segment_size. Default 1000. */
  computeDelayMs?: number;
  /** Extra handling time per admitted API request (makes `rateLimit.parallel` observable). Default 0. */
  latencyMs?: number;
  /** Portal id used in generated upload file names. Default 1600000000. */
  portalId?: number;
  /** Uploads and segments are restored at start and saved after every mutating request. */
  persistence?: StatePersistence;
  /**
   * Variance switches (`ANTS_QUIRKS` in quirks.ts), e.g. `{ "page-base": "0" }`; absent ones keep the
   * documented or assumed behaviour. An unknown switch or value throws QuirkError.
   */
  quirks?: QuirkSettings;
}

export interface AntsEmulator {
  /** API root, like https://api.ants.tech/access/api. */
  url: string;
  /** IAM root; the token endpoint is `${authUrl}/oauth/token`. */
  authUrl: string;
  http: HttpEmulator;
  store: AntsStore;
  /** Forget tokens, uploads, segments, the request log, faults and the rate-limit window. */
  reset(): void;
  close(): Promise<void>;
  setAssumedEndpoints(on: boolean): void;
  /** Change (or remove with undefined) the rate limit at run time. */
  setRateLimit(limit: RateLimit | undefined): void;
  /** Every variance switch with its value in force. */
  readonly quirks: AntsQuirks;
  /** Replace the variance switches at run time (validated like the start option; absent ones return to their default). */
  setQuirks(quirks: QuirkSettings): void;
}

export function defaultAntsClients(): AntsClient[] {
  return [
    {
      clientId: process.env.ANTS_CLIENT_ID || "emulator-client",
      clientSecret: process.env.ANTS_CLIENT_SECRET || "emulator-secret",
    },
  ];
}

export async function startAntsEmulator(opts: AntsEmulatorOptions = {}): Promise<AntsEmulator> {
  const store = new AntsStore({
    clients: opts.clients ?? defaultAntsClients(),
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 3600,
    computeDelayMs: opts.computeDelayMs,
    portalId: opts.portalId,
  });
  const persistence = opts.persistence;
  if (persistence) store.restore(persistence.load());
  const budget = new RequestBudget(opts.rateLimit, () => store.clock());
  let assumedEndpoints = opts.assumedEndpoints ?? true;
  const save = (): void => persistence?.save(store.snapshot());
  let quirks = resolveQuirks("ants", ANTS_QUIRKS, opts.quirks) as AntsQuirks;

  const http = await HttpEmulator.start({
    name: "ants",
    port: opts.port ?? 0,
    requestIdHeader: "x-request-id",
    handler: withAntsQuirks(antsHandler({
      store,
      budget,
      rateLimitHttpStatus: () => opts.rateLimitHttpStatus ?? 429,
      assumedEndpoints: () => assumedEndpoints,
      latencyMs: () => opts.latencyMs ?? 0,
      onMutation: save,
    }), () => quirks),
  });

  return {
    url: `${http.url}${API_PREFIX}`,
    authUrl: http.url,
    http,
    store,
    reset() {
      store.reset();
      budget.reset();
      http.clearLog();
      http.clearFaults();
      save();
    },
    close: () => http.close(),
    setAssumedEndpoints(on) {
      assumedEndpoints = on;
    },
    setRateLimit(limit) {
      budget.set(limit);
    },
    get quirks() {
      return quirks;
    },
    setQuirks(next) {
      quirks = resolveQuirks("ants", ANTS_QUIRKS, next) as AntsQuirks;
    },
  };
}
