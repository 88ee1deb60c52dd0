/**
 * Each Service's requests so far at its endpoints: offered, served and dropped, by the Service's
 * index in ServiceTraffic (`ServiceState.index`). The Service layer owns them and reads them; the
 * container runtime, which integrates each pod's traffic lazily, reports what a pod was offered,
 * served and dropped through `add` as it advances the pod (PodRuntime.countTrafficIn). Added in
 * the order the runtime advances pods, so a total is the same sum, bit for bit, whoever reads it.
 *
 * A pod's counts are as of its last advance: a reader that wants them up to now advances the
 * runtime first (PodRuntime.advanceAll).
 */
import { resized } from "../../engine/typed-arrays.js";
import { Step } from "../workload/pod-server.js";

export class TrafficTotals {
  private offered = new Float64Array(16);
  private served = new Float64Array(16);
  private dropped = new Float64Array(16);

  /**
   * Adds one pod's step (or single requests' outcomes) to Service `service`'s counts:
   * `requests[Step.Offered]` offered, `[Step.Served]` served, `[Step.Dropped]` dropped.
   */
  add(service: number, requests: Float64Array): void {
    if (service >= this.offered.length) this.grow(service);
    this.offered[service] += requests[Step.Offered];
    this.served[service] += requests[Step.Served];
    this.dropped[service] += requests[Step.Dropped];
  }

  offered_requests(service: number): number {
    return service < this.offered.length ? this.offered[service] : 0;
  }
  served_requests(service: number): number {
    return service < this.served.length ? this.served[service] : 0;
  }
  dropped_requests(service: number): number {
    return service < this.dropped.length ? this.dropped[service] : 0;
  }

  private grow(service: number): void {
    const length = Math.max(service + 1, this.offered.length * 2);
    this.offered = resized(this.offered, length);
    this.served = resized(this.served, length);
    this.dropped = resized(this.dropped, length);
  }
}
