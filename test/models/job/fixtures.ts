/** A small cluster running Jobs whose pods do a fixed amount of work, for the Job and CronJob tests. */
import { container } from "../../../experiments/builders.js";
import { ClusterSimulation, type SimulationConfig } from "../../../experiments/simulator.js";
import type { NewObject, StoredObject } from "../../../models/cluster/store.js";
import type { PodTemplateSpec } from "../../../models/cluster/types.js";
import { emptyJobStatus, type Job, type JobSpec } from "../../../models/job/types.js";
import { APP_ANNOTATION, DEFAULT_APP_PROFILE, type AppProfile } from "../../../models/workload/app-profile.js";

export function batchTemplate(app: string, restartPolicy: "Never" | "OnFailure" = "Never"): PodTemplateSpec {
  return {
    metadata: { labels: { app }, annotations: { [APP_ANNOTATION]: app } },
    spec: {
      containers: [container({ name: "work", request_mcores: 500 })],
      initContainers: [],
      nodeName: "",
      nodeSelector: {},
      nodeAffinity: null,
      tolerations: [],
      terminationGracePeriodSeconds: 30,
      restartPolicy,
      resources: null,
    },
  };
}

export function jobSpec(app: string, spec: Partial<JobSpec> = {}): JobSpec {
  return {
    completions: 1, parallelism: 1, completionMode: "NonIndexed", backoffLimit: 6, backoffLimitPerIndex: null,
    activeDeadlineSeconds: null, ttlSecondsAfterFinished: null, suspend: false, podFailurePolicy: null,
    template: batchTemplate(app), ...spec,
  };
}

export function job(name: string, app: string, spec: Partial<JobSpec> = {}): NewObject<Job> {
  return { kind: "Job", metadata: { name, namespace: "default" }, spec: jobSpec(app, spec), status: emptyJobStatus() };
}

export function batchApp(name: string, runDuration_ms: number, exitFailureProbability = 0): AppProfile {
  return { ...DEFAULT_APP_PROFILE, name, baselineCpu_mcores: 400, runDuration_ms, exitFailureProbability };
}

/** No image pulls, no scheduling latency and a fixed 1 s container start, so pod timelines are exact. */
export function batchCluster(
  objects: NewObject<StoredObject>[],
  apps: AppProfile[],
  duration_ms = 3_600_000,
  nodeGroups: SimulationConfig["nodeGroups"] = [{ name: "pool", count: 2, cpu_mcores: 4000, memory_bytes: 16 * 2 ** 30 }],
): ClusterSimulation {
  const config: SimulationConfig = {
    seed: 7,
    duration_ms,
    nodeGroups,
    objects,
    apps,
    traffic: [],
    sampleInterval_ms: 15_000,
    components: {
      kubelet: { defaultImagePull_ms: 0, containerStartMin_ms: 1000, containerStartMax_ms: 1000 },
      scheduler: { schedulingLatency_ms: 0 },
    },
  };
  return new ClusterSimulation(config);
}

export interface EventRow {
  time_ms: number;
  kind: string;
  name: string;
  type: string;
  reason: string;
  message: string;
}

/** The events one controller recorded with `reason`, in order. */
export function controllerEvents(sim: ClusterSimulation, component: string, reason: string): EventRow[] {
  const out: EventRow[] = [];
  for (const [time_s, c, kind, name, type, r, message] of sim.events.recorder.all()) {
    if (c === component && r === reason) out.push({ time_ms: Math.round((time_s as number) * 1000), kind: kind as string, name: name as string, type: type as string, reason: r as string, message: message as string });
  }
  return out;
}
