/**
 * Runs a scenario's controller plugins on the kernel: builds each one's ControllerContext from the
 * simulation's public pieces (kernel, store, metrics APIs, eviction API, event log) and calls its
 * factory. Everything a plugin can call is guarded (guard.ts); everything it reads is a copy or
 * an API answer, so it cannot write another component's state nor see true usage.
 */
import { Recorder, type Simulation } from "../../engine/index.js";
import type { EventLog } from "../../models/cluster/events.js";
import { evictPod } from "../../models/cluster/eviction.js";
import { selectPods } from "../../models/cluster/pod-index.js";
import type { ClusterStore, StoredObject } from "../../models/cluster/store.js";
import type { LabelSelector, Pod } from "../../models/cluster/types.js";
import type { CustomMetricsProvider } from "../../models/hpa/metrics-apis.js";
import type { MetricsServer } from "../../models/metrics-server/controller.js";
import type { Prometheus } from "../../models/prometheus-adapter/prometheus.js";
import { UserError } from "../errors.js";
import type { ControllerContext, MetricsApis, ObjectView, Scale, WatchEventType } from "./api.js";
import { guarded, type PluginIdentity } from "./guard.js";
import { decodeConfig, loadPluginModule } from "./load.js";

/** A scenario's `controllers` item as the simulation takes it. */
export interface ControllerSpec {
  name: string;
  /** Absolute path of the module. */
  module: string;
  /** The scenario's `config` map, decoded again by the module's schema when the run starts. */
  config: unknown;
}

/** What of the simulation the plugins' contexts are built from. */
export interface ControllerHostDeps {
  sim: Simulation;
  store: ClusterStore;
  events: EventLog;
  metricsServer: MetricsServer;
  /** custom.metrics.k8s.io / external.metrics.k8s.io as the HPA reads them (null: none installed). */
  customMetrics: CustomMetricsProvider | null;
  prometheus: Prometheus | null;
}

/** Kinds with a scale subresource. */
const SCALABLE = new Set(["Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"]);

/** Priority of plugin timers: after the built-in components' (0, and 1 for the VPA's loops) at the same instant, so a plugin reads what they just wrote. */
const PLUGIN_PRIORITY = 2;

/** A scale change a plugin made through the scale subresource. */
export interface PluginRescale {
  controller: string;
  kind: string;
  namespace: string;
  name: string;
  at_ms: number;
  from: number;
  to: number;
}

export class ControllerHost {
  /** Each controller's decision log, by name (<name>-decisions.csv). */
  readonly decisions = new Map<string, Recorder>();
  /** Every scale change the plugins made, in time order (the lag anatomy's rescales). */
  readonly rescales: PluginRescale[] = [];

  constructor(
    private readonly deps: ControllerHostDeps,
    specs: readonly ControllerSpec[],
  ) {
    for (const spec of specs) this.start(spec);
  }

  private start(spec: ControllerSpec): void {
    const identity: PluginIdentity = { name: spec.name, module: spec.module };
    const loaded = loadPluginModule(spec.module);
    if (!loaded.ok) throw new UserError(`controller "${spec.name}": ${loaded.error}`, "", 2);
    const config = decodeConfig(loaded.module, spec.config);
    if (!config.ok) throw new UserError(`controller "${spec.name}": config: ${config.errors.join("; ")}`, "", 2);
    const recorder = new Recorder(["time_s", ...(loaded.module.decisionColumns ?? [])]);
    this.decisions.set(spec.name, recorder);
    const ctx = this.context(identity, recorder);
    guarded(identity, loaded.module.default)(ctx, config.value);
  }

  private context(identity: PluginIdentity, recorder: Recorder): ControllerContext {
    const { sim, store, events } = this.deps;
    const columns = recorder.columns.slice(1);
    const guard = <A extends unknown[]>(fn: (...args: A) => void) => guarded(identity, fn);
    return {
      name: identity.name,
      now_ms: () => sim.now_ms,
      every: (period_ms, fn, options = {}) => sim.every(period_ms, guard(fn), { phase_ms: options.phase_ms ?? period_ms, priority: PLUGIN_PRIORITY }),
      schedule: (delay_ms, fn) => {
        const event = sim.schedule(delay_ms, guard(fn), PLUGIN_PRIORITY);
        return { cancel: () => sim.cancel(event) };
      },
      random: (stream = "default") => {
        const s = sim.rng.stream(`plugin/${identity.name}/${stream}`);
        return {
          random: () => s.random(),
          uniform: (low, high) => s.uniform(low, high),
          normal: (mean, stddev) => s.normal(mean, stddev),
          exponential: (rate) => s.exponential(rate),
        };
      },
      list: (kind, namespace) => store.list<StoredObject>(kind, namespace).map(view),
      get: (kind, namespace, name) => {
        const object = store.get<StoredObject>(kind, namespace, name);
        return object === undefined ? undefined : view(object);
      },
      watch: (kind, handler) => {
        const guardedHandler = guard((type: WatchEventType, object: StoredObject) => handler(type, view(object)));
        return { cancel: store.watch<StoredObject>(kind, guardedHandler) };
      },
      metrics: this.metricsApis(),
      getScale: (kind, namespace, name) => scaleOf(store, kind, namespace, name),
      updateScale: (kind, namespace, name, replicas) => {
        if (!Number.isInteger(replicas) || replicas < 0) return { ok: false, message: `replicas must be a whole number >= 0, got ${replicas}` };
        const target = SCALABLE.has(kind) ? store.get<StoredObject & { spec: { replicas: number } }>(kind, namespace, name) : undefined;
        if (target === undefined) return { ok: false, message: `${kind} "${namespace}/${name}" has no scale subresource here (not found, or not a Deployment, ReplicaSet, StatefulSet or ReplicationController)` };
        if (target.spec.replicas !== replicas) {
          const previous = target.spec.replicas;
          target.spec.replicas = replicas;
          store.update(target);
          // As the HPA records its rescales: events.csv says who scaled, summary.csv counts them.
          events.emit(sim.now_ms, identity.name, kind, name, "Normal", "SuccessfulRescale", `New size: ${replicas}; was ${previous}`);
          this.rescales.push({ controller: identity.name, kind, namespace, name, at_ms: sim.now_ms, from: previous, to: replicas });
        }
        return { ok: true };
      },
      evict: (namespace, podName) => {
        const pod = store.get<Pod>("Pod", namespace, podName);
        if (pod === undefined) return { evicted: false, reason: "NotFound", message: `pods "${podName}" not found` };
        return evictPod(store, pod, sim.now_ms);
      },
      event: (kind, name, type, reason, message) => events.emit(sim.now_ms, identity.name, kind, name, type, reason, message),
      decide: (row) => {
        const unknown = Object.keys(row).filter((k) => !columns.includes(k));
        if (unknown.length > 0) {
          throw new UserError(`controller "${identity.name}" (${identity.module}) recorded a decision with undeclared column(s) ${unknown.join(", ")}`, `declare them in the module's decisionColumns (${columns.join(", ") || "none declared"})`, 2);
        }
        recorder.add([sim.now_ms / 1000, ...columns.map((c) => cell(row[c]))]);
      },
    };
  }

  private metricsApis(): MetricsApis {
    const { sim, store, metricsServer, customMetrics, prometheus } = this.deps;
    const podNames = (namespace: string, selector: LabelSelector) => selectPods(store, namespace, selector).map((p) => p.metadata.name);
    const none = { error: "the server could not find the requested resource (no custom metrics adapter is installed)" };
    return {
      pods: (namespace, selector) => structuredClone(metricsServer.getPodMetrics(namespace, podNames(namespace, selector))),
      custom: (namespace, selector, metricName) => (customMetrics === null ? none : customMetrics.pods(namespace, podNames(namespace, selector), metricName, null)),
      external: (namespace, metricName, metricSelector = null) => (customMetrics === null ? none : customMetrics.external(namespace, metricName, metricSelector)),
      prometheus: (query) => {
        if (prometheus === null) return { error: "no Prometheus in this run" };
        const answer = JSON.parse(prometheus.queryApi(query, sim.now_ms).body) as { status: string; error?: string; data?: { result: { value: [number, string] }[] } };
        if (answer.status !== "success") return { error: answer.error ?? "query failed" };
        const first = answer.data!.result[0];
        return { value: first === undefined ? null : Number(first.value[1]) };
      },
    };
  }
}

/** A read-only copy of a stored object. */
function view(object: StoredObject): ObjectView {
  return structuredClone(object) as unknown as ObjectView;
}

function scaleOf(store: ClusterStore, kind: string, namespace: string, name: string): Scale | undefined {
  if (!SCALABLE.has(kind)) return undefined;
  const target = store.get<StoredObject & { spec: { replicas: number; selector: LabelSelector }; status: { replicas: number } }>(kind, namespace, name);
  if (target === undefined) return undefined;
  return { kind, namespace, name, replicas: target.spec.replicas, statusReplicas: target.status.replicas, selector: structuredClone(target.spec.selector) };
}

function cell(value: string | number | boolean | null | undefined): string | number {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return String(value);
  return value;
}
