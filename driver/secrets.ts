import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";

/**
 * Secrets as the engine carries them (sdk/go/common/resource/sig.go): an object
 * `{ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value }`, the same
 * form the SDK sends over RPC. The dynamic provider host answers Configure with acceptSecrets=false,
 * so the engine strips secrets before every provider call and re-marks results afterwards.
 */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface SecretValue {
  [SIG_KEY]: typeof SECRET_SIG;
  value: unknown;
}

/** How a secret is shown in previews and `--json` output. */
export const BLINDED = "[secret]";

export function secret(value: unknown): SecretValue {
  return isSecret(value) ? value : { [SIG_KEY]: SECRET_SIG, value };
}

export function isSecret(v: unknown): v is SecretValue {
  return v !== null && typeof v === "object" && !Array.isArray(v) && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG && "value" in v;
}

export function containsSecrets(v: unknown): boolean {
  if (isSecret(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecrets);
  if (v !== null && typeof v === "object") return Object.values(v).some(containsSecrets);
  return false;
}

function mapDeep(v: unknown, onSecret: (s: SecretValue) => unknown): unknown {
  if (isSecret(v)) return onSecret(v);
  if (Array.isArray(v)) return v.map((x) => mapDeep(x, onSecret));
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapDeep(x, onSecret)]));
  }
  return v;
}

/** Plain values, as sent to a provider that does not accept secrets. */
export function stripSecrets<T>(v: T): T {
  return mapDeep(v, (s) => stripSecrets(s.value)) as T;
}

/** Secrets replaced by "[secret]", as `pulumi preview` and `--json` show them. */
export function blindSecrets<T>(v: T): T {
  return mapDeep(v, () => BLINDED) as T;
}

/**
 * The engine's annotateSecrets (pkg/resource/plugin/provider_plugin.go): for each key of `ins` also in
 * `outs`, objects recurse; otherwise an input value containing a secret makes the whole output value
 * secret. Returns a new object.
 */
export function annotateSecrets(outs: Record<string, unknown>, ins: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...outs };
  for (const [key, inValue] of Object.entries(ins)) {
    if (!(key in result)) continue;
    const outValue = result[key];
    const plainIn = isSecret(inValue) ? undefined : inValue;
    if (isPlainObject(outValue) && isPlainObject(plainIn)) result[key] = annotateSecrets(outValue, plainIn);
    else if (!isSecret(outValue) && containsSecrets(inValue)) result[key] = secret(outValue);
  }
  return result;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !isSecret(v);
}

// ---------------------------------------------------------------------------------------------
// State files: secrets encrypted as the passphrase secrets manager does (AES-256-GCM, scrypt key).
// ---------------------------------------------------------------------------------------------

/** What a state file records for one secret: the signature and the ciphertext, never the value. */
export interface EncryptedSecret {
  [SIG_KEY]: typeof SECRET_SIG;
  ciphertext: string;
}

export class SecretsCrypter {
  private readonly key: Buffer;

  constructor(
    passphrase: string,
    /** Stored next to the state (Pulumi keeps it in the stack config as `encryptionsalt`). */
    readonly salt: string = randomBytes(16).toString("base64"),
  ) {
    this.key = scryptSync(passphrase, Buffer.from(salt, "base64"), 32);
  }

  encrypt(v: unknown): unknown {
    return mapDeep(v, (s) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", this.key, iv);
      const data = Buffer.concat([cipher.update(JSON.stringify(stripSecrets(s.value)), "utf8"), cipher.final()]);
      const ciphertext = ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), data.toString("base64")].join(":");
      return { [SIG_KEY]: SECRET_SIG, ciphertext } satisfies EncryptedSecret;
    });
  }

  decrypt(v: unknown): unknown {
    if (isEncrypted(v)) {
      const [, iv, tag, data] = v.ciphertext.split(":");
      const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv!, "base64"));
      decipher.setAuthTag(Buffer.from(tag!, "base64"));
      const text = Buffer.concat([decipher.update(Buffer.from(data!, "base64")), decipher.final()]).toString("utf8");
      return secret(JSON.parse(text) as unknown);
    }
    if (Array.isArray(v)) return v.map((x) => this.decrypt(x));
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.decrypt(x)]));
    return v;
  }
}

function isEncrypted(v: unknown): v is EncryptedSecret {
  return v !== null && typeof v === "object" && !Array.isArray(v) && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG && typeof (v as Record<string, unknown>).ciphertext === "string";
}
