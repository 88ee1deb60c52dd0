import t from "tap";
import { RngRegistry, EmpiricalDistribution, logGamma, type RandomStream } from "../../engine/index.js";

const draws = (s: RandomStream, n: number) => Array.from({ length: n }, () => s.random());

t.test("a stream's draws depend only on the run seed and its name", async (t) => {
  const alone = new RngRegistry(42);
  const a1 = draws(alone.stream("kubelet/node-1"), 100);

  const crowded = new RngRegistry(42);
  draws(crowded.stream("scheduler"), 1000); // another component draws first...
  crowded.stream("metrics-server"); // ...and a new one appears
  const a2 = draws(crowded.stream("kubelet/node-1"), 100);
  t.same(a2, a1, "adding streams and drawing from them leaves node-1's numbers unchanged");

  t.not(draws(new RngRegistry(43).stream("kubelet/node-1"), 1)[0], a1[0], "another seed, other numbers");
  t.not(draws(new RngRegistry(42).stream("kubelet/node-2"), 1)[0], a1[0], "another name, other numbers");
  t.equal(alone.stream("kubelet/node-1"), alone.stream("kubelet/node-1"), "one stream object per name");
});

function meanAndVariance(values: number[]): [number, number] {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return [mean, ss / (values.length - 1)];
}

const N = 200_000;
// Table: distribution, draw, expected mean and variance. Tolerances are several standard errors
// at N draws with the fixed seed, so a wrong formula (e.g. rate used as mean) fails clearly.
const cases: { name: string; draw: (s: RandomStream) => number; mean: number; variance: number }[] = [
  { name: "uniform(2, 5)", draw: (s) => s.uniform(2, 5), mean: 3.5, variance: 9 / 12 },
  { name: "integer(1, 6)", draw: (s) => s.integer(1, 6), mean: 3.5, variance: 35 / 12 },
  { name: "exponential(rate 4)", draw: (s) => s.exponential(4), mean: 0.25, variance: 1 / 16 },
  { name: "normal(10, 3)", draw: (s) => s.normal(10, 3), mean: 10, variance: 9 },
  {
    name: "lognormal(0.5, 0.4)",
    draw: (s) => s.lognormal(0.5, 0.4),
    mean: Math.exp(0.5 + 0.08),
    variance: (Math.exp(0.16) - 1) * Math.exp(1 + 0.16),
  },
  { name: "poisson(3.5) (multiplication)", draw: (s) => s.poisson(3.5), mean: 3.5, variance: 3.5 },
  { name: "poisson(250) (PTRS)", draw: (s) => s.poisson(250), mean: 250, variance: 250 },
  { name: "choice([1, 2, 10])", draw: (s) => s.choice([1, 2, 10]), mean: 13 / 3, variance: ((1 - 13 / 3) ** 2 + (2 - 13 / 3) ** 2 + (10 - 13 / 3) ** 2) / 3 },
];

for (const c of cases) {
  t.test(`distribution sanity: ${c.name}`, async (t) => {
    const stream = new RngRegistry(2026).stream(c.name);
    const values = Array.from({ length: N }, () => c.draw(stream));
    const [mean, variance] = meanAndVariance(values);
    const stderr = Math.sqrt(c.variance / N);
    t.ok(Math.abs(mean - c.mean) < 5 * stderr, `mean ${mean} ≈ ${c.mean} (±${(5 * stderr).toPrecision(2)})`);
    t.ok(Math.abs(variance / c.variance - 1) < 0.03, `variance ${variance} ≈ ${c.variance}`);
  });
}

t.test("poisson draws are non-negative integers", async (t) => {
  const s = new RngRegistry(1).stream("p");
  let ok = true;
  for (let i = 0; i < 10_000; i++) {
    const k = s.poisson(i % 2 ? 0.7 : 80);
    if (!Number.isInteger(k) || k < 0) ok = false;
  }
  t.ok(ok);
  t.equal(s.poisson(0), 0);
});

t.test("empirical and weighted choice follow the weights", async (t) => {
  const s = new RngRegistry(5).stream("emp");
  const dist = new EmpiricalDistribution([1, 0, 3]);
  const counts = [0, 0, 0];
  for (let i = 0; i < N; i++) counts[dist.sampleIndex(s)]++;
  t.equal(counts[1], 0, "zero weight is never drawn");
  t.ok(Math.abs(counts[2] / N - 0.75) < 0.005, `index 2 share ${counts[2] / N} ≈ 0.75`);
  t.equal(s.weightedChoice(["only"], [2]), "only");
});

t.test("bad distribution parameters throw RangeErrors", async (t) => {
  const s = new RngRegistry(0).stream("bad");
  t.throws(() => s.exponential(0), RangeError);
  t.throws(() => s.poisson(-1), RangeError);
  t.throws(() => s.normal(0, -1), RangeError);
  t.throws(() => s.integer(3, 2), RangeError);
  t.throws(() => s.choice([]), RangeError);
  t.throws(() => new EmpiricalDistribution([0, 0]), /sum to 0/);
});

t.test("logGamma matches known values", async (t) => {
  const near = (x: number, expected: number) => t.ok(Math.abs(logGamma(x) - expected) < 1e-10, `lnΓ(${x}) = ${expected}`);
  near(1, 0);
  near(0.5, Math.log(Math.sqrt(Math.PI)));
  near(11, Math.log(3628800));
  near(21, Math.log(2432902008176640000));
});
