import { join } from "node:path";
import * as consumer from "../../driver/consumer-project";

/** A consumer project: its own package.json, pulumi-segments resolved from node_modules (npm run build). */
export const CONSUMER_DIR = join(__dirname, "..", "fixtures", "consumer");

export const TYPES = consumer.TYPES;
export const specs = consumer.specs;

/** `__provider` text exactly as pulumi.dynamic.Resource produces it in the consumer project. */
export const serializedProvider = (kind: keyof typeof TYPES) => consumer.serializedProvider(kind, CONSUMER_DIR);

/** A provider host running in the consumer project, configured with `config`, and an engine over it. */
export const startEngine = (config: Record<string, string>, opts: Parameters<typeof consumer.startEngine>[1] = {}) =>
  consumer.startEngine(config, { cwd: CONSUMER_DIR, ...opts });
