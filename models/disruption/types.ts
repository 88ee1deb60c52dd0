/** policy/v1 PodDisruptionBudget as kubesim stores it. */
import type { LabelSelector, ObjectMeta } from "../cluster/types.js";

export interface PodDisruptionBudget {
  kind: "PodDisruptionBudget";
  metadata: ObjectMeta & { generation: number };
  spec: {
    /** An int or "N%"; at most one of minAvailable and maxUnavailable is set. */
    minAvailable: number | string | null;
    maxUnavailable: number | string | null;
    /** null selects nothing; an empty selector every pod of the namespace (policy/v1). */
    selector: LabelSelector | null;
    unhealthyPodEvictionPolicy: "IfHealthyBudget" | "AlwaysAllow";
  };
  status: {
    observedGeneration: number;
    /** Pods the eviction API evicted and the controller has not yet seen go, by name: when (ms). */
    disruptedPods: Record<string, number>;
    disruptionsAllowed: number;
    currentHealthy: number;
    desiredHealthy: number;
    expectedPods: number;
    /** The DisruptionAllowed condition: SufficientPods, InsufficientPods or SyncFailed. */
    disruptionAllowedReason: "SufficientPods" | "InsufficientPods" | "SyncFailed" | "";
  };
}
