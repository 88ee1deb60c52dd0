import t from "tap";
import { RngRegistry } from "../../../engine/rng.js";
import {
  constant,
  diurnal,
  integrateRate,
  parseTraceCsv,
  poisson,
  poissonSpikes,
  ramp,
  sine,
  spikes,
  step,
  trace,
  TraceCsvError,
  users,
  type LoadProfile,
} from "../../../models/workload/load-profiles.js";

const close = (a: number, b: number, tol = 1e-9) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

t.test("each profile's rate and next change time", async (t) => {
  const twoOverPi = 2 / Math.PI;
  const cases: { name: string; profile: LoadProfile; probes: [t_ms: number, rate: number, next: number][] }[] = [
    { name: "constant", profile: constant(5), probes: [[0, 5, Infinity], [1e9, 5, Infinity]] },
    {
      name: "step",
      profile: step([{ at_ms: 1000, rate_rps: 10 }, { at_ms: 3000, rate_rps: 0 }], 2),
      probes: [[0, 2, 1000], [999, 2, 1000], [1000, 10, 3000], [2999, 10, 3000], [3000, 0, Infinity], [500, 2, 1000]],
    },
    {
      name: "step merges equal neighbours",
      profile: step([{ at_ms: 1000, rate_rps: 2 }, { at_ms: 2000, rate_rps: 5 }, { at_ms: 2500, rate_rps: 5 }], 2),
      probes: [[0, 2, 2000], [2000, 5, Infinity]],
    },
    {
      name: "ramp 0 → 10 over [1 s, 3.5 s), 1 s pieces at their midpoints",
      profile: ramp({ from_rps: 0, to_rps: 10, start_ms: 1000, end_ms: 3500 }),
      probes: [[0, 0, 1000], [1000, 2, 2000], [1999, 2, 2000], [2000, 6, 3000], [3000, 9, 3500], [3499, 9, 3500], [3500, 10, Infinity]],
    },
    {
      name: "ramp down with 250 ms resolution",
      profile: ramp({ from_rps: 8, to_rps: 4, start_ms: 0, end_ms: 1000, resolution_ms: 250 }),
      probes: [[-5, 8, 0], [0, 7.5, 250], [250, 6.5, 500], [999, 4.5, 1000], [1000, 4, Infinity]],
    },
    {
      name: "sine: each piece holds the wave's average",
      profile: sine({ mean_rps: 10, amplitude_rps: 5, period_ms: 4000 }),
      probes: [[0, 10 + 5 * twoOverPi, 1000], [1500, 10 + 5 * twoOverPi, 2000], [2000, 10 - 5 * twoOverPi, 3000], [3999, 10 - 5 * twoOverPi, 4000]],
    },
    {
      name: "sine with phase and coarse resolution",
      profile: sine({ mean_rps: 10, amplitude_rps: 5, period_ms: 4000, phase_ms: 1000, resolution_ms: 2000 }),
      probes: [[0, 10, 2000], [2000, 10, 4000]],
    },
    { name: "flat sine never changes", profile: sine({ mean_rps: 3, amplitude_rps: 0, period_ms: 10 }), probes: [[7, 3, Infinity]] },
    {
      name: "spikes stack when they overlap",
      profile: spikes({ base_rps: 1, height_rps: 10, duration_ms: 1000, at_ms: [2000, 2500, 5000] }),
      probes: [[0, 1, 2000], [2000, 11, 2500], [2500, 21, 3000], [3000, 11, 3500], [3500, 1, 5000], [5000, 11, 6000], [6000, 1, Infinity]],
    },
    {
      name: "spikes back to back merge into one piece",
      profile: spikes({ base_rps: 0, height_rps: 4, duration_ms: 100, at_ms: [100, 0] }),
      probes: [[0, 4, 200], [200, 0, Infinity]],
    },
    {
      name: "trace: 0 before the first point, step-hold, last value held",
      profile: trace([{ t_ms: 0, rate_rps: 5 }, { t_ms: 1000, rate_rps: 7 }]),
      probes: [[-1, 0, 0], [0, 5, 1000], [999, 5, 1000], [1000, 7, Infinity], [5000, 7, Infinity]],
    },
    {
      name: "users: 3 users at 2/s, 1 rps each",
      profile: users({ users: 3, spawnRate_users_per_s: 2, thinkTime_s: 0.9, responseTime_s: 0.1, start_ms: 1000 }),
      probes: [[999, 0, 1000], [1000, 1, 1500], [1499, 1, 1500], [1500, 2, 2000], [2000, 3, Infinity]],
    },
    {
      name: "users at 3/s spawn at ceil(i·1000/3) ms",
      profile: users({ users: 3, spawnRate_users_per_s: 3, thinkTime_s: 1.5, responseTime_s: 0.5 }),
      probes: [[0, 0.5, 334], [333, 0.5, 334], [334, 1, 667], [666, 1, 667], [667, 1.5, Infinity]],
    },
  ];
  for (const c of cases) {
    for (const [at, rate, next] of c.probes) {
      t.ok(close(c.profile.rateAt(at), rate), `${c.name}: rate at ${at} = ${c.profile.rateAt(at)}, want ${rate}`);
      t.equal(c.profile.nextChangeAfter(at), next, `${c.name}: next change after ${at}`);
    }
  }
});

t.test("diurnal peaks at peakAt and bottoms half a period later", async (t) => {
  const day = 86_400_000;
  const p = diurnal({ min_rps: 20, max_rps: 100, peakAt_ms: 14 * 3_600_000, resolution_ms: 1 });
  t.ok(close(p.rateAt(14 * 3_600_000), 100, 1e-6), "peak at 14:00");
  t.ok(close(p.rateAt(2 * 3_600_000), 20, 1e-6), "trough at 02:00");
  t.ok(close(p.rateAt(14 * 3_600_000 + day), 100, 1e-6), "one day later");
  t.ok(close(integrateRate(diurnal({ min_rps: 20, max_rps: 100, peakAt_ms: 0, resolution_ms: 60_000 }), 0, day), 60 * 86_400, 1e-9), "a day averages the mean");
});

t.test("integrals are exact whatever the resolution", async (t) => {
  const rows: { name: string; profile: LoadProfile; from: number; to: number; want: number }[] = [
    { name: "constant", profile: constant(5), from: 0, to: 1500, want: 7.5 },
    { name: "empty interval", profile: constant(5), from: 10, to: 10, want: 0 },
    { name: "ramp = area of the trapezoid", profile: ramp({ from_rps: 0, to_rps: 10, start_ms: 1000, end_ms: 3500 }), from: 1000, to: 3500, want: 12.5 },
    { name: "ramp at 7 ms resolution", profile: ramp({ from_rps: 0, to_rps: 10, start_ms: 1000, end_ms: 3500, resolution_ms: 7 }), from: 0, to: 4000, want: 12.5 + 5 },
    { name: "sine over whole periods = mean × time", profile: sine({ mean_rps: 10, amplitude_rps: 5, period_ms: 4000, phase_ms: 123, resolution_ms: 1000 }), from: 0, to: 8000, want: 80 },
    { name: "step across breakpoints", profile: step([{ at_ms: 1000, rate_rps: 10 }, { at_ms: 3000, rate_rps: 0 }], 2), from: 500, to: 3500, want: 1 + 20 },
    { name: "spikes", profile: spikes({ base_rps: 1, height_rps: 10, duration_ms: 1000, at_ms: [2000, 2500] }), from: 0, to: 10_000, want: 10 + 20 },
    { name: "users ramping up", profile: users({ users: 3, spawnRate_users_per_s: 2, thinkTime_s: 1, responseTime_s: 0 }), from: 0, to: 2000, want: 0.5 + 1 + 3 },
  ];
  for (const r of rows) t.ok(close(integrateRate(r.profile, r.from, r.to), r.want), `${r.name}: ${integrateRate(r.profile, r.from, r.to)} vs ${r.want}`);
  t.throws(() => integrateRate(constant(1), 10, 5), RangeError);
});

t.test("users: active count agrees with spawn times at every boundary", async (t) => {
  const p = users({ users: 10_000, spawnRate_users_per_s: 7, thinkTime_s: 2, responseTime_s: 0.05, start_ms: 3 });
  let bad = 0;
  for (let i = 1; i < 10_000; i += 37) {
    const at = p.spawnTime_ms(i);
    if (p.activeUsers(at) !== i + 1 || p.activeUsers(at - 1) > i || p.nextChangeAfter(at - 1) > at) bad++;
  }
  t.equal(bad, 0);
  t.equal(p.activeUsers(1e12), 10_000);
  t.equal(p.nextChangeAfter(1e12), Infinity);
});

t.test("validation names the field", async (t) => {
  const rows: { name: string; make: () => unknown; field: string }[] = [
    { name: "negative constant", make: () => constant(-1), field: "constant.rate_rps" },
    { name: "NaN constant", make: () => constant(Number.NaN), field: "constant.rate_rps" },
    { name: "infinite constant", make: () => constant(Infinity), field: "constant.rate_rps" },
    { name: "negative step", make: () => step([{ at_ms: 0, rate_rps: -1 }]), field: "step[0].rate_rps" },
    { name: "step not increasing", make: () => step([{ at_ms: 5, rate_rps: 1 }, { at_ms: 5, rate_rps: 2 }]), field: "step[1].at_ms" },
    { name: "step fractional time", make: () => step([{ at_ms: 0.5, rate_rps: 1 }]), field: "step[0].at_ms" },
    { name: "step negative initial", make: () => step([], -2), field: "step.initial_rps" },
    { name: "ramp backwards", make: () => ramp({ from_rps: 0, to_rps: 1, start_ms: 10, end_ms: 10 }), field: "ramp.end_ms" },
    { name: "ramp zero resolution", make: () => ramp({ from_rps: 0, to_rps: 1, start_ms: 0, end_ms: 10, resolution_ms: 0 }), field: "ramp.resolution_ms" },
    { name: "ramp negative rate", make: () => ramp({ from_rps: -1, to_rps: 1, start_ms: 0, end_ms: 10 }), field: "ramp.from_rps" },
    { name: "sine zero period", make: () => sine({ mean_rps: 1, amplitude_rps: 0, period_ms: 0 }), field: "sine.period_ms" },
    { name: "sine negative period", make: () => sine({ mean_rps: 1, amplitude_rps: 0, period_ms: -5 }), field: "sine.period_ms" },
    { name: "sine NaN mean", make: () => sine({ mean_rps: Number.NaN, amplitude_rps: 0, period_ms: 5 }), field: "sine.mean_rps" },
    { name: "sine goes negative", make: () => sine({ mean_rps: 1, amplitude_rps: 2, period_ms: 5 }), field: "sine.amplitude_rps" },
    { name: "sine NaN phase", make: () => sine({ mean_rps: 1, amplitude_rps: 1, period_ms: 5, phase_ms: Number.NaN }), field: "sine.phase_ms" },
    { name: "diurnal max < min", make: () => diurnal({ min_rps: 5, max_rps: 1, peakAt_ms: 0 }), field: "diurnal.max_rps" },
    { name: "diurnal zero period", make: () => diurnal({ min_rps: 1, max_rps: 5, peakAt_ms: 0, period_ms: 0 }), field: "diurnal.period_ms" },
    { name: "spikes zero duration", make: () => spikes({ base_rps: 0, height_rps: 1, duration_ms: 0, at_ms: [] }), field: "spikes.duration_ms" },
    { name: "spikes negative height", make: () => spikes({ base_rps: 0, height_rps: -1, duration_ms: 5, at_ms: [] }), field: "spikes.height_rps" },
    { name: "trace negative rate", make: () => trace([{ t_ms: 0, rate_rps: -1 }]), field: "trace[0].rate_rps" },
    { name: "trace out of order", make: () => trace([{ t_ms: 10, rate_rps: 1 }, { t_ms: 0, rate_rps: 1 }]), field: "trace[1].at_ms" },
    { name: "users zero spawn rate", make: () => users({ users: 1, spawnRate_users_per_s: 0, thinkTime_s: 1, responseTime_s: 0 }), field: "users.spawnRate_users_per_s" },
    { name: "users fractional", make: () => users({ users: 1.5, spawnRate_users_per_s: 1, thinkTime_s: 1, responseTime_s: 0 }), field: "users.users" },
    { name: "users no loop time", make: () => users({ users: 1, spawnRate_users_per_s: 1, thinkTime_s: 0, responseTime_s: 0 }), field: "users.thinkTime_s" },
    {
      name: "poisson spikes zero interval",
      make: () => poissonSpikes({ base_rps: 0, height_rps: 1, duration_ms: 5, meanInterval_ms: 0, until_ms: 10, stream: new RngRegistry(1).stream("x") }),
      field: "poissonSpikes.meanInterval_ms",
    },
  ];
  for (const r of rows) {
    try {
      r.make();
      t.fail(`${r.name}: did not throw`);
    } catch (e) {
      t.ok(e instanceof RangeError && e.message.includes(r.field), `${r.name}: ${(e as Error).message}`);
    }
  }
});

t.test("parseTraceCsv reads a well-formed trace", async (t) => {
  const text = "\uFEFFtime_s,rps\r\n0,5\r\n\r\n1.5, 7.25\r\n60,0\r\n";
  t.same(parseTraceCsv(text, "trace.csv"), [
    { t_ms: 0, rate_rps: 5 },
    { t_ms: 1500, rate_rps: 7.25 },
    { t_ms: 60_000, rate_rps: 0 },
  ]);
  t.same(parseTraceCsv(" time_s , rps \n1e1,2", "x.csv"), [{ t_ms: 10_000, rate_rps: 2 }], "spaces and exponents");
});

t.test("parseTraceCsv errors name the file and line", async (t) => {
  const rows: { name: string; text: string; line: number; match: RegExp }[] = [
    { name: "no header", text: "0,5\n1,6\n", line: 1, match: /expected the header "time_s,rps", got "0,5"/ },
    { name: "wrong header", text: "t,rate\n0,5\n", line: 1, match: /expected the header/ },
    { name: "empty file", text: "", line: 1, match: /empty file/ },
    { name: "header only", text: "time_s,rps\n\n", line: 3, match: /no data rows/ },
    { name: "three columns", text: "time_s,rps\n0,5,6\n", line: 2, match: /expected 2 columns \(time_s,rps\), got 3/ },
    { name: "one column", text: "time_s,rps\n0,5\n7\n", line: 3, match: /got 1/ },
    { name: "rate not a number", text: "time_s,rps\n0,abc\n", line: 2, match: /rps "abc" is not a number/ },
    { name: "empty time", text: "time_s,rps\n,5\n", line: 2, match: /time_s "" is not a number/ },
    { name: "Infinity is not a number here", text: "time_s,rps\n0,Infinity\n", line: 2, match: /rps "Infinity" is not a number/ },
    { name: "negative rate", text: "time_s,rps\n0,1\n1,-3\n", line: 3, match: /rps must be a finite number >= 0, got -3/ },
    { name: "negative time", text: "time_s,rps\n-1,1\n", line: 2, match: /time_s must be a finite number >= 0/ },
    { name: "repeated time", text: "time_s,rps\n0,1\n5,2\n5,3\n", line: 4, match: /time_s 5 is not after 5 on line 3; times must increase/ },
    { name: "decreasing time", text: "time_s,rps\n0,1\n\n5,2\n4,3\n", line: 5, match: /time_s 4 is not after 5 on line 4/ },
    { name: "same millisecond", text: "time_s,rps\n0.0001,1\n0.0004,2\n", line: 3, match: /same millisecond as line 2/ },
  ];
  for (const r of rows) {
    try {
      parseTraceCsv(r.text, "load/trace.csv");
      t.fail(`${r.name}: did not throw`);
    } catch (e) {
      const ok = e instanceof TraceCsvError && e.fileName === "load/trace.csv" && e.line === r.line && e.message.startsWith(`load/trace.csv:${r.line}: `) && r.match.test(e.message);
      t.ok(ok, `${r.name}: ${(e as Error).message}`);
    }
  }
});

t.test("Poisson spikes are reproducible from the stream", async (t) => {
  const make = (seed: number) =>
    poissonSpikes({ base_rps: 10, height_rps: 50, duration_ms: 30_000, meanInterval_ms: 600_000, until_ms: 86_400_000, stream: new RngRegistry(seed).stream("spikes") });
  const a = make(1);
  const b = make(1);
  const c = make(2);
  const samples = (p: LoadProfile) => Array.from({ length: 2000 }, (_, i) => p.rateAt(i * 43_200));
  t.same(samples(a), samples(b), "same seed, same spikes");
  t.notSame(samples(a), samples(c), "another seed, other spikes");
  // 144 spikes expected per day; each adds 50 rps × 30 s.
  const extra = (integrateRate(a, 0, 86_400_000 + 30_000) - 10 * (86_400 + 30)) / (50 * 30);
  t.ok(extra > 100 && extra < 190 && Number.isInteger(Math.round(extra * 1e6) / 1e6), `${extra} spikes in a day`);
});

t.test("Poisson arrivals: mean and variance of counts equal ∫rate", async (t) => {
  const arrivals = poisson(step([{ at_ms: 500, rate_rps: 20 }], 0), new RngRegistry(11).stream("arrivals"));
  t.equal(arrivals.mean(0, 1000), 10, "half a second at 20 rps");
  let sum = 0;
  let sumSq = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const k = arrivals.count(1000 * i, 1000 * i + 1000);
    sum += k;
    sumSq += k * k;
  }
  const mean = sum / n;
  const variance = sumSq / n - mean * mean;
  // First interval has mean 10, the rest 20.
  t.ok(Math.abs(mean - 20) < 0.1, `mean ${mean}`);
  t.ok(Math.abs(variance - 20) < 1, `variance ${variance}`);
  const again = poisson(constant(3), new RngRegistry(11).stream("arrivals"));
  const other = poisson(constant(3), new RngRegistry(11).stream("arrivals"));
  t.same(
    Array.from({ length: 50 }, (_, i) => again.count(i * 1000, i * 1000 + 1000)),
    Array.from({ length: 50 }, (_, i) => other.count(i * 1000, i * 1000 + 1000)),
    "deterministic per stream",
  );
});
