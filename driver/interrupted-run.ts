import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { ResourceSpec, RunError } from "./steps";

/** What up-child.js runs: one `up` of `specs` through a provider host started in `cwd`. */
export interface UpJob {
  cwd: string;
  project: string;
  stack: string;
  /** The whole stack config, sent with Configure. */
  config: Record<string, string>;
  /** The checkpoint: read at start, rewritten atomically after every change. */
  stateFile: string;
  /** Inputs include `__provider`. */
  specs: ResourceSpec[];
  parallel: number;
}

/** The child's last line when `up` ran to its end. */
export interface UpSummary {
  event: "done";
  /** Steps per op ("create", "same", ...). */
  ops: Record<string, number>;
  errors: RunError[];
  /** Lines the provider host printed that start with "warning: ". */
  warnings: string[];
}

/** Characters of the child's stderr kept for a failure message. */
const STDERR_KEPT = 64_000;

export type UpOutcome = { kind: "done"; summary: UpSummary } | { kind: "killed" } | { kind: "failed"; message: string };

/** build/driver/up-child.js (built by `npm run build`), whether this module runs from source or from build/. */
function childEntry(): string {
  const here = __dirname;
  const compiled = basename(resolve(here, "..")) === "build" ? join(here, "up-child.js") : join(here, "..", "build", "driver", "up-child.js");
  if (!existsSync(compiled)) throw new Error(`${compiled} is missing: run npm run build first`);
  return compiled;
}

/**
 * An engine (`up`) running in a child process with its provider host, killable at any moment as a
 * cancelled CI job is. The child leads its own process group, which holds the provider host too, so
 * `kill()` SIGKILLs both at once and neither can finish or clean up anything.
 */
export class EngineProcess {
  /** Resolves when `up` ended, the processes were killed, or the child failed. */
  readonly outcome: Promise<UpOutcome>;
  private hostPidValue: number | undefined;
  private readonly hostStarted: Promise<void>;
  private killed = false;

  private constructor(private readonly child: ChildProcess) {
    let out = "";
    let err = "";
    let summary: UpSummary | undefined;
    let onHost: () => void = () => {};
    this.hostStarted = new Promise<void>((r) => (onHost = r));
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      for (let nl = out.indexOf("\n"); nl >= 0; nl = out.indexOf("\n")) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        const msg = JSON.parse(line) as { event: string; pid?: number };
        if (msg.event === "host") {
          this.hostPidValue = msg.pid;
          onHost();
        } else if (msg.event === "done") summary = msg as UpSummary;
      }
    });
    child.stderr!.on("data", (d: Buffer) => {
      if (err.length < STDERR_KEPT) err += d.toString();
    });
    this.outcome = new Promise<UpOutcome>((resolveOutcome) => {
      child.once("exit", (code, signal) => {
        onHost();
        if (this.killed || signal === "SIGKILL") resolveOutcome({ kind: "killed" });
        else if (code === 0 && summary) resolveOutcome({ kind: "done", summary });
        else resolveOutcome({ kind: "failed", message: `engine child exited (${code ?? signal}): ${err.trim()}` });
      });
    });
  }

  /** Writes nothing itself: `jobFile` must hold a JSON UpJob. */
  static start(jobFile: string, opts: { env?: NodeJS.ProcessEnv } = {}): EngineProcess {
    const child = spawn(process.execPath, [childEntry(), jobFile], {
      env: opts.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    return new EngineProcess(child);
  }

  get enginePid(): number {
    return this.child.pid!;
  }

  /** The provider host's pid, once it listens. */
  get hostPid(): number | undefined {
    return this.hostPidValue;
  }

  /** Resolves once the provider host listens (or the child is gone). */
  whenHostStarted(): Promise<void> {
    return this.hostStarted;
  }

  /** SIGKILL to the engine and its provider host (one process group). Idempotent. */
  kill(): void {
    if (this.killed || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.killed = true;
    try {
      process.kill(-this.child.pid!, "SIGKILL");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
    }
  }

  /** True when neither the engine nor the provider host is alive any more. */
  async bothGone(timeoutMs = 5_000): Promise<boolean> {
    await this.outcome;
    const alive = (pid: number | undefined) => {
      if (pid === undefined) return false;
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const until = Date.now() + timeoutMs;
    while (alive(this.hostPidValue) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    return !alive(this.hostPidValue) && !alive(this.child.pid);
  }
}
