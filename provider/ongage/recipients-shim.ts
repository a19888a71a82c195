// Serialized provider: this module's exports are the provider object (see delegating-provider.ts).
// The module path and the implementation's path and export name are a stable ABI for old state.
import { delegatingProvider } from "../pulumi/delegating-provider";

export = delegatingProvider("pulumi-segments/dist/provider/ongage/recipients-provider.js", "recipientsProvider");
