import { startAntsEmulator, type AntsEmulator } from "./ants/server";
import { jsonFileState, stateSection } from "./harness/state-file";
import { startOngageEmulator, type OngageEmulator, type PopulationOptions } from "./ongage/server";

export type { AntsEmulator } from "./ants/server";
export type { OngageEmulator } from "./ongage/server";

export interface EmulatorsOptions {
  /** One JSON file holding a section per API; state is restored from it and saved after every change. */
  statePath?: string;
  /** 0 or absent picks a free port. */
  ongagePort?: number;
  antsPort?: number;
  /** Ongage synthetic contacts per list (default 3000, seed 1); `{ size: 0 }` for none. */
  population?: PopulationOptions;
  /** Seed the Ongage demo campaigns once the default list has two segments (see the Ongage emulator README). */
  seedDemo?: boolean;
  /** Variance switches of each emulator (emulators/ongage/quirks.ts, emulators/ants/quirks.ts). */
  ongageQuirks?: Record<string, string>;
  antsQuirks?: Record<string, string>;
  /** The Ongage emulator's milliseconds clock (timestamps, relative dates, the population's anchor). Default Date.now. */
  ongageNow?: () => number;
}

export interface RunningEmulators {
  ongage: OngageEmulator;
  ants?: AntsEmulator;
  /** `ongage`, `ants` (ends with /access/api) and `antsAuth` (token endpoint base). */
  urls: Record<string, string>;
  close(): Promise<void>;
}

/** Starts both emulators on 127.0.0.1; if one fails to start, the other is closed before rethrowing. */
export async function startEmulators(opts: EmulatorsOptions = {}): Promise<RunningEmulators> {
  const file = opts.statePath ? jsonFileState(opts.statePath) : undefined;
  const ongage = await startOngageEmulator({
    port: opts.ongagePort ?? 0,
    persistence: file && stateSection(file, "ongage"),
    population: opts.population,
    seedDemo: opts.seedDemo,
    quirks: opts.ongageQuirks,
    now: opts.ongageNow,
  });
  let ants: AntsEmulator;
  try {
    ants = await startAntsEmulator({ port: opts.antsPort ?? 0, persistence: file && stateSection(file, "ants"), quirks: opts.antsQuirks });
  } catch (err) {
    await ongage.close();
    throw err;
  }
  return {
    ongage,
    ants,
    urls: { ongage: ongage.url, ants: ants.url, antsAuth: ants.authUrl },
    async close() {
      await Promise.all([ongage.close(), ants.close()]);
    },
  };
}
