/**
 * End to end: a step in a Service's request rate reaches the adapter's per-pod
 * http_requests_per_second with the lag Prometheus' sampling and rate() imply:
 * - nothing changes before the first scrape after the step (the counter samples before it lie on
 *   the old slope; a sample at the step instant too);
 * - from that scrape on the value rises (a scrape only milliseconds after the step shows it one
 *   scrape later, since the counters are whole requests);
 * - once every sample in the 2m window lies at or after the step, rate() over a linear counter,
 *   extrapolated to both window edges, is its exact slope: within 1 % (floored counters) from
 *   (last scrape before the step) + 2m on, i.e. at most 2m after the step.
 */
import t from "tap";
import { step } from "../../../models/workload/load-profiles.js";
import { cluster, PODS } from "./fixtures.js";

const STEP_MS = 600_000;
const INTERVAL_MS = 30_000;
const WINDOW_MS = 120_000;

for (const phase_ms of [0, 1, 7_500, 12_345, 29_999]) {
  t.test(`scrape phase ${phase_ms} ms`, async (t) => {
    // 20 -> 60 rps over 2 pods: 10 -> 30 rps per pod.
    const c = cluster(step([{ at_ms: STEP_MS, rate_rps: 60 }], 20), { custom: { prometheus: { phase_ms } } });
    const lastBefore_ms = phase_ms + Math.floor((STEP_MS - 1 - phase_ms) / INTERVAL_MS) * INTERVAL_MS;
    const firstAfter_ms = phase_ms + (Math.floor((STEP_MS - phase_ms) / INTERVAL_MS) + 1) * INTERVAL_MS;
    const convergedBy_ms = lastBefore_ms + WINDOW_MS;
    let risen_ms = -1;
    let converged_ms = -1;
    const errors: string[] = [];
    // Poll at every millisecond-aligned scrape time and every second: catches the first change exactly.
    const poll = (now_ms: number) => {
      const got = c.adapter.pods("default", PODS, "http_requests_per_second");
      if ("error" in got || got.length !== 2) {
        errors.push(`${now_ms}: ${"error" in got ? got.error : got.length}`);
        return;
      }
      const rps = got.map((m) => Number(m.value_milli) / 1000);
      if (now_ms < STEP_MS) {
        if (now_ms >= 300_000 && !rps.every((r) => Math.abs(r - 10) <= 0.1)) errors.push(`${now_ms}: before the step ${rps}`);
        return;
      }
      if (risen_ms < 0 && rps.every((r) => r > 10.1)) risen_ms = now_ms;
      const within = rps.every((r) => Math.abs(r - 30) <= 0.3);
      if (within && converged_ms < 0) converged_ms = now_ms;
      if (now_ms >= convergedBy_ms && !within) errors.push(`${now_ms}: not within 1 % of 30 rps: ${rps}`);
      if (!within) converged_ms = -1;
    };
    // Priority 1: after the scrape and the profile change at the same instant.
    c.sim.every(1_000, poll, { phase_ms: 240_000, priority: 1 });
    for (let s = lastBefore_ms; s <= convergedBy_ms + INTERVAL_MS; s += INTERVAL_MS) {
      if (s % 1_000 !== 0) c.sim.scheduleAt(s, poll, 1);
    }
    c.sim.run(1_000_000);
    t.same(errors, [], "answers every poll, right before and after");
    if (firstAfter_ms - STEP_MS >= 1_000) {
      t.equal(risen_ms, firstAfter_ms, `first rises at the first scrape after the step (${firstAfter_ms} ms)`);
    } else {
      // A scrape a few ms after the step holds < 1 extra request: the floored counter shows it a scrape later.
      t.ok(risen_ms >= firstAfter_ms && risen_ms <= firstAfter_ms + INTERVAL_MS, `rises at ${risen_ms} ms, within a scrape of ${firstAfter_ms} ms`);
    }
    t.ok(converged_ms > 0 && converged_ms <= convergedBy_ms, `within 1 % from ${converged_ms} ms <= ${convergedBy_ms} ms and stays`);
  });
}
