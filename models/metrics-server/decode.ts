/**
 * The decode rules of kubernetes-sigs/metrics-server `pkg/scraper/client/resource/decode.go`
 * (decodeBatch, parseNodeCPUUsageMetrics, parseContainerCPUMetrics, parseContainerMemMetrics,
 * checkContainerMetrics), applied to the simulated kubelet's samples instead of Prometheus text.
 *
 * What survives from the text format, and is reproduced here:
 * - CPU: the kubelet exposes `float64(UsageCoreNanoSeconds) / 1e9` seconds and decode.go reads
 *   it back as `uint64(value * 1e9)` nanoseconds; that float round trip can lose a nanosecond,
 *   and is reproduced bit for bit (`decodeCumulativeCpu_ns`).
 * - Memory: `uint64(value)` bytes (truncation).
 * - A node point with zero CPU or zero memory is dropped ("Failed getting complete node metric").
 * - A pod any of whose containers has zero CPU or zero memory is dropped whole
 *   (checkContainerMetrics returns nil): an idle container whose cgroup has used exactly 0 ns,
 *   or one cAdvisor has not sampled yet, hides its whole pod from the HPA.
 * - Container points of one pod are a map keyed by container name: a later duplicate replaces an
 *   earlier one.
 * Not reproduced: Go's zero time (a series without a timestamp gets the scrape time upstream;
 * simulated samples always carry one), and the float round trip of container_start_time_seconds
 * (times stay exact integer ms; upstream's start time is blurred by ~0.2 µs at Unix epoch scale,
 * which only matters at the exact 10 s boundary of the fresh-container rule).
 */
import { type ContainerSample, type PodSample, type ResourceSample, Sample } from "./types.js";

/**
 * Cumulative CPU in mcore·ms as the kubelet holds it (integer ns from the cgroup counter), sent
 * as float seconds and parsed back by decode.go parseContainerCPUMetrics: uint64(value * 1e9).
 */
export function decodeCumulativeCpu_ns(cumulativeCpuUsed_mcore_ms: number): number {
  const cgroup_ns = Math.floor(cumulativeCpuUsed_mcore_ms * 1000);
  const exposed_s = cgroup_ns / 1e9;
  return Math.trunc(exposed_s * 1e9);
}

/** decode.go parseContainerMemMetrics / parseNodeMemUsageMetrics: uint64(value). */
export function decodeMemory_bytes(memoryWorkingSet_bytes: number): number {
  return Math.trunc(memoryWorkingSet_bytes);
}

/**
 * What is wrong with a sample no kubelet could serve, or null. Callers throw (a simulator bug)
 * and build the message only then, so checking allocates nothing.
 */
export function sampleError(s: ResourceSample): string | null {
  return sampleValuesError(s.startTime_ms, s.timestamp_ms, s.cumulativeCpuUsed_mcore_ms, s.memoryWorkingSet_bytes);
}

/** Whether a kubelet could serve the sample (`sampleValuesError` finds nothing wrong). */
export function isServableSample(startTime_ms: number, timestamp_ms: number, cpu_mcore_ms: number, memory_bytes: number): boolean {
  return sampleValuesError(startTime_ms, timestamp_ms, cpu_mcore_ms, memory_bytes) === null;
}

/**
 * `sampleError` of a sample given by its numbers. (Checked by `isServableSample` at every stored
 * pod, where V8 calls it. The same checks as a predicate of their own, without the messages, were
 * tried: V8 then did not inline the predicate into the store either, and the call cost more.)
 */
export function sampleValuesError(startTime_ms: number, timestamp_ms: number, cpu_mcore_ms: number, memory_bytes: number): string | null {
  if (!Number.isSafeInteger(timestamp_ms)) return `timestamp_ms must be an integer, got ${timestamp_ms}`;
  if (!Number.isSafeInteger(startTime_ms)) return `startTime_ms must be an integer, got ${startTime_ms}`;
  if (!(cpu_mcore_ms >= 0) || !Number.isFinite(cpu_mcore_ms)) return `cumulativeCpuUsed_mcore_ms must be finite and >= 0, got ${cpu_mcore_ms}`;
  if (!(memory_bytes >= 0) || !Number.isFinite(memory_bytes)) return `memoryWorkingSet_bytes must be finite and >= 0, got ${memory_bytes}`;
  return null;
}

/** decodeBatch's node check: a node point missing CPU or memory (0) is not stored. */
export function isCompleteNodePoint(node: ResourceSample | null): node is ResourceSample {
  if (node === null) return false;
  return decodeCumulativeCpu_ns(node.cumulativeCpuUsed_mcore_ms) !== 0 && decodeMemory_bytes(node.memoryWorkingSet_bytes) !== 0;
}

/**
 * True when a later container of the same pod has the same name: container points are a map by
 * name, so the later one is kept.
 */
export function isShadowedName(names: readonly string[], index: number): boolean {
  // The last name is never shadowed: a single-container pod reads no name here (at every store).
  if (index + 1 >= names.length) return false;
  const name = names[index];
  for (let j = index + 1; j < names.length; j++) if (names[j] === name) return true;
  return false;
}

/** decode.go checkContainerMetrics's test of one container: neither its CPU nor its memory decodes to 0. */
export function isCompleteContainer(cpu_mcore_ms: number, memory_bytes: number): boolean {
  return isCompleteDecoded(decodeCumulativeCpu_ns(cpu_mcore_ms), decodeMemory_bytes(memory_bytes));
}

/** `isCompleteContainer` of a container whose CPU (ns) and memory are already decoded. */
export function isCompleteDecoded(cpu_ns: number, memory_bytes: number): boolean {
  return cpu_ns !== 0 && memory_bytes !== 0;
}

/**
 * decode.go checkContainerMetrics: false (pod dropped, "Failed getting complete Pod metric") when
 * any container's CPU or memory decodes to 0. A pod with no containers yields no point at all
 * (decodeBatch skips `len(podMetric.Containers) == 0`). The pod is given as a sample row (see
 * PodSampleColumns): container i named `names[i]`, its numbers at
 * `values[offset + i * Sample.Fields]`.
 */
export function checkContainerRow(names: readonly string[], values: Float64Array, offset: number): boolean {
  if (names.length === 0) return false;
  for (let i = 0; i < names.length; i++) {
    if (isShadowedName(names, i)) continue;
    const o = offset + i * Sample.Fields;
    if (!isCompleteContainer(values[o + Sample.Cpu], values[o + Sample.Mem])) return false;
  }
  return true;
}

/** `checkContainerRow` of a pod given as objects. */
export function checkContainerMetrics(pod: PodSample): boolean {
  const row = new SampleRow();
  const values = row.fill(pod.containers);
  return checkContainerRow(row.names, values, 0);
}

/**
 * A pod's container samples copied into a row (for producers that give objects, not columns);
 * reusable: each `fill` overwrites the last.
 */
export class SampleRow {
  values = new Float64Array(4 * Sample.Fields);
  readonly names: string[] = [];

  fill(containers: readonly ContainerSample[]): Float64Array {
    const n = containers.length;
    if (n * Sample.Fields > this.values.length) this.values = new Float64Array(2 * n * Sample.Fields);
    this.names.length = n;
    for (let i = 0; i < n; i++) {
      const c = containers[i];
      const o = i * Sample.Fields;
      this.names[i] = c.name;
      this.values[o + Sample.Start] = c.startTime_ms;
      this.values[o + Sample.Ts] = c.timestamp_ms;
      this.values[o + Sample.Cpu] = c.cumulativeCpuUsed_mcore_ms;
      this.values[o + Sample.Mem] = c.memoryWorkingSet_bytes;
    }
    return this.values;
  }
}
