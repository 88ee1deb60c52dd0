/**
 * A Prometheus server scraping the apps' own /metrics, with the query side the adapter needs.
 *
 * Targets. Pods are discovered from the API server (kubernetes_sd, role pod/endpoints, through
 * the store's Pod watch). Every `scrapeInterval_ms` (kube-prometheus sets 30 s; the binary's
 * global default is 1 m) each discovered pod whose container runs answers with
 *   http_requests_total           counter: requests served (integer: floor of the fluid counter)
 *   http_requests_dropped_total   counter: requests dropped (queue full), floored likewise
 *   http_requests_queued          gauge:   requests waiting in the pod
 * labelled {namespace, pod, service}; `service` is the first Service (creation order) whose
 * selector picks the pod, fixed at the pod's first sample (as the endpoints role labels a target
 * by the Endpoints it came from; a Service created after a pod's first scrape is not picked up).
 * An ingress in front of each Service with a load profile exports, labelled {namespace, service},
 *   service_requests_total         counter: requests offered to the Service (incl. no endpoints)
 *   service_requests_dropped_total counter: requests dropped (no endpoints, full queues, lost)
 *   service_requests_queued        gauge:   requests queued at its endpoints
 *
 * Timing. All targets are scraped at one tick whose phase is drawn U[0, interval) from the
 * stream `prometheus`. Upstream spreads targets over the interval by a hash of their labels
 * (scrape/scrape.go scrapeLoop.run + Target.offset); one shared phase keeps it to one event per
 * interval for 5,000 pods, and each target still sees a sample exactly every interval. Samples
 * carry the scrape time. A pod is first sampled at the first tick after its container started.
 *
 * Staleness (scrape/scrape.go). A target whose scrape fails (container stopped or restarting)
 * or that left service discovery gets a staleness marker at the next tick (end-of-run markers
 * are written at "when the next scrape would have been"): from then on instant selectors
 * ignore it, while range selectors still see its earlier samples until they age out.
 *
 * Storage. Each target owns a slot in fixed-size ring buffers (typed arrays): one timestamp
 * column shared by its three series (they are scraped together) and three value columns, each
 * ring holding enough samples to cover `retention_ms` (>= the longest rate window and the
 * lookback). A slot is freed once the target is gone and its newest sample is older than the
 * retention; freed slots are reused. Memory is O(live pods x retention / interval).
 */
import { resized } from "../../engine/typed-arrays.js";
import type { Simulation } from "../../engine/index.js";
import type { ClusterStore } from "../cluster/store.js";
import type { Pod } from "../cluster/types.js";
import { setSelectorMatches } from "../cluster/labels.js";
import type { PodRuntime } from "../kubelet/container-runtime.js";
import { isPodTerminal } from "../kubelet/pod-status.js";
import type { ServiceState, ServiceTraffic } from "../service/traffic.js";
import { parseQuery, QueryError, type Query } from "./query.js";
import {
  aggregate,
  compileMatcher,
  extrapolatedRate,
  type LabelMatcher,
  type LabelName,
  type SeriesLabels,
  type ValueTest,
  type VectorSample,
} from "./promql.js";

export interface PrometheusConfig {
  /** scrape_interval (kube-prometheus: 30 s; Prometheus' own default: 1 m). */
  scrapeInterval_ms: number;
  /** Delay of the first scrape; null = drawn U[0, interval) from the stream `prometheus`. */
  phase_ms: number | null;
  /** How far back samples are kept (ring size); must cover the longest rate window and the lookback. */
  retention_ms: number;
  /** --query.lookback-delta (default 5 m): how old the newest sample an instant selector takes may be. */
  lookbackDelta_ms: number;
}

export const DEFAULT_PROMETHEUS_CONFIG: Readonly<PrometheusConfig> = Object.freeze({
  scrapeInterval_ms: 30_000,
  phase_ms: null,
  retention_ms: 600_000,
  lookbackDelta_ms: 300_000,
});

export type MetricType = "counter" | "gauge";
export type TargetKind = "pod" | "service";

/** The metrics the targets expose: their kind, column in the target's slot, and type. */
export interface MetricInfo {
  kind: TargetKind;
  column: number;
  type: MetricType;
}

export const EXPOSED_METRICS: ReadonlyMap<string, MetricInfo> = new Map<string, MetricInfo>([
  ["http_requests_total", { kind: "pod", column: 0, type: "counter" }],
  ["http_requests_dropped_total", { kind: "pod", column: 1, type: "counter" }],
  ["http_requests_queued", { kind: "pod", column: 2, type: "gauge" }],
  ["service_requests_total", { kind: "service", column: 0, type: "counter" }],
  ["service_requests_dropped_total", { kind: "service", column: 1, type: "counter" }],
  ["service_requests_queued", { kind: "service", column: 2, type: "gauge" }],
  // The Service's p95 response time at the scrape, as the sampler's latency_p95_ms (the modelled
  // latency of the requests being served; a Summary's quantile in client-library terms).
  ["service_request_latency_p95_seconds", { kind: "service", column: 3, type: "gauge" }],
]);

const COLUMNS = 4;

interface Target {
  kind: TargetKind;
  /** Pod uid, or the Service key for an ingress target. */
  id: string;
  labels: { namespace: string; pod: string; service: string };
  pod: Pod | null;
  service: ServiceState | null;
  /** Ring slot; -1 until the first sample. */
  slot: number;
  /** Still discovered (pod not deleted nor terminal). */
  discovered: boolean;
  /** Time of the last sample, -1 before any. */
  lastSample_ms: number;
  /** Time of the staleness marker after the last sample; -1 = none (series live). */
  stale_ms: number;
}

export class Prometheus {
  readonly config: Readonly<PrometheusConfig>;
  /** Samples each ring holds: every sample in (now - retention, now] plus one. */
  readonly ringSize: number;
  scrapes = 0;
  /** Targets in discovery order; gone ones are dropped once their samples aged out. */
  private targets: Target[] = [];
  private readonly podTargets = new Map<string, Target>();
  private readonly serviceTargets = new Map<string, Target>();
  // Ring storage: slot s's sample i at [s * ringSize + i]; values at [(s * ringSize + i) * COLUMNS + c].
  private slotCapacity = 0;
  private time_ms = new Float64Array(0);
  private values = new Float64Array(0);
  /** Next write position and number of samples held, per slot. */
  private head = new Int32Array(0);
  private count = new Int32Array(0);
  private highWater = 0;
  private readonly freeSlots: number[] = [];
  /** Scratch for rate(): one target's samples in the window, oldest first. */
  private readonly scratchT: Float64Array;
  private readonly scratchV: Float64Array;
  /** Last scrape that produced a sample of each metric, split by the labels the series had. */
  private readonly lastSeen = new Map<string, { any_ms: number; pod_ms: number; service_ms: number }>();

  constructor(
    private readonly sim: Simulation,
    private readonly runtime: PodRuntime,
    private readonly traffic: ServiceTraffic,
    store: ClusterStore,
    config: Readonly<PrometheusConfig> = DEFAULT_PROMETHEUS_CONFIG,
  ) {
    this.config = config;
    const interval_ms = config.scrapeInterval_ms;
    if (!Number.isSafeInteger(interval_ms) || interval_ms < 1000) throw new RangeError(`prometheus: scrape interval must be at least 1s, got ${interval_ms} ms`);
    if (!(config.retention_ms >= interval_ms)) throw new RangeError("prometheus: retention must be at least one scrape interval");
    if (!(config.lookbackDelta_ms > 0 && config.lookbackDelta_ms <= config.retention_ms)) {
      throw new RangeError("prometheus: lookback delta must be > 0 and within the retention");
    }
    this.ringSize = Math.floor(config.retention_ms / interval_ms) + 2;
    this.scratchT = new Float64Array(this.ringSize);
    this.scratchV = new Float64Array(this.ringSize);
    this.growSlots(64);
    for (const name of EXPOSED_METRICS.keys()) this.lastSeen.set(name, { any_ms: -Infinity, pod_ms: -Infinity, service_ms: -Infinity });

    store.watch<Pod>("Pod", (type, pod) => this.discover(type === "DELETED" || isPodTerminal(pod) ? null : pod, pod.metadata.uid));
    const phase_ms = config.phase_ms ?? Math.floor(sim.rng.stream("prometheus").uniform(0, interval_ms));
    sim.every(interval_ms, (now_ms) => this.scrape(now_ms), { phase_ms });
  }

  /** Live targets (discovered pods and ingress targets) plus gone ones whose samples are still kept. */
  get targetCount(): number {
    return this.targets.length;
  }

  /** Slots allocated so far (memory high-water mark). */
  get slotsAllocated(): number {
    return this.highWater;
  }

  // --- Scraping --------------------------------------------------------------------------------

  private discover(pod: Pod | null, uid: string): void {
    const known = this.podTargets.get(uid);
    if (pod === null) {
      if (known) known.discovered = false;
      return;
    }
    if (known) return;
    const target: Target = {
      kind: "pod", id: uid, pod, service: null,
      labels: { namespace: pod.metadata.namespace, pod: pod.metadata.name, service: "" },
      slot: -1, discovered: true, lastSample_ms: -1, stale_ms: -1,
    };
    this.podTargets.set(uid, target);
    this.targets.push(target);
  }

  /** One scrape of every target at `now_ms` (the timer's handler; public for tests). */
  scrape(now_ms: number): void {
    this.scrapes++;
    // The pods' counters are integrated lazily: bring them all to now before reading.
    this.runtime.advanceAll(now_ms);
    for (const state of this.traffic.all()) {
      if (state.source === null || this.serviceTargets.has(state.key)) continue;
      const target: Target = {
        kind: "service", id: state.key, pod: null, service: state,
        labels: { namespace: state.namespace, pod: "", service: state.name },
        slot: -1, discovered: true, lastSample_ms: -1, stale_ms: -1,
      };
      this.serviceTargets.set(state.key, target);
      this.targets.push(target);
    }
    let sawPod = false;
    let sawPodWithService = false;
    let sawService = false;
    let kept = 0;
    const horizon_ms = now_ms - this.config.retention_ms;
    for (let i = 0; i < this.targets.length; i++) {
      const target = this.targets[i];
      let sampled = false;
      if (target.kind === "pod") {
        const running = target.discovered ? this.runtime.get(target.id) : undefined;
        if (running) {
          if (target.slot < 0) {
            target.slot = this.allocSlot();
            target.labels.service = this.serviceOf(target.pod!);
          }
          const slot = running.slot;
          const server = this.runtime.serverOf(slot);
          this.append(target, now_ms, Math.floor(server.served_requests(slot)), Math.floor(server.dropped_requests(slot)), server.queue_requests(slot), NaN);
          sampled = true;
          sawPod = true;
          if (target.labels.service !== "") sawPodWithService = true;
        }
      } else {
        if (target.slot < 0) target.slot = this.allocSlot();
        const totals = this.traffic.totals(target.service!, now_ms);
        this.append(target, now_ms, Math.floor(totals.offered), Math.floor(totals.dropped), totals.queued, this.traffic.latency(target.service!, now_ms - this.config.scrapeInterval_ms).p95_ms / 1000);
        sampled = true;
        sawService = true;
      }
      // A failed scrape or a target gone from discovery: staleness marker at this tick.
      if (!sampled && target.lastSample_ms >= 0 && target.stale_ms < target.lastSample_ms) target.stale_ms = now_ms;
      // Forget a gone target once nothing of it is queryable any more.
      if (!target.discovered && (target.lastSample_ms < 0 || target.lastSample_ms <= horizon_ms)) {
        if (target.slot >= 0) this.freeSlot(target.slot);
        if (target.kind === "pod") this.podTargets.delete(target.id);
        continue;
      }
      this.targets[kept++] = target;
    }
    this.targets.length = kept;
    // A target's metrics are exposed together, so one flag per kind says which metrics appeared.
    for (const [name, info] of EXPOSED_METRICS) {
      const seen = this.lastSeen.get(name)!;
      if (info.kind === "pod" && sawPod) {
        seen.any_ms = now_ms;
        seen.pod_ms = now_ms;
        if (sawPodWithService) seen.service_ms = now_ms;
      } else if (info.kind === "service" && sawService) {
        seen.any_ms = now_ms;
        seen.service_ms = now_ms;
      }
    }
  }

  /** The first Service (in the order traffic saw them) whose selector picks the pod; "" if none. */
  private serviceOf(pod: Pod): string {
    for (const state of this.traffic.all()) {
      const selector = state.service?.spec.selector;
      if (!selector || state.namespace !== pod.metadata.namespace || Object.keys(selector).length === 0) continue;
      if (setSelectorMatches(selector, pod.metadata.labels)) return state.name;
    }
    return "";
  }

  private append(target: Target, now_ms: number, c0: number, c1: number, c2: number, c3: number): void {
    // Prometheus rejects a sample not newer than the series' last one (storage.ErrOutOfOrderSample).
    if (now_ms <= target.lastSample_ms) return;
    const slot = target.slot;
    const i = slot * this.ringSize + this.head[slot];
    this.time_ms[i] = now_ms;
    this.values[i * COLUMNS] = c0;
    this.values[i * COLUMNS + 1] = c1;
    this.values[i * COLUMNS + 2] = c2;
    this.values[i * COLUMNS + 3] = c3;
    this.head[slot] = (this.head[slot] + 1) % this.ringSize;
    if (this.count[slot] < this.ringSize) this.count[slot]++;
    target.lastSample_ms = now_ms;
  }

  private allocSlot(): number {
    const free = this.freeSlots.pop();
    const slot = free ?? this.highWater++;
    if (slot >= this.slotCapacity) this.growSlots(this.slotCapacity * 2);
    this.head[slot] = 0;
    this.count[slot] = 0;
    return slot;
  }

  private freeSlot(slot: number): void {
    this.count[slot] = 0;
    this.freeSlots.push(slot);
  }

  private growSlots(capacity: number): void {
    this.time_ms = resized(this.time_ms, capacity * this.ringSize);
    this.values = resized(this.values, capacity * this.ringSize * COLUMNS);
    this.head = resized(this.head, capacity);
    this.count = resized(this.count, capacity);
    this.slotCapacity = capacity;
  }

  // --- Queries ---------------------------------------------------------------------------------

  /**
   * When a sample of `metric` was last scraped from a series carrying `label` (null = any
   * series); -Infinity if never. What /api/v1/series over [now - maxAge, now] can see.
   */
  lastSeen_ms(metric: string, label: "pod" | "service" | null): number {
    const seen = this.lastSeen.get(metric);
    if (!seen) return -Infinity;
    return label === null ? seen.any_ms : label === "pod" ? seen.pod_ms : seen.service_ms;
  }

  /**
   * `rate(metric{matchers}[window])` (or `increase`, `delta` via the flags) evaluated at `now_ms`:
   * one element per series with at least two samples in (now - window, now].
   */
  rate(metric: string, matchers: readonly LabelMatcher[], window_ms: number, now_ms: number, isRate = true): VectorSample[] {
    const info = EXPOSED_METRICS.get(metric);
    const out: VectorSample[] = [];
    if (!info) return out;
    if (!(window_ms > 0 && window_ms <= this.config.retention_ms)) {
      throw new RangeError(`prometheus: range ${window_ms} ms is outside the retention (${this.config.retention_ms} ms)`);
    }
    const tests = compileAll(matchers);
    const start_ms = now_ms - window_ms;
    for (const target of this.targets) {
      if (target.kind !== info.kind || target.slot < 0 || !matches(tests, target.labels)) continue;
      const n = this.window(target.slot, info.column, start_ms, now_ms);
      const value = extrapolatedRate(this.scratchT, this.scratchV, 0, n, start_ms, now_ms, info.type === "counter", isRate);
      if (value !== undefined) out.push({ labels: target.labels, value });
    }
    return out;
  }

  /** The range selector `metric{matchers}[window]` at `now_ms` (raw samples; for inspection and tests). */
  range(metric: string, matchers: readonly LabelMatcher[], window_ms: number, now_ms: number): { labels: SeriesLabels; t_ms: number[]; values: number[] }[] {
    const info = EXPOSED_METRICS.get(metric);
    const out: { labels: SeriesLabels; t_ms: number[]; values: number[] }[] = [];
    if (!info) return out;
    const tests = compileAll(matchers);
    for (const target of this.targets) {
      if (target.kind !== info.kind || target.slot < 0 || !matches(tests, target.labels)) continue;
      const n = this.window(target.slot, info.column, now_ms - window_ms, now_ms);
      if (n > 0) out.push({ labels: target.labels, t_ms: Array.from(this.scratchT.subarray(0, n)), values: Array.from(this.scratchV.subarray(0, n)) });
    }
    return out;
  }

  /** The instant selector `metric{matchers}` at `now_ms`: newest sample within the lookback, unless stale. */
  instant(metric: string, matchers: readonly LabelMatcher[], now_ms: number): VectorSample[] {
    const info = EXPOSED_METRICS.get(metric);
    const out: VectorSample[] = [];
    if (!info) return out;
    const tests = compileAll(matchers);
    const start_ms = now_ms - this.config.lookbackDelta_ms;
    for (const target of this.targets) {
      if (target.kind !== info.kind || target.slot < 0 || !matches(tests, target.labels)) continue;
      const n = this.window(target.slot, info.column, start_ms, now_ms);
      if (n === 0) continue;
      const t_ms = this.scratchT[n - 1];
      // A staleness marker after the newest sample, at or before now, hides the series.
      if (target.stale_ms > t_ms && target.stale_ms <= now_ms) continue;
      out.push({ labels: target.labels, value: this.scratchV[n - 1] });
    }
    return out;
  }

  /** A parsed query (query.ts) evaluated at `now_ms`: an instant vector. */
  evaluate(query: Query, now_ms: number): VectorSample[] {
    switch (query.kind) {
      case "aggregate":
        return aggregate(query.op, query.by, this.evaluate(query.inner, now_ms));
      case "rate":
        return this.rate(query.metric, query.matchers, query.window_ms, now_ms, query.fn === "rate");
      case "selector":
        return this.instant(query.metric, query.matchers, now_ms);
    }
  }

  /**
   * GET /api/v1/query?query=<text> at `now_ms`: the HTTP status and JSON body Prometheus answers
   * (web/api/v1 api.go query: a vector result, each sample `[unix seconds, "value"]`; a query it
   * cannot parse is 400 bad_data). What KEDA's prometheus scaler reads.
   */
  queryApi(text: string, now_ms: number): { status: number; body: string } {
    let query: Query;
    try {
      query = parseQuery(text, new Set(EXPOSED_METRICS.keys()));
    } catch (e) {
      if (!(e instanceof QueryError)) throw e;
      return { status: 400, body: JSON.stringify({ status: "error", errorType: "bad_data", error: e.message }) };
    }
    const result = this.evaluate(query, now_ms).map((s) => {
      const metric: Record<string, string> = {};
      for (const name of ["namespace", "pod", "service"] as const) if (s.labels[name] !== "") metric[name] = s.labels[name];
      return { metric, value: [now_ms / 1000, formatSampleValue(s.value)] };
    });
    return { status: 200, body: JSON.stringify({ status: "success", data: { resultType: "vector", result } }) };
  }

  /** Copies one series' samples with start < t <= end into the scratch arrays; returns how many. */
  private window(slot: number, column: number, start_ms: number, end_ms: number): number {
    const size = this.ringSize;
    const held = this.count[slot];
    const base = slot * size;
    let i = (this.head[slot] - held + size) % size;
    let n = 0;
    for (let k = 0; k < held; k++) {
      const t = this.time_ms[base + i];
      if (t > start_ms && t <= end_ms) {
        this.scratchT[n] = t;
        this.scratchV[n] = this.values[(base + i) * COLUMNS + column];
        n++;
      }
      i = i + 1 === size ? 0 : i + 1;
    }
    return n;
  }
}

function compileAll(matchers: readonly LabelMatcher[]): { name: string; test: ValueTest }[] {
  return matchers.map((m) => ({ name: m.name, test: compileMatcher(m) }));
}

const LABEL_NAMES: ReadonlySet<string> = new Set<LabelName>(["namespace", "pod", "service"]);

function matches(tests: readonly { name: string; test: ValueTest }[], labels: SeriesLabels): boolean {
  for (const { name, test } of tests) {
    // A label the series does not carry reads as "" in PromQL.
    const value = LABEL_NAMES.has(name) ? labels[name as LabelName] : "";
    if (!test(value)) return false;
  }
  return true;
}

/** A sample value as Prometheus' JSON writes it: NaN and ±Inf spelled out. */
function formatSampleValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}
