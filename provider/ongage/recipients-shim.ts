// Serialized provider of ongage.ExternalRecipients; see shim.ts for the contract (stable ABI).
import type * as impl from "./recipients-provider";

const load = (): typeof impl.recipientsProvider =>
  (require("pulumi-segments/dist/provider/ongage/recipients-provider.js") as typeof impl).recipientsProvider;

export const configure = (req: any) => load().configure(req);
export const check = (olds: any, news: any) => load().check(olds, news);
export const diff = (id: string, olds: any, news: any) => load().diff(id, olds, news);
export const create = (inputs: any) => load().create(inputs);
export const read = (id: string, props: any) => load().read(id, props);
export const update = (id: string, olds: any, news: any) => load().update(id, olds, news);
const remove = (id: string, props: any) => load().delete(id, props);
export { remove as delete };
