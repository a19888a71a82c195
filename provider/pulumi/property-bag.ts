/** Removes the host's serialized provider from a property bag before validation or output. */
export function withoutProvider<T extends object>(props: T): Omit<T, "__provider"> {
  const { __provider: _ignored, ...rest } = props as T & { __provider?: unknown };
  return rest;
}

/** The property bag without `__provider` and without undefined members (absent and undefined are one). */
export function plainProperties(props: unknown): Record<string, unknown> {
  if (props === null || typeof props !== "object" || Array.isArray(props)) return {};
  return Object.fromEntries(Object.entries(withoutProvider(props)).filter(([, v]) => v !== undefined));
}
