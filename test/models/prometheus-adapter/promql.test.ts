/**
 * rate()/increase() cases ported from prometheus/prometheus
 * promql/promqltest/testdata/functions.test (v3.9.1), plus the adapter's selector -> matcher
 * conversion and aggregation.
 */
import t, { type Test } from "tap";
import {
  aggregate,
  compileMatcher,
  extrapolatedRate,
  matchersFromSelector,
  type VectorSample,
} from "../../../models/prometheus-adapter/promql.js";

const MIN = 60_000;

/** promqltest's series notation: "0+10x10" = 0, 10, ..., 100; "a b" concatenates. */
function expand(notation: string): number[] {
  const out: number[] = [];
  for (const part of notation.trim().split(/\s+/)) {
    const m = part.match(/^(-?\d+(?:\.\d+)?)(?:([+-]\d+(?:\.\d+)?)x(\d+))?$/);
    if (!m) throw new Error(`bad notation ${part}`);
    const start = Number(m[1]);
    const step = m[2] ? Number(m[2]) : 0;
    const times = m[3] ? Number(m[3]) : 0;
    for (let i = 0; i <= times; i++) out.push(start + step * i);
  }
  return out;
}

/** Evaluates rate/increase of a series loaded at `interval_ms` over [range] at `at_ms` (offset optional). */
function evalFn(fn: "rate" | "increase", notation: string, interval_ms: number, at_ms: number, range_ms: number, offset_ms = 0): number | undefined {
  const values = expand(notation);
  const end_ms = at_ms - offset_ms;
  const start_ms = end_ms - range_ms;
  const ts: number[] = [];
  const vs: number[] = [];
  values.forEach((v, i) => {
    const time_ms = i * interval_ms;
    if (time_ms > start_ms && time_ms <= end_ms) {
      ts.push(time_ms);
      vs.push(v);
    }
  });
  return extrapolatedRate(ts, vs, 0, ts.length, start_ms, end_ms, true, fn === "rate");
}

function close(t: Test, got: number | undefined, want: number, name: string): void {
  t.ok(got !== undefined && Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${name}: got ${got}, want ${want}`);
}

t.test("increase(): extrapolation to the range start, zero floor", async (t) => {
  const series = { foo: "0+10x10", bar: "0+18x5 0+18x5", dings: "10+10x10", bumms: "1+10x10" };
  const at50m = { foo: 100, bar: 160, dings: 100, bumms: 100 };
  const range100m = { foo: 100, bar: 162, dings: 105, bumms: 101 };
  for (const [path, s] of Object.entries(series)) {
    close(t, evalFn("increase", s, 5 * MIN, 50 * MIN, 50 * MIN), at50m[path as keyof typeof at50m], `increase(${path}[50m])`);
    close(t, evalFn("increase", s, 5 * MIN, 50 * MIN, 100 * MIN), range100m[path as keyof typeof range100m], `increase(${path}[100m])`);
  }
});

t.test("increase(): a counter reset is read as a restart from 0", async (t) => {
  close(t, evalFn("increase", "0 1 2 3 2 3 4", 5 * MIN, 30 * MIN, 30 * MIN), 7, "increase([30m])");
});

t.test("rate(): resets in the middle and at the end; too few samples -> no result", async (t) => {
  close(t, evalFn("rate", "0+27x4 0+27x5", 5 * MIN, 50 * MIN, 50 * MIN), 0.08, "reset in the middle");
  t.equal(evalFn("rate", "0+10x9 0 10", 5 * MIN, 50 * MIN, 5 * MIN), undefined, "one sample in (45m, 50m]: no element");
  close(t, evalFn("rate", "0+10x9 0 10", 5 * MIN, 50 * MIN, 6 * MIN), 0, "reset at the end");
});

t.test("rate(): per-second rates, offset", async (t) => {
  close(t, evalFn("rate", "0+80x10", 5 * MIN, 50 * MIN, 50 * MIN), 0.26666666666666666, "window");
  close(t, evalFn("rate", "0+10x10", 5 * MIN, 50 * MIN, 10 * MIN, 5 * MIN), 0.03333333333333333, "offset a");
  close(t, evalFn("rate", "0+20x10", 5 * MIN, 50 * MIN, 10 * MIN, 5 * MIN), 0.06666666666666667, "offset b");
});

t.test("rate(): zero cutoff of left-side extrapolation", async (t) => {
  const starts = ["0+240x10", "60+240x10", "120+240x10", "180+240x10", "240+240x10", "300+240x10"];
  const at10m = [0.5, 0.55, 0.6, 0.6, 0.6, 0.6];
  starts.forEach((s, i) => {
    close(t, evalFn("rate", s, 4 * MIN, 10 * MIN, 20 * MIN), at10m[i], `start=${i}m at 10m`);
    close(t, evalFn("rate", s, 4 * MIN, 50 * MIN, 20 * MIN), 0.6, `start=${i}m at 50m`);
  });
});

t.test("rate(): a series ending inside the range is extrapolated by half an interval only", async (t) => {
  // Samples every 30 s at 0..120 s, value 10 per sample; evaluated at 300 s over [5m]:
  // the last sample is 180 s before the end (>= 1.1 x 30 s), so only 15 s beyond it count.
  const ts = [0, 30_000, 60_000, 90_000, 120_000];
  const vs = [100, 110, 120, 130, 140];
  const r = extrapolatedRate(ts, vs, 1, 4, 0, 300_000, true, false);
  // Samples 30..120 s: increase 30 over 90 s; start 30 s from the range start (< 33 s) -> full;
  // zero point 90 * 110/30 = 330 s away (not limiting); end -> 15 s. 30 * (90+30+15)/90 = 45.
  close(t, r, 45, "increase");
});

t.test("matchers: Kubernetes selector -> PromQL, anchored regexes, literal alternations", async (t) => {
  const m = matchersFromSelector({
    matchLabels: { service: "web" },
    matchExpressions: [{ key: "tier", operator: "In", values: ["b", "a"] }, { key: "zone", operator: "Exists", values: [] }],
  });
  t.same(m, [
    { name: "service", op: "=", value: "web" },
    { name: "tier", op: "=~", value: "a|b" },
    { name: "zone", op: "!=", value: "" },
  ]);
  t.same(matchersFromSelector(null), []);
  t.ok("error" in (matchersFromSelector({ matchLabels: {}, matchExpressions: [{ key: "x", operator: "Exists", values: ["1"] }] }) as object));
  const alt = compileMatcher({ name: "pod", op: "=~", value: "web-0|web-1" });
  t.ok(alt("web-1") && !alt("web-10") && !alt("web"), "literal alternation is exact");
  const re = compileMatcher({ name: "pod", op: "=~", value: "web-.*" });
  t.ok(re("web-7") && !re("xweb-7"), "regexes are anchored");
  const nre = compileMatcher({ name: "pod", op: "!~", value: "web-.*" });
  t.ok(!nre("web-7") && nre(""), "negated regex");
});

t.test("aggregate: sum and avg by labels, in first-seen order", async (t) => {
  const v: VectorSample[] = [
    { labels: { namespace: "d", pod: "a", service: "x" }, value: 1 },
    { labels: { namespace: "d", pod: "b", service: "y" }, value: 2 },
    { labels: { namespace: "d", pod: "c", service: "x" }, value: 4 },
  ];
  t.same(aggregate("sum", ["service"], v), [
    { labels: { namespace: "", pod: "", service: "x" }, value: 5 },
    { labels: { namespace: "", pod: "", service: "y" }, value: 2 },
  ]);
  t.same(aggregate("avg", [], v), [{ labels: { namespace: "", pod: "", service: "" }, value: 7 / 3 }]);
  t.same(aggregate("sum", ["pod"], []), []);
});
