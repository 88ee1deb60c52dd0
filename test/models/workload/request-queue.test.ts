/**
 * RequestQueue's closed-form schedule against a plain period-by-period one: the response times
 * it gives, the work done by any instant, and a quota change in the middle of a request.
 */
import t from "tap";
import { RngRegistry } from "../../../engine/rng.js";
import { RequestQueue } from "../../../models/workload/request-queue.js";

/**
 * The obvious schedule, walked period by period: the worker runs whenever it has work and its
 * period's quota is not spent. `advanceTo` records when each cumulative mark is reached.
 */
class SteppedWorker {
  now_s = 0;
  done_s = 0;
  given_s = 0;
  throttled_s = 0;
  private period = -1;
  private used_s = 0;
  readonly completions = new Map<number, number>();
  /** Cumulative work at which each request still in the worker is done, in order. */
  private readonly marks: number[] = [];

  constructor(private readonly period_s: number, private quota_s: number) {}

  setQuota(quota_s: number, at_s: number): void {
    this.advanceTo(at_s);
    this.quota_s = quota_s;
  }

  serve(arrival_s: number, work_s: number): number {
    this.advanceTo(arrival_s);
    this.given_s += work_s;
    this.marks.push(this.given_s);
    return this.given_s;
  }

  advanceTo(t_s: number): void {
    for (let guard = 0; this.now_s < t_s; guard++) {
      if (guard > 10_000_000) throw new Error("stepper did not finish");
      if (this.marks.length === 0) {
        this.now_s = t_s;
        break;
      }
      let k = Math.floor(this.now_s / this.period_s);
      // 4.3 / 0.1 is 42.99…: a period that has ended is the next one.
      if ((k + 1) * this.period_s <= this.now_s) k++;
      if (k !== this.period) {
        this.period = k;
        this.used_s = 0;
      }
      const end_s = (k + 1) * this.period_s;
      // Each run stops at the next request's end, so its completion is recorded when it happens.
      const run_s = Math.min(this.marks[0] - this.done_s, this.quota_s - this.used_s, end_s - this.now_s, t_s - this.now_s);
      if (run_s > 0) {
        this.now_s += run_s;
        this.used_s += run_s;
        this.done_s += run_s;
      } else if (this.quota_s - this.used_s <= 0) {
        this.throttled_s += Math.min(t_s, end_s) - this.now_s;
        this.now_s = Math.min(t_s, end_s);
      }
      if (this.done_s >= this.marks[0] - 1e-12) {
        this.done_s = this.marks[0];
        this.completions.set(this.marks.shift()!, this.now_s);
      }
    }
  }
}

const P_S = 0.1;

t.test("response times and work done match the period-by-period schedule", async (t) => {
  for (const cap_mcores of [1000, 999, 500, 200, 37]) {
    const speed_mcores = 1000;
    const queue = new RequestQueue({ cost_mcore_s: 100, distribution: "exponential", cap_mcores, speed_mcores, cfsPeriod_ms: 100 });
    const quota_s = cap_mcores >= speed_mcores ? Infinity : (P_S * cap_mcores) / speed_mcores;
    const ref = new SteppedWorker(P_S, quota_s);
    const rng = new RngRegistry(4).stream(`rq/${cap_mcores}`);
    let arrival_s = 0;
    let worst_response = 0;
    let worst_done = 0;
    let worst_throttled = 0;
    const responses: [number, number, number][] = [];
    for (let i = 0; i < 400; i++) {
      arrival_s += rng.exponential(0.007 * cap_mcores) // 70 % of what the cap serves;
      const work_s = rng.exponential(10);
      // Work done just before the arrival, by both.
      const probe_s = arrival_s - rng.uniform(0, 0.05);
      if (probe_s > ref.now_s) {
        ref.advanceTo(probe_s);
        worst_done = Math.max(worst_done, Math.abs(queue.workDone_s(probe_s) - ref.done_s));
        worst_throttled = Math.max(worst_throttled, Math.abs(queue.throttled_s(probe_s) - ref.throttled_s));
      }
      const response_s = queue.serve(arrival_s, work_s);
      const mark = ref.serve(arrival_s, work_s);
      responses.push([mark, arrival_s, response_s]);
    }
    ref.advanceTo(arrival_s + 10_000);
    for (const [mark, at_s, response_s] of responses) worst_response = Math.max(worst_response, Math.abs(ref.completions.get(mark)! - at_s - response_s));
    t.ok(worst_response < 1e-9, `cap ${cap_mcores}m: response times within 1e-9 s (worst ${worst_response.toExponential(2)})`);
    t.ok(worst_done < 1e-9, `cap ${cap_mcores}m: work done within 1e-9 s (worst ${worst_done.toExponential(2)})`);
    t.ok(Math.abs(queue.workDone_s(arrival_s + 10_000) - ref.given_s) < 1e-9, `cap ${cap_mcores}m: all work done in the end`);
    t.ok(worst_throttled < 1e-9, `cap ${cap_mcores}m: throttled time within 1e-9 s (worst ${worst_throttled.toExponential(2)}; ${ref.throttled_s.toFixed(1)} s in all)`);
    t.ok(Math.abs(queue.throttled_s(arrival_s + 10_000) - ref.throttled_s) < 1e-9, `cap ${cap_mcores}m: throttled time in the end`);
    if (cap_mcores < 1000) t.ok(ref.throttled_s > 0, "(it was throttled)");
  }
});

t.test("a quota change in the middle of a request carries the work left over", async (t) => {
  // One request of 1 s of work under 500m from t = 0.05 s (0.05 s into period 0).
  const queue = new RequestQueue({ cost_mcore_s: 1000, distribution: "deterministic", cap_mcores: 500, speed_mcores: 1000, cfsPeriod_ms: 100 });
  const ref = new SteppedWorker(P_S, 0.05);
  // Alone: 0.05 s of quota in period 0, then 0.05 s in each of periods 1..19: done at 1.95 s.
  t.ok(Math.abs(queue.serve(0.05, 1) - 1.9) < 1e-12, "alone, it would take 1.9 s");
  const mark = ref.serve(0.05, 1);
  ref.advanceTo(0.5);
  t.ok(Math.abs(queue.workDone_s(0.5) - ref.done_s) < 1e-12, `0.5 s: ${ref.done_s} s done`);
  // Lifted to a full core at 0.5 s, then cut to 100m at 0.73 s, mid-period.
  queue.setCap(1000, 0.5);
  ref.setQuota(Infinity, 0.5);
  queue.setCap(100, 0.73);
  ref.setQuota(0.01, 0.73);
  // Period 7 ran at a full core from 0.7 s: its 10 ms of quota are spent, so it waits for 0.8 s.
  for (const at_s of [0.73, 0.75, 0.8, 0.805, 0.95, 1.3, 2.0]) {
    ref.advanceTo(at_s);
    t.ok(Math.abs(queue.workDone_s(at_s) - ref.done_s) < 1e-12, `${at_s} s: work done ${queue.workDone_s(at_s).toFixed(6)} = ${ref.done_s.toFixed(6)}`);
  }
  ref.advanceTo(100);
  t.ok(Math.abs(queue.completionOf(1) - ref.completions.get(mark)!) < 1e-9, `completes at ${ref.completions.get(mark)!.toFixed(4)} s`);
  t.ok(Math.abs(queue.busyUntil_s - ref.completions.get(mark)!) < 1e-9, "the worker is free then");
  // Quota 0 (no CPU): the work stops; restored, it goes on.
  const stalled = new RequestQueue({ cost_mcore_s: 100, distribution: "deterministic", cap_mcores: 1000, speed_mcores: 1000, cfsPeriod_ms: 100 });
  stalled.serve(0, 0.1);
  stalled.setCap(0, 0.04);
  t.equal(stalled.busyUntil_s, Infinity, "no CPU: never done");
  t.ok(Math.abs(stalled.workDone_s(5) - 0.04) < 1e-12, "no work while the cap is 0");
  stalled.setCap(1000, 5);
  t.ok(Math.abs(stalled.busyUntil_s - 5.06) < 1e-12, "the 60 ms left run from the restore");
});
