/**
 * Limits on what one run may ask for, so a typo (`duration: 10000h`, `replicas: 1000000`) is a
 * clear error at its line instead of hours of work or an out-of-memory crash. Each default is
 * far above the scenarios kubesim is built for; a scenario that means it raises a limit with
 * `limits:` (merged per key through `extends`, like `outputs`), up to a hard ceiling.
 */
import type { Deployment, ReplicaSet } from "../../models/cluster/types.js";
import type { StoredHorizontalPodAutoscaler } from "../../models/hpa/controller.js";
import type { CronJob } from "../../models/cronjob/types.js";
import type { Job } from "../../models/job/types.js";
import type { NodeGroup } from "../simulator.js";
import { doc, int, opt } from "../manifests/codec.js";
import { POD_TEMPLATE_KINDS, type DecodedObject } from "./manifests.js";
import type { Report, Site } from "./report.js";
import { strictStruct } from "./strict.js";
import { duration } from "./units.js";

export interface Limits {
  /** Longest simulated duration. */
  duration_ms: number;
  /** Most pods the manifests may ask for: replicas, or an HPA's maxReplicas when higher. */
  pods: number;
  /** Most nodes over all node groups. */
  nodes: number;
  /** Most kernel events one run may execute; the run stops with an error past it. */
  events: number;
  /**
   * Most requests the loads with `arrivals: requests` may offer over the run (each is an event:
   * a few million a second of wall time), as their profiles' integral, checked when the
   * scenario loads.
   */
  requests: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = {
  duration_ms: 366 * 86_400_000,
  pods: 200_000,
  nodes: 20_000,
  events: 1_000_000_000,
  requests: 10_000_000,
};

/** Rows of the time series: duration / sampleInterval (each row holds every pod's and node's sample). */
export const MAX_SAMPLES = 5_000_000;
/** Longest metadata.description: it is copied into manifest.json and report.html. */
export const MAX_DESCRIPTION_CHARS = 64 * 1024;

export const limits = strictStruct(
  "limits",
  {
    duration: doc("Longest simulated duration.", opt(duration), () => DEFAULT_LIMITS.duration_ms),
    pods: doc("Most pods the manifests may ask for: each workload's replicas, or its HPA's maxReplicas when higher.", opt(int(1, 10_000_000)), () => DEFAULT_LIMITS.pods),
    nodes: doc("Most nodes over all node groups.", opt(int(1, 1_000_000)), () => DEFAULT_LIMITS.nodes),
    events: doc("Most kernel events of one run (checked every simulated hour; past it the run stops with an error).", opt(int(1, Number.MAX_SAFE_INTEGER)), () => DEFAULT_LIMITS.events),
    requests: doc("Most requests the loads with `arrivals: requests` may offer over the run (the profiles' integral, checked when the scenario loads): each is an event.", opt(int(1, Number.MAX_SAFE_INTEGER)), () => DEFAULT_LIMITS.requests),
  },
  {
    build: (f): Partial<Limits> => ({
      ...(f.duration !== undefined && { duration_ms: f.duration }),
      ...(f.pods !== undefined && { pods: f.pods }),
      ...(f.nodes !== undefined && { nodes: f.nodes }),
      ...(f.events !== undefined && { events: f.events }),
      ...(f.requests !== undefined && { requests: f.requests }),
    }),
  },
);

const hours = (ms: number): string => `${ms / 3_600_000}h`;

/** What the limit checks read of the merged scenario, with where each value was written. */
export interface LimitInputs {
  limits: Limits;
  duration?: { ms: number; site: Site };
  sampleInterval: { ms: number; site: Site | null };
  nodeGroups?: { groups: readonly NodeGroup[]; site: Site };
  objects: readonly DecodedObject[];
}

export function checkLimits(x: LimitInputs, report: Report): void {
  const { limits } = x;
  if (x.duration !== undefined) {
    if (x.duration.ms > limits.duration_ms) {
      report.errorAt(x.duration.site, `must be at most ${hours(limits.duration_ms)} (${limits.duration_ms / 86_400_000} days; raise limits.duration to run longer)`);
    } else if (x.sampleInterval.site !== null && x.duration.ms / x.sampleInterval.ms > MAX_SAMPLES) {
      report.errorAt(x.sampleInterval.site, `${hours(x.duration.ms)} sampled every ${x.sampleInterval.ms}ms is more than ${MAX_SAMPLES.toLocaleString("en-US")} samples; use a longer sampleInterval`);
    }
  }
  if (x.nodeGroups !== undefined) {
    // An autoscaled group may grow to its max.
    const nodes = x.nodeGroups.groups.reduce((sum, g) => sum + (g.autoscaling?.max ?? g.count), 0);
    if (nodes > limits.nodes) report.errorAt(x.nodeGroups.site, `${nodes} nodes in all, more than ${limits.nodes} (raise limits.nodes if you mean it)`);
  }
  checkPods(x.objects, limits.pods, report);
}

/**
 * Pods the manifests may ask for: each workload's replicas, or its HPA's maxReplicas when higher,
 * each Job's (and CronJob's Job template's) parallelism, and bare Pods.
 */
function checkPods(objects: readonly DecodedObject[], limit: number, report: Report): void {
  const hpaMax = new Map<string, { max: number; site: Site }>();
  for (const o of objects) {
    if (o.object.kind !== "HorizontalPodAutoscaler") continue;
    const hpa = o.object as unknown as StoredHorizontalPodAutoscaler;
    const key = `${hpa.spec.scaleTargetRef.kind}/${hpa.metadata.namespace ?? "default"}/${hpa.spec.scaleTargetRef.name}`;
    const previous = hpaMax.get(key);
    if (previous === undefined || hpa.spec.maxReplicas > previous.max) hpaMax.set(key, { max: hpa.spec.maxReplicas, site: o.site(["spec", "maxReplicas"]) });
  }
  let total = 0;
  let largest: { pods: number; site: Site } | null = null;
  for (const o of objects) {
    let pods: number;
    let site: Site;
    if (o.object.kind === "Pod") {
      pods = 1;
      site = o.site(["metadata", "name"]);
    } else if (POD_TEMPLATE_KINDS.has(o.object.kind)) {
      const replicas = (o.object as unknown as Deployment | ReplicaSet).spec.replicas;
      const hpa = hpaMax.get(`${o.object.kind}/${o.object.metadata.namespace ?? "default"}/${o.object.metadata.name}`);
      pods = Math.max(replicas, hpa?.max ?? 0);
      site = hpa !== undefined && hpa.max > replicas ? hpa.site : o.site(["spec", "replicas"]);
    } else if (o.object.kind === "Job" || o.object.kind === "CronJob") {
      // Pods at once: a Job's parallelism (a CronJob's Jobs counted once).
      const isJob = o.object.kind === "Job";
      pods = isJob ? (o.object as unknown as Job).spec.parallelism : (o.object as unknown as CronJob).spec.jobTemplate.spec.parallelism;
      site = o.site(isJob ? ["spec", "parallelism"] : ["spec", "jobTemplate", "spec", "parallelism"]);
    } else continue;
    total += pods;
    if (largest === null || pods > largest.pods) largest = { pods, site };
  }
  if (total > limit && largest !== null) {
    report.errorAt(largest.site, `the manifests ask for up to ${total} pods (${largest.pods} here), more than ${limit} (raise limits.pods if you mean it)`);
  }
}
