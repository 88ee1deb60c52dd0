/**
 * metrics/utilization.go GetResourceUtilizationRatio over the calculator's rows: its sums are Go's
 * int64 sums. Checked against the same sums in BigInt (int64 wrap-around included) over rows whose
 * values range from the usual millicores to totals past 2^53, negative terms and bigints.
 */
import t from "tap";
import seedrandom from "seedrandom";
import { PodMetricRows } from "../../../models/hpa/pod-metric-rows.js";
import { getResourceUtilizationRatioOfRows } from "../../../models/hpa/utilization.js";
import { normalizeInt64, type Int64 } from "../../../models/hpa/int64.js";

const wrap = (x: bigint): bigint => BigInt.asIntN(64, x);

/** Go's answer, in bigint: int32(Σusage·100 / Σrequest), Σusage / n, and whether a sum left the safe-integer range. */
function goAnswer(values: (Int64 | null)[], requests: (Int64 | undefined)[]): { utilization: number; raw: Int64; pastSafe: boolean } | null {
  let metrics = 0n;
  let request = 0n;
  let n = 0n;
  let pastSafe = false;
  const safe = BigInt(Number.MAX_SAFE_INTEGER);
  for (let r = 0; r < values.length; r++) {
    if (values[r] === null || requests[r] === undefined) continue;
    metrics = wrap(metrics + BigInt(values[r]!));
    request = wrap(request + BigInt(requests[r]!));
    if (metrics > safe || request > safe || metrics < -safe || request < -safe) pastSafe = true;
    n++;
  }
  if (request === 0n) return null;
  return { utilization: Number(BigInt.asIntN(32, wrap(wrap(metrics * 100n) / request))), raw: normalizeInt64(metrics / n), pastSafe };
}

const MAGNITUDES: ((rng: () => number) => Int64)[] = [
  (rng) => Math.floor(rng() * 2000), // millicores, the usual
  (rng) => Math.floor(rng() * 2 ** 50), // large: a few such terms pass 2^53
  (rng) => 2 ** 53 - 1 - Math.floor(rng() * 10), // at the edge of the safe range
  (rng) => -Math.floor(rng() * 1000), // negative (an external metric may be)
  (rng) => BigInt(Math.floor(rng() * 1000)) + 2n ** 60n, // past 2^53: a bigint
];

t.test("the sums match Go's int64 sums", (t) => {
  const rng = seedrandom("utilization-sums");
  let pastSafeCases = 0;
  let mismatches = 0;
  for (let c = 0; c < 3000; c++) {
    const rows = 1 + Math.floor(rng() * 12);
    const metrics = new PodMetricRows(rows);
    const values: (Int64 | null)[] = [];
    const requests: (Int64 | undefined)[] = [];
    // Most cases stay in the usual range; the rest mix in one other magnitude.
    const other = rng() < 0.5 ? 0 : 1 + Math.floor(rng() * (MAGNITUDES.length - 1));
    for (let r = 0; r < rows; r++) {
      const pick = () => MAGNITUDES[rng() < 0.7 ? 0 : other](rng);
      const value = rng() < 0.1 ? null : pick();
      const request = rng() < 0.1 ? undefined : pick();
      values.push(value);
      requests.push(request);
      if (value !== null) metrics.set(r, 0, 0, value);
    }
    const want = goAnswer(values, requests);
    const got = getResourceUtilizationRatioOfRows(metrics, requests, 50);
    if (want === null) {
      if (got.ok) {
        mismatches++;
        t.fail(`case ${c}: want an error, got ${got.currentUtilization}`);
      }
      continue;
    }
    if (want.pastSafe) pastSafeCases++;
    if (!got.ok) {
      mismatches++;
      t.fail(`case ${c}: ${got.error}`);
      continue;
    }
    if (got.currentUtilization !== want.utilization || got.rawAverageValue !== want.raw || got.utilizationRatio !== want.utilization / 50) {
      mismatches++;
      t.fail(`case ${c}: got ${got.currentUtilization} ${got.rawAverageValue}, want ${want.utilization} ${want.raw} (values ${values.join(",")}; requests ${requests.join(",")})`);
    }
  }
  t.equal(mismatches, 0, "3000 cases agree with Go's sums");
  t.ok(pastSafeCases > 100, `the table takes sums past 2^53 (${pastSafeCases} cases)`);
  t.end();
});

t.test("a total past 2^53 of safe terms is exact", (t) => {
  const metrics = new PodMetricRows(3);
  const big = 2 ** 52 + 1;
  for (let r = 0; r < 3; r++) metrics.set(r, 0, 0, big);
  const got = getResourceUtilizationRatioOfRows(metrics, [big, big, big], 50);
  // 3·(2^52+1) = 13510798882111491 is odd, past 2^53: as a double it would round to an even number.
  t.ok(got.ok && got.rawAverageValue === big, "the average is exact");
  t.ok(got.ok && got.currentUtilization === 100, "usage equals requests: 100 %");
  t.end();
});
