/**
 * pkg/controller/ttlafterfinished/ttlafterfinished_controller.go: a finished Job with
 * ttlSecondsAfterFinished is deleted that many seconds after it finished (processJob /
 * timeLeft: the finish time is the Complete or Failed condition's lastTransitionTime). Its pods go
 * with it (the Job controller's garbage-collector stand-in).
 */
import type { Simulation } from "../../engine/index.js";
import { objectKey, type ClusterStore } from "../cluster/store.js";
import { isJobFinished, type Job } from "./types.js";

export class TtlAfterFinishedController {
  /** Jobs (namespace/name) with a deletion timer set, so a status write does not set another. */
  private readonly scheduled = new Set<string>();
  deleted = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly store: ClusterStore,
  ) {
    store.watch<Job>("Job", (type, job) => {
      const key = objectKey(job.metadata.namespace, job.metadata.name);
      if (type === "DELETED") {
        this.scheduled.delete(key);
        return;
      }
      if (job.spec.ttlSecondsAfterFinished === null || !isJobFinished(job) || this.scheduled.has(key)) return;
      this.scheduled.add(key);
      const finished_ms = job.status.conditions.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True")!.lastTransitionTime_ms;
      const uid = job.metadata.uid;
      this.sim.scheduleAt(Math.max(this.sim.now_ms, finished_ms + job.spec.ttlSecondsAfterFinished * 1000), () => {
        const current = this.store.get<Job>("Job", job.metadata.namespace, job.metadata.name);
        if (current === undefined || current.metadata.uid !== uid) return;
        this.store.delete("Job", job.metadata.namespace, job.metadata.name);
        this.deleted++;
      });
    });
  }
}
