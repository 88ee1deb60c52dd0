/**
 * Watches a run from outside, for the lag anatomy (lag.ts): it reads only what a user of the
 * cluster could read, at times it schedules itself.
 *
 * - Pods, through the store's watch: when each pod of a loaded Service was created, scheduled and
 *   became Ready (from the pod's own timestamps, so a delayed watch does not shift them), and
 *   when it first appeared in the Service's endpoints (checked when its Ready state reaches the
 *   data path, then every second until it does).
 * - The metrics API metrics-server serves the HPA: after each load step, every second until it
 *   first shows the pods that served at the step at >= 90 % of their new per-pod CPU usage
 *   (<= 1/0.9 of it for a fall), or until the Service's next step.
 *
 * Its kernel events only read, and run last at their instant (PRIORITY_MAX), so the run's own
 * outputs are the same with or without it.
 */
import { PRIORITY_MAX } from "../../engine/event-queue.js";
import { getPodCondition, type Pod } from "../../models/cluster/types.js";
import { setSelectorMatches } from "../../models/cluster/labels.js";
import type { WatchEventType } from "../../models/cluster/store.js";
import type { ClusterSimulation } from "../simulator.js";
import type { LoadStep } from "./steps.js";

/** How often an unfinished stage is looked at again: the ±1 s of the anatomy's times. */
export const LAG_POLL_MS = 1000;
/** The metrics stage: the share of the new per-pod usage the metrics API must show. */
export const METRICS_REACHED_FRACTION = 0.9;

/** A Service's selector picks the pod (an empty selector picks none: such a Service has no endpoints). */
export function selects(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  return Object.keys(selector).length > 0 && setSelectorMatches(selector, labels);
}

export interface PodTimes {
  uid: string;
  namespace: string;
  labels: Readonly<Record<string, string>>;
  created_ms: number;
  scheduled_ms: number | null;
  ready_ms: number | null;
  /** Service key -> when the pod first was one of its endpoints. */
  serving_ms: Map<string, number>;
  deleted: boolean;
}

export interface ObservedService {
  key: string;
  namespace: string;
  name: string;
  selector: Readonly<Record<string, string>>;
  steps: readonly LoadStep[];
  /** Per step: when the metrics API first showed the new usage (null: not before the next step). */
  metrics_ms: (number | null)[];
}

export class LagObserver {
  /** Pods of the observed Services, in creation order. */
  readonly pods = new Map<string, PodTimes>();
  readonly services: ObservedService[];

  constructor(
    private readonly simulation: ClusterSimulation,
    services: readonly { namespace: string; name: string; selector: Readonly<Record<string, string>>; steps: readonly LoadStep[] }[],
  ) {
    this.services = services.map((s) => ({ ...s, key: `${s.namespace}/${s.name}`, metrics_ms: s.steps.map(() => null) }));
    const { sim, store } = simulation;
    store.watch<Pod>("Pod", (type, pod) => this.onPod(type, pod));
    for (const service of this.services) {
      service.steps.forEach((step, i) => {
        const until_ms = i + 1 < service.steps.length ? service.steps[i + 1].at_ms : simulation.config.duration_ms;
        sim.scheduleAt(step.at_ms, () => this.startMetricsWatch(service, i, until_ms), PRIORITY_MAX);
      });
    }
  }

  private onPod(type: WatchEventType, pod: Pod): void {
    const uid = pod.metadata.uid;
    let times = this.pods.get(uid);
    if (times === undefined) {
      if (type === "DELETED" || !this.services.some((s) => s.namespace === pod.metadata.namespace && selects(s.selector, pod.metadata.labels))) return;
      times = {
        uid,
        namespace: pod.metadata.namespace,
        labels: { ...pod.metadata.labels },
        created_ms: pod.metadata.creationTimestamp_ms,
        scheduled_ms: null,
        ready_ms: null,
        serving_ms: new Map(),
        deleted: false,
      };
      this.pods.set(uid, times);
    }
    if (type === "DELETED") {
      times.deleted = true;
      return;
    }
    const scheduled = getPodCondition(pod, "PodScheduled");
    if (times.scheduled_ms === null && scheduled?.status === "True") times.scheduled_ms = scheduled.lastTransitionTime_ms;
    const ready = getPodCondition(pod, "Ready");
    if (times.ready_ms === null && ready?.status === "True") {
      times.ready_ms = ready.lastTransitionTime_ms;
      // Endpoints follow Ready after the data path's delay; look then, at the latest.
      const at_ms = Math.max(this.simulation.sim.now_ms, times.ready_ms + this.simulation.components.traffic.endpointsDelay_ms);
      this.simulation.sim.scheduleAt(at_ms, () => this.checkServing(times!), PRIORITY_MAX);
    }
  }

  /** Records the Services whose endpoints hold the pod now; looks again in a second for the others. */
  private checkServing(times: PodTimes): void {
    const now_ms = this.simulation.sim.now_ms;
    let waiting = false;
    for (const service of this.services) {
      if (service.namespace !== times.namespace || times.serving_ms.has(service.key) || !selects(service.selector, times.labels)) continue;
      const state = this.simulation.traffic.get(service.namespace, service.name);
      if (state?.endpoints.some((p) => p.metadata.uid === times.uid)) times.serving_ms.set(service.key, now_ms);
      else waiting = true;
    }
    if (waiting && !times.deleted && now_ms + LAG_POLL_MS < this.simulation.config.duration_ms) {
      this.simulation.sim.schedule(LAG_POLL_MS, () => this.checkServing(times), PRIORITY_MAX);
    }
  }

  /**
   * At a load step: fixes which pods serve and what each should use at the new rate (the app's
   * baseline plus its CPU per request times its share of the rate, up to its CPU limit), then
   * polls the metrics API for them.
   */
  private startMetricsWatch(service: ObservedService, index: number, until_ms: number): void {
    const endpoints = this.simulation.traffic.get(service.namespace, service.name)?.endpoints ?? [];
    if (endpoints.length === 0) return; // nothing serves: no per-pod usage to wait for
    const step = service.steps[index];
    const pod = endpoints[0];
    const app = this.simulation.apps.forPod(pod);
    const limit_mcores = pod.spec.containers[0].resources.limits.cpu_mcores ?? Infinity;
    const expected_mcores = Math.min(limit_mcores, app.baselineCpu_mcores + (app.cpuPerRequest_mcore_s * step.after_rps) / endpoints.length);
    const names = endpoints.map((p) => p.metadata.name);
    const container = pod.spec.containers[0].name;
    const reached = (mean_mcores: number) =>
      step.direction === "up" ? mean_mcores >= METRICS_REACHED_FRACTION * expected_mcores : mean_mcores <= expected_mcores / METRICS_REACHED_FRACTION;
    const poll = () => {
      const now_ms = this.simulation.sim.now_ms;
      const metrics = this.simulation.metricsServer.getPodMetrics(service.namespace, names);
      let sum_mcores = 0;
      let count = 0;
      for (const m of metrics) {
        const c = m.containers.find((x) => x.name === container);
        if (c === undefined) continue;
        sum_mcores += c.usage.cpu_mcores;
        count++;
      }
      if (count > 0 && reached(sum_mcores / count)) {
        service.metrics_ms[index] = now_ms;
        return;
      }
      if (now_ms + LAG_POLL_MS < until_ms) this.simulation.sim.schedule(LAG_POLL_MS, poll, PRIORITY_MAX);
    };
    poll();
  }
}
