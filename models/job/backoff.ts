/**
 * The Job's pod-failure back-off: pkg/controller/job/backoff_utils.go (backoffRecord,
 * newBackoffRecord, getRemainingTime). After a pod fails, the next pod is created no sooner than
 * DefaultJobPodFailureBackOff × 2^(failures since the last success − 1), capped at
 * MaxJobPodFailureBackOff, after the last failure.
 */

/** job_controller.go DefaultJobPodFailureBackOff. */
export const DEFAULT_JOB_POD_FAILURE_BACKOFF_MS = 10_000;
/** The cap the Job docs state ("capped at six minutes"; upstream's MaxJobBackOff, 360 s). */
export const MAX_JOB_POD_FAILURE_BACKOFF_MS = 360_000;

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  /** When the last counted failure was seen; null before any. */
  lastFailure_ms: number | null;
}

export function newBackoffRecord(): BackoffRecord {
  return { failuresAfterLastSuccess: 0, lastFailure_ms: null };
}

/** newBackoffRecord's update for one finished pod, in finish order: a success resets the count. */
export function recordFinishedPod(record: BackoffRecord, succeeded: boolean, finished_ms: number): void {
  if (succeeded) {
    record.failuresAfterLastSuccess = 0;
    return;
  }
  record.failuresAfterLastSuccess++;
  record.lastFailure_ms = record.lastFailure_ms === null ? finished_ms : Math.max(record.lastFailure_ms, finished_ms);
}

/** backoff_utils.go getRemainingTime: how long until a new pod may be created (0 = now). */
export function getRemainingTime_ms(
  record: BackoffRecord,
  now_ms: number,
  defaultBackoff_ms = DEFAULT_JOB_POD_FAILURE_BACKOFF_MS,
  maxBackoff_ms = MAX_JOB_POD_FAILURE_BACKOFF_MS,
): number {
  if (record.failuresAfterLastSuccess === 0 || record.lastFailure_ms === null) return 0;
  // Doubling past the cap cannot overflow: the exponent is bounded before the shift.
  const exponent = Math.min(record.failuresAfterLastSuccess - 1, 32);
  const backoff_ms = Math.min(defaultBackoff_ms * 2 ** exponent, maxBackoff_ms);
  return Math.max(0, record.lastFailure_ms + backoff_ms - now_ms);
}
