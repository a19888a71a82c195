// The serialized provider: this module's exports ARE the provider object passed to the SDK. Installed
// under node_modules, the SDK serializer captures it by reference as
// `require("pulumi-segments/dist/provider/ants/shim.js")`, so `__provider` holds no clients, schemas or
// credentials and picks up upgrades. Export names here and the path are a stable ABI: old state
// requires them during refresh and destroy.
import type * as impl from "./provider";

const load = (): typeof impl.segmentProvider =>
  (require("pulumi-segments/dist/provider/ants/provider.js") as typeof impl).segmentProvider;

export const configure = (req: any) => load().configure(req);
export const check = (olds: any, news: any) => load().check(olds, news);
export const diff = (id: string, olds: any, news: any) => load().diff(id, olds, news);
export const create = (inputs: any) => load().create(inputs);
export const read = (id: string, props: any) => load().read(id, props);
export const update = (id: string, olds: any, news: any) => load().update(id, olds, news);
const remove = (id: string, props: any) => load().delete(id, props);
export { remove as delete };
