/**
 * Message brokers and the pods that consume from them: Redis lists and Kafka topics fed by
 * producers, drained by the pods of apps that `consume` them, so queue length, lag, throughput
 * and each item's time in the queue evolve from the simulation (and KEDA's redis and kafka
 * scalers read them as the real scalers read LLEN and the group's offsets).
 *
 * The model is fluid, like the pods' request queues (models/workload/pod-server.ts): producers
 * push items at a load profile's rate (items/s) and in batches; each consumer pod takes items
 * as fast as its workers can process them while items wait, and what arrives once the queue is
 * empty. Everything is piecewise linear between events (a rate change, a batch, a consumer
 * joining or leaving, a queue emptying), so it integrates exactly.
 *
 * A consumer pod: `concurrency` workers, each processing one item at a time on at most one core
 * of the pod's CPU (its limit less the app's baseline, shared by the workers): an item takes
 * cpuPerRequest / min(1 core, cap / concurrency), so a pod takes at most concurrency / that
 * items/s. The pod's CPU usage follows what it takes (the broker routes that rate to the pod's
 * fluid server, as a Service routes requests), so an HPA on CPU sees consumers work. A pod
 * consumes from its app's warmup after its containers start, while it is Ready and not
 * terminating: it stops taking items at SIGTERM (a consumer that finishes its in-flight items
 * before exiting; they are not modelled as lost).
 *
 * A run-to-completion consumer (`itemsPerPod`: a Job's pods, e.g. a KEDA ScaledJob's) stops taking
 * items once it has taken that many, and its app exits 0 when its workers have processed them.
 *
 * - Redis list: one FIFO every consumer pops from (BRPOP/LPOP); LLEN is the items not yet popped.
 * - Kafka topic: `partitions` FIFOs, the producer spreading items evenly over them; the consumer
 *   group's members (its consumer pods, ids in pod-name order) own partitions by the range
 *   assignor; a member beyond the partition count idles. Every change of members is a rebalance
 *   that stops the whole group for `rebalancePause_ms`. A partition the group never committed
 *   starts where `autoOffsetReset` says: `latest` (Kafka's default) skips what is already there.
 *   The committed offset is the group's position (commits at each item, not every 5 s).
 */
import type { Simulation, TimeSeries } from "../../engine/index.js";
import type { ScheduledEvent } from "../../engine/simulation.js";
import type { ClusterStore } from "../cluster/store.js";
import type { Pod } from "../cluster/types.js";
import type { PodRuntime } from "../kubelet/container-runtime.js";
import type { QueueReader } from "../keda/operator.js";
import type { PartitionOffsets } from "../keda/scalers/kafka.js";
import { isPodServing } from "../kubelet/pod-status.js";
import type { AppCatalog } from "../workload/app-profile.js";
import type { LoadProfile } from "../workload/load-profiles.js";
import { fairShares, rangeAssign } from "./assignment.js";
import { EMPTY_ITEMS, FluidPartition, type TakerShare } from "./partition.js";
import { WaitHistogram } from "./wait-histogram.js";

export interface QueueSpec {
  /** The Redis list's name, or the Kafka topic's. */
  name: string;
  broker: "redis" | "kafka";
  /** Kafka: the topic's partitions (Redis: 1). */
  partitions: number;
  /** Kafka: the consumers' group id. */
  consumerGroup: string;
  /** Items produced per second over time; null = batches only. */
  produce: LoadProfile | null;
  /** Items pushed at an instant, in time order. */
  batches: readonly { at_ms: number; items: number }[];
  /** Kafka: how long the group stops consuming when its members change. */
  rebalancePause_ms: number;
  /** Kafka: where a member starts on a partition the group never committed. */
  autoOffsetReset: "latest" | "earliest";
}

/** A consumer pod of a queue. */
interface Member {
  /** namespace/name: the member id order (the range assignor sorts by it). */
  key: string;
  uid: string;
  /** Items/s its workers can take. */
  capacity_ips: number;
  /** Seconds one item takes a worker. */
  processing_s: number;
  /** The rate last routed to the pod. */
  routed_ips: number;
  pod: Pod;
  /** A run-to-completion consumer's items still to take (Infinity: a server that takes items until stopped). */
  itemsLeft: number;
}


/** One row of queues.csv: a queue's totals and its items' times over the run. */
export const QUEUE_SUMMARY_COLUMNS = [
  "queue", "broker", "items_produced", "items_taken", "items_skipped", "items_waiting", "backlog_max",
  "wait_mean_s", "wait_p50_s", "wait_p95_s", "wait_p99_s", "wait_max_s", "latency_p50_s", "latency_p95_s", "latency_p99_s",
] as const;

class QueueState {
  readonly partitions: FluidPartition[] = [];
  /** Items/s arriving at each partition, and taken from it, under the current plan. */
  readonly arrival_ips: number[];
  readonly take_ips: number[];
  /** Who takes each partition's items under the current plan. */
  readonly takers: TakerShare[][];
  /** Kafka: the group has a committed offset on the partition. */
  readonly committed: boolean[];
  readonly waits = new WaitHistogram();
  readonly latencies = new WaitHistogram();
  members: Member[] = [];
  produce_ips = 0;
  advanced_ms = 0;
  pausedUntil_ms = 0;
  skipped = 0;
  backlogMax = 0;
  next: ScheduledEvent | null = null;
  /** When the members' routed rates were last set. */
  plannedAt_ms = 0;
  /** produced / taken at the last sample. */
  sampledProduced = 0;
  sampledTaken = 0;

  constructor(readonly spec: QueueSpec) {
    const n = spec.partitions;
    for (let p = 0; p < n; p++) this.partitions.push(new FluidPartition(this.waits, this.latencies));
    this.arrival_ips = new Array<number>(n).fill(0);
    this.take_ips = new Array<number>(n).fill(0);
    this.takers = Array.from({ length: n }, () => []);
    this.committed = new Array<boolean>(n).fill(false);
  }

  backlog(): number {
    let total = 0;
    for (const p of this.partitions) total += p.backlog;
    return total;
  }

  produced(): number {
    let total = 0;
    for (const p of this.partitions) total += p.produced;
    return total;
  }

  /** Items the group's position moved past: taken by consumers, or skipped. */
  taken(): number {
    let total = 0;
    for (const p of this.partitions) total += p.taken;
    return total;
  }
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Whole items of a fluid count (an item partly taken still counts). */
function wholeItems(items: number): number {
  return Math.max(0, Math.ceil(items - 1e-6));
}

export class QueueBrokers implements QueueReader {
  private readonly queues = new Map<string, QueueState>();
  /** Run-to-completion consumers that took their items: the container start they did it in (a restarted container takes items again). */
  private readonly finished = new Map<string, number>();

  constructor(
    private readonly sim: Simulation,
    store: ClusterStore,
    private readonly runtime: PodRuntime,
    private readonly apps: AppCatalog,
    specs: readonly QueueSpec[],
    series: TimeSeries | null = null,
    sampleInterval_ms = 15_000,
    /** A run-to-completion consumer took its items and processed them: its app exits 0 (the kubelet's part). */
    private readonly onConsumerDone: ((pod: Pod, now_ms: number) => void) | null = null,
  ) {
    for (const spec of specs) {
      if (this.queues.has(spec.name)) throw new RangeError(`two queues named ${spec.name}`);
      const q = new QueueState(spec);
      this.queues.set(spec.name, q);
      if (spec.produce !== null) sim.schedule(0, (now_ms) => this.onProduceChange(q, now_ms));
      for (const b of spec.batches) sim.scheduleAt(b.at_ms, (now_ms) => this.onBatch(q, b.items, now_ms));
    }
    store.watch<Pod>("Pod", (type, pod) => this.onPod(type, pod));
    if (series !== null && specs.length > 0) sim.every(sampleInterval_ms, (now_ms) => this.sample(series, now_ms), { phase_ms: 0, priority: 100 });
  }

  /** LLEN of a Redis list now (items not yet popped). */
  listLength(name: string): number {
    const q = this.advanced(name);
    return wholeItems(q.backlog());
  }

  /** The kafka topic whose consumer group this is. */
  topicOfGroup(group: string): string | undefined {
    for (const q of this.queues.values()) if (q.spec.broker === "kafka" && q.spec.consumerGroup === group) return q.spec.name;
    return undefined;
  }

  /** A Kafka topic's partitions now: the group's committed offsets and the log end offsets. */
  offsets(name: string): PartitionOffsets[] {
    const q = this.advanced(name);
    return q.partitions.map((p, id) => ({
      id,
      consumerOffset: q.committed[id] ? Math.floor(p.taken + 1e-6) : -1,
      latestOffset: Math.floor(p.produced + 1e-6),
    }));
  }

  /** Every queue's items as one: the p95 of their latency, and how many still wait (after advancing to now). */
  totals(): { itemLatencyP95_s: number; itemsWaiting: number } {
    const all = new WaitHistogram();
    let waiting = 0;
    for (const q of this.queues.values()) {
      this.advance(q, this.sim.now_ms);
      all.addAll(q.latencies);
      waiting += q.backlog();
    }
    return { itemLatencyP95_s: all.quantile_s(0.95), itemsWaiting: waiting };
  }

  /** The queues' rows of queues.csv (after advancing them to now). */
  summaryRows(): (string | number)[][] {
    const now_ms = this.sim.now_ms;
    const rows: (string | number)[][] = [];
    for (const q of this.queues.values()) {
      this.advance(q, now_ms);
      const produced = q.produced();
      const taken = q.taken();
      rows.push([
        q.spec.name, q.spec.broker, r3(produced), r3(taken - q.skipped), r3(q.skipped), r3(q.backlog()), r3(q.backlogMax),
        r3(q.waits.mean_s), r3(q.waits.quantile_s(0.5)), r3(q.waits.quantile_s(0.95)), r3(q.waits.quantile_s(0.99)), r3(q.waits.max),
        r3(q.latencies.quantile_s(0.5)), r3(q.latencies.quantile_s(0.95)), r3(q.latencies.quantile_s(0.99)),
      ]);
    }
    return rows;
  }

  private advanced(name: string): QueueState {
    const q = this.queues.get(name);
    if (q === undefined) throw new RangeError(`no queue named ${name}`);
    this.advance(q, this.sim.now_ms);
    return q;
  }

  /** Integrates every partition up to `now_ms` under the current plan. */
  private advance(q: QueueState, now_ms: number): void {
    if (now_ms <= q.advanced_ms) return;
    const from_s = q.advanced_ms / 1000;
    const to_s = now_ms / 1000;
    for (let p = 0; p < q.partitions.length; p++) q.partitions[p].advance(from_s, to_s, q.arrival_ips[p], q.take_ips[p], q.takers[p]);
    q.advanced_ms = now_ms;
    const backlog = q.backlog();
    if (backlog > q.backlogMax) q.backlogMax = backlog;
  }

  private onProduceChange(q: QueueState, now_ms: number): void {
    const profile = q.spec.produce!;
    const rate = profile.rateAt(now_ms);
    if (!(rate >= 0) || !Number.isFinite(rate)) throw new RangeError(`producer of queue ${q.spec.name} gave an invalid rate ${rate} at ${now_ms / 1000}s`);
    this.advance(q, now_ms);
    q.produce_ips = rate;
    this.plan(q, now_ms);
    const next_ms = profile.nextChangeAfter(now_ms);
    if (Number.isFinite(next_ms)) this.sim.scheduleAt(Math.ceil(next_ms), (t) => this.onProduceChange(q, t));
  }

  /** A batch goes to the partitions evenly (a Redis list has one). */
  private onBatch(q: QueueState, items: number, now_ms: number): void {
    this.advance(q, now_ms);
    const each = items / q.partitions.length;
    for (const p of q.partitions) p.push(each, now_ms / 1000);
    const backlog = q.backlog();
    if (backlog > q.backlogMax) q.backlogMax = backlog;
    this.plan(q, now_ms);
  }

  private onPod(type: string, pod: Pod): void {
    const queueName = this.apps.forPod(pod).consumes?.queue;
    if (queueName === undefined) return;
    const q = this.queues.get(queueName);
    if (q === undefined) return;
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const now_ms = this.sim.now_ms;
    const running = type === "DELETED" ? undefined : this.runtime.get(pod.metadata.uid);
    // The app takes items once it has warmed up, with or without a readiness probe saying so.
    const warm_ms = running === undefined ? Infinity : running.started_ms + running.app.warmup_ms;
    if (running !== undefined && isPodServing(pod) && warm_ms > now_ms) {
      this.sim.scheduleAt(warm_ms, () => this.onPod("MODIFIED", pod));
      return;
    }
    const consuming = running !== undefined && isPodServing(pod) && this.finished.get(pod.metadata.uid) !== running.started_ms;
    if (type === "DELETED") this.finished.delete(pod.metadata.uid);
    const at = q.members.findIndex((m) => m.uid === pod.metadata.uid);
    if (consuming === at >= 0) return;
    this.advance(q, now_ms);
    if (consuming) {
      const app = running!.app;
      const concurrency = app.consumes!.concurrency;
      const cap_mcores = Math.max(0, running!.limit_mcores - app.baselineCpu_mcores);
      const perWorker_mcores = Math.min(1000, cap_mcores / concurrency);
      const processing_s = perWorker_mcores > 0 ? Math.max(app.cpuPerRequest_mcore_s, 1e-9) / perWorker_mcores : Infinity;
      const member: Member = {
        key, uid: pod.metadata.uid, capacity_ips: processing_s === Infinity ? 0 : concurrency / processing_s, processing_s, routed_ips: 0,
        pod, itemsLeft: app.consumes!.itemsPerPod ?? Infinity,
      };
      let i = 0;
      while (i < q.members.length && q.members[i].key < key) i++;
      q.members.splice(i, 0, member);
    } else {
      const [member] = q.members.splice(at, 1);
      if (running !== undefined && member.routed_ips !== 0) this.runtime.setArrivalRate(member.uid, 0, -1, now_ms);
    }
    if (q.spec.broker === "kafka" && q.spec.rebalancePause_ms > 0) q.pausedUntil_ms = now_ms + q.spec.rebalancePause_ms;
    this.plan(q, now_ms);
  }

  /**
   * Sets who takes what from now on (the queue was advanced to `now_ms`), routes each member's
   * rate to its pod, and schedules the next change of plan (a backlog emptying, a pause ending).
   */
  private plan(q: QueueState, now_ms: number): void {
    this.settleMembers(q, now_ms);
    const n = q.partitions.length;
    for (let p = 0; p < n; p++) q.arrival_ips[p] = q.produce_ips / n;
    const rates = new Array<number>(q.members.length).fill(0);
    if (now_ms < q.pausedUntil_ms) {
      q.take_ips.fill(0);
      for (const t of q.takers) t.length = 0;
    } else if (q.spec.broker === "redis") {
      this.planShared(q, rates);
    } else {
      this.planKafka(q, rates);
    }
    for (let i = 0; i < q.members.length; i++) {
      const m = q.members[i];
      if (rates[i] === m.routed_ips) continue;
      m.routed_ips = rates[i];
      this.runtime.setArrivalRate(m.uid, rates[i], -1, now_ms);
    }
    this.scheduleNext(q, now_ms);
  }

  /**
   * Counts what each member took since the last plan; a run-to-completion consumer that has taken
   * its items leaves the queue, and its app exits once its workers have processed the last one.
   */
  private settleMembers(q: QueueState, now_ms: number): void {
    const dt_s = (now_ms - q.plannedAt_ms) / 1000;
    q.plannedAt_ms = now_ms;
    for (let i = 0; i < q.members.length; i++) {
      const m = q.members[i];
      if (m.itemsLeft === Infinity) continue;
      m.itemsLeft -= m.routed_ips * dt_s;
      if (m.itemsLeft > EMPTY_ITEMS) continue;
      q.members.splice(i--, 1);
      const running = this.runtime.get(m.uid);
      if (running !== undefined) this.finished.set(m.uid, running.started_ms);
      if (m.routed_ips !== 0) this.runtime.setArrivalRate(m.uid, 0, -1, now_ms);
      if (q.spec.broker === "kafka" && q.spec.rebalancePause_ms > 0) q.pausedUntil_ms = now_ms + q.spec.rebalancePause_ms;
      const done = this.onConsumerDone;
      if (done !== null) this.sim.scheduleAt(now_ms + Math.ceil(m.processing_s * 1000), (t) => done(m.pod, t));
    }
  }

  /** One list every member pops from, each as fast as its workers go (all of what arrives once it is empty). */
  private planShared(q: QueueState, rates: number[]): void {
    let capacity = 0;
    for (const m of q.members) capacity += m.capacity_ips;
    const part = q.partitions[0];
    const taking = part.backlog > EMPTY_ITEMS ? capacity : Math.min(q.arrival_ips[0], capacity);
    q.take_ips[0] = capacity;
    q.takers[0] = capacity > 0 ? q.members.map((m) => ({ share: m.capacity_ips / capacity, processing_s: m.processing_s })) : [];
    for (let i = 0; i < q.members.length; i++) rates[i] = capacity > 0 ? (taking * q.members[i].capacity_ips) / capacity : 0;
  }

  /** Partitions by the range assignor; each member shares its capacity over its partitions. */
  private planKafka(q: QueueState, rates: number[]): void {
    const owner = rangeAssign(q.members.length, q.partitions.length);
    q.take_ips.fill(0);
    for (const t of q.takers) t.length = 0;
    const wants: number[] = [];
    const shares: number[] = [];
    const owned: number[] = [];
    for (let i = 0; i < q.members.length; i++) {
      owned.length = wants.length = 0;
      for (let p = 0; p < owner.length; p++) {
        if (owner[p] !== i) continue;
        if (!q.committed[p]) {
          // A member's first fetch on a partition with no committed offset (auto.offset.reset).
          if (q.spec.autoOffsetReset === "latest") q.skipped += q.partitions[p].skipAll();
          q.committed[p] = true;
        }
        owned.push(p);
        wants.push(q.partitions[p].backlog > EMPTY_ITEMS ? Infinity : q.arrival_ips[p]);
      }
      shares.length = owned.length;
      fairShares(q.members[i].capacity_ips, wants, shares);
      for (let k = 0; k < owned.length; k++) {
        const p = owned[k];
        q.take_ips[p] = shares[k];
        q.takers[p] = [{ share: 1, processing_s: q.members[i].processing_s }];
        rates[i] += shares[k];
      }
    }
  }

  private scheduleNext(q: QueueState, now_ms: number): void {
    if (q.next !== null) this.sim.cancel(q.next);
    q.next = null;
    let next_ms = now_ms < q.pausedUntil_ms ? q.pausedUntil_ms : Infinity;
    for (let p = 0; p < q.partitions.length; p++) {
      const backlog = q.partitions[p].backlog;
      const net = q.take_ips[p] - q.arrival_ips[p];
      if (backlog > EMPTY_ITEMS && net > 0) next_ms = Math.min(next_ms, now_ms + (backlog / net) * 1000);
    }
    // A run-to-completion consumer taking its last item.
    for (const m of q.members) if (m.itemsLeft !== Infinity && m.routed_ips > 0) next_ms = Math.min(next_ms, now_ms + (m.itemsLeft / m.routed_ips) * 1000);
    if (!Number.isFinite(next_ms)) return;
    q.next = this.sim.scheduleAt(Math.max(now_ms + 1, Math.ceil(next_ms)), (t) => {
      q.next = null;
      this.advance(q, t);
      this.plan(q, t);
    });
  }

  /** Queue/<name> rows of the time series: items waiting, produce and take rates over the interval, consumers. */
  private sample(series: TimeSeries, now_ms: number): void {
    for (const q of this.queues.values()) {
      this.advance(q, now_ms);
      const produced = q.produced();
      const taken = q.taken();
      series.add(now_ms, "Queue", q.spec.name, "items", wholeItems(q.backlog()));
      series.add(now_ms, "Queue", q.spec.name, "consumers", q.members.length);
      series.add(now_ms, "Queue", q.spec.name, "items_produced", r3(produced - q.sampledProduced));
      series.add(now_ms, "Queue", q.spec.name, "items_taken", r3(taken - q.sampledTaken));
      q.sampledProduced = produced;
      q.sampledTaken = taken;
    }
  }
}
