import { isGoneAnswer, type GoneProof } from "./gone";

/**
 * The remote object, or undefined when it is gone: a not-found answer (NotFoundError) counts only
 * when the root check of `proof` holds (gone.ts), the one way every `read` decides "gone". Any other
 * failure is thrown, and so is a GoneUnprovenError when the root check fails.
 */
export async function fetchUnlessGone<T>(fetch: () => Promise<T>, proof: GoneProof): Promise<T | undefined> {
  try {
    return await fetch();
  } catch (err) {
    if (await isGoneAnswer(err, proof)) return undefined;
    throw err;
  }
}
