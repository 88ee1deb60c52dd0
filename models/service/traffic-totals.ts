/**
 * Each Service's requests so far at its endpoints: offered, served and dropped, by the Service's
 * index in ServiceTraffic (`ServiceState.index`). The Service layer owns them and reads them; the
 * container runtime, which integrates each pod's traffic lazily, has each pod's server add what
 * it was offered, served and dropped to `counts` as it advances the pod
 * (PodRuntime.countTrafficIn). Added in the order the runtime advances pods, so a total is the
 * same sum, bit for bit, whoever reads it.
 *
 * A pod's counts are as of its last advance: a reader that wants them up to now advances the
 * runtime first (PodRuntime.advanceAll).
 */
import { resized } from "../../engine/typed-arrays.js";
import { Counts } from "../workload/pod-servers.js";

export class TrafficTotals {
  private totals = new Float64Array(16 * Counts.Fields);

  /**
   * The totals, Service `s`'s offered, served and dropped requests at `s * Counts.Fields` plus
   * Counts.Offered, .Served and .Dropped, for the runtime's servers to add to (a Service's block
   * exists once `reserve` covered it). Replaced when it grows: read it again after `reserve`.
   */
  get counts(): Float64Array {
    return this.totals;
  }

  /** Makes room in `counts` for Service `service`'s block. */
  reserve(service: number): void {
    const needed = (service + 1) * Counts.Fields;
    if (needed > this.totals.length) this.totals = resized(this.totals, Math.max(needed, this.totals.length * 2));
  }

  offered_requests(service: number): number {
    return this.count(service, Counts.Offered);
  }
  served_requests(service: number): number {
    return this.count(service, Counts.Served);
  }
  dropped_requests(service: number): number {
    return this.count(service, Counts.Dropped);
  }

  private count(service: number, column: Counts): number {
    const at = service * Counts.Fields + column;
    return at < this.totals.length ? this.totals[at] : 0;
  }
}
