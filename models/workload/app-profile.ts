/**
 * What the application inside a pod does, which Kubernetes objects do not say: CPU per request,
 * memory, how long it warms up before its readiness probe passes, how long it takes to stop.
 * A pod names its profile with the annotation `sim.kubesim.io/app` (set on the Deployment's pod
 * template by the scenario, or written by the user in their YAML); pods without one get the
 * default profile.
 */
import type { Pod } from "../cluster/types.js";
import type { ServiceTimeDistribution } from "./service-time.js";

export const APP_ANNOTATION = "sim.kubesim.io/app";

export interface AppProfile {
  name: string;
  /** CPU time one request costs, in millicore-seconds (200 = 0.2 core for 1 s). */
  cpuPerRequest_mcore_s: number;
  /**
   * CPU used with no traffic (runtime, GC, health checks). Must be > 0: a real process never
   * reads exactly zero, and metrics-server drops a pod whose container reports zero CPU.
   */
  baselineCpu_mcores: number;
  memoryBaseline_bytes: number;
  /**
   * How one request's CPU work varies: exponential (the default), deterministic (a fixed loop,
   * like php-apache's), or lognormal with `serviceTimeCv`. Shapes the latency estimates only
   * (the waiting time's moments and the response-time quantiles), not the CPU counters.
   */
  serviceTime?: ServiceTimeDistribution;
  /** Lognormal service times: coefficient of variation (standard deviation / mean). */
  serviceTimeCv?: number;
  /**
   * Services this app calls, synchronously, for each request it serves (a call graph, like
   * Online Boutique's frontend calling its backends): `perRequest` calls to each, so the
   * callee's load is the caller's rate × perRequest and the caller's response waits for them.
   */
  calls?: readonly ServiceCall[];
  /**
   * A queue consumer (models/queue/broker.ts): the app takes items from this queue, each costing
   * cpuPerRequest, with `concurrency` workers per pod; with `itemsPerPod` it exits 0 once it has
   * processed that many (a Job's pods).
   */
  consumes?: { queue: string; concurrency: number; itemsPerPod?: number };
  /** Extra memory per request in flight (waiting or in service). */
  memoryPerInflight_bytes: number;
  /** Requests a pod holds waiting (its accept backlog); arrivals beyond it are dropped. */
  queueCapacity_requests: number;
  /** From container start until the app answers its readiness probe. */
  warmup_ms: number;
  /** From SIGTERM until the app has exited (capped by terminationGracePeriodSeconds). */
  shutdown_ms: number;
  /**
   * Run-to-completion work (batch apps, Job pods): the app container exits this long after it
   * starts, having used its baseline CPU meanwhile. Absent or 0: the app serves until stopped.
   */
  runDuration_ms?: number;
  /**
   * Probability in [0, 1] that a run-to-completion container exits with an error (exit code 1)
   * instead of 0; drawn per container run from the pod's seeded stream `app-exit/<ns>/<pod>`.
   */
  exitFailureProbability?: number;
}

export interface ServiceCall {
  namespace: string;
  service: string;
  perRequest: number;
}

export const DEFAULT_APP_PROFILE: Readonly<AppProfile> = Object.freeze({
  name: "default",
  cpuPerRequest_mcore_s: 10,
  baselineCpu_mcores: 1,
  memoryBaseline_bytes: 64 * 1024 * 1024,
  memoryPerInflight_bytes: 256 * 1024,
  queueCapacity_requests: 1000,
  warmup_ms: 0,
  shutdown_ms: 1000,
});

/** The app profiles of a run, looked up by the pod's annotation. */
export class AppCatalog {
  private readonly profiles = new Map<string, AppProfile>();

  constructor(profiles: readonly AppProfile[] = []) {
    for (const p of profiles) this.add(p);
  }

  add(profile: AppProfile): void {
    for (const [field, value] of Object.entries(profile)) {
      if (field !== "name" && field !== "serviceTime" && field !== "calls" && field !== "consumes" && value !== undefined && !(typeof value === "number" && value >= 0 && Number.isFinite(value))) {
        throw new RangeError(`app profile "${profile.name}": ${field} must be a finite number >= 0, got ${value}`);
      }
    }
    if (!(profile.baselineCpu_mcores > 0)) {
      throw new RangeError(`app profile "${profile.name}": baselineCpu_mcores must be > 0 (metrics-server drops a pod whose container reports zero CPU)`);
    }
    if (!(profile.memoryBaseline_bytes > 0)) {
      throw new RangeError(`app profile "${profile.name}": memoryBaseline_bytes must be > 0 (metrics-server drops a pod whose container reports zero memory)`);
    }
    if ((profile.exitFailureProbability ?? 0) > 1) {
      throw new RangeError(`app profile "${profile.name}": exitFailureProbability must be in [0, 1], got ${profile.exitFailureProbability}`);
    }
    this.profiles.set(profile.name, profile);
  }

  forPod(pod: Pod): Readonly<AppProfile> {
    const name = pod.metadata.annotations[APP_ANNOTATION];
    return (name !== undefined && this.profiles.get(name)) || DEFAULT_APP_PROFILE;
  }
}
