/**
 * The scheduling queue as a pure data structure: port of pkg/scheduler/backend/queue
 * scheduling_queue.go PriorityQueue (Add, Pop, AddUnschedulableIfNotPresent,
 * flushBackoffQCompleted, flushUnschedulablePodsLeftover, MoveAllToActiveOrBackoffQueue,
 * Update, Delete), backoff_queue.go (podBackoffQ / podErrorBackoffQ, calculateBackoffDuration,
 * isPodBackingoff) and unschedulable_pods.go, plus the PrioritySort plugin's Less.
 *
 * Time is passed in (now_ms); nothing reads a clock. The controller owns the timers upstream's
 * Run() starts: flushBackoffQCompleted every 1 s and flushUnschedulablePodsLeftover every 30 s.
 * Every ordering ends with an insertion sequence, and unschedulablePods iterates in insertion
 * order (a Go map upstream), so the same calls always give the same pops.
 *
 * Modelled as upstream main with default gates (SchedulerQueueingHints and
 * SchedulerPopFromBackoffQ on): backoff counts UnschedulableCount, or ConsecutiveErrorsCount
 * after an error; an idle activeQ pops from podBackoffQ. Queueing hints are a caller-supplied
 * predicate (default: every event may help every pod, i.e. queueAfterBackoff); the backoff
 * ordering-window alignment, PreEnqueue plugins (scheduling gates), gang scheduling and the
 * nominator are not modelled.
 */
import type { Pod } from "../cluster/types.js";
import { IndexedHeap } from "./indexed-heap.js";

/** scheduling_queue.go DefaultPodInitialBackoffDuration. */
export const DEFAULT_POD_INITIAL_BACKOFF_MS = 1_000;
/** scheduling_queue.go DefaultPodMaxBackoffDuration. */
export const DEFAULT_POD_MAX_BACKOFF_MS = 10_000;
/** scheduling_queue.go DefaultPodMaxInUnschedulablePodsDuration. */
export const DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION_MS = 5 * 60_000;
/** PriorityQueue.Run: period of flushBackoffQCompleted (upstream aligns to a 1 s window). */
export const BACKOFF_Q_FLUSH_PERIOD_MS = 1_000;
/** PriorityQueue.Run: period of flushUnschedulablePodsLeftover. */
export const UNSCHEDULABLE_PODS_FLUSH_PERIOD_MS = 30_000;

/** Labels of framework/events.go cluster events that the model raises. */
export const EVENT_NODE_ADD = "NodeAdd";
export const EVENT_NODE_UPDATE = "NodeUpdate";
export const EVENT_ASSIGNED_POD_DELETE = "AssignedPodDelete";
export const EVENT_UNSCHEDULABLE_TIMEOUT = "UnschedulableTimeout";
export const EVENT_FORCE_ACTIVATE = "ForceActivate";

/** framework/types.go QueuedPodInfo: a pod plus its queueing history. */
export interface QueuedPodInfo {
  pod: Pod;
  /** podInfoKeyFunc: namespace/name. */
  readonly key: string;
  /** When the pod was added or last failed; activeQ FIFO order and backoff start. */
  timestamp_ms: number;
  /** Scheduling attempts (incremented on Pop). */
  attempts: number;
  /** Attempts rejected by plugins. */
  unschedulableCount: number;
  /** Consecutive attempts that ended in an error rather than a rejection. */
  consecutiveErrorsCount: number;
  initialAttemptTimestamp_ms: number | null;
  /** Plugins that rejected the last attempt (Diagnosis.UnschedulablePlugins); empty = error. */
  unschedulablePlugins: Set<string>;
  /** Tie-break for equal priority and timestamp: order of entry into the current queue. */
  seq: number;
}

export interface SchedulingQueueOptions {
  podInitialBackoff_ms?: number;
  podMaxBackoff_ms?: number;
  podMaxInUnschedulablePodsDuration_ms?: number;
  /** SchedulerPopFromBackoffQ (beta, on by default since 1.33). */
  popFromBackoffQ?: boolean;
}

/** A queueing hint: may `event` make this pod schedulable? (QueueingHintFn collapsed to a bool.) */
export type QueueingHint = (pInfo: QueuedPodInfo, event: string) => boolean;

/**
 * backoff_queue.go calculateBackoffDuration: 0 for a pod never rejected, else initial × 2^(count−1)
 * capped at max (the doubling stops before it could overflow, as upstream's subtraction test).
 */
export function calculateBackoffDuration(count: number, initial_ms: number, max_ms: number): number {
  if (count === 0) return 0;
  let duration = initial_ms;
  for (let i = 1; i < count; i++) {
    if (duration > max_ms - duration) return max_ms;
    duration += duration;
  }
  return duration;
}

// corev1helpers.PodPriority: spec.priority, 0 when unset.
function podPriority(pod: Pod): number {
  return pod.spec.priority ?? 0;
}

/** queuesort/priority_sort.go Less: higher priority first, then earlier timestamp (then entry order). */
export function prioritySortLess(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
  const pa = podPriority(a.pod);
  const pb = podPriority(b.pod);
  if (pa !== pb) return pa > pb;
  if (a.timestamp_ms !== b.timestamp_ms) return a.timestamp_ms < b.timestamp_ms;
  return a.seq < b.seq;
}

export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}

export class SchedulingQueue {
  readonly podInitialBackoff_ms: number;
  readonly podMaxBackoff_ms: number;
  readonly podMaxInUnschedulablePodsDuration_ms: number;
  readonly popFromBackoffQ: boolean;

  private readonly activeQ = new IndexedHeap<QueuedPodInfo>((p) => p.key, prioritySortLess);
  private readonly podBackoffQ: IndexedHeap<QueuedPodInfo>;
  private readonly podErrorBackoffQ: IndexedHeap<QueuedPodInfo>;
  /** unschedulable_pods.go podInfoMap; a Map iterates in insertion order. */
  private readonly unschedulablePods = new Map<string, QueuedPodInfo>();
  private seq = 0;
  private cycle = 0;
  /** Scheduling cycle of the last move request (events received while pods were in flight). */
  private moveRequestCycle = -1;

  constructor(opts: SchedulingQueueOptions = {}) {
    this.podInitialBackoff_ms = opts.podInitialBackoff_ms ?? DEFAULT_POD_INITIAL_BACKOFF_MS;
    this.podMaxBackoff_ms = opts.podMaxBackoff_ms ?? DEFAULT_POD_MAX_BACKOFF_MS;
    this.podMaxInUnschedulablePodsDuration_ms =
      opts.podMaxInUnschedulablePodsDuration_ms ?? DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION_MS;
    this.popFromBackoffQ = opts.popFromBackoffQ ?? true;
    // backoff_queue.go lessBackoffCompleted; with PopFromBackoffQ, equal expiries fall back to
    // the PrioritySort order.
    const lessBackoff = (a: QueuedPodInfo, b: QueuedPodInfo): boolean => {
      const ea = this.getBackoffTime(a);
      const eb = this.getBackoffTime(b);
      if (ea !== eb) return ea < eb;
      return prioritySortLess(a, b);
    };
    this.podBackoffQ = new IndexedHeap((p) => p.key, lessBackoff);
    this.podErrorBackoffQ = new IndexedHeap((p) => p.key, lessBackoff);
  }

  /** SchedulingCycle(): incremented by every Pop. */
  schedulingCycle(): number {
    return this.cycle;
  }

  get activeLength(): number {
    return this.activeQ.length;
  }
  get backoffLength(): number {
    return this.podBackoffQ.length + this.podErrorBackoffQ.length;
  }
  get unschedulableLength(): number {
    return this.unschedulablePods.size;
  }

  /** backoff_queue.go getBackoffTime (without window alignment); -Infinity = no backoff. */
  getBackoffTime(pInfo: QueuedPodInfo): number {
    const count = pInfo.consecutiveErrorsCount > 0 ? pInfo.consecutiveErrorsCount : pInfo.unschedulableCount;
    if (count === 0) return -Infinity;
    return pInfo.timestamp_ms + calculateBackoffDuration(count, this.podInitialBackoff_ms, this.podMaxBackoff_ms);
  }

  /** backoff_queue.go isPodBackingoff. */
  isPodBackingoff(pInfo: QueuedPodInfo, now_ms: number): boolean {
    return this.getBackoffTime(pInfo) > now_ms;
  }

  /** PriorityQueue.Add: a new pending pod goes to activeQ. */
  add(pod: Pod, now_ms: number): void {
    const key = podKey(pod);
    if (this.where(key) !== null) throw new Error(`SchedulingQueue.add: pod ${key} is already queued`);
    const pInfo: QueuedPodInfo = {
      pod,
      key,
      timestamp_ms: now_ms,
      attempts: 0,
      unschedulableCount: 0,
      consecutiveErrorsCount: 0,
      initialAttemptTimestamp_ms: null,
      unschedulablePlugins: new Set(),
      seq: 0,
    };
    this.moveToActiveQ(pInfo, now_ms);
  }

  /**
   * PriorityQueue.Pop (activeQueue.pop): the head of activeQ, or with PopFromBackoffQ the head of
   * podBackoffQ when activeQ is empty; undefined when there is nothing to schedule (upstream
   * blocks). Counts an attempt and a scheduling cycle.
   */
  pop(): QueuedPodInfo | undefined {
    let pInfo = this.activeQ.pop();
    if (pInfo === undefined && this.popFromBackoffQ) pInfo = this.podBackoffQ.pop();
    if (pInfo === undefined) return undefined;
    this.cycle++;
    pInfo.attempts++;
    return pInfo;
  }

  /**
   * PriorityQueue.AddUnschedulableIfNotPresent: a popped pod whose attempt failed comes back.
   * `unschedulablePlugins` empty means an error (not a rejection). It goes to unschedulablePods,
   * or to the backoff queue when a move request arrived since its cycle began (the event may have
   * helped) or when it failed with an error. Returns an error message if it is already queued.
   */
  addUnschedulableIfNotPresent(
    pInfo: QueuedPodInfo,
    unschedulablePlugins: ReadonlySet<string>,
    podSchedulingCycle: number,
    now_ms: number,
  ): string | null {
    const where = this.where(pInfo.key);
    if (where !== null) return `Pod ${pInfo.key} is already present in the ${where} queue`;
    pInfo.unschedulablePlugins = new Set(unschedulablePlugins);
    if (pInfo.unschedulablePlugins.size === 0) {
      pInfo.consecutiveErrorsCount++;
    } else {
      pInfo.unschedulableCount++;
      pInfo.consecutiveErrorsCount = 0;
    }
    // "Refresh the timestamp since the pod is re-added."
    pInfo.timestamp_ms = now_ms;
    if (this.moveRequestCycle >= podSchedulingCycle || pInfo.unschedulablePlugins.size === 0) {
      this.requeueAfterBackoff(pInfo, now_ms);
    } else {
      this.addUnschedulable(pInfo);
    }
    return null;
  }

  /** PriorityQueue.flushBackoffQCompleted: pods whose backoff has expired move to activeQ. */
  flushBackoffQCompleted(now_ms: number): number {
    let moved = 0;
    for (const q of [this.podBackoffQ, this.podErrorBackoffQ]) {
      for (;;) {
        const head = q.peek();
        if (head === undefined || this.isPodBackingoff(head, now_ms)) break;
        q.pop();
        this.moveToActiveQ(head, now_ms);
        moved++;
      }
    }
    return moved;
  }

  /**
   * PriorityQueue.flushUnschedulablePodsLeftover: pods unschedulable for longer than
   * podMaxInUnschedulablePodsDuration move on as if an event had come (UnschedulableTimeout is a
   * wildcard: no hint can skip it).
   */
  flushUnschedulablePodsLeftover(now_ms: number): number {
    const toMove: QueuedPodInfo[] = [];
    for (const pInfo of this.unschedulablePods.values()) {
      if (now_ms - pInfo.timestamp_ms > this.podMaxInUnschedulablePodsDuration_ms) toMove.push(pInfo);
    }
    // Upstream moves (and so records a move request) only `if len(podsToMove) > 0`: an idle
    // flush must not send a pod failing in the current cycle to backoffQ.
    if (toMove.length === 0) return 0;
    return this.movePodsToActiveOrBackoffQueue(toMove, EVENT_UNSCHEDULABLE_TIMEOUT, now_ms, null);
  }

  /**
   * PriorityQueue.MoveAllToActiveOrBackoffQueue: on a cluster event (node added or updated, an
   * assigned pod deleted, ...) every unschedulable pod passing `preCheck` and the queueing hint
   * moves to backoffQ if still backing off, else to activeQ. Returns how many moved.
   */
  moveAllToActiveOrBackoffQueue(
    event: string,
    now_ms: number,
    preCheck: ((pod: Pod) => boolean) | null = null,
    hint: QueueingHint | null = null,
  ): number {
    const pods: QueuedPodInfo[] = [];
    for (const pInfo of this.unschedulablePods.values()) if (preCheck === null || preCheck(pInfo.pod)) pods.push(pInfo);
    return this.movePodsToActiveOrBackoffQueue(pods, event, now_ms, hint);
  }

  /**
   * PriorityQueue.Update (without queueing hints): the newest pod object replaces the queued one;
   * an unschedulable pod whose spec changed may have become schedulable, so it moves on.
   */
  update(newPod: Pod, now_ms: number, schedulingRelevant = true): void {
    const key = podKey(newPod);
    const inActive = this.activeQ.get(key);
    if (inActive !== undefined) {
      inActive.pod = newPod;
      this.activeQ.addOrUpdate(inActive);
      return;
    }
    for (const q of [this.podBackoffQ, this.podErrorBackoffQ]) {
      const p = q.get(key);
      if (p !== undefined) {
        p.pod = newPod;
        q.addOrUpdate(p);
        return;
      }
    }
    const pInfo = this.unschedulablePods.get(key);
    if (pInfo !== undefined) {
      pInfo.pod = newPod;
      if (!schedulingRelevant) return;
      this.unschedulablePods.delete(key);
      if (this.isPodBackingoff(pInfo, now_ms)) this.addBackoff(pInfo);
      else this.moveToActiveQ(pInfo, now_ms);
      return;
    }
    // "If pod is not in any of the queues, we put it in the active queue."
    this.add(newPod, now_ms);
  }

  /** PriorityQueue.Delete: forget the pod wherever it is. */
  delete(pod: Pod): boolean {
    const key = podKey(pod);
    return (
      this.activeQ.delete(key) ||
      this.podBackoffQ.delete(key) ||
      this.podErrorBackoffQ.delete(key) ||
      this.unschedulablePods.delete(key)
    );
  }

  /** The queue that holds the pod, or null. */
  where(key: string): "active" | "backoff" | "unschedulable" | null {
    if (this.activeQ.has(key)) return "active";
    if (this.podBackoffQ.has(key) || this.podErrorBackoffQ.has(key)) return "backoff";
    if (this.unschedulablePods.has(key)) return "unschedulable";
    return null;
  }

  /** Earliest backoff expiry among backoffQ pods (for a controller that wakes on demand). */
  nextBackoffExpiry_ms(): number | null {
    let next: number | null = null;
    for (const q of [this.podBackoffQ, this.podErrorBackoffQ]) {
      const head = q.peek();
      if (head !== undefined) {
        const t = this.getBackoffTime(head);
        if (next === null || t < next) next = t;
      }
    }
    return next;
  }

  /**
   * Timestamp of the longest-waiting unschedulable pod, or null (for a controller that arms the
   * leftover flush on demand). O(1): a pod enters unschedulablePods only through
   * addUnschedulableIfNotPresent, which has just set its timestamp to now, and Map keeps
   * insertion order, so the first entry is the oldest.
   */
  oldestUnschedulableTimestamp_ms(): number | null {
    for (const pInfo of this.unschedulablePods.values()) return pInfo.timestamp_ms;
    return null;
  }

  /** Keys in pop order, per queue (inspection and tests). */
  podsInActiveQ(): string[] {
    return this.activeQ.sorted().map((p) => p.key);
  }
  podsInBackoffQ(): string[] {
    return [...this.podBackoffQ.sorted(), ...this.podErrorBackoffQ.sorted()].map((p) => p.key);
  }
  unschedulablePodKeys(): string[] {
    return [...this.unschedulablePods.keys()];
  }

  // scheduling_queue.go movePodsToActiveOrBackoffQueue with requeuePodWithQueueingStrategy.
  private movePodsToActiveOrBackoffQueue(
    pods: readonly QueuedPodInfo[],
    event: string,
    now_ms: number,
    hint: QueueingHint | null,
  ): number {
    const wildcard = event === EVENT_UNSCHEDULABLE_TIMEOUT || event === EVENT_FORCE_ACTIVATE;
    let moved = 0;
    for (const pInfo of pods) {
      // isPodWorthRequeuing: no rejector plugins or a wildcard event always requeue.
      if (!wildcard && pInfo.unschedulablePlugins.size > 0 && hint !== null && !hint(pInfo, event)) continue;
      this.unschedulablePods.delete(pInfo.key);
      this.requeueAfterBackoff(pInfo, now_ms);
      moved++;
    }
    this.moveRequestCycle = this.cycle;
    return moved;
  }

  // requeuePodWithQueueingStrategy(queueAfterBackoff).
  private requeueAfterBackoff(pInfo: QueuedPodInfo, now_ms: number): void {
    if (this.isPodBackingoff(pInfo, now_ms)) this.addBackoff(pInfo);
    else this.moveToActiveQ(pInfo, now_ms);
  }

  private moveToActiveQ(pInfo: QueuedPodInfo, now_ms: number): void {
    if (pInfo.initialAttemptTimestamp_ms === null) pInfo.initialAttemptTimestamp_ms = now_ms;
    this.unschedulablePods.delete(pInfo.key);
    this.podBackoffQ.delete(pInfo.key);
    this.podErrorBackoffQ.delete(pInfo.key);
    pInfo.seq = this.seq++;
    this.activeQ.addOrUpdate(pInfo);
  }

  // backoff_queue.go add: a pod without rejector plugins failed with an error.
  private addBackoff(pInfo: QueuedPodInfo): void {
    pInfo.seq = this.seq++;
    if (pInfo.unschedulablePlugins.size === 0) this.podErrorBackoffQ.addOrUpdate(pInfo);
    else this.podBackoffQ.addOrUpdate(pInfo);
  }

  private addUnschedulable(pInfo: QueuedPodInfo): void {
    pInfo.seq = this.seq++;
    this.unschedulablePods.set(pInfo.key, pInfo);
  }
}
