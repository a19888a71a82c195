import { vi } from "vitest";
import { forgetRecentCreates } from "../../provider/pulumi/recent-create-finder";

/**
 * What an interrupted run leaves behind: `create` posts a segment (with adoption turned off through
 * `windowEnv`, so it never adopts an earlier one), then the "process" ends: its listing and claims are
 * forgotten. The id never reaches any state.
 */
export async function interruptedCreate(windowEnv: string, create: () => Promise<{ id: string }>): Promise<string> {
  const window = process.env[windowEnv];
  process.env[windowEnv] = "0";
  try {
    return (await create()).id;
  } finally {
    if (window === undefined) delete process.env[windowEnv];
    else process.env[windowEnv] = window;
    forgetRecentCreates();
  }
}

/** Resolves `p` while capturing what is written to stderr (where provider warnings go). */
export async function withStderr<T>(p: () => Promise<T>): Promise<{ value: T; stderr: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    return { value: await p(), stderr: lines.join("") };
  } finally {
    spy.mockRestore();
  }
}
