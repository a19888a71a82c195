import type { Observation } from "./observation";

/** What `pulumi-segments doctor --api ongage` observes; credentials and settings come from `env`. */
export interface OngageDoctorInput {
  env: NodeJS.ProcessEnv;
  /** Create, read back, update, count and delete a scratch segment in `listId`. */
  write: boolean;
  listId?: number;
}

export async function ongageDoctor(_input: OngageDoctorInput): Promise<Observation[]> {
  throw new Error("ongageDoctor is being built on branch doctor-ongage");
}
