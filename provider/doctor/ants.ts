import type { Observation } from "./observation";

/** What `pulumi-segments doctor --api ants` observes; credentials and settings come from `env`. */
export interface AntsDoctorInput {
  env: NodeJS.ProcessEnv;
  /** Create, read back, update and delete a scratch segment. */
  write: boolean;
}

export async function antsDoctor(_input: AntsDoctorInput): Promise<Observation[]> {
  throw new Error("antsDoctor is being built on branch doctor-ants");
}
