import t from "tap";
import { runMm1, mm1MeanWait_s } from "../../experiments/bench/mm1.js";

// The kernel benchmark's model must compute real M/M/1 statistics, or its events/s mean nothing.
// At rho = 0.5 the standard error of the mean wait over 400k customers is about 0.9 %, so a 3 %
// band is tight enough to catch a wrong model (e.g. LIFO bookkeeping or a swapped rate).
t.test("M/M/1 on the kernel matches the closed-form mean wait and sojourn", async (t) => {
  const result = runMm1(400_000, 0.5, 1.0, 2026);
  t.equal(result.customers, 400_000);
  t.equal(result.events, 800_000, "two events per customer");
  const wq = mm1MeanWait_s(0.5, 1.0); // 1 s
  t.ok(Math.abs(result.mean_wait_s / wq - 1) < 0.03, `mean wait ${result.mean_wait_s} ≈ ${wq}`);
  t.ok(Math.abs(result.mean_sojourn_s / (wq + 1) - 1) < 0.03, `mean sojourn ${result.mean_sojourn_s} ≈ ${wq + 1}`);
  t.equal(result.batch_means_s.length, 20);
});

t.test("M/M/1 is deterministic per seed", async (t) => {
  t.same(runMm1(5_000, 0.9, 1.0, 9), runMm1(5_000, 0.9, 1.0, 9));
  t.not(runMm1(5_000, 0.9, 1.0, 9).mean_wait_s, runMm1(5_000, 0.9, 1.0, 10).mean_wait_s);
});
