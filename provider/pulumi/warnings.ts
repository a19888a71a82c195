/** Writes a warning the way the provider host passes it through to the engine's output. */
export function warn(message: string): void {
  process.stderr.write(`warning: pulumi-segments: ${message}\n`);
}
