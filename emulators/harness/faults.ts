import type { EmulatorReply, EmulatorRequest, Fault, FaultPolicy } from "./http-server";

/** API-shaped bodies for injected failures; each emulator's routes export one (ONGAGE_FAULT_REPLIES, ANTS_FAULT_REPLIES). */
export interface FaultReplies {
  /** A 429 in the API's own shape; with `retryAfterSeconds` it carries a Retry-After header. */
  rateLimited(retryAfterSeconds?: number): EmulatorReply;
  serverError(status: 500 | 502 | 503): EmulatorReply;
  /** True for non-idempotent creates, the only requests `drop-after-commit` applies to. */
  isCreate(req: EmulatorRequest): boolean;
}

/**
 * What can go wrong with one request:
 * - `429` / `429-retry-after`: refused, nothing committed (Retry-After: `retryAfterSeconds`);
 * - `500` `502` `503`: refused with a server error, nothing committed;
 * - `reset`: the socket is destroyed before the route runs, nothing committed;
 * - `timeout`: the request is held `delayMs` (past the client's timeout) before the route runs;
 * - `drop-after-commit`: creates only — the route runs (the segment exists) and the response is lost.
 */
export type FaultKind = "429" | "429-retry-after" | "500" | "502" | "503" | "reset" | "timeout" | "drop-after-commit";

export const ALL_FAULT_KINDS: readonly FaultKind[] = ["429", "429-retry-after", "500", "502", "503", "reset", "timeout", "drop-after-commit"];

export interface RandomFaultsOptions {
  /** Probability in [0, 1] that a matching request gets a fault. */
  rate: number;
  /** Kinds drawn uniformly; `drop-after-commit` drawn for a non-create falls back to `reset`. Default: all. */
  kinds?: readonly FaultKind[];
  /** Seed of the deterministic generator: the same seed and request order give the same faults. */
  seed: number;
  replies: FaultReplies;
  /** Only matching requests may get a fault; default: every request. */
  match?: (req: EmulatorRequest) => boolean;
  /** Hold time of a `timeout` fault. Default 600 ms. */
  delayMs?: number;
  /** Retry-After of a `429-retry-after` fault, in seconds (fractions allowed). Default 0.05. */
  retryAfterSeconds?: number;
  /** Called with every fault handed out, for counting in tests. */
  onFault?: (kind: FaultKind, req: EmulatorRequest) => void;
}

/** mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The Fault that realises `kind` for `req` (see FaultKind). */
export function faultFor(kind: FaultKind, req: EmulatorRequest, opts: Pick<RandomFaultsOptions, "replies" | "delayMs" | "retryAfterSeconds">): Fault {
  switch (kind) {
    case "429":
      return { reply: opts.replies.rateLimited() };
    case "429-retry-after":
      return { reply: opts.replies.rateLimited(opts.retryAfterSeconds ?? 0.05) };
    case "500":
    case "502":
    case "503":
      return { reply: opts.replies.serverError(Number(kind) as 500 | 502 | 503) };
    case "reset":
      return { reset: true };
    case "timeout":
      return { delayMs: opts.delayMs ?? 600 };
    case "drop-after-commit":
      return opts.replies.isCreate(req) ? { dropAfterCommit: true } : { reset: true };
  }
}

/**
 * A FaultPolicy for HttpEmulator.setFaultPolicy: each matching request gets a fault with probability
 * `rate`, its kind drawn uniformly from `kinds`. Deterministic for a given seed and request order.
 */
export function randomFaults(opts: RandomFaultsOptions): FaultPolicy {
  if (!(opts.rate >= 0 && opts.rate <= 1)) throw new RangeError(`rate must be within [0, 1], got ${opts.rate}`);
  const kinds = opts.kinds ?? ALL_FAULT_KINDS;
  if (kinds.length === 0) throw new RangeError("kinds must not be empty");
  const random = seededRandom(opts.seed);
  return (req) => {
    if (opts.match && !opts.match(req)) return undefined;
    if (random() >= opts.rate) return undefined;
    const kind = kinds[Math.floor(random() * kinds.length)]!;
    const effective: FaultKind = kind === "drop-after-commit" && !opts.replies.isCreate(req) ? "reset" : kind;
    opts.onFault?.(effective, req);
    return faultFor(effective, req, opts);
  };
}
