/**
 * What the time-series sampler keeps between samples, in typed arrays: each running pod's
 * cumulative CPU at the previous sample (a mark) and each owner's per-sample totals.
 *
 * A pod's mark is kept at its runtime slot, the index of its pod handle
 * (models/kubelet/pod-handles.ts), with the handle it was taken for: a pass over a node's pods
 * then reads the marks in the order of the node's slots, and a mark taken for another pod (one
 * that stopped and whose slot was given to a new pod, or this pod's uid before a restart, which
 * the runtime runs under a new handle) is told apart by its handle.
 */
import { resized } from "../engine/typed-arrays.js";

/** `CpuMarks.samples` of a mark never read (sample numbers start at 1). */
const NEVER = -1;
/** The uid of an owner index not in use (no uid is this: a pod without an owner has uid ""). */
const FREE = "\u0000free";

/** Marks by runtime slot. */
export class CpuMarks {
  /** The pod handle the slot's mark was taken for (0: none yet). */
  private handles = new Float64Array(256);
  /** Cumulative CPU, mcore·ms, as read at `samples[slot]`. */
  cpu_mcore_ms = new Float64Array(256);
  /** The sample number the mark was last read at (NEVER: not yet). */
  samples = new Int32Array(256);
  /** The pod's resourceVersion when its owner and request were read. */
  podVersions = new Float64Array(256);
  /** Index of the pod's owner in `OwnerTotals`. */
  owners = new Int32Array(256);
  /** Sum of the pod's containers' CPU requests. */
  request_mcores = new Float64Array(256);

  /** Whether the mark in `slot` was taken for the pod whose handle is `handle`. */
  isFor(slot: number, handle: number): boolean {
    return slot < this.handles.length && this.handles[slot] === handle;
  }

  /**
   * Starts the mark in `slot` for the pod whose handle is `handle`, as never read (a new pod's
   * whole counter is its usage since it started; a restarted pod's counter starts at 0 again,
   * and what the old one used after its last sample is lost, as a deleted cgroup's is). The
   * caller reads the pod's owner and request into it.
   */
  start(slot: number, handle: number): void {
    if (slot >= this.handles.length) this.grow(Math.max(slot + 1, 2 * this.handles.length));
    this.handles[slot] = handle;
    this.cpu_mcore_ms[slot] = 0;
    this.samples[slot] = NEVER;
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
