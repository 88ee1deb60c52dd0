/**
 * What the time-series sampler keeps between samples, in typed arrays: each running pod's
 * cumulative CPU at the previous sample (a mark) and each owner's per-sample totals.
 *
 * At 5,000 pods the sampler's time went to reading a mark object, its owner object and the
 * pod's runtime object per pod per sample, each a cache miss. A mark is found here from the
 * pod's runtime slot and checked by its pod handle (models/kubelet/pod-handles.ts: unique per
 * runtime pod, so it tells a pod restarted under the same uid from the old one), which reads
 * two numbers; only a pod that is new or restarted is looked up by uid.
 */
import { resized } from "../engine/typed-arrays.js";

const NONE = -1;
/** The uid of an owner index not in use (no uid is this: a pod without an owner has uid ""). */
const FREE = "\u0000free";

/** Marks by index; indices of forgotten marks are reused, the last freed first (deterministic). */
export class CpuMarks {
  /** The pod handle each mark is for (0 = free index). */
  private handles = new Float64Array(64);
  /** Cumulative CPU, mcore·ms, as read at `samples[i]`. */
  cpu_mcore_ms = new Float64Array(64);
  /** The sample number the mark was last read at. */
  samples = new Int32Array(64);
  /** The pod's resourceVersion when its owner and request were read. */
  podVersions = new Float64Array(64);
  /** Index of the pod's owner in `OwnerTotals`. */
  owners = new Int32Array(64);
  /** Sum of the pod's containers' CPU requests. */
  request_mcores = new Float64Array(64);
  private uids: string[] = [];
  private readonly byUid = new Map<string, number>();
  /** The mark last used by the pod in each runtime slot (NONE when none). */
  private bySlot = new Int32Array(256).fill(NONE);
  private readonly free: number[] = [];
  private highWater = 0;

  /**
   * The mark of the pod in `slot` whose handle is `handle` if it was read at sample `previous`,
   * else NONE (then look it up with `forPod`).
   */
  bySlotIfCurrent(slot: number, handle: number, previous: number): number {
    if (slot >= this.bySlot.length) return NONE;
    const i = this.bySlot[slot];
    return i !== NONE && this.handles[i] === handle && this.samples[i] === previous ? i : NONE;
  }

  /**
   * The mark of pod `uid` (pod handle `handle`, in `slot`): created by `init` when there is
   * none, and restarted by `init` with a 0 counter when it was another runtime pod's (restarted
   * under the same uid: what the old one used after its last sample is lost, as a deleted
   * cgroup's is). Also makes it the slot's mark.
   */
  forPod(uid: string, handle: number, slot: number, init: (mark: number) => void): number {
    let i = this.byUid.get(uid);
    if (i === undefined) {
      i = this.free.length > 0 ? this.free.pop()! : this.highWater++;
      if (i >= this.handles.length) this.grow(2 * this.handles.length);
      this.byUid.set(uid, i);
      this.uids[i] = uid;
      this.cpu_mcore_ms[i] = 0;
      this.samples[i] = 0;
      init(i);
    } else if (this.handles[i] !== handle) {
      init(i);
      this.cpu_mcore_ms[i] = 0;
    }
    this.handles[i] = handle;
    if (slot >= this.bySlot.length) {
      const length = Math.max(slot + 1, 2 * this.bySlot.length);
      const old = this.bySlot.length;
      this.bySlot = resized(this.bySlot, length);
      this.bySlot.fill(NONE, old);
    }
    this.bySlot[slot] = i;
    return i;
  }

  /** Forgets the marks not read at sample `sample` (pods no longer running). */
  forgetAllBut(sample: number): void {
    for (let i = 0; i < this.highWater; i++) {
      if (this.handles[i] === 0 || this.samples[i] === sample) continue;
      this.byUid.delete(this.uids[i]);
      this.uids[i] = "";
      this.handles[i] = 0;
      this.free.push(i);
    }
  }

  private grow(length: number): void {
    this.handles = resized(this.handles, length);
    this.cpu_mcore_ms = resized(this.cpu_mcore_ms, length);
    this.samples = resized(this.samples, length);
    this.podVersions = resized(this.podVersions, length);
    this.owners = resized(this.owners, length);
    this.request_mcores = resized(this.request_mcores, length);
  }
}

/** CPU used and requested by the running pods of each owner (a ReplicaSet) at one sample, by index. */
export class OwnerTotals {
  readonly uids: string[] = [];
  /** The sample the totals are for; at a later one they restart from 0. */
  samples = new Int32Array(64);
  cpu_mcore_ms = new Float64Array(64);
  request_mcores = new Float64Array(64);
  private readonly byUid = new Map<string, number>();
  private readonly free: number[] = [];

  /** The index of owner `uid`, added when new. */
  indexOf(uid: string): number {
    let i = this.byUid.get(uid);
    if (i === undefined) {
      i = this.free.length > 0 ? this.free.pop()! : this.uids.length;
      if (i >= this.samples.length) {
        const length = 2 * this.samples.length;
        this.samples = resized(this.samples, length);
        this.cpu_mcore_ms = resized(this.cpu_mcore_ms, length);
        this.request_mcores = resized(this.request_mcores, length);
      }
      this.byUid.set(uid, i);
      this.uids[i] = uid;
      this.samples[i] = 0;
    }
    return i;
  }

  /** Forgets the owners not met at sample `sample`. */
  forgetAllBut(sample: number): void {
    for (let i = 0; i < this.uids.length; i++) {
      if (this.uids[i] === FREE || this.samples[i] === sample) continue;
      this.byUid.delete(this.uids[i]);
      this.uids[i] = FREE;
      this.free.push(i);
    }
  }
}
