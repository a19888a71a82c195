/**
 * Process-wide state (remembered stack config, caches, limiters, secrets to redact) registers its
 * reset here, so tests that switch servers or credentials within one process call one function.
 */
const resets = new Set<() => void>();

/** Registers `reset` to run on every resetProcessState(); for the modules that own process-wide state. */
export function onResetProcessState(reset: () => void): void {
  resets.add(reset);
}

/**
 * Forgets everything this package remembers across calls in the process: stack config, tokens,
 * caches, rate limiters, registered secrets. The provider host never needs it; tests do.
 */
export function resetProcessState(): void {
  for (const reset of resets) reset();
}
