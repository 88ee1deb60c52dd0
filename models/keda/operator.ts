/**
 * The KEDA operator, scale loop and metrics adapter on the kernel (kedacore/keda 2.x):
 * controllers/keda/scaledobject_controller.go (reconcileScaledObject: create the HPA with
 * newHPAForScaledObject, start the scale loop), pkg/scaling/scale_handler.go (one loop per
 * ScaledObject every pollingInterval: checkScalers, then the executor's RequestScale) and
 * pkg/metricsservice / the keda-metrics-apiserver (external.metrics.k8s.io answered by asking
 * the ScaledObject's scaler when the HPA reads, as without useCachedMetrics).
 *
 * The decisions are the pure functions of this folder (poll.ts, executor.ts, hpa.ts, scalers/);
 * this module only reads and writes the store. Event sources: cpu and memory (read by the
 * generated HPA from metrics-server), cron (the simulated clock), redis and kafka (the scenario's
 * queues, models/queue/) and prometheus (kubesim's Prometheus, asked through its query API).
 */
import { Recorder, type Simulation } from "../../engine/index.js";
import type { EventLog } from "../cluster/events.js";
import type { ClusterStore } from "../cluster/store.js";
import type { LabelSelector, ObjectMeta } from "../cluster/types.js";
import { setDefaultsHorizontalPodAutoscalerBehavior } from "../hpa/defaults.js";
import type { MetricsApiError, TimestampedValue } from "../hpa/metrics-client.js";
import type { HorizontalPodAutoscalerBehavior, HPAScalingRules, MetricSpec } from "../hpa/types.js";
import type { StoredHorizontalPodAutoscaler } from "../hpa/controller.js";
import { newHPAForScaledObject, SCALED_OBJECT_NAME_LABEL, type KedaHpaMetricSpec } from "./hpa.js";
import { pollScaledObject, type TriggerPoll } from "./poll.js";
import { calculateQueueLengthAndMaxValue, isScaledJobActive, jobsBeyondHistoryLimit, jobsToCreate, type ScalerMetrics } from "./scaled-job.js";
import { emptyJobStatus, isJobFinished, jobFinishedType, type Job } from "../job/types.js";
import type { Pod } from "../cluster/types.js";
import { ensureControllerIndex, generateName, listControlledBy } from "../replicaset/controller.js";
import { getMetricsWithFallback, type HealthStatus } from "./fallback.js";
import { buildScaler, RESOURCE_TRIGGER_TYPES, type TriggerObservation } from "./scalers/index.js";
import type { PartitionOffsets } from "./scalers/kafka.js";
import { executePromQuery, parsePrometheusMetadata } from "./scalers/prometheus.js";
import type { HpaBehaviorConfig, ScaledJobSpec, ScaledObject, ScaledObjectSpec, ScaleTriggers } from "./types.js";

export const KEDA_COMPONENT = "keda-operator";

/** A ScaledObject as kubesim stores it. */
export interface StoredScaledObject {
  kind: "ScaledObject";
  metadata: ObjectMeta;
  spec: ScaledObjectSpec;
  status: {
    /** Unix seconds; null = never active. */
    lastActiveTime: number | null;
    active: boolean;
    ready: boolean;
    /** status.health: consecutive failures per metric (kept only with a fallback). */
    health: Record<string, HealthStatus>;
    /** The Fallback condition: a metric is served the fallback value. */
    fallback: boolean;
  };
}

/** A scalable target as the scale subresource shows it. */
interface Scalable {
  kind: string;
  metadata: ObjectMeta;
  spec: { replicas: number };
  status?: { readyReplicas?: number };
}

export interface KedaOperatorConfig {
  /** The wall-clock instant (Unix ms) of virtual time 0 (cron triggers read it). */
  epoch_ms: number;
  /**
   * From a poll's tick to the executor reading the clock (the scalers' queries take time). Above
   * 0, a cooldown that ends exactly on a poll tick is over at that poll, as in a real operator
   * (lastActiveTime keeps whole seconds and is compared with a later instant).
   */
  pollLatency_ms: number;
}

export const DEFAULT_KEDA_OPERATOR_CONFIG: Readonly<KedaOperatorConfig> = Object.freeze({ epoch_ms: Date.UTC(2025, 0, 1), pollLatency_ms: 1 });

/** What prometheus triggers ask: Prometheus' /api/v1/query (models/prometheus-adapter/prometheus.ts). */
export interface PromQueryApi {
  queryApi(query: string, now_ms: number): { status: number; body: string };
}

/** What redis and kafka triggers read: the scenario's queues (models/queue/broker.ts). */
export interface QueueReader {
  /** LLEN of a list. */
  listLength(name: string): number;
  /** A topic's partitions: the group's committed offsets and the log end offsets. */
  offsets(topic: string): PartitionOffsets[];
  /** The topic a consumer group reads (a kafka trigger without a topic). */
  topicOfGroup(group: string): string | undefined;
}

/** keda-decisions.csv: a ScaledObject's poll (replicas, the executor's action, the replicas written) or a ScaledJob's (running Jobs, `createJobs` or `noChange`, the Jobs created). */
export const KEDA_DECISION_COLUMNS = ["time_s", "kind", "name", "triggers", "active", "current_replicas", "action", "scale_to"] as const;

/** A ScaledJob as kubesim stores it. */
export interface StoredScaledJob {
  kind: "ScaledJob";
  metadata: ObjectMeta;
  spec: ScaledJobSpec;
  status: {
    /** Unix seconds; null = never active. */
    lastActiveTime: number | null;
    active: boolean;
  };
}

/** generateJobs: the label every Job (and its pods' template) of a ScaledJob carries. */
export const SCALED_JOB_NAME_LABEL = "scaledjob.keda.sh/name";

/** One trigger's poll as keda-decisions.csv shows it. */
function formatTrigger(t: TriggerPoll): string {
  return t.error !== undefined ? `${t.metricName}: error: ${t.error}` : `${t.metricName}=${t.metricValueMilli / 1000}${t.isActive ? " (active)" : ""}`;
}

function milliTarget(target: { type: "AverageValue"; averageValueMilli: number } | { type: "Value"; valueMilli: number }) {
  return target.type === "AverageValue"
    ? { type: "AverageValue" as const, value_milli: null, averageValue_milli: target.averageValueMilli, averageUtilization_percent: null }
    : { type: "Value" as const, value_milli: target.valueMilli, averageValue_milli: null, averageUtilization_percent: null };
}

/** KedaHpaMetricSpec → the autoscaling/v2 MetricSpec the HPA reads. */
function toMetricSpec(m: KedaHpaMetricSpec): MetricSpec {
  if (m.type === "External") {
    return { type: "External", external: { metric: { name: m.metricName, selector: { matchLabels: m.selector, matchExpressions: [] } }, target: milliTarget(m.target) } };
  }
  const target = m.target.type === "Utilization"
    ? { type: "Utilization" as const, value_milli: null, averageValue_milli: null, averageUtilization_percent: m.target.averageUtilization }
    : { type: "AverageValue" as const, value_milli: null, averageValue_milli: m.target.averageValueMilli, averageUtilization_percent: null };
  return { type: "Resource", resource: { name: m.resourceName, target } };
}

/** KEDA writes a partial behavior; the API server's defaulting fills the rest. */
function toBehavior(b: HpaBehaviorConfig | null): HorizontalPodAutoscalerBehavior | null {
  if (b === null) return null;
  const rules = (r: Partial<HPAScalingRules> | undefined): HPAScalingRules | null =>
    r === undefined ? null : { selectPolicy: r.selectPolicy ?? null, stabilizationWindowSeconds: r.stabilizationWindowSeconds ?? null, policies: r.policies ?? null, tolerance: r.tolerance ?? null } as HPAScalingRules;
  return setDefaultsHorizontalPodAutoscalerBehavior({ scaleUp: rules(b.scaleUp), scaleDown: rules(b.scaleDown) });
}

export class KedaOperator {
  /** keda-decisions.csv: one row per poll of each ScaledObject. */
  readonly decisions = new Recorder(KEDA_DECISION_COLUMNS);

  constructor(
    private readonly sim: Simulation,
    private readonly store: ClusterStore,
    private readonly events: EventLog,
    private readonly config: Readonly<KedaOperatorConfig> = DEFAULT_KEDA_OPERATOR_CONFIG,
    private readonly queues: QueueReader | null = null,
    private readonly prometheus: PromQueryApi | null = null,
  ) {
    store.watch<StoredScaledObject>("ScaledObject", (type, so) => {
      if (type === "ADDED") this.reconcile(so);
    });
    // The Jobs a ScaledJob owns and their pods, by controller (ScaledJobs list them each poll).
    ensureControllerIndex(store, "Job");
    ensureControllerIndex(store, "Pod");
    store.watch<StoredScaledJob>("ScaledJob", (type, sj) => {
      if (type === "ADDED") this.reconcileJob(sj);
    });
  }

  /** Unix seconds at `now_ms`, exact (the executor keeps whole seconds where upstream does). */
  private now_s(now_ms: number): number {
    return (this.config.epoch_ms + now_ms) / 1000;
  }

  /** The pure functions' view of a stored ScaledObject. */
  private view(so: StoredScaledObject): ScaledObject {
    return {
      name: so.metadata.name,
      namespace: so.metadata.namespace,
      labels: so.metadata.labels,
      annotations: so.metadata.annotations,
      creationTimestamp: Math.floor(this.now_s(so.metadata.creationTimestamp_ms)),
      spec: so.spec,
      status: { lastActiveTime: so.status.lastActiveTime },
    };
  }

  /** reconcileScaledObject: the generated HPA, then the scale loop (first poll at once). */
  private reconcile(so: StoredScaledObject): void {
    const ref = so.spec.scaleTargetRef;
    const hpa = newHPAForScaledObject(this.view(so), { kind: ref.kind ?? "Deployment", apiVersion: ref.apiVersion ?? "apps/v1" });
    if (this.store.get("HorizontalPodAutoscaler", so.metadata.namespace, hpa.name) === undefined) {
      this.store.create<StoredHorizontalPodAutoscaler>({
        kind: "HorizontalPodAutoscaler",
        metadata: { name: hpa.name, namespace: so.metadata.namespace, labels: hpa.labels, annotations: hpa.annotations ?? {}, ownerReferences: [{ kind: "ScaledObject", name: so.metadata.name, uid: so.metadata.uid, controller: true }] },
        spec: { scaleTargetRef: hpa.scaleTargetRef, minReplicas: hpa.minReplicas, maxReplicas: hpa.maxReplicas, metrics: hpa.metrics.map(toMetricSpec), behavior: toBehavior(hpa.behavior) },
        status: { currentReplicas: 0, desiredReplicas: 0, lastScaleTime_ms: null, currentMetrics: [], conditions: [] },
      } as never);
    }
    this.scaleLoop(so, so.spec.pollingInterval!, (current, now_ms) => this.poll(current, now_ms));
  }

  /**
   * The scale handler's loop for one object: every pollingInterval from now, reading the clock
   * pollLatency after the tick, until the object is deleted (or replaced by one of another uid).
   */
  private scaleLoop<T extends StoredScaledObject | StoredScaledJob>(object: T, pollingInterval_s: number, poll: (current: T, now_ms: number) => void): void {
    const { kind, metadata } = object;
    const loop = this.sim.every(pollingInterval_s * 1000, (now_ms) => {
      const current = this.store.get<T>(kind, metadata.namespace, metadata.name);
      if (current === undefined || current.metadata.uid !== metadata.uid) {
        loop.cancel();
        return;
      }
      poll(current, now_ms);
    }, { phase_ms: this.config.pollLatency_ms });
  }

  /** What a trigger observes now (cpu/memory: nothing, the HPA reads them). */
  private observation(trigger: ScaleTriggers, now_ms: number): TriggerObservation {
    switch (trigger.type) {
      case "cron":
        return { now: Math.floor(this.now_s(now_ms)) };
      case "redis":
        return { listLength: this.queueReader().listLength(trigger.metadata.listName) };
      case "kafka": {
        const q = this.queueReader();
        const topic = trigger.metadata.topic || q.topicOfGroup(trigger.metadata.consumerGroup);
        return { partitions: topic === undefined ? [] : q.offsets(topic) };
      }
      case "prometheus": {
        // GetMetricsAndActivity's ExecutePromQuery: the HTTP answer, then the scaler's reading of it.
        if (this.prometheus === null) throw new Error("a prometheus trigger without Prometheus (the simulator builds it for one)");
        const meta = parsePrometheusMetadata(trigger);
        const { status, body } = this.prometheus.queryApi(meta.query, now_ms);
        const r = executePromQuery(meta, status, body);
        return r.error === null ? { queryValue: r.value } : { error: r.error };
      }
      default:
        return {};
    }
  }

  private queueReader(): QueueReader {
    if (this.queues === null) throw new Error("a redis or kafka trigger without the scenario's queues (the loader checks they exist)");
    return this.queues;
  }

  /** One scale-loop iteration: checkScalers, RequestScale, the status and the decision row. */
  private poll(so: StoredScaledObject, now_ms: number): void {
    const ref = so.spec.scaleTargetRef;
    const target = this.store.get<Scalable>(ref.kind ?? "Deployment", so.metadata.namespace, ref.name);
    if (target === undefined) return; // upstream: the ScaledObject stays not Ready (target not found)
    const observations = so.spec.triggers.map((t) => this.observation(t, now_ms));
    const result = pollScaledObject(this.view(so), target.spec.replicas, observations, this.now_s(now_ms));
    const d = result.decision;
    const from = target.spec.replicas;
    if (d.scaleTo !== null && d.scaleTo !== from) {
      target.spec.replicas = d.scaleTo;
      this.store.update(target);
      // eventreason.KEDAScaleTargetActivated / KEDAScaleTargetDeactivated.
      const up = d.scaleTo > from;
      this.events.emit(now_ms, KEDA_COMPONENT, "ScaledObject", so.metadata.name, "Normal", up ? "KEDAScaleTargetActivated" : "KEDAScaleTargetDeactivated",
        `${up ? "Scaled" : "Deactivated"} ${ref.kind ?? "Deployment"} ${so.metadata.namespace}/${ref.name} from ${from} to ${d.scaleTo}`);
    }
    const active = result.state.isActive;
    const lastActiveTime = d.lastActiveTime ?? so.status.lastActiveTime;
    if (so.status.active !== active || so.status.lastActiveTime !== lastActiveTime || !so.status.ready) {
      so.status = { ...so.status, lastActiveTime, active, ready: true };
      this.store.update(so);
    }
    this.decisions.add([
      now_ms / 1000, "ScaledObject", `${so.metadata.namespace}/${so.metadata.name}`,
      result.triggers.map(formatTrigger).join("; "),
      String(active), from, d.action, d.scaleTo ?? "",
    ]);
  }

  /** The ScaledJob's scale loop (scaledjob_controller.go reconcile → the scale handler's job loop). */
  private reconcileJob(sj: StoredScaledJob): void {
    this.scaleLoop(sj, sj.spec.pollingInterval, (current, now_ms) => this.pollJob(current, now_ms));
  }

  /**
   * One ScaledJob poll: scale_handler.go getScaledJobState (each trigger's queue length and the
   * Jobs it asks for, combined by multipleScalersCalculation), then scale_jobs.go RequestJobScale
   * (running and pending Jobs, the strategy's count, createJobs, cleanUp).
   */
  private pollJob(sj: StoredScaledJob, now_ms: number): void {
    const triggers: TriggerPoll[] = [];
    const metrics: ScalerMetrics[] = [];
    sj.spec.triggers.forEach((trigger, i) => {
      const scaler = buildScaler(trigger);
      const spec = scaler.getMetricSpecForScaling(i);
      const observation = this.observation(trigger, now_ms);
      if (observation.error !== undefined) {
        triggers.push({ metricName: spec.metricName, metricValueMilli: NaN, isActive: false, error: observation.error });
        return;
      }
      const r = scaler.getMetricsAndActivity(observation);
      triggers.push({ metricName: spec.metricName, metricValueMilli: r.metricValueMilli, isActive: r.isActive });
      const target = spec.target.type === "AverageValue" ? spec.target.averageValueMilli / 1000 : 0;
      metrics.push({ ...calculateQueueLengthAndMaxValue(r.metricValueMilli / 1000, target, sj.spec.maxReplicaCount), isActive: r.isActive });
    });
    const state = isScaledJobActive(metrics, sj.spec.scalingStrategy.multipleScalersCalculation, sj.spec.minReplicaCount, sj.spec.maxReplicaCount);
    const jobs = listControlledBy<Job>(this.store, "Job", sj.metadata.uid);
    const running = jobs.filter((j) => !isJobFinished(j));
    // getPendingJobCount: unfinished Jobs none of whose pods is Running or Succeeded yet.
    const pending = running.filter((j) => !listControlledBy<Pod>(this.store, "Pod", j.metadata.uid).some((p) => p.status.phase === "Running" || p.status.phase === "Succeeded"));
    const create = jobsToCreate(sj.spec.scalingStrategy, state.isActive, running.length, pending.length, state.queueLength, state.maxValue, sj.spec.minReplicaCount, sj.spec.maxReplicaCount);
    for (let k = 0; k < create; k++) this.createJob(sj);
    if (create > 0) this.events.emit(now_ms, KEDA_COMPONENT, "ScaledJob", sj.metadata.name, "Normal", "KEDAJobsCreated", `Created ${create} jobs`);
    this.cleanUpJobs(sj, jobs, now_ms);
    const lastActiveTime = state.isActive ? Math.floor(this.now_s(now_ms)) : sj.status.lastActiveTime;
    if (sj.status.active !== state.isActive || sj.status.lastActiveTime !== lastActiveTime) {
      if (sj.status.active !== state.isActive) {
        const reason = state.isActive ? "ScaledJobActive" : "ScaledJobInactive";
        this.events.emit(now_ms, KEDA_COMPONENT, "ScaledJob", sj.metadata.name, "Normal", reason, state.isActive ? "Scaling is performed because triggers are active" : "Scaling is not performed because triggers are not active");
      }
      sj.status = { lastActiveTime, active: state.isActive };
      this.store.update(sj);
    }
    this.decisions.add([
      now_ms / 1000, "ScaledJob", `${sj.metadata.namespace}/${sj.metadata.name}`, triggers.map(formatTrigger).join("; "),
      String(state.isActive), running.length, create > 0 ? "createJobs" : "noChange", create,
    ]);
  }

  /** generateJobs: the ScaledJob's labels, `scaledjob.keda.sh/name` on the Job and its pod template, the ScaledJob as controller. */
  private createJob(sj: StoredScaledJob): void {
    const spec = structuredClone(sj.spec.jobTargetRef);
    spec.template.metadata.labels = { ...spec.template.metadata.labels, [SCALED_JOB_NAME_LABEL]: sj.metadata.name };
    const stream = this.sim.rng.stream(`scaledjob/${sj.metadata.namespace}/${sj.metadata.name}`);
    this.store.create<Job>({
      kind: "Job",
      metadata: {
        name: generateName(this.store, "Job", stream, sj.metadata.namespace, `${sj.metadata.name}-`),
        namespace: sj.metadata.namespace,
        labels: {
          "app.kubernetes.io/name": sj.metadata.name,
          "app.kubernetes.io/part-of": sj.metadata.name,
          "app.kubernetes.io/managed-by": "keda-operator",
          [SCALED_JOB_NAME_LABEL]: sj.metadata.name,
          ...sj.metadata.labels,
        },
        annotations: { ...sj.metadata.annotations },
        ownerReferences: [{ kind: "ScaledJob", name: sj.metadata.name, uid: sj.metadata.uid, controller: true }],
      },
      spec,
      status: emptyJobStatus(),
    });
  }

  /** cleanUp: finished Jobs beyond successfulJobsHistoryLimit / failedJobsHistoryLimit, oldest completion first, deleted in the background. */
  private cleanUpJobs(sj: StoredScaledJob, jobs: readonly Job[], now_ms: number): void {
    for (const [type, limit] of [["Complete", sj.spec.successfulJobsHistoryLimit], ["Failed", sj.spec.failedJobsHistoryLimit]] as const) {
      const finished = jobs.filter((j) => jobFinishedType(j) === type).map((job) => ({ job, completedAt_ms: job.status.completionTime_ms ?? finishedAt(job) }));
      for (const { job } of jobsBeyondHistoryLimit(finished, limit)) {
        this.store.delete("Job", job.metadata.namespace, job.metadata.name);
        this.events.emit(now_ms, KEDA_COMPONENT, "ScaledJob", sj.metadata.name, "Normal", "SuccessfulDelete", `Deleted job ${job.metadata.name}`);
      }
    }
  }

  /**
   * fallback.go GetMetricsWithFallback for trigger i's answer: after failureThreshold consecutive
   * errors the HPA is served the metric that makes it compute fallback.replicas; the failures are
   * counted in status.health and the Fallback condition set (updateStatus).
   */
  private withFallback(so: StoredScaledObject, i: number, metricName: string, scalerResult: { metricValueMilli: number } | { error: string }) {
    const ref = so.spec.scaleTargetRef;
    const target = this.store.get<Scalable>(ref.kind ?? "Deployment", so.metadata.namespace, ref.name);
    const r = getMetricsWithFallback({
      fallback: so.spec.fallback ?? null,
      metricName,
      target: buildScaler(so.spec.triggers[i]).getMetricSpecForScaling(i).target,
      scalerResult,
      health: so.status.health,
      currentReplicas: target?.spec.replicas ?? 0,
      readyReplicas: target?.status?.readyReplicas ?? 0,
    });
    const health = r.health === null ? so.status.health : { ...so.status.health, [metricName]: r.health };
    const fallback = r.fallbackCondition === null ? so.status.fallback : r.fallbackCondition === "True";
    const changed = fallback !== so.status.fallback || JSON.stringify(health) !== JSON.stringify(so.status.health);
    if (changed) {
      // fallback.go updateStatus: the health and the Fallback condition (no event upstream).
      so.status = { ...so.status, health, fallback };
      this.store.update(so);
    }
    return r;
  }

  /**
   * external.metrics.k8s.io as KEDA's metrics server answers the HPA: the ScaledObject named by
   * the selector's scaledobject.keda.sh/name label, its trigger whose metric this is, asked now.
   */
  external(namespace: string, metricName: string, selector: LabelSelector | null): readonly TimestampedValue[] | MetricsApiError {
    const name = selector?.matchLabels[SCALED_OBJECT_NAME_LABEL];
    const so = name === undefined ? undefined : this.store.get<StoredScaledObject>("ScaledObject", namespace, name);
    if (so === undefined) return { error: `scaledobjects.keda.sh "${name ?? ""}" not found` };
    const now_ms = this.sim.now_ms;
    for (let i = 0; i < so.spec.triggers.length; i++) {
      const trigger = so.spec.triggers[i];
      if (RESOURCE_TRIGGER_TYPES.includes(trigger.type)) continue;
      const scaler = buildScaler(trigger);
      if (scaler.getMetricSpecForScaling(i).metricName !== metricName) continue;
      const observation = this.observation(trigger, now_ms);
      const scalerResult = observation.error !== undefined ? { error: observation.error } : { metricValueMilli: scaler.getMetricsAndActivity(observation).metricValueMilli };
      const r = this.withFallback(so, i, metricName, scalerResult);
      if (r.metricValueMilli === null) return { error: `error getting metric for scaler: ${r.error}` };
      return [{ timestamp_ms: now_ms, value_milli: r.metricValueMilli }];
    }
    return { error: `no metric ${metricName} for scaledobject ${namespace}/${so.metadata.name}` };
  }
}

/** A finished Job's completion time, or when its finished condition was set (a failed Job has no completionTime). */
function finishedAt(job: Job): number {
  for (const c of job.status.conditions) if ((c.type === "Complete" || c.type === "Failed") && c.status === "True") return c.lastTransitionTime_ms;
  return job.metadata.creationTimestamp_ms;
}
