import { createHash } from "node:crypto";

/** A one-way digest identifying credentials without revealing them; part of every cache key. */
export type CredentialsFingerprint = string & { readonly __fingerprint: unique symbol };

/** Fingerprints every part of a credential (user, secret, account...); equal parts give equal prints. */
export function fingerprint(...parts: Array<string | undefined>): CredentialsFingerprint {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 24) as CredentialsFingerprint;
}

/** What a cached value is about: the server, the credentials it was fetched with, and the item. */
export interface CacheKey {
  baseUrl: string;
  credentials: CredentialsFingerprint;
  /** The item within that account, e.g. "list_fields|123". */
  item: string;
}

export interface CacheGetOptions<T> {
  /** Drop any cached value and fetch again. */
  refresh?: boolean;
  /** Drop a cached value older than this (by `now`). */
  maxAgeMs?: number;
  now?: number;
  /** Drop a cached value this predicate rejects (e.g. a token due for renewal). */
  fresh?: (value: T) => boolean;
}

/**
 * Process-wide promises shared by concurrent callers. A key always names the credentials, so two
 * accounts on one server never see each other's values. A rejected promise is dropped, so the next
 * caller fetches again. Module-level caches are created through processState() (process-state.ts), so
 * resetProcessState() drops every one.
 */
export class PromiseCache<T> {
  private readonly entries = new Map<string, { promise: Promise<T>; createdAt: number }>();

  /** The cached promise for `key`, or the one `make()` returns (cached until it rejects or is stale). */
  async get(key: CacheKey, make: () => Promise<T>, opts: CacheGetOptions<T> = {}): Promise<T> {
    const k = flat(key);
    const now = opts.now ?? Date.now();
    let entry = this.entries.get(k);
    if (entry && (opts.refresh || (opts.maxAgeMs !== undefined && now - entry.createdAt > opts.maxAgeMs))) {
      this.entries.delete(k);
      entry = undefined;
    }
    if (entry && opts.fresh) {
      const seen = entry;
      const value = await seen.promise.then((v) => ({ v }), () => undefined);
      if (!value || !opts.fresh(value.v)) {
        if (this.entries.get(k) === seen) this.entries.delete(k);
      }
      // Another caller may already have replaced it while we waited.
      entry = this.entries.get(k);
    }
    if (!entry) {
      const created = { promise: make(), createdAt: now };
      this.entries.set(k, created);
      created.promise.catch(() => {
        if (this.entries.get(k) === created) this.entries.delete(k);
      });
      entry = created;
    }
    return entry.promise;
  }

  /** Whether a value (settled or pending) is cached for `key`. */
  has(key: CacheKey): boolean {
    return this.entries.has(flat(key));
  }

  /** Forgets every value of this cache. */
  clear(): void {
    this.entries.clear();
  }

  /** Forgets the value cached for `key`. */
  delete(key: CacheKey): void {
    this.entries.delete(flat(key));
  }
}

function flat(key: CacheKey): string {
  return JSON.stringify([key.baseUrl, key.credentials, key.item]);
}
