import { NotFoundError } from "../http/errors";

/**
 * The remote object, or undefined when it is gone: the one way every `read` decides "gone" is
 * `NotFoundError` (the transport raises it for a 404 status and for a not-found error inside a 2xx
 * body). Any other failure is thrown.
 */
export async function fetchUnlessGone<T>(fetch: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fetch();
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}
