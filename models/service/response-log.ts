/**
 * The response times of a Service's requests in `arrivals: requests` mode, as its pods complete
 * them: what its latency outputs are read from (the requests completed in each sample interval,
 * rather than the fluid mode's estimate for a request arriving now). Completions come in pod by
 * pod as pods are advanced, so they are not in time order; a window is read by filtering on the
 * completion time. Entries older than the longest window a reader asks for (`keep_s`) are
 * dropped, so the log holds about that window's requests.
 */
import { assert } from "../../engine/assert.js";
import { resized } from "../../engine/typed-arrays.js";

export class ResponseLog {
  private completion_s = new Float64Array(64);
  private response_s = new Float64Array(64);
  private length = 0;
  /** Scratch for the window being read. */
  private window = new Float64Array(64);
  /** Entries completed at or before this were dropped (a window may not reach back to it), s. */
  private dropped_s = -Infinity;
  /** The latest completion recorded: no reader's window ends before it. */
  private latest_s = -Infinity;

  /** `keep_s`: the longest window (up to the reader's present) any reader will ask for. */
  constructor(public keep_s: number) {}

  /** A request completed at `completion_s` after `response_s`. */
  record(completion_s: number, response_s: number): void {
    if (completion_s > this.latest_s) this.latest_s = completion_s;
    if (this.length === this.completion_s.length) {
      // Full: first drop what no window can reach (readers read at or after the latest
      // completion), then grow unless that freed a quarter, so scans stay rare (amortized O(1)).
      this.forget(this.latest_s - this.keep_s);
      if (this.length > 0.75 * this.completion_s.length) {
        this.completion_s = resized(this.completion_s, 2 * this.completion_s.length);
        this.response_s = resized(this.response_s, 2 * this.response_s.length);
      }
    }
    this.completion_s[this.length] = completion_s;
    this.response_s[this.length] = response_s;
    this.length++;
  }

  /** Drops the entries completed at or before `before_s` (no reader will ask for them). */
  forget(before_s: number): void {
    if (!(before_s > this.dropped_s)) return;
    this.dropped_s = before_s;
    let kept = 0;
    for (let i = 0; i < this.length; i++) {
      if (this.completion_s[i] <= before_s) continue;
      this.completion_s[kept] = this.completion_s[i];
      this.response_s[kept] = this.response_s[i];
      kept++;
    }
    this.length = kept;
  }

  /**
   * Quantiles (nearest rank: the smallest response time with at least a fraction q of the
   * window's at or below it) of the response times of the requests completed in (from_s, to_s],
   * written into `out` in the order of `qs`, in seconds; NaN when none completed. Returns how
   * many completed.
   */
  quantiles(from_s: number, to_s: number, qs: readonly number[], out: number[]): number {
    assert(from_s >= this.dropped_s, `response-time window from ${from_s} s reaches back past ${this.dropped_s} s, which was forgotten`);
    if (this.window.length < this.length) this.window = new Float64Array(this.completion_s.length);
    let n = 0;
    for (let i = 0; i < this.length; i++) {
      const c = this.completion_s[i];
      if (c > from_s && c <= to_s) this.window[n++] = this.response_s[i];
    }
    const sorted = this.window.subarray(0, n).sort();
    for (let k = 0; k < qs.length; k++) out[k] = n === 0 ? NaN : sorted[Math.max(0, Math.ceil(qs[k] * n) - 1)];
    return n;
  }
}
