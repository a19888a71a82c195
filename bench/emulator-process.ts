/**
 * An emulator in a process of its own, as a real API is: its 50 ms answers are not delayed by the
 * driver's work in the benchmark's event loop. The parent reads the emulator's request log over IPC.
 */
import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { RecordedRequest } from "../emulators/harness/http-server";

type Start = { api: "ongage" | "ants"; options: Record<string, unknown> };
type Reply = { id: number; result?: unknown; error?: string };

export interface RemoteEmulator {
  url: string;
  authUrl?: string;
  requests(): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

export async function startEmulatorProcess(api: Start["api"], options: Record<string, unknown>): Promise<RemoteEmulator> {
  const child: ChildProcess = fork(join(__dirname, "emulator-child.ts"), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  let next = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on("message", (m: Reply) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) p?.reject(new Error(m.error));
    else p?.resolve(m.result);
  });
  child.once("exit", (code) => { for (const p of pending.values()) p.reject(new Error(`emulator process exited (${code})`)); });
  const ask = <T>(op: string, arg?: unknown) => new Promise<T>((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    child.send({ id, op, arg });
  });
  const started = await ask<{ url: string; authUrl?: string }>("start", { api, options } satisfies Start);
  return {
    ...started,
    requests: () => ask<RecordedRequest[]>("requests"),
    close: async () => {
      await ask("close");
      child.disconnect();
    },
  };
}
