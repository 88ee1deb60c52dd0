/**
 * Types of the metrics-server port and the two-point rate, after kubernetes-sigs/metrics-server
 * `pkg/storage/types.go` (MetricsBatch, PodMetricsPoint, MetricsPoint, resourceUsage,
 * uint64Quantity).
 *
 * Units. Times are integer virtual milliseconds (the kubelet's /metrics/resource timestamps are
 * milliseconds too, so nothing finer is lost). Cumulative CPU enters as mcore·ms, the unit the
 * simulator's usage integrals produce: 1 mcore·ms = 1 µs of CPU time = 1000 ns. Decoding turns it
 * into upstream's unit, nanocore·seconds (= ns of CPU time), exactly as the kubelet → Prometheus
 * text → decode.go round trip does (see decode.ts). The rate comes out in nanocores as upstream
 * computes it and in millicores as the HPA reads it (Quantity.MilliValue, rounding up).
 */

/**
 * Go's time limits, in milliseconds. A const enum, as `Sample` is: the read of every pod uses them.
 */
export const enum GoTime {
  /**
   * Go's maxDuration (2^63 − 1 ns, where time.Time.Sub saturates) in whole milliseconds
   * (metav1.Duration of a saturated window).
   */
  MaxDuration_ms = 9223372036854,
  /**
   * Go's zero time.Time (Number.MIN_SAFE_INTEGER here), which is earlier than every simulated
   * instant. Upstream reports it as the Timestamp of a pod whose every container failed
   * resourceUsage (see pod.ts getMetrics).
   */
  ZeroTime_ms = -9007199254740991,
}

/**
 * One sample of a container or node, as the simulated kubelet serves it on /metrics/resource.
 * The producer may reuse these objects from scrape to scrape: storage copies the numbers out and
 * never keeps a reference.
 */
export interface ResourceSample {
  /** container_start_time_seconds (containers) or the node's boot time; integer ms. */
  startTime_ms: number;
  /** The kubelet's timestamp for the stat (cAdvisor's sample time); integer ms. */
  timestamp_ms: number;
  /** container_cpu_usage_seconds_total / node_cpu_usage_seconds_total in mcore·ms (= µs of CPU). */
  cumulativeCpuUsed_mcore_ms: number;
  /** container_memory_working_set_bytes / node_memory_working_set_bytes. */
  memoryWorkingSet_bytes: number;
}

export interface ContainerSample extends ResourceSample {
  name: string;
}

/** One pod's containers in one kubelet response (upstream PodMetricsPoint plus its name). */
export interface PodSample {
  namespace: string;
  name: string;
  containers: readonly ContainerSample[];
}

/**
 * One container's sample in a PodSampleColumns row: its fields at these offsets in a block of
 * `Sample.Fields` numbers. A const enum, so tsc writes the numbers in at each use: V8 reads an
 * exported `const` from its module's cell, checked for initialisation, at every use, and a
 * per-pod loop pays that at each field access (docs/PERFORMANCE.md, "Exported constants are not
 * constants"). The per-pod core's other shared numbers are const enums for the same reason.
 */
export const enum Sample {
  Start = 0,
  Ts = 1,
  Cpu = 2,
  Mem = 3,
  Fields = 4,
}

/**
 * One kubelet's /metrics/resource response: what `decodeBatch` (decode.go) receives for one node.
 * `node` is null when the response carried no complete node stat. A node whose scrape failed is
 * simply absent from the scrape (scraper.go Scrape skips nil batches), and with it all its pods.
 */
export interface NodeScrape {
  nodeName: string;
  node: ResourceSample | null;
  pods: readonly PodSample[];
  /** Optional: the same pods as columns (see PodSampleColumns), which storage then reads. */
  columns?: PodSampleColumns;
}

/**
 * A producer's pods of one response as columns (cAdvisor keeps them so): the same pods as
 * `NodeScrape.pods`, in that order. Pod i is `namespaces[i]/names[i]`; its container j is named
 * `containerNames[i][j]`, its numbers at `values[offsets[i] + j * Sample.Fields + Sample.Start |
 * Sample.Ts | Sample.Cpu | Sample.Mem]`. Storage reads these dense arrays in order instead of an
 * object per pod: at 5,000 pods per scrape, reading objects scattered over the heap was where
 * storing's time went.
 */
export interface PodSampleColumns {
  count: number;
  /**
   * Optional: the pod handle (models/kubelet/pod-handles.ts) of each entry's running pod, when
   * the producer knows it (0 = unknown). Storage then finds the pod's record by it.
   */
  handles?: Float64Array;
  namespaces: readonly string[];
  names: readonly string[];
  containerNames: readonly (readonly string[])[];
  values: Float64Array;
  offsets: Int32Array;
}

/** One metrics-server tick: every node's response, in the order the scraper merged them. */
export type Scrape = readonly NodeScrape[];

/** metrics.k8s.io usage of one container or node. */
export interface ResourceUsage {
  /** What metrics-server computes: truncated nanocores (resource.NewScaledQuantity(v, -9)). */
  cpu_nanocores: number;
  /** Quantity.MilliValue() of that, as the HPA reads it: ceil(nanocores / 1e6). */
  cpu_mcores: number;
  memory_bytes: number;
}

/** metrics.k8s.io/v1beta1 ContainerMetrics. */
export interface ContainerMetrics {
  name: string;
  usage: ResourceUsage;
}

/** metrics.k8s.io/v1beta1 PodMetrics. */
export interface PodMetrics {
  name: string;
  namespace: string;
  timestamp_ms: number;
  window_ms: number;
  containers: ContainerMetrics[];
}

/** metrics.k8s.io/v1beta1 NodeMetrics. */
export interface NodeMetrics {
  name: string;
  timestamp_ms: number;
  window_ms: number;
  usage: ResourceUsage;
}

/**
 * A decoded point as upstream MetricsPoint holds it: CPU in nanocore·seconds (integer-valued
 * double; above 2^53 ns, about 104 core-days, it keeps 53 bits like the float64 the rate is
 * computed in anyway). Stored as plain numeric fields on reused records, never allocated per scrape.
 */
export interface MetricsPoint {
  startTime_ms: number;
  timestamp_ms: number;
  cumulativeCpuUsed_ns: number;
  memoryUsage_bytes: number;
}

/**
 * Go's time.Duration.Seconds() for a duration of `window_ms` milliseconds: whole seconds plus the
 * nanosecond remainder / 1e9, in that order, so the float matches Go's bit for bit. (Not cached:
 * the pods an HPA reads one after another have windows of 10 s or 20 s, by when their node's
 * cAdvisor sampled, so a one-entry cache missed on most reads.)
 */
export function durationSeconds(window_ms: number): number {
  if (window_ms >= GoTime.MaxDuration_ms) return 9223372036 + 854775807 / 1e9;
  const sec = Math.trunc(window_ms / 1000);
  const nsec = (window_ms - sec * 1000) * 1e6;
  return sec + nsec / 1e9;
}

/**
 * Quantity.MilliValue() of NewScaledQuantity(nanocores, -9): AsScaledInt64(-3) rounds away from
 * zero (apimachinery pkg/api/resource/amount.go), so 1 nanocore reads as 1 mcore.
 */
export function nanocoresToMilliValue(nanocores: number): number {
  const q = Math.floor(nanocores / 1e6);
  return q * 1e6 < nanocores ? q + 1 : q;
}

/** Result slot of resourceUsage, reused by the caller: the hot path allocates nothing. */
export interface UsageResult {
  cpu_nanocores: number;
  memory_bytes: number;
  timestamp_ms: number;
  window_ms: number;
}

export function newUsageResult(): UsageResult {
  return { cpu_nanocores: 0, memory_bytes: 0, timestamp_ms: 0, window_ms: 0 };
}

/**
 * pkg/storage/types.go resourceUsage(last, prev): the two-point rate. Returns an error message
 * (upstream's text) or null with `out` filled.
 *
 * - A start time that went backwards or a cumulative counter that went down is an error (the
 *   caller skips that container or node, as upstream logs and continues).
 * - window = last.Timestamp − prev.Timestamp; `window_ms` is passed in because a synthetic Go
 *   zero-time prev point saturates it at maxDuration (see pod.ts).
 * - cpu = uint64(float64(Δcpu_ns) / window.Seconds()) nanocores: truncated toward zero.
 * - memory = last working set.
 */
export function resourceUsage(
  lastStart_ms: number,
  lastTimestamp_ms: number,
  lastCpu_ns: number,
  lastMemory_bytes: number,
  prevStart_ms: number,
  prevCpu_ns: number,
  window_ms: number,
  out: UsageResult,
): string | null {
  const cpu_nanocores = resourceUsageCpu_nanocores(lastStart_ms, lastCpu_ns, prevStart_ms, prevCpu_ns, window_ms);
  if (cpu_nanocores === UsageError.StartTimeDecrease) return "unexpected decrease in startTime of node/container";
  if (cpu_nanocores === UsageError.CpuDecrease) return "unexpected decrease in cumulative CPU usage value";
  out.cpu_nanocores = cpu_nanocores;
  out.memory_bytes = lastMemory_bytes;
  out.timestamp_ms = lastTimestamp_ms;
  out.window_ms = window_ms;
  return null;
}

/** resourceUsageCpu_nanocores's answers for resourceUsage's two errors (a rate is never negative). */
export const enum UsageError {
  StartTimeDecrease = -1,
  CpuDecrease = -2,
}

/**
 * resourceUsage's CPU rate in nanocores, or the UsageError it returns: numbers only, for a reader
 * that keeps them in registers (pod.ts serving a pod, for every pod of every HPA sync) instead of
 * writing and reading back a result object.
 */
export function resourceUsageCpu_nanocores(lastStart_ms: number, lastCpu_ns: number, prevStart_ms: number, prevCpu_ns: number, window_ms: number): number {
  if (lastStart_ms < prevStart_ms) return UsageError.StartTimeDecrease;
  if (lastCpu_ns < prevCpu_ns) return UsageError.CpuDecrease;
  // Storage only keeps a prev strictly older than last, so the window is never 0 (upstream
  // relies on the same invariant: "assumes that the time window is different from 0").
  if (!(window_ms > 0)) throwNonPositiveWindow(window_ms);
  return Math.trunc((lastCpu_ns - prevCpu_ns) / durationSeconds(window_ms));
}

/** Kept out of resourceUsageCpu_nanocores so that it stays small enough for V8 to inline. */
function throwNonPositiveWindow(window_ms: number): never {
  throw new Error(`metrics-server: non-positive window ${window_ms} ms`);
}

export function toResourceUsage(cpu_nanocores: number, memory_bytes: number): ResourceUsage {
  return { cpu_nanocores, cpu_mcores: nanocoresToMilliValue(cpu_nanocores), memory_bytes };
}
