/**
 * Port of kubernetes-sigs/metrics-server `pkg/storage/node.go` nodeStorage (Store, GetMetrics).
 * Simpler than pods: no fresh-node rule and no restart check; prev moves only when the new point
 * is newer, and a stored prev is kept only while it is older than the new point. One reused
 * record per node, swept when the node is missing from a scrape.
 */
import { decodeCumulativeCpu_ns, decodeMemory_bytes, isCompleteNodePoint, sampleError } from "./decode.js";
import { newUsageResult, resourceUsage, toResourceUsage, type NodeMetrics, type ResourceSample } from "./types.js";

class NodeRecord {
  lastStart_ms = 0;
  lastTimestamp_ms = 0;
  lastCpu_ns = 0;
  lastMemory_bytes = 0;
  hasPrev = false;
  prevStart_ms = 0;
  prevTimestamp_ms = 0;
  prevCpu_ns = 0;
  generation = 0;

  constructor(readonly name: string) {}
}

export class NodeStorage {
  private readonly nodes = new Map<string, NodeRecord>();
  private generation = 0;
  private nodesWithPrev = 0;
  private readonly usage = newUsageResult();

  beginStore(): void {
    this.generation++;
    this.nodesWithPrev = 0;
  }

  /**
   * Stores one node's point (the body of node.go Store's loop, after decode.go's completeness
   * check). Returns false when the point is incomplete or a duplicate ("Got duplicate node point").
   */
  storeNode(nodeName: string, point: ResourceSample | null): boolean {
    const err = point === null ? null : sampleError(point);
    if (err !== null) throw new RangeError(`node ${nodeName}: ${err}`);
    if (!isCompleteNodePoint(point)) return false;
    let rec = this.nodes.get(nodeName);
    const foundInLast = rec !== undefined && rec.generation !== this.generation;
    if (rec === undefined) {
      rec = new NodeRecord(nodeName);
      this.nodes.set(nodeName, rec);
    } else if (rec.generation === this.generation) {
      return false;
    }
    rec.generation = this.generation;
    const ts_ms = point.timestamp_ms;
    if (!foundInLast) {
      rec.hasPrev = false;
    } else if (ts_ms > rec.lastTimestamp_ms) {
      // Move stored point to previous.
      rec.hasPrev = true;
      rec.prevStart_ms = rec.lastStart_ms;
      rec.prevTimestamp_ms = rec.lastTimestamp_ms;
      rec.prevCpu_ns = rec.lastCpu_ns;
    } else if (rec.hasPrev && !(rec.prevTimestamp_ms < ts_ms)) {
      // "Found new node metrics point is older than stored previous, drop previous"
      rec.hasPrev = false;
    }
    rec.lastStart_ms = point.startTime_ms;
    rec.lastTimestamp_ms = ts_ms;
    rec.lastCpu_ns = decodeCumulativeCpu_ns(point.cumulativeCpuUsed_mcore_ms);
    rec.lastMemory_bytes = decodeMemory_bytes(point.memoryWorkingSet_bytes);
    if (rec.hasPrev) this.nodesWithPrev++;
    return true;
  }

  endStore(): void {
    const gen = this.generation;
    for (const rec of this.nodes.values()) if (rec.generation !== gen) this.nodes.delete(rec.name);
  }

  /** storage.go nodeReady: len(s.nodes.prev) != 0. */
  ready(): boolean {
    return this.nodesWithPrev > 0;
  }

  /** node.go GetMetrics, in the order asked; nodes without both points or with an erring rate are left out. */
  getMetrics(nodeNames: readonly string[]): NodeMetrics[] {
    const results: NodeMetrics[] = [];
    const u = this.usage;
    for (const name of nodeNames) {
      const rec = this.nodes.get(name);
      if (rec === undefined || !rec.hasPrev) continue;
      const err = resourceUsage(
        rec.lastStart_ms,
        rec.lastTimestamp_ms,
        rec.lastCpu_ns,
        rec.lastMemory_bytes,
        rec.prevStart_ms,
        rec.prevCpu_ns,
        rec.lastTimestamp_ms - rec.prevTimestamp_ms,
        u,
      );
      if (err !== null) continue; // "Skipping node usage metric"
      results.push({ name, timestamp_ms: u.timestamp_ms, window_ms: u.window_ms, usage: toResourceUsage(u.cpu_nanocores, u.memory_bytes) });
    }
    return results;
  }
}
