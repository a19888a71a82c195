import { z } from "zod";
import { HttpClient } from "../http/client";
import { AuthenticationError, RouteNotFoundError, UnexpectedResponseError } from "../http/errors";
import { ANTS_KEYS, TokenResponse, antsCredentials, classifyAnts, type WireListingEntry } from "../ants";
import type { Observation } from "./observation";
import { PLEASE_REPORT, antsProbe, antsRow, answerShape, errorText, rawListing, type AntsProbe } from "./ants-probe";
import { listingRows, readListing, type ListingFacts } from "./ants-listing";
import { scratchSegmentRows } from "./ants-write";

/** What `pulumi-segments doctor --api ants` observes; credentials and settings come from `env`. */
export interface AntsDoctorInput {
  /**
   * The environment the ANTS_* settings are read from. The settings rows read the process environment
   * (provider/pulumi/settings.ts), so this must hold the same ANTS_* values as `process.env`; a
   * different value is refused rather than silently ignored.
   */
  env: NodeJS.ProcessEnv;
  /** Create, read back, update and delete a scratch segment. */
  write: boolean;
}

/** A path no ANTS route has, for the shape of an unknown route's answer. */
export const UNKNOWN_ROUTE = "/segment/pulumi-segments-doctor-no-such-route";

function requireProcessEnvironment(env: NodeJS.ProcessEnv): void {
  const differs = Object.values(ANTS_KEYS).map((k) => k.env).filter((name) => (env[name] ?? "") !== (process.env[name] ?? ""));
  if (differs.length > 0) throw new Error(`antsDoctor reads ANTS settings from the process environment; env differs in ${differs.join(", ")}`);
}

const TOKEN_ASSUMPTION = "the token endpoint answers `accessToken` and `accessTokenExpiresAt` (ISO time) for client credentials";

/** The token's answer and lifetime (client credentials), or why it could not be seen; `stop` when nothing else can work. */
async function tokenRow(probe: AntsProbe): Promise<{ row: Observation; stop: boolean }> {
  const c = antsCredentials();
  if (c.kind === "token") {
    return { stop: false, row: antsRow("auth.token", "§1.1", TOKEN_ASSUMPTION, "a ready token is configured (ANTS_ACCESS_TOKEN): its lifetime is not shown", "unknown", "the provider sends it as is and never renews it: once it expires every call fails with 401 until it is replaced") };
  }
  const http = new HttpClient({ api: "ants", baseUrl: c.authUrl, classify: classifyAnts, auth: { headers: async () => ({}) }, timeoutMs: probe.timeoutMs, baseUrlSource: ANTS_KEYS.authUrl.env });
  let body: unknown;
  const sentAt = Date.now();
  try {
    body = (await http.send({ method: "POST", path: "/oauth/token", body: { form: { grant_type: "client_credentials", client_id: c.clientId, client_secret: c.clientSecret, scope: "segment,item" } }, idempotent: true, schema: z.unknown() })).body;
  } catch (err) {
    const refused = err instanceof AuthenticationError;
    return { stop: true, row: antsRow("auth.token", "§1.1", TOKEN_ASSUMPTION, `${refused ? "the token endpoint refused the client credentials" : "no token"}: ${errorText(err)}`, "unknown", `nothing else was observed: check ${ANTS_KEYS.clientId.env}, ${ANTS_KEYS.clientSecret.env} and ${ANTS_KEYS.authUrl.env}`) };
  }
  const parsed = TokenResponse.safeParse(body);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join(".") || "(body)").join(", ");
    return { stop: true, row: antsRow("auth.token", "§1.1", TOKEN_ASSUMPTION, `the answer does not match the provider's schema (${fields})`, "refuses", "the provider cannot get a token: every call fails") };
  }
  const expiresAt = Date.parse(parsed.data.accessTokenExpiresAt);
  const scope = parsed.data.scope === undefined ? "no scope" : `scope "${parsed.data.scope.slice(0, 40)}"`;
  if (Number.isNaN(expiresAt)) {
    return { stop: false, row: antsRow("auth.token", "§1.1", TOKEN_ASSUMPTION, `accessTokenExpiresAt is not a readable time; ${scope}`, "report", `the provider assumes a 5-minute lifetime and renews then, or after a 401; ${PLEASE_REPORT}`) };
  }
  const minutes = Math.round((expiresAt - sentAt) / 60_000);
  if (expiresAt - sentAt < 60_000) {
    return { stop: false, row: antsRow("auth.token", "§1.1", TOKEN_ASSUMPTION, `a token lives less than a minute; ${scope}`, "report", `the provider renews it before nearly every call; ${PLEASE_REPORT}`) };
  }
  return { stop: false, row: antsRow("auth.token", "§1.1", TOKEN_ASSUMPTION, `a token lives about ${minutes} minutes; ${scope}`, "fine", "the provider renews it shortly before it expires (10 % of its lifetime, at most 60 s), and once after a 401") };
}

async function rootRow(probe: AntsProbe): Promise<{ row: Observation; stop: boolean }> {
  const assumption = "the base URL ends in /access/api and the segment Listing answers these credentials with the success envelope";
  try {
    await probe.client.proveRoot();
  } catch (err) {
    // An answer the provider's schema refuses still shows the account is reachable: the Listing rows say what differs.
    if (err instanceof UnexpectedResponseError) return { stop: false, row: antsRow("listing.root", "§2", assumption, errorText(err), "refuses", "the provider reaches the account but refuses its Listing answers (see the Listing rows below)") };
    return { stop: true, row: antsRow("listing.root", "§2", assumption, errorText(err), "unknown", `nothing about Listing could be observed: check ${ANTS_KEYS.baseUrl.env} and the credentials`) };
  }
  return { stop: false, row: antsRow("listing.root", "§2", assumption, `POST ${new URL(probe.client.baseUrl).pathname.replace(/\/+$/, "")}/segment/listing answered the success envelope`, "fine", "the provider reaches the account") };
}

async function httpStatusRow(probe: AntsProbe): Promise<Observation> {
  const assumption = "an API error comes with an HTTP status that matches its body `code` (here: a Listing sent with a token no server issued answers 401); the provider reads the body's code either way";
  try {
    await rawListing(probe.rawWithInvalidToken, { page: 1, limit: 1 });
  } catch (err) {
    if (err instanceof AuthenticationError && (err.status ?? 0) >= 400) return antsRow("errors.http-status", "§3", assumption, answerShape(err), "fine", "the provider renews the token once after a 401");
    if (err instanceof AuthenticationError) {
      return antsRow("errors.http-status", "§3", assumption, answerShape(err), "report", `the error arrives with a success status and only the body's code tells: the provider reads that code, so it still renews the token; ${PLEASE_REPORT} so docs/api/ants.md §3 can say so`);
    }
    return antsRow("errors.http-status", "§3", assumption, answerShape(err), "report", `the provider takes this answer for a ${err instanceof Error ? err.name : "failure"}, not a refused token, so it would not renew an expired one; ${PLEASE_REPORT}`);
  }
  return antsRow("errors.http-status", "§3", assumption, "a Listing sent with an invalid token answered success", "report", `the account does not check tokens the way the documents say; ${PLEASE_REPORT}`);
}

async function unknownRouteRow(probe: AntsProbe): Promise<Observation> {
  const assumption = `an unknown route answers 404 without the ANTS envelope (asked: GET ${UNKNOWN_ROUTE}), unlike a missing segment (404 inside the envelope)`;
  try {
    await probe.raw.send({ method: "GET", path: UNKNOWN_ROUTE, idempotent: true, schema: z.unknown() });
  } catch (err) {
    if (err instanceof RouteNotFoundError) return antsRow("errors.unknown-route", "§3", assumption, answerShape(err), "fine", "the provider tells a missing assumed endpoint (it names ants:deletePath / ants:updatePath) from a missing segment");
    return antsRow("errors.unknown-route", "§3", assumption, answerShape(err), "report", `the provider cannot tell a missing assumed endpoint from a missing segment: a delete through a missing endpoint could be taken for "already deleted"; ${PLEASE_REPORT}`);
  }
  return antsRow("errors.unknown-route", "§3", assumption, "an unknown route answered success", "report", PLEASE_REPORT);
}

/**
 * `pulumi-segments doctor --api ants`: one row per assumption of docs/api/ants.md that the account can
 * show. Read-only by default: a token request, Listing requests (POST /segment/listing changes nothing)
 * and GETs. With `write`, a scratch segment is created, read back, updated and deleted
 * (provider/doctor/ants-write.ts), and the Listing rows are read while it exists. Settings errors
 * (missing credentials, an invalid URL) reject with the settings' ConfigurationError; everything the
 * API answers becomes a row. No row holds a secret, token or member-file value.
 */
export async function antsDoctor(input: AntsDoctorInput): Promise<Observation[]> {
  requireProcessEnvironment(input.env);
  const credentials = antsCredentials();
  const identity = credentials.kind === "client" ? credentials.clientId : undefined;
  const probe = antsProbe();
  const rows: Observation[] = [];
  const token = await tokenRow(probe);
  rows.push(token.row);
  if (token.stop) return rows;
  const root = await rootRow(probe);
  rows.push(root.row);
  if (root.stop) return rows;
  rows.push(await httpStatusRow(probe), await unknownRouteRow(probe));
  let facts: ListingFacts | Error | undefined;
  let scratch: WireListingEntry | undefined;
  const read = async () => {
    facts = await readListing(probe).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  };
  const writeRows = input.write
    ? await scratchSegmentRows(probe, async (id) => {
      await read();
      scratch = await probe.client.findById(id).catch(() => undefined);
    })
    : (await read(), []);
  if (facts === undefined) await read();
  if (facts instanceof Error) rows.push(antsRow("listing.read", "§4.1", "Listing answers the doctor's reads (page sizes 1, 2 and 100, a search)", errorText(facts), "unknown", "the Listing rows could not be observed"));
  else if (facts) rows.push(...listingRows(facts, identity, scratch));
  rows.push(...writeRows);
  return rows;
}
