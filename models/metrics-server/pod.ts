/**
 * Port of kubernetes-sigs/metrics-server `pkg/storage/pod.go` podStorage (Store, GetMetrics).
 *
 * Upstream rebuilds two maps (last, prev) on every Store. Here each pod and container keeps one
 * record that is updated in place, so a 5,000-pod scrape every 15 s allocates nothing once the
 * records exist; records of pods and containers missing from a scrape are deleted afterwards,
 * which is what rebuilding the maps does upstream. Lookups go namespace → pod name → container
 * name with the producer's strings, so no key string is built per point.
 *
 * Determinism: upstream iterates Go maps (random order). Here containers keep their first-seen
 * order, which decides the tie upstream leaves to chance: when two containers share the
 * earliest timestamp, the first one's window is reported.
 */
import { checkContainerMetrics, decodeCumulativeCpu_ns, decodeMemory_bytes, isShadowed, sampleError } from "./decode.js";
import {
  GO_MAX_DURATION_MS,
  GO_ZERO_TIME_MS,
  nanocoresToMilliValue,
  newUsageResult,
  resourceUsage,
  toResourceUsage,
  type ContainerMetrics,
  type PodMetrics,
  type PodSample,
  type UsageResult,
} from "./types.js";
import { PodSummaryTable, type PodSummaryVisitor } from "./pod-summaries.js";

/** pod.go freshContainerMinMetricsResolution: 10 s. */
export const FRESH_CONTAINER_MIN_METRICS_RESOLUTION_MS = 10_000;

/** Which prev point a container has after a Store. */
const enum Prev {
  /** No prev: the pod is not returned until there is one. */
  None = 0,
  /** A real earlier point (moved from last or kept). */
  Point = 1,
  /**
   * The zero-valued MetricsPoint upstream stores when the pod had a prev but this container had
   * none and the new point is not newer than last: `prevPod.Containers[containerName]` reads the
   * map's zero value, whose Go zero time is before every timestamp, so it is "kept". The window
   * then saturates at maxDuration and the CPU reads ~0. Reproduced because the HPA sees it.
   */
  GoZero = 2,
}

class ContainerRecord {
  // last point
  lastStart_ms = 0;
  lastTimestamp_ms = 0;
  lastCpu_ns = 0;
  lastMemory_bytes = 0;
  // prev point (meaningful when prevKind !== Prev.None)
  prevKind: Prev = Prev.None;
  prevStart_ms = 0;
  prevTimestamp_ms = 0;
  prevCpu_ns = 0;
  /** Scrape generation that last stored this container; older ones are swept. */
  generation = 0;

  constructor(readonly name: string) {}
}

class PodRecord {
  /** In first-seen order; a handful per pod, so a linear scan beats a map. */
  readonly containers: ContainerRecord[] = [];
  /**
   * `containers.length` and `containers[0] ?? null`, kept beside the list by storePod (its only
   * writer), so that storing a pod whose containers are all there already, the usual case, need
   * not read the list (for a single-container pod): at 5,000 pods, a scrape's time goes to such
   * cache misses.
   */
  containerCount = 0;
  firstContainer: ContainerRecord | null = null;
  /** Upstream "pod found in s.prev": at least one container had a prev after the last Store. */
  hasPrev = false;
  generation = 0;
  /** The storage whose maps hold this record, while they do (null once swept). */
  owner: PodStorage | null = null;

  constructor(
    readonly namespace: string,
    readonly name: string,
    /** Its row in the storage's PodSummaryTable. */
    readonly slot: number,
  ) {}

  container(name: string): ContainerRecord | undefined {
    const cs = this.containers;
    for (let i = 0; i < cs.length; i++) if (cs[i].name === name) return cs[i];
    return undefined;
  }
}

export class PodStorage {
  private readonly namespaces = new Map<string, Map<string, PodRecord>>();
  private generation = 0;
  /** Pods with a prev point (len(s.prev) upstream): storage.go podReady. */
  private podsWithPrev = 0;
  /** Containers with a prev point: the metrics_server_storage_points{type="container"} gauge. */
  private containerPoints = 0;
  private readonly usage = newUsageResult();
  /** Each stored pod's totals, as of its last store (see visitSummaries). */
  private readonly summaries = new PodSummaryTable();

  /** @param metricResolution_ms --metric-resolution (binary default 60 s; manifests 15 s). */
  constructor(readonly metricResolution_ms: number) {
    if (!(metricResolution_ms > 0) || !Number.isSafeInteger(metricResolution_ms)) {
      throw new RangeError(`metricResolution_ms must be a positive integer, got ${metricResolution_ms}`);
    }
  }

  /** Begins a Store: pods and containers not stored before `endStore` are dropped then. */
  beginStore(): void {
    this.generation++;
    this.podsWithPrev = 0;
    this.containerPoints = 0;
  }

  /**
   * Stores one pod's point of the current scrape (the body of pod.go Store's loop). Returns false
   * when the pod was dropped: by decode.go's checkContainerMetrics, or as a duplicate of a pod
   * already stored this scrape ("Got duplicate pod point": the first one wins, as in scraper.go
   * and pod.go).
   */
  storePod(pod: PodSample): boolean {
    const samples = pod.containers;
    for (let i = 0; i < samples.length; i++) {
      const err = sampleError(samples[i]);
      if (err !== null) throw new RangeError(`pod ${pod.namespace}/${pod.name} container ${samples[i].name}: ${err}`);
    }
    if (!checkContainerMetrics(pod)) return false;
    // A producer that reuses its sample objects (cAdvisor) gives each a `storageHint` slot, where
    // the record the pod was stored in is kept. A record still held by this storage under the
    // sample's namespace and name is what the lookup below would find, so it saves the lookup;
    // anything else (another storage's record, a swept one, a renamed sample) falls back to it.
    const hinted = pod as PodSample & { storageHint?: object | null };
    const hint = hinted.storageHint as PodRecord | null | undefined;
    let rec: PodRecord | undefined;
    let created = false;
    if (hint != null && hint.owner === this && hint.name === pod.name && hint.namespace === pod.namespace) {
      rec = hint;
    } else {
      let byName = this.namespaces.get(pod.namespace);
      if (byName === undefined) {
        byName = new Map();
        this.namespaces.set(pod.namespace, byName);
      }
      rec = byName.get(pod.name);
      if (rec === undefined) {
        rec = new PodRecord(pod.namespace, pod.name, this.summaries.alloc(pod.namespace, pod.name));
        rec.owner = this;
        byName.set(pod.name, rec);
        created = true;
      }
      if (hint !== undefined) hinted.storageHint = rec;
    }
    // Every record present at this point was stored by the previous Store (older ones were
    // swept), so "found" here is upstream's "found in s.last".
    if (!created && rec.generation === this.generation) return false;
    const foundInLast = !created;
    const podHadPrev = foundInLast && rec.hasPrev;
    rec.generation = this.generation;

    const resolution_ms = this.metricResolution_ms;
    let prevCount = 0;
    // Containers stored by this call (one record each: names are unique once shadowed ones are skipped).
    let storedCount = 0;
    for (let i = 0; i < samples.length; i++) {
      if (isShadowed(samples, i)) continue;
      storedCount++;
      const s = samples[i];
      const start_ms = s.startTime_ms;
      const ts_ms = s.timestamp_ms;
      const cpu_ns = decodeCumulativeCpu_ns(s.cumulativeCpuUsed_mcore_ms);
      const mem_bytes = decodeMemory_bytes(s.memoryWorkingSet_bytes);

      const first = rec.firstContainer;
      let c = first !== null && first.name === s.name ? first : rec.container(s.name);
      const containerInLast = foundInLast && c !== undefined;
      if (c === undefined) {
        c = new ContainerRecord(s.name);
        rec.containers.push(c);
        rec.containerCount++;
        if (first === null) rec.firstContainer = c;
      }
      c.generation = this.generation;

      const age_ms = ts_ms - start_ms;
      if (start_ms < ts_ms && age_ms < resolution_ms && age_ms >= FRESH_CONTAINER_MIN_METRICS_RESOLUTION_MS) {
        // Fresh container: a synthetic prev at (StartTime, 0 CPU), so a new container gets a
        // CPU value from its first scrape instead of its second.
        c.prevKind = Prev.Point;
        c.prevStart_ms = start_ms;
        c.prevTimestamp_ms = start_ms;
        c.prevCpu_ns = 0;
      } else if (containerInLast && start_ms < c.lastTimestamp_ms) {
        // Not restarted (started before the stored point was taken).
        if (ts_ms > c.lastTimestamp_ms) {
          // A newer point: the stored last becomes prev.
          c.prevKind = Prev.Point;
          c.prevStart_ms = c.lastStart_ms;
          c.prevTimestamp_ms = c.lastTimestamp_ms;
          c.prevCpu_ns = c.lastCpu_ns;
        } else if (podHadPrev) {
          if (c.prevKind === Prev.None) {
            c.prevKind = Prev.GoZero;
          } else if (c.prevKind === Prev.Point && !(c.prevTimestamp_ms < ts_ms)) {
            // "Found new containerName metrics point is older than stored previous, drop previous"
            c.prevKind = Prev.None;
          }
          // else: keep prev (a GoZero prev is before everything, so it is kept too).
        } else {
          c.prevKind = Prev.None;
        }
      } else {
        // New container, restart (start time at or after the stored point), or pod not in last.
        c.prevKind = Prev.None;
      }
      c.lastStart_ms = start_ms;
      c.lastTimestamp_ms = ts_ms;
      c.lastCpu_ns = cpu_ns;
      c.lastMemory_bytes = mem_bytes;
      if (c.prevKind !== Prev.None) prevCount++;
    }
    // Containers of this pod absent from the scrape are gone (newLastPod holds only new points).
    // Usually there are none, and then the list is left as it is.
    if (rec.containerCount !== storedCount) {
      const cs = rec.containers;
      let keep = 0;
      for (let i = 0; i < cs.length; i++) if (cs[i].generation === this.generation) cs[keep++] = cs[i];
      cs.length = keep;
      rec.containerCount = keep;
      rec.firstContainer = keep > 0 ? cs[0] : null;
    }

    rec.hasPrev = prevCount > 0;
    if (rec.hasPrev) this.podsWithPrev++;
    this.containerPoints += prevCount;
    this.summarize(rec);
    return true;
  }

  /** Writes the pod's row of the summary table: what getMetrics would return for it now. */
  private summarize(rec: PodRecord): void {
    if (!isReturned(rec)) {
      this.summaries.setNotReturned(rec.slot);
      return;
    }
    const u = this.usage;
    const cs = rec.containers;
    let containers = 0;
    let cpuMilli = 0;
    let memory_bytes = 0;
    let earliestTimestamp_ms = GO_ZERO_TIME_MS;
    let earliestWindow_ms = 0;
    for (let i = 0; i < cs.length; i++) {
      if (!containerUsage(cs[i], u)) continue;
      if (containers === 0 || earliestTimestamp_ms > u.timestamp_ms) {
        earliestTimestamp_ms = u.timestamp_ms;
        earliestWindow_ms = u.window_ms;
      }
      containers++;
      cpuMilli += nanocoresToMilliValue(u.cpu_nanocores);
      memory_bytes += u.memory_bytes;
    }
    this.summaries.setReturned(rec.slot, earliestTimestamp_ms, earliestWindow_ms, containers, cpuMilli, memory_bytes);
  }

  /** Ends a Store: drops every pod not stored in this scrape (s.last = lastPods upstream). */
  endStore(): void {
    const gen = this.generation;
    // Deleting the current entry while iterating a Map is well defined in JS.
    for (const byName of this.namespaces.values()) {
      let namespace = "";
      for (const rec of byName.values()) {
        namespace = rec.namespace;
        if (rec.generation !== gen) {
          byName.delete(rec.name);
          rec.owner = null; // a sample's hint to it is stale now
          this.summaries.release(rec.slot);
        }
      }
      if (byName.size === 0) this.namespaces.delete(namespace);
    }
  }

  /** storage.go podReady: len(s.pods.prev) != 0. */
  ready(): boolean {
    return this.podsWithPrev > 0;
  }

  /** Containers with both points (metrics_server_storage_points{type="container"}). */
  pointsStored(): number {
    return this.containerPoints;
  }

  /**
   * pod.go GetMetrics, for pods of one namespace, in the order asked. A pod is returned only when
   * it has a last and a prev and every container has a prev; a container whose rate errs is left
   * out of an otherwise returned pod. Timestamp and window are those of the container with the
   * earliest last timestamp.
   */
  getMetrics(namespace: string, podNames: readonly string[]): PodMetrics[] {
    const builder = new PodMetricsBuilder();
    this.visitMetrics(namespace, podNames, builder);
    return builder.results;
  }

  /**
   * What `getMetrics` returns, streamed to a visitor instead of built as objects: for each pod
   * returned, `container` once per container whose rate succeeded (the usage slot is reused:
   * copy what you keep), then `pod`. Readers that only aggregate (the HPA's resource metrics
   * client, every pod of every HPA sync) then allocate nothing per pod.
   */
  visitMetrics(namespace: string, podNames: readonly string[], visitor: PodMetricsVisitor): void {
    const byName = this.namespaces.get(namespace);
    if (byName === undefined) return;
    const u = this.usage;
    for (let p = 0; p < podNames.length; p++) {
      const rec = byName.get(podNames[p]);
      if (rec === undefined || !isReturned(rec)) continue;
      const cs = rec.containers;
      let earliestTimestamp_ms = GO_ZERO_TIME_MS;
      let earliestWindow_ms = 0;
      let haveEarliest = false;
      for (let i = 0; i < cs.length; i++) {
        if (!containerUsage(cs[i], u)) continue; // "Skipping container usage metric"
        visitor.container(cs[i].name, u);
        if (!haveEarliest || earliestTimestamp_ms > u.timestamp_ms) {
          haveEarliest = true;
          earliestTimestamp_ms = u.timestamp_ms;
          earliestWindow_ms = u.window_ms;
        }
      }
      visitor.pod(rec.namespace, rec.name, earliestTimestamp_ms, earliestWindow_ms);
    }
  }

  /**
   * For each pod of `podNames` that getMetrics would return, in that order, its totals over the
   * containers getMetrics would list (PodSummaryVisitor). Reads only the summary table, which
   * `storePod` keeps current, so it equals summing `visitMetrics`'s containers (a test checks).
   */
  visitSummaries(namespace: string, podNames: readonly string[], visitor: PodSummaryVisitor): void {
    const byName = this.namespaces.get(namespace);
    if (byName === undefined) return;
    this.summaries.visit(namespace, podNames, (name) => byName.get(name)?.slot ?? -1, visitor);
  }
}

/** pod.go GetMetrics's condition to return a pod: a prev point for every container. */
function isReturned(rec: PodRecord): boolean {
  if (!rec.hasPrev) return false;
  const cs = rec.containers;
  for (let i = 0; i < cs.length; i++) if (cs[i].prevKind === Prev.None) return false;
  return true;
}

/** A container's usage from its two points into `u` (types.go resourceUsage); false on error. */
function containerUsage(c: ContainerRecord, u: UsageResult): boolean {
  const zero = c.prevKind === Prev.GoZero;
  const window_ms = zero ? GO_MAX_DURATION_MS : c.lastTimestamp_ms - c.prevTimestamp_ms;
  const err = resourceUsage(
    c.lastStart_ms,
    c.lastTimestamp_ms,
    c.lastCpu_ns,
    c.lastMemory_bytes,
    zero ? GO_ZERO_TIME_MS : c.prevStart_ms,
    zero ? 0 : c.prevCpu_ns,
    window_ms,
    u,
  );
  return err === null;
}

/** Receives `PodStorage.visitMetrics`'s pods: a pod's containers first, then the pod. */
export interface PodMetricsVisitor {
  container(name: string, usage: Readonly<UsageResult>): void;
  pod(namespace: string, name: string, timestamp_ms: number, window_ms: number): void;
}

/** Builds getMetrics's PodMetrics objects. */
class PodMetricsBuilder implements PodMetricsVisitor {
  readonly results: PodMetrics[] = [];
  private containers: ContainerMetrics[] = [];

  container(name: string, usage: Readonly<UsageResult>): void {
    this.containers.push({ name, usage: toResourceUsage(usage) });
  }

  pod(namespace: string, name: string, timestamp_ms: number, window_ms: number): void {
    this.results.push({ name, namespace, timestamp_ms, window_ms, containers: this.containers });
    this.containers = [];
  }
}
