/**
 * Pod handles: the one answer to "is the thing kept at this position still the pod I think it
 * is?" for every component that keeps per-pod numbers (the container runtime, cAdvisor, the
 * Services' endpoint lists, the time-series sampler).
 *
 * When a pod starts running the runtime issues it a handle: a dense index plus a generation,
 * packed in one number (`generation * PodHandle.IndexSpace + index`). The index never changes
 * while the pod runs, so a component keeps the pod's numbers in its own typed-array columns at
 * that index and, beside them, the handle it wrote them for; `isCurrent(handle)` (one array read
 * and a comparison) says whether that pod still runs there. Retiring a handle bumps its index's
 * generation, so an index reused by a later pod never passes for the earlier one.
 *
 * Indices are laid out by node: a node owns chunks of CHUNK consecutive indices and its pods
 * take free indices of its own chunks first, so a per-node pass over any component's columns
 * reads a few contiguous stretches of memory. A node's chunks stay its own while it is known
 * (a stopped pod's index goes back to its node), so layout depends only on the sequence of
 * starts and stops: deterministic.
 */
import { assert } from "../../engine/assert.js";
import { resized } from "../../engine/typed-arrays.js";

/**
 * `None`: no handle (never issued, so never current). `IndexSpace`: indices are below it; a handle
 * is `generation * PodHandle.IndexSpace + index` (exact: < 2^53 for 2^29 generations).
 * A const enum (see metrics-server/types.ts Sample).
 */
export const enum PodHandle {
  None = 0,
  IndexSpace = 1 << 24,
}
/** Indices a node is given at a time. */
const CHUNK = 16;

/**
 * The index in a handle, as a small integer: `| 0` (exact: indices are below 2^24) makes V8 keep
 * it as one, where the floating-point remainder of a handle (a double above 2^31) gave a double
 * that turned every array it was stored in (a node's slot list) into an array of doubles, and
 * every index computed from it into floating-point arithmetic with a conversion per access.
 */
export function handleIndex(handle: number): number {
  return (handle - Math.floor(handle / PodHandle.IndexSpace) * PodHandle.IndexSpace) | 0;
}

export function handleGeneration(handle: number): number {
  return Math.floor(handle / PodHandle.IndexSpace);
}

const CONTAINER_ID_PREFIX = "kubesim://";

/**
 * The ContainerID the kubelet publishes in a running container's status: the runtime's id of
 * the container, as containerd's "containerd://<id>" is. Its number is the pod's handle, so a
 * component that has the Pod object (the HPA's pod list) can key its reads by the handle.
 */
export function containerIdFor(handle: number, containerName: string): string {
  return `${CONTAINER_ID_PREFIX}${handle}/${containerName}`;
}

/** The pod handle in a ContainerID made by `containerIdFor`; PodHandle.None for "" or any other id. */
export function handleOfContainerId(containerID: string): number {
  if (!containerID.startsWith(CONTAINER_ID_PREFIX)) return PodHandle.None;
  const end = containerID.indexOf("/", CONTAINER_ID_PREFIX.length);
  const handle = Number(containerID.slice(CONTAINER_ID_PREFIX.length, end < 0 ? undefined : end));
  return Number.isSafeInteger(handle) && handle > 0 ? handle : PodHandle.None;
}

export class PodHandles {
  /** The handle now issued at each index (PodHandle.None while free). */
  private current = new Float64Array(CHUNK * 16);
  /** The generation the next handle at each index gets (starts at 1, so no handle is 0). */
  private nextGeneration = new Float64Array(CHUNK * 16).fill(1);
  /** Each index's node (-1 before its chunk is given to one). */
  private nodeOf = new Int32Array(CHUNK * 16).fill(-1);
  /** Per node: its free indices, the most recently freed last (reused first). */
  private readonly freeByNode: number[][] = [];
  /** Indices handed out in chunks so far. */
  private chunked = 0;
  private live = 0;

  /** Indices are below this (per-index columns of this length cover every handle issued). */
  get capacity(): number {
    return this.current.length;
  }

  /** Handles issued and not retired. */
  get size(): number {
    return this.live;
  }

  /** Issues a handle for a pod starting on node `node` (a small integer the caller assigns). */
  issue(node: number): number {
    assert(Number.isInteger(node) && node >= 0, `node index must be an integer >= 0, got ${node}`);
    while (this.freeByNode.length <= node) this.freeByNode.push([]);
    const free = this.freeByNode[node];
    if (free.length === 0) this.giveChunk(node, free);
    const index = free.pop()!;
    assert(this.current[index] === PodHandle.None, `pod handle index ${index} issued twice`);
    const handle = this.nextGeneration[index] * PodHandle.IndexSpace + index;
    this.nextGeneration[index]++;
    this.current[index] = handle;
    this.live++;
    return handle;
  }

  /** Retires a current handle: its index is free for the node's next pod, under a new generation. */
  retire(handle: number): void {
    assert(this.isCurrent(handle), `retiring pod handle ${handle}, which is not current`);
    const index = handleIndex(handle);
    this.current[index] = PodHandle.None;
    this.freeByNode[this.nodeOf[index]].push(index);
    this.live--;
  }

  /** Whether `handle` is issued and not retired (false for PodHandle.None and stale handles). */
  isCurrent(handle: number): boolean {
    const index = handleIndex(handle);
    return index < this.current.length && handle !== PodHandle.None && this.current[index] === handle;
  }

  /** The handle now issued at `index` (PodHandle.None when free). */
  at(index: number): number {
    return index < this.current.length ? this.current[index] : PodHandle.None;
  }

  /** The index of a current handle (asserted: a stale handle's index may be another pod's). */
  indexOfCurrent(handle: number): number {
    assert(this.isCurrent(handle), `pod handle ${handle} is not current`);
    return handleIndex(handle);
  }

  private giveChunk(node: number, free: number[]): void {
    const start = this.chunked;
    this.chunked += CHUNK;
    assert(this.chunked <= PodHandle.IndexSpace, `more than ${PodHandle.IndexSpace} pod handle indices`);
    if (this.chunked > this.current.length) {
      const length = Math.max(this.chunked, 2 * this.current.length);
      const old = this.current.length;
      this.current = resized(this.current, length);
      this.nextGeneration = resized(this.nextGeneration, length);
      this.nextGeneration.fill(1, old);
      this.nodeOf = resized(this.nodeOf, length);
      this.nodeOf.fill(-1, old);
    }
    this.nodeOf.fill(node, start, start + CHUNK);
    // Pushed high to low so that pops hand out the chunk's indices in increasing order.
    for (let i = start + CHUNK - 1; i >= start; i--) free.push(i);
  }
}
