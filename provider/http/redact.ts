import { processState } from "./process-state";

/**
 * The one place secrets are scrubbed. Every configured secret (Ongage password, ANTS client secret,
 * access tokens) and every auth header value this process sent is registered here when it is read
 * or issued; `redact` replaces each occurrence with REDACTED. ApiError, the warning writer and every
 * message the package builds from server text pass through it.
 */
const secrets = processState("http/redact: secrets to redact", () => new Set<string>());

export const REDACTED = "[redacted]";

/**
 * Shorter values are not registered: scrubbing every "ab" from messages would destroy them, and
 * such a value is no secret worth the name.
 */
export const MIN_SECRET_LENGTH = 4;

/** Remembers `value` (and its URL/form encodings) as a secret for the rest of the process. */
export function registerSecret(value: string | undefined): void {
  if (value === undefined || value.length < MIN_SECRET_LENGTH) return;
  for (const form of [value, encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2), JSON.stringify(value).slice(1, -1)]) {
    if (form.length >= MIN_SECRET_LENGTH) secrets().add(form);
  }
  // "Bearer <token>" is registered as a whole and as the token.
  const bearer = /^(?:Bearer|Basic)\s+(.+)$/i.exec(value);
  if (bearer?.[1]) registerSecret(bearer[1]);
}

/** `text` with every registered secret replaced by REDACTED (longest first, so no fragment survives). */
export function redact(text: string): string {
  if (secrets().size === 0 || text === "") return text;
  let out = text;
  for (const s of [...secrets()].sort((a, b) => b.length - a.length)) {
    if (out.includes(s)) out = out.split(s).join(REDACTED);
  }
  return out;
}

/** `redact` over an optional string. */
export function redactOptional(text: string | undefined): string | undefined {
  return text === undefined ? undefined : redact(text);
}
