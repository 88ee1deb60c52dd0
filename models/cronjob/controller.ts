/**
 * The CronJob controller on the kernel: pkg/controller/cronjob/cronjob_controllerv2.go
 * (syncCronJob, cleanupFinishedJobs, the job event handlers) and utils.go (mostRecentScheduleTime,
 * getJobName, nextScheduleTimeDuration), with schedules parsed by cron-schedule.ts.
 *
 * Simulated time maps onto wall-clock time through `epoch_ms` (virtual time 0 is that instant), so
 * a schedule such as "0 9 * * MON-FRI" in a time zone fires on the right simulated days and hours.
 *
 * Differences from upstream, and why:
 * - Deleting a Job (Replace, history limits) deletes its pods through the Job controller's
 *   garbage-collector stand-in (background propagation, as upstream asks for).
 * - The MissSchedule event is never emitted: see scheduleJob.
 * - An invalid schedule never reaches the store (the manifest loader rejects it, as the API
 *   server's validation does), so the UnparseableSchedule / InvalidSchedule events are not needed.
 */
import type { Simulation } from "../../engine/index.js";
import type { EventLog } from "../cluster/events.js";
import { objectKey, type ClusterStore } from "../cluster/store.js";
import { WorkQueue } from "../cluster/workqueue.js";
import { controllerRefOf, ensureControllerIndex, listControlledBy } from "../replicaset/controller.js";
import { emptyJobStatus, isJobFinished, jobFinishedType, type Job } from "../job/types.js";
import { formatRfc3339, nextScheduleTime, parseCronSchedule, type CronSchedule } from "./cron-schedule.js";
import { CRONJOB_SCHEDULED_TIMESTAMP, type CronJob } from "./types.js";

export const CRONJOB_COMPONENT = "cronjob-controller";
/** utils.go: more missed start times than this is reported (TooManyMissedTimes). */
const MISSED_TIMES_WARNING = 100;
/** cronjob_controllerv2.go nextScheduleDelta: the requeue lands just after the scheduled minute. */
const NEXT_SCHEDULE_DELTA_MS = 100;

export interface CronJobControllerConfig {
  /** The wall-clock instant (Unix ms) of virtual time 0. */
  epoch_ms: number;
}

/** 2025-01-01T00:00:00Z, a Wednesday. */
export const DEFAULT_CRONJOB_CONTROLLER_CONFIG: Readonly<CronJobControllerConfig> = Object.freeze({ epoch_ms: Date.UTC(2025, 0, 1) });

function splitKey(key: string): [string, string] {
  const slash = key.indexOf("/");
  return [key.slice(0, slash), key.slice(slash + 1)];
}

export class CronJobController {
  readonly queue: WorkQueue;
  jobsCreated = 0;
  private readonly schedules = new Map<string, CronSchedule>();

  constructor(
    private readonly sim: Simulation,
    private readonly store: ClusterStore,
    private readonly events: EventLog,
    private readonly config: Readonly<CronJobControllerConfig> = DEFAULT_CRONJOB_CONTROLLER_CONFIG,
  ) {
    ensureControllerIndex(store, "Job");
    this.queue = new WorkQueue(sim, (key, now_ms) => this.syncCronJob(key, now_ms));
    store.watch<CronJob>("CronJob", (type, cj) => {
      if (type !== "DELETED") this.queue.add(objectKey(cj.metadata.namespace, cj.metadata.name));
    });
    // addJob / updateJob / deleteJob: wake the owning CronJob.
    store.watch<Job>("Job", (_type, job) => {
      const ref = controllerRefOf(job.metadata);
      if (ref !== null && ref.kind === "CronJob") this.queue.add(objectKey(job.metadata.namespace, ref.name));
    });
  }

  private schedule(cj: CronJob): CronSchedule {
    const key = `${cj.spec.timeZone ?? "UTC"} ${cj.spec.schedule}`;
    let s = this.schedules.get(key);
    if (s === undefined) this.schedules.set(key, (s = parseCronSchedule(cj.spec.schedule, cj.spec.timeZone ?? "UTC")));
    return s;
  }

  private toWall(virtual_ms: number): number {
    return virtual_ms + this.config.epoch_ms;
  }

  private toVirtual(wall_ms: number): number {
    return wall_ms - this.config.epoch_ms;
  }

  /** cronjob_controllerv2.go sync + syncCronJob. */
  syncCronJob(key: string, now_ms: number): void {
    const [namespace, name] = splitKey(key);
    const cj = this.store.get<CronJob>("CronJob", namespace, name);
    if (cj === undefined) return;
    const before = JSON.stringify(cj.status);
    const jobs = listControlledBy<Job>(this.store, "Job", cj.metadata.uid);
    this.reconcileActive(cj, jobs, now_ms);
    const requeue_ms = this.scheduleJob(cj, now_ms);
    this.cleanupFinishedJobs(cj, now_ms);
    if (JSON.stringify(cj.status) !== before) this.store.update(cj);
    if (requeue_ms !== null) this.queue.addAfter(key, requeue_ms);
  }

  // The active list against the Jobs that exist: a running Job missing from it is added; a
  // finished or vanished one is removed (SawCompletedJob / MissingJob).
  private reconcileActive(cj: CronJob, jobs: readonly Job[], now_ms: number): void {
    const byUid = new Map(jobs.map((j) => [j.metadata.uid, j]));
    for (const job of jobs) {
      const listed = cj.status.active.some((a) => a.uid === job.metadata.uid);
      if (!listed && !isJobFinished(job)) cj.status.active.push({ name: job.metadata.name, uid: job.metadata.uid });
      if (listed && isJobFinished(job)) {
        const type = jobFinishedType(job)!;
        this.events.emit(now_ms, CRONJOB_COMPONENT, "CronJob", cj.metadata.name, "Normal", "SawCompletedJob", `Saw completed job: ${job.metadata.name}, condition: ${type}`);
        cj.status.active = cj.status.active.filter((a) => a.uid !== job.metadata.uid);
        if (type === "Complete") {
          const done_ms = job.status.completionTime_ms ?? now_ms;
          if (cj.status.lastSuccessfulTime_ms === null || done_ms > cj.status.lastSuccessfulTime_ms) cj.status.lastSuccessfulTime_ms = done_ms;
        }
      }
    }
    for (const ref of [...cj.status.active]) {
      if (byUid.has(ref.uid)) continue;
      this.events.emit(now_ms, CRONJOB_COMPONENT, "CronJob", cj.metadata.name, "Warning", "MissingJob", `Active job went missing: ${ref.name}`);
      cj.status.active = cj.status.active.filter((a) => a.uid !== ref.uid);
    }
  }

  /**
   * syncCronJob's scheduling half: start the Job of the most recent unmet schedule time, unless
   * suspended, too late, already started, or forbidden by the concurrency policy. Returns the
   * delay until the next schedule time (null when there is none).
   */
  private scheduleJob(cj: CronJob, now_ms: number): number | null {
    if (cj.spec.suspend) return null;
    const sched = this.schedule(cj);
    const next = () => this.nextScheduleTimeDuration(sched, now_ms);
    const scheduled_ms = this.mostRecentScheduleTime(cj, sched, now_ms);
    if (scheduled_ms === null) return next();

    // Upstream's tooLate check (MissSchedule) follows here; mostRecentScheduleTime already skips
    // every time older than startingDeadlineSeconds, so with a synchronous store it never fires.
    const jobName = this.getJobName(cj, scheduled_ms);
    if (cj.status.active.some((a) => a.name === jobName) || cj.status.lastScheduleTime_ms === scheduled_ms) return next();
    if (cj.spec.concurrencyPolicy === "Forbid" && cj.status.active.length > 0) {
      this.events.emit(now_ms, CRONJOB_COMPONENT, "CronJob", cj.metadata.name, "Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
      return next();
    }
    if (cj.spec.concurrencyPolicy === "Replace") {
      for (const ref of cj.status.active) this.deleteJob(cj, ref.name, now_ms);
      cj.status.active = [];
    }
    if (this.store.get<Job>("Job", cj.metadata.namespace, jobName) !== undefined) {
      // getJobName is deterministic: the Job of this schedule time exists (upstream's AlreadyExists).
      cj.status.lastScheduleTime_ms = scheduled_ms;
      return next();
    }
    const template = cj.spec.jobTemplate;
    const job = this.store.create<Job>({
      kind: "Job",
      metadata: {
        name: jobName,
        namespace: cj.metadata.namespace,
        labels: { ...template.metadata.labels },
        annotations: { ...template.metadata.annotations, [CRONJOB_SCHEDULED_TIMESTAMP]: this.rfc3339(scheduled_ms) },
        ownerReferences: [{ kind: "CronJob", name: cj.metadata.name, uid: cj.metadata.uid, controller: true }],
      },
      spec: structuredClone(template.spec),
      status: emptyJobStatus(),
    });
    this.jobsCreated++;
    this.events.emit(now_ms, CRONJOB_COMPONENT, "CronJob", cj.metadata.name, "Normal", "SuccessfulCreate", `Created job ${job.metadata.name}`);
    cj.status.active.push({ name: job.metadata.name, uid: job.metadata.uid });
    cj.status.lastScheduleTime_ms = scheduled_ms;
    return next();
  }

  /**
   * utils.go mostRecentScheduleTime: the latest schedule time after the last one scheduled (or
   * the CronJob's creation), no earlier than startingDeadlineSeconds ago, and not after now.
   */
  private mostRecentScheduleTime(cj: CronJob, sched: CronSchedule, now_ms: number): number | null {
    let earliest_ms = cj.status.lastScheduleTime_ms ?? cj.metadata.creationTimestamp_ms;
    const deadline = cj.spec.startingDeadlineSeconds;
    if (deadline !== null) earliest_ms = Math.max(earliest_ms, now_ms - deadline * 1000);
    let latest: number | null = null;
    let missed = 0;
    for (let t = nextScheduleTime(sched, this.toWall(earliest_ms)); t !== null && this.toVirtual(t) <= now_ms; t = nextScheduleTime(sched, t)) {
      latest = this.toVirtual(t);
      missed++;
    }
    if (missed > MISSED_TIMES_WARNING) {
      this.events.emit(now_ms, CRONJOB_COMPONENT, "CronJob", cj.metadata.name, "Warning", "TooManyMissedTimes",
        `too many missed start times: ${missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
    }
    return latest;
  }

  // utils.go nextScheduleTimeDuration: until just after the next schedule time.
  private nextScheduleTimeDuration(sched: CronSchedule, now_ms: number): number | null {
    const t = nextScheduleTime(sched, this.toWall(now_ms));
    return t === null ? null : this.toVirtual(t) - now_ms + NEXT_SCHEDULE_DELTA_MS;
  }

  // utils.go getJobName: "<cronjob>-<scheduled time in minutes since the Unix epoch>".
  private getJobName(cj: CronJob, scheduled_ms: number): string {
    return `${cj.metadata.name}-${Math.floor(this.toWall(scheduled_ms) / 60_000)}`;
  }

  private rfc3339(virtual_ms: number): string {
    return formatRfc3339(this.toWall(virtual_ms));
  }

  /**
   * cronjob_controllerv2.go cleanupFinishedJobs / removeOldestJobs: keep the newest
   * successfulJobsHistoryLimit Complete and failedJobsHistoryLimit Failed Jobs, by start time.
   */
  private cleanupFinishedJobs(cj: CronJob, now_ms: number): void {
    const jobs = listControlledBy<Job>(this.store, "Job", cj.metadata.uid);
    for (const [type, limit] of [["Complete", cj.spec.successfulJobsHistoryLimit], ["Failed", cj.spec.failedJobsHistoryLimit]] as const) {
      const finished = jobs.filter((j) => jobFinishedType(j) === type);
      if (finished.length <= limit) continue;
      const startOf = (j: Job) => j.status.startTime_ms ?? j.metadata.creationTimestamp_ms;
      finished.sort((a, b) => startOf(a) - startOf(b) || (a.metadata.name < b.metadata.name ? -1 : 1));
      for (const job of finished.slice(0, finished.length - limit)) this.deleteJob(cj, job.metadata.name, now_ms);
    }
  }

  // deleteJob: background deletion and the SuccessfulDelete event.
  private deleteJob(cj: CronJob, name: string, now_ms: number): void {
    if (this.store.get<Job>("Job", cj.metadata.namespace, name) === undefined) return;
    this.store.delete("Job", cj.metadata.namespace, name);
    this.events.emit(now_ms, CRONJOB_COMPONENT, "CronJob", cj.metadata.name, "Normal", "SuccessfulDelete", `Deleted job ${name}`);
  }
}
