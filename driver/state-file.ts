import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { SecretsCrypter } from "./secrets";
import { emptyState, type StackState } from "./state";

/** The passphrase the state file's secrets are encrypted with, as Pulumi's passphrase secrets manager reads it. */
const defaultPassphrase = (): string => process.env.PULUMI_CONFIG_PASSPHRASE ?? "";

interface StateFile extends StackState {
  /** Salt of the passphrase-derived key (Pulumi keeps it in the stack config as `encryptionsalt`). */
  secretsSalt?: string;
}

/** Loads a state file (secrets decrypted back into the engine's secret form); a missing file is an empty stack. */
export function loadState(path: string, passphrase: string = defaultPassphrase()): StackState {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return emptyState();
    throw e;
  }
  const parsed = JSON.parse(text) as StateFile;
  if (!parsed || !Array.isArray(parsed.resources)) throw new Error(`${path} is not a driver state file`);
  const pending = (ops: StackState["pendingOperations"]) => (ops && ops.length > 0 ? { pendingOperations: ops } : {});
  if (parsed.secretsSalt === undefined) return { resources: parsed.resources, ...pending(parsed.pendingOperations) };
  const crypter = new SecretsCrypter(passphrase, parsed.secretsSalt);
  return {
    resources: crypter.decrypt(parsed.resources) as StackState["resources"],
    ...pending(crypter.decrypt(parsed.pendingOperations) as StackState["pendingOperations"]),
  };
}

/** One key derivation per passphrase and process: an engine saves after every change. */
const crypters = new Map<string, SecretsCrypter>();
function crypterFor(passphrase: string): SecretsCrypter {
  let c = crypters.get(passphrase);
  if (!c) crypters.set(passphrase, (c = new SecretsCrypter(passphrase)));
  return c;
}

/**
 * Writes the state atomically (readers see the old file or the new one, never a torn write). Secret
 * values are written as ciphertext, as in a Pulumi checkpoint: the file never holds their plaintext.
 */
export function saveState(path: string, state: StackState, passphrase: string = defaultPassphrase()): void {
  const crypter = crypterFor(passphrase);
  const file: StateFile = { secretsSalt: crypter.salt, resources: crypter.encrypt(state.resources) as StackState["resources"] };
  if (state.pendingOperations && state.pendingOperations.length > 0) file.pendingOperations = crypter.encrypt(state.pendingOperations) as StackState["pendingOperations"];
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, JSON.stringify(file, null, 2) + "\n");
  renameSync(tmp, path);
}
