/**
 * metrics/interfaces.go PodMetricsInfo laid out by a pod list, the form the replica calculator
 * works on: row r holds the entry (if any) of the r-th distinct pod name of its list, so its
 * per-pod lookups are array reads, and a metrics client built over the same list can fill it
 * without building a map (MetricsClient.getResourceMetricRows). The calculator keeps one per pod
 * list and refills it on every sync (an HPA syncs every 15 s over an unchanged list).
 */
import type { Int64 } from "./int64.js";
import type { PodMetricsInfo } from "./metrics-client.js";

export class PodMetricRows {
  /** 1 when the row's pod has an entry. */
  readonly has: Uint8Array;
  readonly timestamp_ms: Float64Array;
  readonly window_ms: Float64Array;
  readonly value_milli: Int64[];
  /**
   * The values of entries for pods outside the list. An API may answer about pods the selector
   * did not pick; upstream keeps them in the map, where they count in len(metrics) and in a plain
   * metric's sum, but have no request.
   */
  readonly otherValues_milli: Int64[] = [];
  /** len(metrics): the rows with an entry plus the other entries. */
  size = 0;

  constructor(readonly rowCount: number) {
    this.has = new Uint8Array(rowCount);
    this.timestamp_ms = new Float64Array(rowCount);
    this.window_ms = new Float64Array(rowCount);
    this.value_milli = new Array<Int64>(rowCount).fill(0);
  }

  clear(): void {
    this.has.fill(0);
    // Setting an array's length is a runtime call even when it is already 0.
    if (this.otherValues_milli.length !== 0) this.otherValues_milli.length = 0;
    this.size = 0;
  }

  set(row: number, timestamp_ms: number, window_ms: number, value_milli: Int64): void {
    if (this.has[row] === 0) {
      this.has[row] = 1;
      this.size++;
    }
    this.timestamp_ms[row] = timestamp_ms;
    this.window_ms[row] = window_ms;
    this.value_milli[row] = value_milli;
  }

  delete(row: number): void {
    if (this.has[row] === 0) return;
    this.has[row] = 0;
    this.size--;
  }

  /** Replaces the contents with a map's entries; `rowOfName` gives the row of each listed pod. */
  assign(metrics: PodMetricsInfo, rowOfName: ReadonlyMap<string, number>): void {
    this.clear();
    for (const [name, m] of metrics) {
      const row = rowOfName.get(name);
      if (row === undefined) {
        this.otherValues_milli.push(m.value_milli);
        this.size++;
      } else {
        this.set(row, m.timestamp_ms, m.window_ms, m.value_milli);
      }
    }
  }
}
