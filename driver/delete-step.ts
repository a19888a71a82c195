import { deleteInReverseDependencyOrder } from "./delete-order";
import type { Limiter } from "./limiter";
import type { StateResource } from "./state";
import type { Deployment, RunResult, Step } from "./steps";

/**
 * The engine's DeleteSteps for `doomed`, in reverse dependency order, recorded in `result`; every
 * removal goes through the journal (saved). A protected resource is never deleted (the old copy of a
 * replacement was checked when the replacement was planned); a retained one leaves state without a
 * Delete call; a failed delete keeps its entry, and the resources it depends on stay too.
 */
export async function deleteAll(deployment: Deployment, doomed: StateResource[], limiter: Limiter, result: RunResult): Promise<void> {
  const { host, journal } = deployment;
  await deleteInReverseDependencyOrder(
    doomed,
    limiter,
    async (r) => {
      const step: Step = { urn: r.urn, op: "delete", replaces: [], failures: [] };
      result.steps.push(step);
      if (r.protect && !r.delete) {
        step.error = deleteProtectedMessage(r.urn);
        result.errors.push({ urn: r.urn, phase: "Delete", message: step.error });
        return false;
      }
      if (r.retainOnDelete) {
        step.retained = true;
        journal.remove(r);
        return true;
      }
      try {
        await host.delete(r.id, r.urn, r.outputs);
        journal.remove(r);
        return true;
      } catch (e) {
        step.error = (e as Error).message;
        result.errors.push({ urn: r.urn, phase: "Delete", message: step.error });
        return false;
      }
    },
    (r, blocker) => result.errors.push({ urn: r.urn, phase: "dependency", message: `not deleted: dependent ${blocker.urn} could not be deleted` }),
  );
}

/** The engine's deleteProtectedError text (pkg/resource/deploy/step.go). */
function deleteProtectedMessage(urn: string): string {
  return (
    `resource "${urn}" cannot be deleted\nbecause it is protected. To unprotect the resource, either remove the \`protect\` flag ` +
    `from the resource in your Pulumi program and run \`pulumi up\`, or use the command:\n\`pulumi state unprotect '${urn}'\``
  );
}
