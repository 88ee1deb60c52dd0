/** batch/v1 CronJob as kubesim stores it (k8s.io/api/batch/v1 types.go). Times are virtual ms. */
import type { Labels, ObjectMeta } from "../cluster/types.js";
import type { JobSpec } from "../job/types.js";

export interface CronJobSpec {
  schedule: string;
  /** IANA zone name; null = the controller's zone (UTC here, as kube-controller-manager in a container). */
  timeZone: string | null;
  startingDeadlineSeconds: number | null;
  concurrencyPolicy: "Allow" | "Forbid" | "Replace";
  suspend: boolean;
  successfulJobsHistoryLimit: number;
  failedJobsHistoryLimit: number;
  jobTemplate: { metadata: { labels: Labels; annotations: Labels }; spec: JobSpec };
}

export interface CronJobStatus {
  /** The Jobs this CronJob runs now (name and uid, as corev1.ObjectReference). */
  active: { name: string; uid: string }[];
  lastScheduleTime_ms: number | null;
  lastSuccessfulTime_ms: number | null;
}

export interface CronJob {
  kind: "CronJob";
  metadata: ObjectMeta;
  spec: CronJobSpec;
  status: CronJobStatus;
}

/** batch/v1 CronJobScheduledTimestampAnnotation: the scheduled time of a Job a CronJob created. */
export const CRONJOB_SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";
