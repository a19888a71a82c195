import type { DynamicProvider } from "./dynamic-provider";

/**
 * The object a shim module exports as its provider: seven one-line delegates that load
 * `require(modulePath)[exportName]` at call time. A shim module's exports are captured by the SDK
 * serializer by reference (`require("pulumi-segments/dist/provider/<api>/shim.js")`), so serialized
 * state never holds clients, schemas or credentials, and `modulePath` + `exportName` are a stable ABI.
 */
export function delegatingProvider(modulePath: string, exportName: string): DynamicProvider<any, any> {
  const load = (): DynamicProvider<any, any> => (require(modulePath) as Record<string, DynamicProvider<any, any>>)[exportName]!;
  return {
    configure: (req) => load().configure(req),
    check: (olds, news) => load().check(olds, news),
    diff: (id, olds, news) => load().diff(id, olds, news),
    create: (inputs) => load().create(inputs),
    read: (id, props) => load().read(id, props),
    update: (id, olds, news) => load().update(id, olds, news),
    delete: (id, props) => load().delete(id, props),
  };
}
