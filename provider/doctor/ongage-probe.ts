import type { ErrorKind } from "../http/errors";
import { redact } from "../http/redact";
import { classifyOngage, type OngageClient } from "../ongage/index";

/** One GET as Ongage answered it, with the verdict the provider's own classifier gives it. */
export interface Answer {
  /** `GET /10000/api/segments?limit=1`: what was asked, for the report (no credentials: they travel in headers). */
  asked: string;
  status: number;
  /** The parsed JSON body, else the text (undefined when empty). Never copied into a report: see `describeBody`. */
  body: unknown;
  /** How the provider's classifier (classifyOngage) reads the answer; undefined: a success. */
  kind: ErrorKind | undefined;
  /** The body's error code when the classifier found one. */
  apiCode: number | undefined;
}

/** Header names that announce a rate limit (none is documented: docs/api/ongage.md §13.3). */
const RATE_LIMIT_HEADER = /ratelimit|rate-limit|^retry-after$|^x-quota|^x-calls/i;

/**
 * The doctor's view of one Ongage account and list: raw GETs through the provider's client and
 * transport (`OngageClient.observe`), classified with the provider's classifier, and the rate-limit
 * headers seen on any of them.
 */
export class OngageProbe {
  /** Rate-limit header name → the last value seen (values are counts and times, never secrets). */
  readonly rateLimitHeaders = new Map<string, string>();
  /** How many answers were observed (rate-limit headers are looked for on each). */
  answers = 0;

  constructor(
    readonly client: OngageClient,
    /** The list every route goes through; undefined: the account's default list. */
    readonly listId: number | undefined,
  ) {}

  /** "list 10000", or "the account's default list". */
  get list(): string {
    return this.listId === undefined ? "the account's default list" : `list ${this.listId}`;
  }

  /** The route as a report shows it: `/10000/api/segments`. */
  route(path: string): string {
    return (this.listId === undefined ? "" : `/${this.listId}`) + path;
  }

  async get(path: string, query: Record<string, string | number> = {}, listId: number | undefined = this.listId): Promise<Answer> {
    const res = await this.client.observe(listId, path, query);
    this.answers++;
    for (const [name, value] of Object.entries(res.headers)) {
      if (RATE_LIMIT_HEADER.test(name) && value !== undefined) this.rateLimitHeaders.set(name.toLowerCase(), String(value).slice(0, 60));
    }
    const classified = classifyOngage(res.status, res.body);
    const search = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
    const prefix = listId === undefined ? "" : `/${listId}`;
    return { asked: `GET ${prefix}${path}${search ? `?${search}` : ""}`, status: res.status, body: res.body, kind: classified?.kind, apiCode: classified?.apiCode };
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A body's form without its values: "an HTML page", "plain text", "a JSON object with keys metadata, payload". */
export function describeBody(body: unknown): string {
  if (body === undefined) return "an empty body";
  if (typeof body === "string") return /^\s*</.test(body) ? "an HTML page" : "plain text";
  if (Array.isArray(body)) return `a JSON array of ${body.length}`;
  if (isRecord(body)) return `a JSON object with keys ${Object.keys(body).join(", ") || "(none)"}`;
  return `a JSON ${typeof body}`;
}

/** "HTTP 404, the documented error envelope with code 404": status and body form in words. */
export function describeAnswer(a: Answer): string {
  return `${a.asked} answered HTTP ${a.status} with ${describeBody(a.body)}`;
}

/** An error's message for a report: registered secrets scrubbed (ApiError messages already are). */
export function messageOf(err: unknown): string {
  return redact(err instanceof Error ? err.message : String(err));
}

/** A JSON value's type in words: "a string", "a number", "absent", "null". */
export function typeWord(v: unknown): string {
  if (v === undefined) return "absent";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}
