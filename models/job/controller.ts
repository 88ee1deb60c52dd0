/**
 * The Job controller on the kernel: pkg/controller/job/job_controller.go (syncJob, manageJob,
 * the pod event handlers), with backoff_utils.go (the pod-failure back-off), indexed_job_utils.go
 * (completion indexes) and pod_failure_policy.go.
 *
 * Differences from upstream, and why:
 * - Finished pods are counted once each by uid (upstream's tracking finalizers and
 *   uncountedTerminatedPods exist because its informer cache lags its writes; the store does not).
 * - A pod's finish time is when the controller sees it finish (watch events land at the same
 *   virtual instant, or after the configured watch delay), not its containers' terminated time.
 * - The interim SuccessCriteriaMet / FailureTarget conditions (1.31) are not written: the Job goes
 *   straight to Complete / Failed, with the reasons and messages upstream puts there.
 * - Deleting a Job deletes its pods here (the garbage collector's background propagation).
 * - A refused pod create retries through the kernel work queue's default controller rate limiter
 *   (5 ms doubling), not the Job controller's own (1 s doubling to 60 s).
 * - The pod-failure back-off is capped at 6 minutes (upstream's MaxJobBackOff and the Job docs),
 *   see backoff.ts.
 */
import type { Simulation, TimeSeries } from "../../engine/index.js";
import type { EventLog } from "../cluster/events.js";
import { objectKey, StoreError, type ClusterStore, type WatchEventType } from "../cluster/store.js";
import type { Labels, Pod } from "../cluster/types.js";
import { WorkQueue } from "../cluster/workqueue.js";
import { isPodReady, isPodTerminal } from "../kubelet/pod-status.js";
import { controllerRefOf, ensureControllerIndex, generatePodName, listControlledBy } from "../replicaset/controller.js";
import { getRemainingTime_ms, newBackoffRecord, recordFinishedPod, type BackoffRecord } from "./backoff.js";
import { matchPodFailurePolicy } from "./pod-failure-policy.js";
import { JOB_COMPLETION_INDEX, JOB_CONTROLLER_UID_LABEL, JOB_NAME_LABEL, isJobFinished, type Job, type JobCondition } from "./types.js";

export const JOB_COMPONENT = "job-controller";
/** job_controller.go MaxPodCreateDeletePerSync. */
export const MAX_POD_CREATE_DELETE_PER_SYNC = 500;

/** What the controller remembers of one Job between syncs (upstream keeps it in the status and pod annotations). */
interface JobTracking {
  uid: string;
  /** Finished pods already counted, by uid. */
  counted: Set<string>;
  backoff: BackoffRecord;
  /** Indexed with backoffLimitPerIndex: failures and back-off per index. */
  indexFailures: Map<number, number>;
  indexBackoff: Map<number, BackoffRecord>;
  /** A FailJob rule matched: the Failed condition's message. */
  failJobMessage: string | null;
}

const statusKey = (job: Job): string => JSON.stringify(job.status);

function splitKey(key: string): [string, string] {
  const slash = key.indexOf("/");
  return [key.slice(0, slash), key.slice(slash + 1)];
}

/** indexed_job_utils.go getCompletionIndex: the pod's index, or null when absent or invalid. */
export function getCompletionIndex(pod: Pod): number | null {
  const text = pod.metadata.annotations[JOB_COMPLETION_INDEX];
  if (text === undefined || !/^(0|[1-9][0-9]*)$/.test(text)) return null;
  return Number(text);
}

/**
 * job_controller.go pastBackoffLimitOnFailure: with restartPolicy OnFailure failed containers
 * restart in place, so their restarts count toward backoffLimit.
 */
export function pastBackoffLimitOnFailure(job: Job, activePods: readonly Pod[]): boolean {
  if (job.spec.template.spec.restartPolicy !== "OnFailure") return false;
  let restarts = 0;
  for (const pod of activePods) for (const status of pod.status.containerStatuses) restarts += status.restartCount;
  return job.spec.backoffLimit === 0 ? restarts > 0 : restarts >= job.spec.backoffLimit;
}

export class JobController {
  readonly queue: WorkQueue;
  syncs = 0;
  private readonly tracking = new Map<string, JobTracking>();

  constructor(
    private readonly sim: Simulation,
    private readonly store: ClusterStore,
    private readonly events: EventLog,
    /** Where each status change is recorded (Job active / succeeded / failed pods); none in unit tests. */
    private readonly series: TimeSeries | null = null,
  ) {
    ensureControllerIndex(store, "Pod");
    this.queue = new WorkQueue(sim, (key, now_ms) => this.syncJob(key, now_ms));
    store.watch<Job>("Job", (type, job) => {
      const key = objectKey(job.metadata.namespace, job.metadata.name);
      if (type === "DELETED") this.deleteJobPods(job);
      this.queue.add(key);
    });
    store.watch<Pod>("Pod", (type, pod) => this.onPod(type, pod));
  }

  // addPod / updatePod / deletePod: wake the owning Job.
  private onPod(_type: WatchEventType, pod: Pod): void {
    const ref = controllerRefOf(pod.metadata);
    if (ref === null || ref.kind !== "Job") return;
    const job = this.store.get<Job>("Job", pod.metadata.namespace, ref.name);
    if (job === undefined || job.metadata.uid !== ref.uid) return;
    this.queue.add(objectKey(job.metadata.namespace, job.metadata.name));
  }

  private trackingOf(job: Job): JobTracking {
    const key = objectKey(job.metadata.namespace, job.metadata.name);
    let t = this.tracking.get(key);
    if (t === undefined || t.uid !== job.metadata.uid) {
      t = { uid: job.metadata.uid, counted: new Set(), backoff: newBackoffRecord(), indexFailures: new Map(), indexBackoff: new Map(), failJobMessage: null };
      this.tracking.set(key, t);
    }
    return t;
  }

  /** job_controller.go syncJob. */
  syncJob(key: string, now_ms: number): void {
    const [namespace, name] = splitKey(key);
    const job = this.store.get<Job>("Job", namespace, name);
    if (job === undefined) {
      this.tracking.delete(key);
      return;
    }
    if (isJobFinished(job)) return;
    this.syncs++;
    const t = this.trackingOf(job);
    const before = statusKey(job);
    const spec = job.spec;
    const indexed = spec.completionMode === "Indexed";

    if (job.status.startTime_ms === null && !spec.suspend) {
      job.status.startTime_ms = now_ms;
      // The deadline wakes the Job even if nothing else happens (upstream: AddAfter on startTime).
      if (spec.activeDeadlineSeconds !== null) this.queue.addAfter(key, spec.activeDeadlineSeconds * 1000);
    }

    const pods = listControlledBy<Pod>(this.store, "Pod", job.metadata.uid);
    const activePods = pods.filter((p) => !isPodTerminal(p) && p.metadata.deletionTimestamp_ms === null);
    this.countFinishedPods(job, t, pods, now_ms);

    // The failure checks, in upstream's order.
    let failure: { reason: string; message: string } | null = null;
    if (t.failJobMessage !== null) {
      failure = { reason: "PodFailurePolicy", message: t.failJobMessage };
    } else if (spec.backoffLimitPerIndex === null && (job.status.failed > spec.backoffLimit || pastBackoffLimitOnFailure(job, activePods))) {
      failure = { reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" };
    } else if (this.pastActiveDeadline(job, now_ms)) {
      failure = { reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" };
    } else if (indexed && spec.backoffLimitPerIndex !== null && job.status.failedIndexes.length > 0 &&
      job.status.failedIndexes.length + job.status.completedIndexes.length >= spec.completions! && activePods.length === 0) {
      failure = { reason: "FailedIndexes", message: "Job has failed indexes" };
    }

    if (failure !== null) {
      for (const pod of activePods) this.deletePod(job, pod, now_ms);
      this.finish(job, "Failed", failure.reason, failure.message, now_ms, "Warning");
      return;
    }

    const succeeded = indexed ? job.status.completedIndexes.length : job.status.succeeded;
    const complete = spec.completions === null ? succeeded > 0 && activePods.length === 0 : succeeded >= spec.completions;
    if (complete) {
      for (const pod of activePods) this.deletePod(job, pod, now_ms);
      job.status.completionTime_ms = now_ms;
      this.finish(job, "Complete", "CompletionsReached", "Reached expected number of succeeded pods", now_ms, "Normal");
      return;
    }

    job.status.active = this.manageJob(job, t, activePods, succeeded, now_ms);
    // Write only a changed status: every write wakes this controller (and the CronJob's) again.
    if (statusKey(job) !== before) this.writeStatus(job, now_ms);
    if (spec.activeDeadlineSeconds !== null && job.status.startTime_ms !== null) {
      const left_ms = job.status.startTime_ms + spec.activeDeadlineSeconds * 1000 - now_ms;
      if (left_ms > 0) this.queue.addAfter(key, left_ms);
    }
  }

  // Counts each finished pod once: successes and failures, the pod failure policy's verdict, the
  // completed and failed indexes, and the back-off records.
  private countFinishedPods(job: Job, t: JobTracking, pods: readonly Pod[], now_ms: number): void {
    const spec = job.spec;
    const indexed = spec.completionMode === "Indexed";
    for (const pod of pods) {
      if (!isPodTerminal(pod) || t.counted.has(pod.metadata.uid)) continue;
      t.counted.add(pod.metadata.uid);
      const index = indexed ? getCompletionIndex(pod) : null;
      if (pod.status.phase === "Succeeded") {
        job.status.succeeded++;
        if (index !== null && index < spec.completions! && !job.status.completedIndexes.includes(index)) {
          job.status.completedIndexes.push(index);
          job.status.completedIndexes.sort((a, b) => a - b);
        }
        recordFinishedPod(t.backoff, true, now_ms);
        if (index !== null) recordFinishedPod(this.indexBackoff(t, index), true, now_ms);
        continue;
      }
      const match = spec.podFailurePolicy === null ? null : matchPodFailurePolicy(spec.podFailurePolicy.rules, pod);
      if (match?.action === "Ignore") continue;
      job.status.failed++;
      recordFinishedPod(t.backoff, false, now_ms);
      if (match?.action === "FailJob") t.failJobMessage ??= match.message;
      if (index !== null && spec.backoffLimitPerIndex !== null) {
        recordFinishedPod(this.indexBackoff(t, index), false, now_ms);
        const failures = (t.indexFailures.get(index) ?? 0) + 1;
        t.indexFailures.set(index, failures);
        if ((match?.action === "FailIndex" || failures > spec.backoffLimitPerIndex) && !job.status.failedIndexes.includes(index)) {
          job.status.failedIndexes.push(index);
          job.status.failedIndexes.sort((a, b) => a - b);
        }
      }
    }
  }

  private indexBackoff(t: JobTracking, index: number): BackoffRecord {
    let record = t.indexBackoff.get(index);
    if (record === undefined) t.indexBackoff.set(index, (record = newBackoffRecord()));
    return record;
  }

  // job_controller.go pastActiveDeadline.
  private pastActiveDeadline(job: Job, now_ms: number): boolean {
    const deadline = job.spec.activeDeadlineSeconds;
    if (deadline === null || job.status.startTime_ms === null || job.spec.suspend) return false;
    return now_ms - job.status.startTime_ms >= deadline * 1000;
  }

  /**
   * job_controller.go manageJob: delete pods beyond the wanted number, or create the missing ones
   * once the pod-failure back-off allows. Returns the active count after the writes.
   */
  private manageJob(job: Job, t: JobTracking, activePods: Pod[], succeeded: number, now_ms: number): number {
    const spec = job.spec;
    const key = objectKey(job.metadata.namespace, job.metadata.name);
    let active = activePods.length;
    if (spec.suspend) {
      for (const pod of activePods) this.deletePod(job, pod, now_ms);
      return 0;
    }
    let wantActive: number;
    if (spec.completions === null) wantActive = succeeded > 0 ? active : spec.parallelism;
    else wantActive = Math.max(0, Math.min(spec.completions - succeeded, spec.parallelism));

    if (active > wantActive) {
      // activePodsForRemoval: unscheduled before scheduled, pending before running, not ready
      // before ready, newest first (controller.ActivePods ordering, abridged).
      const rank = (p: Pod) => (p.spec.nodeName === "" ? 0 : p.status.phase === "Pending" ? 1 : isPodReady(p) ? 3 : 2);
      const victims = [...activePods].sort((a, b) => rank(a) - rank(b) || b.metadata.creationTimestamp_ms - a.metadata.creationTimestamp_ms);
      const count = Math.min(active - wantActive, MAX_POD_CREATE_DELETE_PER_SYNC);
      for (const pod of victims.slice(0, count)) this.deletePod(job, pod, now_ms);
      return active - count;
    }
    if (active === wantActive) return active;

    const diff = Math.min(wantActive - active, MAX_POD_CREATE_DELETE_PER_SYNC);
    if (spec.completionMode === "Indexed") {
      const perIndex = spec.backoffLimitPerIndex !== null;
      let wait_ms = 0;
      const indexes: number[] = [];
      for (const index of this.firstPendingIndexes(job, activePods)) {
        if (indexes.length === diff) break;
        const left_ms = getRemainingTime_ms(perIndex ? this.indexBackoff(t, index) : t.backoff, now_ms);
        if (left_ms > 0) {
          wait_ms = wait_ms === 0 ? left_ms : Math.min(wait_ms, left_ms);
          continue;
        }
        indexes.push(index);
      }
      if (wait_ms > 0) this.queue.addAfter(key, wait_ms);
      return active + this.createPods(job, indexes, now_ms);
    }
    const left_ms = getRemainingTime_ms(t.backoff, now_ms);
    if (left_ms > 0) {
      this.queue.addAfter(key, left_ms);
      return active;
    }
    return active + this.createPods(job, new Array<null>(diff).fill(null), now_ms);
  }

  /**
   * Creates one pod per entry (its completion index, or null); returns how many were created. A
   * create that admission refuses (quota, LimitRange) ends the batch, as slowStartBatch does, and
   * the sync is retried through the rate limiter (upstream returns the error to the work queue).
   */
  private createPods(job: Job, indexes: readonly (number | null)[], now_ms: number): number {
    const key = objectKey(job.metadata.namespace, job.metadata.name);
    let created = 0;
    for (const index of indexes) {
      if (!this.createPod(job, index, now_ms)) {
        this.queue.addRateLimited(key);
        return created;
      }
      created++;
    }
    this.queue.forget(key);
    return created;
  }

  // indexed_job_utils.go firstPendingIndexes: ascending indexes in [0, completions) neither
  // active, succeeded nor failed.
  private firstPendingIndexes(job: Job, activePods: readonly Pod[]): number[] {
    const taken = new Set<number>([...job.status.completedIndexes, ...job.status.failedIndexes]);
    for (const pod of activePods) {
      const index = getCompletionIndex(pod);
      if (index !== null) taken.add(index);
    }
    const out: number[] = [];
    for (let i = 0; i < job.spec.completions!; i++) if (!taken.has(i)) out.push(i);
    return out;
  }

  // controller_utils.go CreatePodsWithGenerateName with the Job's labels (the API server's
  // controller-uid and job-name labels) and, for Indexed Jobs, the completion index as
  // annotation and label (indexed_job_utils.go addCompletionIndexAnnotation/Label) and in the
  // generated name (podGenerateNameWithIndex: "<job>-<index>-").
  private createPod(job: Job, index: number | null, now_ms: number): boolean {
    const template = job.spec.template;
    const base = index === null ? `${job.metadata.name}-` : `${job.metadata.name}-${index}-`;
    const name = generatePodName(this.store, this.sim.rng.stream(`job/${job.metadata.namespace}/${job.metadata.name}`), job.metadata.namespace, base);
    const labels: Labels = { ...template.metadata.labels, [JOB_CONTROLLER_UID_LABEL]: job.metadata.uid, [JOB_NAME_LABEL]: job.metadata.name };
    const annotations = { ...template.metadata.annotations };
    if (index !== null) {
      labels[JOB_COMPLETION_INDEX] = String(index);
      annotations[JOB_COMPLETION_INDEX] = String(index);
    }
    try {
      this.store.create<Pod>({
        kind: "Pod",
        metadata: {
          name,
          namespace: job.metadata.namespace,
          labels,
          annotations,
          ownerReferences: [{ kind: "Job", name: job.metadata.name, uid: job.metadata.uid, controller: true }],
        },
        spec: structuredClone(template.spec),
        status: { phase: "Pending", conditions: [], startTime_ms: null, containerStatuses: [] },
      });
    } catch (e) {
      // Admission refused the pod (models/cluster/admission.ts): RealPodControl's FailedCreate.
      if (!(e instanceof StoreError) || e.reason !== "Forbidden") throw e;
      this.events.emit(now_ms, JOB_COMPONENT, "Job", job.metadata.name, "Warning", "FailedCreate", `Error creating: ${e.message}`);
      return false;
    }
    this.events.emit(now_ms, JOB_COMPONENT, "Job", job.metadata.name, "Normal", "SuccessfulCreate", `Created pod: ${name}`);
    return true;
  }

  // RealPodControl.DeletePod and its SuccessfulDelete event.
  private deletePod(job: Job, pod: Pod, now_ms: number): void {
    this.removePod(pod, now_ms);
    this.events.emit(now_ms, JOB_COMPONENT, "Job", job.metadata.name, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata.name}`);
  }

  // The garbage collector's background deletion of a deleted Job's pods.
  private deleteJobPods(job: Job): void {
    for (const pod of listControlledBy<Pod>(this.store, "Pod", job.metadata.uid)) this.removePod(pod, this.sim.now_ms);
  }

  // The API server's pod deletion: graceful (deletionTimestamp, the kubelet stops the containers)
  // while a kubelet runs the pod, at once otherwise.
  private removePod(pod: Pod, now_ms: number): void {
    if (pod.spec.nodeName === "" || isPodTerminal(pod)) {
      this.store.delete("Pod", pod.metadata.namespace, pod.metadata.name);
    } else if (pod.metadata.deletionTimestamp_ms === null) {
      pod.metadata.deletionTimestamp_ms = now_ms + pod.spec.terminationGracePeriodSeconds * 1000;
      this.store.update(pod);
    }
  }

  // updateJobStatus, and the Job's pod counts at each change in the run's time series.
  private writeStatus(job: Job, now_ms: number): void {
    this.store.update(job);
    if (this.series === null) return;
    this.series.add(now_ms, "Job", job.metadata.name, "pods_active", job.status.active);
    this.series.add(now_ms, "Job", job.metadata.name, "pods_succeeded", job.status.succeeded);
    this.series.add(now_ms, "Job", job.metadata.name, "pods_failed", job.status.failed);
  }

  // The finished condition and its event (job_controller.go newCondition / the recorder calls:
  // "Completed" / "Job completed" on success, the failure reason and message on failure).
  private finish(job: Job, type: "Complete" | "Failed", reason: string, message: string, now_ms: number, eventType: "Normal" | "Warning"): void {
    const condition: JobCondition = { type, status: "True", reason, message, lastTransitionTime_ms: now_ms };
    job.status.conditions.push(condition);
    job.status.active = 0;
    this.writeStatus(job, now_ms);
    if (type === "Complete") this.events.emit(now_ms, JOB_COMPONENT, "Job", job.metadata.name, eventType, "Completed", "Job completed");
    else this.events.emit(now_ms, JOB_COMPONENT, "Job", job.metadata.name, eventType, reason, message);
  }
}
