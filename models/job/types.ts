/**
 * batch/v1 Job as kubesim stores it (k8s.io/api/batch/v1 types.go), restricted to the fields the
 * Job controller models. Times are virtual ms, as everywhere in the store.
 */
import type { ObjectMeta, PodTemplateSpec } from "../cluster/types.js";

/** batch/v1 PodFailurePolicyOnExitCodesRequirement. */
export interface PodFailurePolicyOnExitCodes {
  /** Restricts the rule to one container; null = any container. */
  containerName: string | null;
  operator: "In" | "NotIn";
  values: number[];
}

/** batch/v1 PodFailurePolicyOnPodConditionsPattern (type and status of a pod condition). */
export interface PodFailurePolicyOnPodCondition {
  type: string;
  status: "True" | "False" | "Unknown";
}

/** batch/v1 PodFailurePolicyRule: exactly one of onExitCodes / onPodConditions is set. */
export interface PodFailurePolicyRule {
  action: "FailJob" | "FailIndex" | "Ignore" | "Count";
  onExitCodes: PodFailurePolicyOnExitCodes | null;
  onPodConditions: PodFailurePolicyOnPodCondition[];
}

export interface JobSpec {
  /** null: the Job completes when any pod succeeds and none is active (work-queue pattern). */
  completions: number | null;
  parallelism: number;
  completionMode: "NonIndexed" | "Indexed";
  backoffLimit: number;
  /** Indexed only: the failures each index may have; null = the Job-wide backoffLimit applies. */
  backoffLimitPerIndex: number | null;
  activeDeadlineSeconds: number | null;
  ttlSecondsAfterFinished: number | null;
  suspend: boolean;
  podFailurePolicy: { rules: PodFailurePolicyRule[] } | null;
  template: PodTemplateSpec;
}

export type JobConditionType = "Complete" | "Failed";

export interface JobCondition {
  type: JobConditionType;
  status: "True" | "False";
  reason: string;
  message: string;
  lastTransitionTime_ms: number;
}

export interface JobStatus {
  /** When the controller first synced the Job (null until then). */
  startTime_ms: number | null;
  completionTime_ms: number | null;
  active: number;
  succeeded: number;
  failed: number;
  /** Indexed only: succeeded and failed indexes, ascending. */
  completedIndexes: number[];
  failedIndexes: number[];
  conditions: JobCondition[];
}

export interface Job {
  kind: "Job";
  metadata: ObjectMeta;
  spec: JobSpec;
  status: JobStatus;
}

/** The annotation and label naming an Indexed Job pod's completion index (batch/v1 JobCompletionIndexAnnotation). */
export const JOB_COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
/** The labels the API server puts on a Job's pod template (batch/v1 ControllerUidLabel, JobNameLabel). */
export const JOB_CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid";
export const JOB_NAME_LABEL = "batch.kubernetes.io/job-name";

export function emptyJobStatus(): JobStatus {
  return { startTime_ms: null, completionTime_ms: null, active: 0, succeeded: 0, failed: 0, completedIndexes: [], failedIndexes: [], conditions: [] };
}

/** job_controller.go IsJobFinished: a Complete or Failed condition that is True. */
export function isJobFinished(job: Job): boolean {
  return job.status.conditions.some((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
}

/** The finished condition's type, or null while the Job runs. */
export function jobFinishedType(job: Job): "Complete" | "Failed" | null {
  for (const c of job.status.conditions) if ((c.type === "Complete" || c.type === "Failed") && c.status === "True") return c.type;
  return null;
}
