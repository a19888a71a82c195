import { NotFoundError, RouteNotFoundError } from "../http/errors";
import { redact } from "../http/redact";

/**
 * The evidence a "gone" conclusion needs besides the not-found answer itself. A 404 proves nothing
 * on its own: a mistyped base URL or list answers 404 for every segment (as an HTML page or in the
 * API's own envelope alike). So an object is gone only when the API has also shown, in this process,
 * that the root, the credentials and the list are right (the clients' `goneProof`: one listing call
 * per root, account and list, remembered once it succeeded).
 */
export interface GoneProof {
  /** What the not-found answer was about, e.g. `ongage segment 123 (list 5)`. */
  subject: string;
  /** Resolves when the root, credentials and list are shown right; rejects with what failed. */
  prove(): Promise<void>;
  /** The settings to check when that cannot be shown. */
  settings: string;
}

/** Raised instead of concluding "gone" when the root check failed; the object stays in state. */
export class GoneUnprovenError extends Error {
  constructor(subject: string, settings: string, cause: unknown) {
    const why = redact(cause instanceof Error ? cause.message : String(cause));
    super(
      `could not establish that ${subject} is gone: the API's root check failed (${why}). ` +
        `Nothing was removed from the state or counted as deleted; check ${settings}, then run the command again.`,
      { cause },
    );
    this.name = "GoneUnprovenError";
  }
}

/**
 * The one decision that the API's answers show an object gone: resolves when the root check holds,
 * else rejects with GoneUnprovenError. Call it with every "not found" (a 404, a row missing from a
 * complete listing) before acting on it.
 */
export async function establishGone(proof: GoneProof): Promise<void> {
  try {
    await proof.prove();
  } catch (err) {
    throw new GoneUnprovenError(proof.subject, proof.settings, err);
  }
}

/**
 * True when `err` is a not-found answer (NotFoundError: a 404 status or a not-found code in a 2xx
 * body) and `establishGone` holds; false for any other error (the caller rethrows it); rejects with
 * GoneUnprovenError when the root check fails. A 404 outside the API's format (RouteNotFoundError)
 * is never "gone", but it runs the root check too, so a wrong base URL is named as such.
 */
export async function isGoneAnswer(err: unknown, proof: GoneProof): Promise<boolean> {
  if (err instanceof RouteNotFoundError) {
    await establishGone(proof);
    return false;
  }
  if (!(err instanceof NotFoundError)) return false;
  await establishGone(proof);
  return true;
}
