/**
 * The one registry of process-wide state: remembered stack config, caches, token stores, limiters,
 * claim sets, secrets to redact. Each owner registers on first use (never at import), under a name,
 * so `resetProcessState()` forgets everything and `processStateOwners()` lists what exists.
 */
let owners: Map<string, () => void> | undefined;

/** Registers `reset` under `owner` (idempotent per owner); for modules that own process-wide state. */
export function onResetProcessState(reset: () => void, owner = `anonymous ${(owners?.size ?? 0) + 1}`): void {
  owners ??= new Map();
  if (!owners.has(owner)) owners.set(owner, reset);
}

/**
 * A lazily created process-wide value: the getter creates it on first use and registers `owner`;
 * resetProcessState() drops it (after `dispose`), so the next use starts afresh.
 */
export function processState<T>(owner: string, create: () => T, dispose?: (value: T) => void): () => T {
  let value: { current: T } | undefined;
  return () => {
    if (!value) {
      value = { current: create() };
      onResetProcessState(() => {
        if (value && dispose) dispose(value.current);
        value = undefined;
      }, owner);
    }
    return value.current;
  };
}

/** The owners registered so far, in registration order. */
export function processStateOwners(): string[] {
  return [...(owners?.keys() ?? [])];
}

/**
 * Forgets everything this package remembers across calls in the process: stack config, tokens,
 * caches, rate limiters, claims, registered secrets. The provider host never needs it; tests do.
 * Owners register again on their next use.
 */
export function resetProcessState(): void {
  const all = [...(owners?.values() ?? [])];
  owners = undefined;
  for (const reset of all) reset();
}
