/**
 * Port of kubernetes-sigs/metrics-server `pkg/storage/pod.go` podStorage (Store, GetMetrics).
 *
 * Upstream rebuilds two maps (last, prev) on every Store. Here each pod keeps one record and each
 * container one row of a ContainerPoints table (its numbers in a typed array by container slot,
 * see container-points.ts), updated in place, so a 5,000-pod scrape every 15 s allocates nothing
 * once they exist; pods and containers missing from a scrape are deleted afterwards, which is
 * what rebuilding the maps does upstream. Lookups go namespace → pod name → container
 * name with the producer's strings, so no key string is built per point.
 *
 * Determinism: upstream iterates Go maps (random order). Here containers keep their first-seen
 * order, which decides the tie upstream leaves to chance: when two containers share the
 * earliest timestamp, the first one's window is reported.
 */
import { decodeCumulativeCpu_ns, decodeMemory_bytes, isCompleteContainer, isCompleteDecoded, isServableSample, isShadowedName, SampleRow, sampleValuesError } from "./decode.js";
import {
  type ContainerMetrics,
  GoTime,
  nanocoresToMilliValue,
  type PodMetrics,
  type PodSample,
  type PodSampleColumns,
  resourceUsageCpu_nanocores,
  Sample,
  toResourceUsage,
} from "./types.js";
import { resized } from "../../engine/typed-arrays.js";
import { handleIndex, PodHandle } from "../kubelet/pod-handles.js";
import { RecordsByHandle } from "./records-by-handle.js";
import { SlotAllocator } from "./slot-allocator.js";
import { ContainerPoints, Point } from "./container-points.js";

/** pod.go freshContainerMinMetricsResolution: 10 s. */
const FRESH_CONTAINER_MIN_METRICS_RESOLUTION_MS = 10_000;

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

// A record's fields, in its row of `PodStorage.records` (RECORD_FIELDS int32s per slot).
/**
 * The pod's containers, in first-seen order: a list through ContainerPoints `next`, from FIRST
 * to LAST (Point.None when empty), COUNT long, walked by count so that the last `next` is
 * never read. A handful per pod, so a linear scan beats a map. storePod is the only writer.
 * (The name of FIRST is in `PodStorage.firstNames`, so that storing a single-container pod whose
 * container is there already, the usual case, finds it without reading the names array.)
 */
const FIRST = 0;
const LAST = 1;
const COUNT = 2;
/** Upstream "pod found in s.prev": 1 when at least one container had a prev after the last Store. */
const HAS_PREV = 3;
/** The Store that last stored the pod (FREE: the slot holds no record). */
const GENERATION = 4;
const FREE = -1;
const RECORD_FIELDS = 8;

/** The slot of the container named `name` among those of the record at `r`, or Point.None. */
function findContainer(records: Int32Array, r: number, points: ContainerPoints, name: string): number {
  const names = points.names;
  const next = points.next;
  let c = records[r + FIRST];
  for (let k = 0; k < records[r + COUNT]; k++) {
    if (k > 0) c = next[c];
    if (names[c] === name) return c;
  }
  return Point.None;
}

/** Record rows for `slots` slots, all free. */
function newRecordRows(slots: number): Int32Array {
  const records = new Int32Array(slots * RECORD_FIELDS);
  markFree(records, 0);
  return records;
}

/** Marks the record rows from offset `from` (a row's start) on free. */
function markFree(records: Int32Array, from: number): void {
  for (let r = from; r < records.length; r += RECORD_FIELDS) records[r + GENERATION] = FREE;
}

export class PodStorage {
  /**
   * Each stored pod's record slot, by namespace then name. A slot, not an object: what storing
   * and serving read of a pod is in its row of `records` (see RECORD_FIELDS), so a lookup reads
   * no per-pod object (at 5,000 pods, each such read is a cache miss).
   */
  private readonly namespaces = new Map<string, Map<string, number>>();
  private generation = 0;
  /** Records held, and how many of them the current Store has stored (none to sweep when equal). */
  private recordCount = 0;
  private storedThisStore = 0;
  /** Pods with a prev point (len(s.prev) upstream): storage.go podReady. */
  private podsWithPrev = 0;
  /** Containers with a prev point: the metrics_server_storage_points{type="container"} gauge. */
  private containerPoints = 0;
  /** Every stored container's last and prev points, by container slot. */
  private readonly points = new ContainerPoints();
  private readonly scratch = new SampleRow();
  /** Each running pod's record, by its handle, for producers and readers that know handles. */
  private readonly byHandle = new RecordsByHandle();
  /**
   * Each stored pod's record fields, by record slot (see RECORD_FIELDS). A running pod's record
   * goes, when that slot is free, in the slot of its handle's index, and its first container's
   * row in the same row of `points`: handle indices are laid out by node (pod-handles.ts), so
   * storing a node's scrape then walks contiguous rows instead of wherever each pod's record
   * happened to be created, and the three rows an HPA's read of a pod needs sit at one index.
   * Where a record sits is otherwise unobservable (lookups go by name or handle).
   */
  private records = newRecordRows(64);
  private readonly slots = new SlotAllocator((slot) => this.isFreeSlot(slot));
  /** The name of each record's FIRST container ("" when none). */
  private readonly firstNames: string[] = [];
  /** Each record's pod namespace and name (its keys in `namespaces`), for dropping it. */
  private readonly podNamespaces: string[] = [];
  private readonly podNames: string[] = [];
  /** Scratch of `visitMetrics`: the record slot of each pod visited. */
  private visitSlots = new Int32Array(64);
  /** What `findRecords` read, kept only so its loads stay. */
  private touched = 0;

  /** @param metricResolution_ms --metric-resolution (binary default 60 s; manifests 15 s). */
  constructor(readonly metricResolution_ms: number) {
    if (!(metricResolution_ms > 0) || !Number.isSafeInteger(metricResolution_ms)) {
      throw new RangeError(`metricResolution_ms must be a positive integer, got ${metricResolution_ms}`);
    }
  }

  /** Begins a Store: pods and containers not stored before `endStore` are dropped then. */
  beginStore(): void {
    this.generation++;
    this.storedThisStore = 0;
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
    const values = this.scratch.fill(pod.containers);
    return this.storeRow(pod.namespace, pod.name, this.scratch.names, values, 0, PodHandle.None);
  }

  /** `storePod` for each pod of a producer's columns, in order; returns how many were stored. */
  storeColumns(columns: PodSampleColumns): number {
    let stored = 0;
    const handles = columns.handles;
    for (let i = 0; i < columns.count; i++) {
      const handle = handles === undefined ? PodHandle.None : handles[i];
      const names = columns.containerNames[i];
      if (names.length === 1 && this.storeKnownContainer(handle, names[0], columns.values, columns.offsets[i])) stored++;
      else if (this.storeRow(columns.namespaces[i], columns.names[i], names, columns.values, columns.offsets[i], handle)) stored++;
    }
    return stored;
  }

  /**
   * `storeRow` of the usual pod, small enough for V8 to inline into the per-pod loop (storeRow,
   * which handles every case, is a call there): one container, named `name`, its sample at
   * `values[offset]`, servable and complete; its record found by `handle`, stored by the last
   * Store (not yet by this one) with exactly that container. The same rules (storePoint), about
   * a third fewer instructions per stored pod. Returns false, having changed nothing, for any
   * other pod: `storeRow` then stores it (or throws, or drops it).
   */
  private storeKnownContainer(handle: number, name: string, values: Float64Array, offset: number): boolean {
    const slot = this.byHandle.lookup(handle);
    if (slot < 0) return false;
    const records = this.records;
    const r = slot * RECORD_FIELDS;
    if (records[r + GENERATION] === this.generation || records[r + COUNT] !== 1 || this.firstNames[slot] !== name) return false;
    const start_ms = values[offset + Sample.Start];
    const ts_ms = values[offset + Sample.Ts];
    const cpu = values[offset + Sample.Cpu];
    const mem = values[offset + Sample.Mem];
    if (!isServableSample(start_ms, ts_ms, cpu, mem)) return false;
    const cpu_ns = decodeCumulativeCpu_ns(cpu);
    const mem_bytes = decodeMemory_bytes(mem);
    if (!isCompleteDecoded(cpu_ns, mem_bytes)) return false;
    const podHadPrev = records[r + HAS_PREV] === 1;
    records[r + GENERATION] = this.generation;
    this.storedThisStore++;
    const hasPrev = storePoint(this.points.data, records[r + FIRST] * Point.Stride, start_ms, ts_ms, cpu_ns, mem_bytes, true, podHadPrev, this.metricResolution_ms);
    records[r + HAS_PREV] = hasPrev ? 1 : 0;
    if (hasPrev) {
      this.podsWithPrev++;
      this.containerPoints++;
    }
    return true;
  }

  /**
   * Stores pod `namespace/name` whose container j is named `names[j]`, its sample at
   * `values[offset + j * Sample.Fields]`; `handle` is the running pod's handle, or PodHandle.None.
   */
  private storeRow(namespace: string, name: string, names: readonly string[], values: Float64Array, offset: number, handle: number): boolean {
    // One pass: the numbers no kubelet could serve (a simulator bug: thrown), and decode.go
    // checkContainerMetrics (the pod is dropped when an unshadowed container decodes to 0).
    const n = names.length;
    let complete = n !== 0;
    for (let i = 0; i < n; i++) {
      const o = offset + i * Sample.Fields;
      const cpu = values[o + Sample.Cpu];
      const mem = values[o + Sample.Mem];
      if (!isServableSample(values[o + Sample.Start], values[o + Sample.Ts], cpu, mem)) throwUnservable(namespace, name, names[i], values, o);
      if (!isCompleteContainer(cpu, mem) && !isShadowedName(names, i)) complete = false;
    }
    if (!complete) return false;
    let slot = this.byHandle.lookup(handle);
    let created = false;
    if (slot < 0) {
      let byName = this.namespaces.get(namespace);
      if (byName === undefined) {
        byName = new Map();
        this.namespaces.set(namespace, byName);
      }
      const found = byName.get(name);
      created = found === undefined;
      slot = found ?? this.newRecord(namespace, name, handle === PodHandle.None ? -1 : handleIndex(handle));
      if (created) byName.set(name, slot);
      if (handle !== PodHandle.None) this.byHandle.bind(handle, slot);
    }
    const records = this.records;
    const r = slot * RECORD_FIELDS;
    // Every record present at this point was stored by the previous Store (older ones were
    // swept), so "found" here is upstream's "found in s.last".
    if (!created && records[r + GENERATION] === this.generation) return false;
    const foundInLast = !created;
    const podHadPrev = foundInLast && records[r + HAS_PREV] === 1;
    records[r + GENERATION] = this.generation;
    this.storedThisStore++;

    const resolution_ms = this.metricResolution_ms;
    const points = this.points;
    let d = points.data;
    let prevCount = 0;
    // Containers stored by this call (one row each: names are unique once shadowed ones are skipped).
    let storedCount = 0;
    for (let i = 0; i < names.length; i++) {
      if (isShadowedName(names, i)) continue;
      storedCount++;
      const containerName = names[i];
      const v = offset + i * Sample.Fields;
      const start_ms = values[v + Sample.Start];
      const ts_ms = values[v + Sample.Ts];
      const cpu_ns = decodeCumulativeCpu_ns(values[v + Sample.Cpu]);
      const mem_bytes = decodeMemory_bytes(values[v + Sample.Mem]);

      const first = records[r + FIRST];
      let c = first !== Point.None && this.firstNames[slot] === containerName ? first : findContainer(records, r, points, containerName);
      const containerInLast = foundInLast && c !== Point.None;
      if (c === Point.None) {
        c = points.alloc(containerName, records[r + COUNT] === 0 ? slot : -1);
        d = points.data; // may have grown
        if (records[r + LAST] === Point.None) {
          records[r + FIRST] = c;
          this.firstNames[slot] = containerName;
        } else points.next[records[r + LAST]] = c;
        records[r + LAST] = c;
        records[r + COUNT]++;
      }
      if (storePoint(d, c * Point.Stride, start_ms, ts_ms, cpu_ns, mem_bytes, containerInLast, podHadPrev, resolution_ms)) prevCount++;
    }
    // Containers of this pod absent from the scrape are gone (newLastPod holds only new points).
    // Usually there are none, and then the list is left as it is.
    if (records[r + COUNT] !== storedCount) {
      const next = points.next;
      const n = records[r + COUNT];
      let kept = Point.None;
      let keep = 0;
      let c = records[r + FIRST];
      for (let k = 0; k < n; k++) {
        const following = k + 1 < n ? next[c] : Point.None;
        if (names.includes(points.names[c])) {
          if (kept === Point.None) {
            records[r + FIRST] = c;
            this.firstNames[slot] = points.names[c];
          } else next[kept] = c;
          kept = c;
          keep++;
        } else {
          points.release(c);
        }
        c = following;
      }
      if (kept === Point.None) {
        records[r + FIRST] = Point.None;
        this.firstNames[slot] = "";
      } else next[kept] = Point.None;
      records[r + LAST] = kept;
      records[r + COUNT] = keep;
    }

    records[r + HAS_PREV] = prevCount > 0 ? 1 : 0;
    if (prevCount > 0) this.podsWithPrev++;
    this.containerPoints += prevCount;
    return true;
  }

  /**
   * A record of pod `namespace/name` with no containers, in slot `preferred` when that is free
   * (-1: none preferred), else in a free slot.
   */
  private newRecord(namespace: string, name: string, preferred: number): number {
    const slot = this.slots.take(preferred);
    if ((slot + 1) * RECORD_FIELDS > this.records.length) {
      const old = this.records.length;
      this.records = resized(this.records, Math.max((slot + 1) * RECORD_FIELDS, 2 * this.records.length));
      markFree(this.records, old);
    }
    const r = slot * RECORD_FIELDS;
    this.records[r + FIRST] = Point.None;
    this.records[r + LAST] = Point.None;
    this.records[r + COUNT] = 0;
    this.records[r + HAS_PREV] = 0;
    this.records[r + GENERATION] = 0;
    this.recordCount++;
    while (this.firstNames.length <= slot) {
      this.firstNames.push("");
      this.podNamespaces.push("");
      this.podNames.push("");
    }
    this.firstNames[slot] = "";
    this.podNamespaces[slot] = namespace;
    this.podNames[slot] = name;
    return slot;
  }

  private isFreeSlot(slot: number): boolean {
    return slot * RECORD_FIELDS >= this.records.length || this.records[slot * RECORD_FIELDS + GENERATION] === FREE;
  }

  /** Ends a Store: drops every pod not stored in this scrape (s.last = lastPods upstream). */
  endStore(): void {
    // Every record was stored by this Store (the usual case): nothing to drop, no walk.
    if (this.storedThisStore === this.recordCount) return;
    const gen = this.generation;
    // By slot, not through the maps: iterating a Map allocates an entry per pod, and at 5,000
    // pods a scrape in which some pod left then allocated ~70 KB.
    for (let slot = 0; slot < this.slots.bound; slot++) {
      const r = slot * RECORD_FIELDS;
      if (this.records[r + GENERATION] === gen || this.records[r + GENERATION] === FREE) continue;
      const namespace = this.podNamespaces[slot];
      const byName = this.namespaces.get(namespace)!;
      byName.delete(this.podNames[slot]);
      if (byName.size === 0) this.namespaces.delete(namespace);
      this.recordCount--;
      const next = this.points.next;
      let c = this.records[r + FIRST];
      for (let k = 0; k < this.records[r + COUNT]; k++) {
        if (k > 0) c = next[c];
        this.points.release(c);
      }
      this.records[r + GENERATION] = FREE;
      this.firstNames[slot] = "";
      this.podNamespaces[slot] = "";
      this.podNames[slot] = "";
      this.byHandle.unbindRecord(slot);
      this.slots.release(slot);
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
   * returned, `container` once per container whose rate succeeded, then `pod`, with the pod's
   * place in `podNames`. Readers that only aggregate (the HPA's resource metrics client, every pod
   * of every HPA sync) then allocate nothing per pod. `podHandles`, when given, holds each named
   * pod's handle (PodHandle.None when unknown): a pod whose samples were stored under that handle
   * is found by it, the others by name, with the same answer.
   */
  visitMetrics(namespace: string, podNames: readonly string[], visitor: PodMetricsVisitor, podHandles?: ArrayLike<number>): void {
    const byName = this.namespaces.get(namespace);
    if (byName === undefined) return;
    const d = this.points.data;
    const names = this.points.names;
    const next = this.points.next;
    const slots = this.findRecords(podNames, byName, podHandles);
    // Visitors only read: nothing here changes while the pods are visited.
    const records = this.records;
    for (let p = 0; p < podNames.length; p++) {
      const name = podNames[p];
      const slot = slots[p];
      if (slot < 0) continue;
      const r = slot * RECORD_FIELDS;
      let c = records[r + FIRST];
      const count = records[r + COUNT];
      if (!isReturned(records[r + HAS_PREV] === 1, c, count, d, next)) continue;
      let earliestTimestamp_ms = GoTime.ZeroTime_ms;
      let earliestWindow_ms = 0;
      let haveEarliest = false;
      for (let k = 0; k < count; k++) {
        if (k > 0) c = next[c];
        // types.go resourceUsage of the container's two points, in numbers (no result object:
        // this runs for every pod of every HPA sync).
        const o = c * Point.Stride;
        const zero = d[o + Point.PrevKind] === Prev.GoZero;
        const timestamp_ms = d[o + Point.LastTs];
        const window_ms = zero ? GoTime.MaxDuration_ms : timestamp_ms - d[o + Point.PrevTs];
        const cpu_nanocores = resourceUsageCpu_nanocores(d[o + Point.LastStart], d[o + Point.LastCpu], zero ? GoTime.ZeroTime_ms : d[o + Point.PrevStart], zero ? 0 : d[o + Point.PrevCpu], window_ms);
        if (cpu_nanocores < 0) continue; // an error: "Skipping container usage metric"
        visitor.container(names[c], cpu_nanocores, d[o + Point.LastMem]);
        if (!haveEarliest || earliestTimestamp_ms > timestamp_ms) {
          haveEarliest = true;
          earliestTimestamp_ms = timestamp_ms;
          earliestWindow_ms = window_ms;
        }
      }
      visitor.pod(namespace, name, p, earliestTimestamp_ms, earliestWindow_ms);
    }
  }

  /**
   * The record slot of each named pod (-1 when none), in `visitSlots`, with each found record's
   * row and its first container's row brought into the cache. An HPA reads its pods 15 s apart,
   * when their rows have long left the cache, and each pod's lookup is a chain of three misses
   * (handle → record → points). Taken one pod at a time the chains run one after another; taken
   * stage by stage over all the pods, the loads of a stage are independent of each other and the
   * processor has many of them in flight at once. Reads only: what is visited is unchanged.
   */
  private findRecords(podNames: readonly string[], byName: ReadonlyMap<string, number>, podHandles: ArrayLike<number> | undefined): Int32Array {
    const n = podNames.length;
    if (this.visitSlots.length < n) this.visitSlots = new Int32Array(Math.max(n, 2 * this.visitSlots.length));
    const slots = this.visitSlots;
    for (let p = 0; p < n; p++) slots[p] = podHandles === undefined ? -1 : this.byHandle.lookup(podHandles[p]);
    const records = this.records;
    let touched = 0;
    for (let p = 0; p < n; p++) {
      if (slots[p] < 0) slots[p] = byName.get(podNames[p]) ?? -1;
      if (slots[p] >= 0) touched += records[slots[p] * RECORD_FIELDS + FIRST];
    }
    const d = this.points.data;
    const names = this.points.names;
    for (let p = 0; p < n; p++) {
      const c = slots[p] < 0 ? Point.None : records[slots[p] * RECORD_FIELDS + FIRST];
      // The row's first and last fields (64 bytes not aligned to a cache line span two), and the
      // container's name, which the visit passes on.
      if (c !== Point.None) touched += d[c * Point.Stride + Point.LastStart] + d[c * Point.Stride + Point.PrevKind] + (names[c] === "" ? 1 : 0);
    }
    // Kept, so that the loads above are not optimized away.
    this.touched = touched;
    return slots;
  }
}

/**
 * pod.go GetMetrics's condition to return a pod: a prev point for every container. `hasPrev`: at
 * least one has one (the record's HAS_PREV); its `count` containers' rows are in `d`, from slot
 * `c` on, linked by `next`. A single container then has one, so its row is not read.
 */
function isReturned(hasPrev: boolean, c: number, count: number, d: Float64Array, next: Int32Array): boolean {
  if (!hasPrev) return false;
  if (count === 1) return true;
  for (let k = 0; k < count; k++) {
    if (k > 0) c = next[c];
    if (d[c * Point.Stride + Point.PrevKind] === Prev.None) return false;
  }
  return true;
}

/**
 * pod.go Store's rules for one container's new point (start, timestamp, CPU in ns, memory) in
 * the ContainerPoints row at `o` of `d`: the stored last becomes prev, a prev is synthesised or
 * dropped, and the new point becomes last. `containerInLast`: the container was stored by the
 * previous Store; `podHadPrev`: its pod was in upstream's s.prev. Returns whether the container
 * has a prev afterwards.
 */
function storePoint(
  d: Float64Array, o: number, start_ms: number, ts_ms: number, cpu_ns: number, mem_bytes: number,
  containerInLast: boolean, podHadPrev: boolean, resolution_ms: number,
): boolean {
  const age_ms = ts_ms - start_ms;
  const lastTimestamp_ms = d[o + Point.LastTs];
  if (start_ms < ts_ms && age_ms < resolution_ms && age_ms >= FRESH_CONTAINER_MIN_METRICS_RESOLUTION_MS) {
    // Fresh container: a synthetic prev at (StartTime, 0 CPU), so a new container gets a
    // CPU value from its first scrape instead of its second.
    d[o + Point.PrevKind] = Prev.Point;
    d[o + Point.PrevStart] = start_ms;
    d[o + Point.PrevTs] = start_ms;
    d[o + Point.PrevCpu] = 0;
  } else if (containerInLast && start_ms < lastTimestamp_ms) {
    // Not restarted (started before the stored point was taken).
    if (ts_ms > lastTimestamp_ms) {
      // A newer point: the stored last becomes prev.
      d[o + Point.PrevKind] = Prev.Point;
      d[o + Point.PrevStart] = d[o + Point.LastStart];
      d[o + Point.PrevTs] = lastTimestamp_ms;
      d[o + Point.PrevCpu] = d[o + Point.LastCpu];
    } else if (podHadPrev) {
      const kind = d[o + Point.PrevKind];
      if (kind === Prev.None) {
        d[o + Point.PrevKind] = Prev.GoZero;
      } else if (kind === Prev.Point && !(d[o + Point.PrevTs] < ts_ms)) {
        // "Found new containerName metrics point is older than stored previous, drop previous"
        d[o + Point.PrevKind] = Prev.None;
      }
      // else: keep prev (a GoZero prev is before everything, so it is kept too).
    } else {
      d[o + Point.PrevKind] = Prev.None;
    }
  } else {
    // New container, restart (start time at or after the stored point), or pod not in last.
    d[o + Point.PrevKind] = Prev.None;
  }
  d[o + Point.LastStart] = start_ms;
  d[o + Point.LastTs] = ts_ms;
  d[o + Point.LastCpu] = cpu_ns;
  d[o + Point.LastMem] = mem_bytes;
  return d[o + Point.PrevKind] !== Prev.None;
}

/** Throws what is wrong with the sample at `values[o]` (built only on this failing branch). */
function throwUnservable(namespace: string, name: string, container: string, values: Float64Array, o: number): never {
  const err = sampleValuesError(values[o + Sample.Start], values[o + Sample.Ts], values[o + Sample.Cpu], values[o + Sample.Mem]);
  throw new RangeError(`pod ${namespace}/${name} container ${container}: ${err}`);
}

/** Receives `PodStorage.visitMetrics`'s pods: a pod's containers first, then the pod. */
export interface PodMetricsVisitor {
  container(name: string, cpu_nanocores: number, memory_bytes: number): void;
  /** `index` is the pod's place in the list of names asked. */
  pod(namespace: string, name: string, index: number, timestamp_ms: number, window_ms: number): void;
}

/** Builds getMetrics's PodMetrics objects. */
class PodMetricsBuilder implements PodMetricsVisitor {
  readonly results: PodMetrics[] = [];
  private containers: ContainerMetrics[] = [];

  container(name: string, cpu_nanocores: number, memory_bytes: number): void {
    this.containers.push({ name, usage: toResourceUsage(cpu_nanocores, memory_bytes) });
  }

  pod(namespace: string, name: string, _index: number, timestamp_ms: number, window_ms: number): void {
    this.results.push({ name, namespace, timestamp_ms, window_ms, containers: this.containers });
    this.containers = [];
  }
}
