/**
 * pkg/controller/job/pod_failure_policy.go matchPodFailurePolicy: the first rule that matches a
 * failed pod decides what its failure does (fail the Job, fail its index, be ignored, or count
 * toward backoffLimit as usual).
 */
import type { Pod } from "../cluster/types.js";
import type { PodFailurePolicyRule } from "./types.js";

export interface PodFailurePolicyMatch {
  action: PodFailurePolicyRule["action"];
  /** The message upstream puts on the Failed condition (for FailJob) or logs. */
  message: string;
}

/** The first matching rule's action, or null when no rule matches (the failure counts). */
export function matchPodFailurePolicy(rules: readonly PodFailurePolicyRule[], pod: Pod): PodFailurePolicyMatch | null {
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index];
    if (rule.onExitCodes !== null) {
      const container = matchOnExitCodes(rule.onExitCodes, pod);
      if (container !== null) {
        return {
          action: rule.action,
          message: `Container ${container.name} for pod ${pod.metadata.namespace}/${pod.metadata.name} failed with exit code ${container.exitCode} matching ${rule.action} rule at index ${index}`,
        };
      }
    } else if (rule.onPodConditions.length > 0) {
      const condition = rule.onPodConditions.find((pattern) => pod.status.conditions.some((c) => c.type === pattern.type && c.status === pattern.status));
      if (condition !== undefined) {
        return {
          action: rule.action,
          message: `Pod ${pod.metadata.namespace}/${pod.metadata.name} has condition ${condition.type} matching ${rule.action} rule at index ${index}`,
        };
      }
    }
  }
  return null;
}

// matchOnExitCodes: a terminated container (not exit 0, which never matches) of the named
// container, or any, whose exit code is In / NotIn the values.
function matchOnExitCodes(requirement: NonNullable<PodFailurePolicyRule["onExitCodes"]>, pod: Pod): { name: string; exitCode: number } | null {
  for (const status of pod.status.containerStatuses) {
    if (requirement.containerName !== null && status.name !== requirement.containerName) continue;
    if (status.state !== "terminated" || status.exitCode === undefined || status.exitCode === 0) continue;
    const listed = requirement.values.includes(status.exitCode);
    if (requirement.operator === "In" ? listed : !listed) return { name: status.name, exitCode: status.exitCode };
  }
  return null;
}
