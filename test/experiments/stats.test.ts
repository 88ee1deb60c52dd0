/**
 * experiments/stats.ts: Student-t intervals and the paired comparison `compare --replications`
 * reports, against values computed by hand.
 */
import t from "tap";
import { confidenceInterval, pairedDifference, studentTQuantile } from "../../experiments/stats.js";

const near = (a: number, b: number, tol = 1e-6) => Math.abs(a - b) <= tol;

t.test("Student-t quantiles and intervals", async (t) => {
  t.ok(near(studentTQuantile(0.975, 4), 2.776445), "t(0.975, 4)");
  t.ok(near(studentTQuantile(0.975, 30), 2.042272), "t(0.975, 30)");
  const ci = confidenceInterval([1, 2, 3, 4, 5]);
  t.equal(ci.mean, 3);
  t.ok(near(ci.half_width, 2.776445 * Math.sqrt(2.5) / Math.sqrt(5)), `half-width ${ci.half_width}`);
});

t.test("paired differences: the differences' Student-t interval and p-value", async (t) => {
  // Differences 2, 3, 0, 3, 1: mean 1.8, sd √1.7, standard error √(1.7/5) = 0.583095, t = 3.086974
  // on 4 degrees of freedom: half-width 2.776445 × 0.583095 = 1.618932; two-sided p = 0.03668.
  const d = pairedDifference([10, 12, 11, 11, 12], [12, 15, 11, 14, 13]);
  t.ok(near(d.mean, 1.8));
  t.ok(near(d.low, 1.8 - 1.618932, 1e-5) && near(d.high, 1.8 + 1.618932, 1e-5), `[${d.low}, ${d.high}]`);
  t.ok(near(d.p, 0.03668, 1e-4), `p = ${d.p}`);
  t.equal(d.n, 5);
  t.same(pairedDifference([1, 2, 3], [1, 2, 3]), { mean: 0, low: 0, high: 0, p: 1, n: 3 }, "identical: no difference");
  t.same(pairedDifference([1, 2, 3], [2, 3, 4]), { mean: 1, low: 1, high: 1, p: 0, n: 3 }, "a constant shift: certain");
  t.equal(pairedDifference([1, NaN, 3], [2, 5, 4]).n, 2, "pairs with a NaN are left out");
  t.ok(Number.isNaN(pairedDifference([1], [2]).p), "one pair: no test");
});
