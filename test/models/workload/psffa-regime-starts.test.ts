// The PSFFA solve keeps, per regime start, the numbers of F that do not depend on the time
// (service-time.ts REGIME_STARTS). This runs it against the solve as it was before it kept them
// (copied below, unchanged), over regime starts that share an entry of the table, repeat, and
// reach their steady state or not, and asks for bit-for-bit the same answers.
import t from "tap";
import { RngRegistry } from "../../../engine/rng.js";
import { psffaUtilization, systemSize, utilizationOfSize } from "../../../models/workload/service-time.js";

function clampToCapacity(r: number, c: number, xMax: number): number {
  return systemSize(r, c) > xMax ? utilizationOfSize(xMax, c) : r;
}

/** Set by the copy below when it returns the steady state from its first step at the floor. */
let steadyAtFirstStep = 0;

/** solvePsffaUtilization before the regime starts were kept (models/workload/service-time.ts at b3a4d7b). */
function solveBefore(inputs: Float64Array): number {
  const r0 = inputs[0];
  const t_s = inputs[1];
  const lambda = inputs[2];
  const mu = inputs[3];
  const c = inputs[4];
  const xMax = inputs[5];
  if (mu === Infinity) return 0;
  if (mu === 0) return clampToCapacity(utilizationOfSize(systemSize(r0, c) + lambda * t_s, c), c, xMax);
  // Within 1e-9 of critical load, F's terms in 1/u0² cancel catastrophically: take u0 = 0.
  const u0 = Math.abs(1 - lambda / mu) < 1e-9 ? 0 : 1 - lambda / mu;
  const us = 1 - r0;
  if (t_s === 0 || us === u0) return clampToCapacity(r0, c, xMax);
  const target = -mu * t_s; // F(u) − F(us)
  if (u0 > 0) {
    // Towards the steady state r = λ/μ: u = u0 + σ·e^z, F(z) = a·z − k·ln u + c/(u0·u), dF/dz = (1−c) + c/u².
    const sigma = us > u0 ? 1 : -1;
    const k = c / (u0 * u0);
    const a = 1 - c + k;
    const zs = Math.log(Math.abs(us - u0));
    const goal = a * zs - k * Math.log(us) + c / (u0 * us) + target;
    // Newton from the slope at us (the curve steepens towards u0, so the first step undershoots
    // or lands close), kept inside a bracket [lo, hi]: hi = zs, where F − goal = −target > 0; lo
    // found on the way (F − goal < 0 there).
    // Below zs − 745, e^z underflows: u = u0 to double precision.
    const floor = zs - 745;
    let lo = floor;
    let hi = zs;
    let z = Math.max(floor, zs + target / (1 - c + c / (us * us)));
    for (let i = 0; i < 100; i++) {
      const u = u0 + sigma * Math.exp(z);
      const g = a * z - k * Math.log(u) + c / (u0 * u) - goal;
      if (g > 0) {
        if (z === floor) {
          if (i === 0) steadyAtFirstStep++;
          return clampToCapacity(1 - u0, c, xMax); // the steady state
        }
        hi = z;
      } else lo = z;
      let next = z - g / (1 - c + c / (u * u));
      if (!(next > lo && next < hi)) next = (lo + hi) / 2;
      if (Math.abs(next - z) <= 1e-11 * Math.max(1, Math.abs(z))) {
        z = next;
        break;
      }
      z = next;
    }
    return clampToCapacity(1 - (u0 + sigma * Math.exp(z)), c, xMax);
  }
  // Overload or critical load: u falls towards 0, x grows. y = 1/u; F(y) decreases:
  // u0 < 0: F = a·ln(1/y − u0) + k·ln y + (c/u0)·y; u0 = 0: F = −(1−c)·ln y − c·y²/2.
  const k = u0 === 0 ? 0 : c / (u0 * u0);
  const a = 1 - c + k;
  const ys = 1 / us;
  const Fs = u0 === 0 ? -(1 - c) * Math.log(ys) - (c * ys * ys) / 2 : a * Math.log(us - u0) + k * Math.log(ys) + (c / u0) * ys;
  const goal = Fs + target;
  let y = Math.max(ys + ((lambda - mu) * t_s) / c, Math.sqrt(ys * ys + (2 * mu * t_s) / c));
  for (let i = 0; i < 50; i++) {
    const u = 1 / y;
    const F = u0 === 0 ? -(1 - c) * Math.log(y) - (c * y * y) / 2 : a * Math.log(u - u0) + k * Math.log(y) + (c / u0) * y;
    // dF/dy = −((1−c)u² + c)/(u − u0)
    const step = (F - goal) / (-((1 - c) * u * u + c) / (u - u0));
    const next = y - step < ys ? (y + ys) / 2 : y - step;
    if (Math.abs(next - y) <= 1e-11 * y) {
      y = next;
      break;
    }
    y = next;
  }
  return clampToCapacity(1 - 1 / y, c, xMax);
}

t.test("the solve with kept regime starts answers bit for bit as the solve without", async (t) => {
  const stream = new RngRegistry(7).stream("psffa-regime-starts");
  const rng = () => stream.random();
  const cs = [0.5, 1, (1 + 0.25) / 2, (1 + 4) / 2];
  const xMaxes = [Infinity, 1, 11, 501];
  // More starts than the table's 1,024 entries, so entries are taken over and found again.
  const starts: { r0: number; lambda: number; mu: number; c: number; xMax: number }[] = [];
  for (let i = 0; i < 3000; i++) {
    const mu = [0, Infinity, 40, 1 + 99 * rng()][i % 4 === 0 ? Math.floor(rng() * 4) : 3];
    const lambda = rng() < 0.1 ? mu * (1 + 0.5 * rng()) : rng() < 0.05 ? mu * (1 - 1e-10) : (mu === Infinity ? 50 : mu) * rng();
    const c = cs[Math.floor(rng() * cs.length)];
    const xMax = xMaxes[Math.floor(rng() * xMaxes.length)];
    // A queue at rest at another rate's steady state, or anywhere in [0, 1).
    const r0 = rng() < 0.5 ? rng() : Math.min(0.999, lambda / (mu || 1) * rng());
    starts.push({ r0, lambda, mu, c, xMax });
    // Starts that differ from another in one input only, which must not read its numbers.
    if (i % 10 === 0) starts.push({ r0, lambda, mu, c, xMax: xMaxes[(xMaxes.indexOf(xMax) + 1) % xMaxes.length] });
    if (i % 10 === 5) starts.push({ r0, lambda, mu, c: cs[(cs.indexOf(c) + 1) % cs.length], xMax });
  }
  const inputs = new Float64Array(6);
  let cases = 0;
  let mismatches = 0;
  const firstMismatches: string[] = [];
  for (let round = 0; round < 40; round++) {
    for (let i = 0; i < starts.length; i++) {
      // Endpoints of one Service: the same start at ages that differ in their last bits, or not at all.
      const s = starts[(i * 7 + round * 13) % starts.length];
      const age_s = [0, 1e-3, 0.5, 10, 59.99999999999999, 60, 60.00000000000001, 3600][Math.floor(rng() * 8)] * (rng() < 0.2 ? rng() : 1);
      inputs.set([s.r0, age_s, s.lambda, s.mu, s.c, s.xMax]);
      const want = solveBefore(inputs);
      const got = psffaUtilization(s.r0, age_s, s.lambda, s.mu, s.c, s.xMax);
      cases++;
      if (!Object.is(got, want)) {
        mismatches++;
        if (firstMismatches.length < 5) firstMismatches.push(`${JSON.stringify({ ...s, age_s })}: ${got} != ${want}`);
      }
    }
  }
  t.equal(mismatches, 0, `${cases} solves, every answer the same bits${firstMismatches.length ? ": " + firstMismatches.join("; ") : ""}`);
  // The kept numbers' shortcut (the steady state at the first step) was taken, and often.
  t.ok(steadyAtFirstStep > cases / 10, `${steadyAtFirstStep} of ${cases} reached the steady state at the first step`);
});
