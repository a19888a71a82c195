// The child side of emulator-process.ts: starts one emulator and answers the parent's requests.
import { startAntsEmulator } from "../emulators/ants/server";
import { startOngageEmulator } from "../emulators/ongage/server";

type Emu = { url: string; authUrl?: string; http: { requests: unknown[] }; close(): Promise<void> };
let emu: Emu | undefined;

process.on("message", async (m: { id: number; op: string; arg?: any }) => {
  try {
    let result: unknown;
    if (m.op === "start") {
      emu = m.arg.api === "ongage" ? await startOngageEmulator(m.arg.options) : await startAntsEmulator(m.arg.options);
      result = { url: emu.url, authUrl: emu.authUrl };
    } else if (m.op === "requests") {
      result = emu!.http.requests;
    } else if (m.op === "close") {
      await emu?.close();
      result = true;
    }
    process.send!({ id: m.id, result });
  } catch (err) {
    process.send!({ id: m.id, error: (err as Error).stack ?? String(err) });
  }
});

// The parent went away (finished or crashed): nothing left to serve.
process.on("disconnect", () => process.exit(0));
