/**
 * The nodes a removal simulation found unremovable, and until when they are skipped. Upstream:
 * core/scaledown/unremovable/nodes.go (Nodes: its ttls; AddTimeout, IsRecent, Update), used by
 * planner.go categorizeNodes. A node whose simulated removal fails (a pod with no place to go, a
 * blocking pod) is not simulated again until --unremovable-node-recheck-timeout (5 min) has
 * passed: FilterOutUnremovable reports it as RecentlyUnremovable without computing anything. This
 * is what keeps a busy cluster's scale-down loop from re-simulating the same hopeless nodes every
 * scan interval.
 *
 * (Upstream's Nodes also keeps the reason of every unremovable node for its status report; the
 * controller's decision row keeps those.)
 */
export class UnremovableNodes {
  /** Node name → the time until which it counts as recently unremovable (ms); insertion order. */
  private readonly ttls = new Map<string, number>();

  /**
   * nodes.go Update: forgets the nodes no longer in the cluster (`exists`) and those whose timeout
   * is not after `now_ms` (Go's ttl.After(timestamp) keeps only strictly later ones).
   */
  update(exists: (node: string) => boolean, now_ms: number): void {
    // Deleting the current entry while iterating a Map is well defined in JS.
    for (const [node, until_ms] of this.ttls) if (!exists(node) || !(until_ms > now_ms)) this.ttls.delete(node);
  }

  /** nodes.go AddTimeout: `node` is unremovable until `until_ms`. */
  addTimeout(node: string, until_ms: number): void {
    this.ttls.set(node, until_ms);
  }

  /** nodes.go IsRecent. */
  has(node: string): boolean {
    return this.ttls.has(node);
  }
}
