/**
 * The controller plugin API: bring your own autoscaler as an operator, the pattern Kubernetes users
 * know. A plugin is a TypeScript (or JavaScript) module that exports
 *
 *   export const configSchema = t.type({ ... });          // io-ts: what `config:` must be
 *   export const decisionColumns = ["hpa", "forecast"];     // optional: <name>-decisions.csv
 *   export default function factory(ctx: ControllerContext, config: Config): void { ... }
 *
 * and a scenario runs it with `controllers: [{module: ./policies/mine.ts, name: mine, config: {...}}]`.
 * The factory is called once, when the run starts; it registers its timers and watches on `ctx`.
 *
 * `ctx` is all a plugin sees of the simulation: the kernel's timers, a named seeded random
 * stream, read-only copies of store objects (custom resources too), the metrics APIs as the HPA
 * reads them (never true usage), the scale subresource, the eviction API, an event recorder and
 * a decision log. Determinism holds: while plugin code runs, `Math.random`, `Date.now` and
 * `performance.now` throw, naming the plugin.
 */
import type { LabelSelector, Pod } from "../../models/cluster/types.js";
import type { PodMetrics } from "../../models/metrics-server/types.js";
import type { CustomPodMetricItem, MetricsApiError, TimestampedValue } from "../../models/hpa/metrics-client.js";

export type { LabelSelector, Pod, PodMetrics, CustomPodMetricItem, MetricsApiError, TimestampedValue };

/** A stored object as a plugin reads it: a copy, so writing it changes nothing. */
export interface ObjectView {
  kind: string;
  metadata: { name: string; namespace: string; uid: string; labels: Record<string, string>; annotations: Record<string, string>; creationTimestamp_ms: number };
  spec?: unknown;
  status?: unknown;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

/** A timer or watch the plugin may stop. */
export interface Cancellable {
  cancel(): void;
}

/** A seeded random stream (engine/rng.ts RandomStream's draws). */
export interface PluginRandom {
  random(): number;
  uniform(low: number, high: number): number;
  normal(mean?: number, stddev?: number): number;
  exponential(rate: number): number;
}

/** The scale subresource of a Deployment, ReplicaSet, StatefulSet or ReplicationController. */
export interface Scale {
  kind: string;
  namespace: string;
  name: string;
  /** spec.replicas: what the workload is asked to run. */
  replicas: number;
  /** status.replicas: the pods it has. */
  statusReplicas: number;
  selector: LabelSelector;
}

export type ScaleUpdateResult = { ok: true } | { ok: false; message: string };

export type EvictionResult = { evicted: true } | { evicted: false; reason: string; message: string };

/** The metrics APIs as the HPA reads them: what metrics-server and the adapters serve, with their lag. */
export interface MetricsApis {
  /** metrics.k8s.io PodMetrics of the namespace's pods the selector matches (pods metrics-server has no sample of are absent). */
  pods(namespace: string, selector: LabelSelector): PodMetrics[];
  /** custom.metrics.k8s.io: a Pods metric of those pods. */
  custom(namespace: string, selector: LabelSelector, metricName: string): readonly CustomPodMetricItem[] | MetricsApiError;
  /** external.metrics.k8s.io. */
  external(namespace: string, metricName: string, metricSelector?: LabelSelector | null): readonly TimestampedValue[] | MetricsApiError;
  /** Prometheus' HTTP query API (instant query, the PromQL subset kubesim's Prometheus model serves): the first sample's value, or an error. */
  prometheus(query: string): { value: number | null } | { error: string };
}

export interface ControllerContext {
  /** The controller's name (`controllers[].name`). */
  readonly name: string;
  /** Simulated time now, ms. */
  now_ms(): number;
  /** Calls `fn` every `period_ms` of simulated time, first at `phase_ms` (default: one period) from now. */
  every(period_ms: number, fn: (now_ms: number) => void, options?: { phase_ms?: number }): Cancellable;
  /** Calls `fn` once, `delay_ms` from now. */
  schedule(delay_ms: number, fn: (now_ms: number) => void): Cancellable;
  /** A seeded random stream of this controller (`plugin/<name>/<stream>`): the same seed, the same draws. */
  random(stream?: string): PluginRandom;
  /** Copies of the stored objects of a kind (any kind the manifests hold, custom resources too), in creation order. */
  list(kind: string, namespace?: string): ObjectView[];
  get(kind: string, namespace: string, name: string): ObjectView | undefined;
  /** Calls `handler` with a copy of each object of `kind` added, modified or deleted from now on. */
  watch(kind: string, handler: (type: WatchEventType, object: ObjectView) => void): Cancellable;
  readonly metrics: MetricsApis;
  /** GET <kind>/<name>/scale; undefined when there is no such workload. */
  getScale(kind: string, namespace: string, name: string): Scale | undefined;
  /** PUT <kind>/<name>/scale: sets spec.replicas. */
  updateScale(kind: string, namespace: string, name: string, replicas: number): ScaleUpdateResult;
  /** POST pods/<name>/eviction (PodDisruptionBudgets apply). */
  evict(namespace: string, podName: string): EvictionResult;
  /** Records an event in events.csv (component = the controller's name). */
  event(kind: string, name: string, type: "Normal" | "Warning", reason: string, message: string): void;
  /** Adds a row to <name>-decisions.csv: a value per declared decision column (time_s is added first). */
  decide(row: Record<string, string | number | boolean | null>): void;
}

/** What a plugin module exports. */
export interface PluginModule<C = unknown> {
  default: (ctx: ControllerContext, config: C) => void;
  /** An io-ts codec (anything with `decode` returning an fp-ts Either) of the controller's config. */
  configSchema?: { decode(u: unknown): { _tag: "Left"; left: unknown } | { _tag: "Right"; right: C } };
  decisionColumns?: readonly string[];
}
