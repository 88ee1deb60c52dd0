/** Prometheus scraping the runtime: timing, sample values, staleness, ring memory. */
import t from "tap";
import { constant } from "../../../models/workload/load-profiles.js";
import type { LabelMatcher } from "../../../models/prometheus-adapter/promql.js";
import { cluster } from "./fixtures.js";
import { executePromQuery } from "../../../models/keda/scalers/prometheus.js";

const pod = (name: string): LabelMatcher[] => [{ name: "pod", op: "=", value: name }];
const custom = (phase_ms: number) => ({ prometheus: { phase_ms } });

t.test("scrapes every interval at its phase; counters are the floored served requests", async (t) => {
  const c = cluster(constant(20.5), { custom: custom(5_000) });
  c.sim.run(185_000);
  const [series] = c.prometheus.range("http_requests_total", pod("web-0"), 600_000, c.sim.now_ms);
  t.same(series.t_ms, [5_000, 35_000, 65_000, 95_000, 125_000, 155_000, 185_000], "sample times = scrape times");
  t.same(series.labels, { namespace: "default", pod: "web-0", service: "web" }, "labelled with namespace, pod and Service");
  t.ok(series.values.every((v, i) => Number.isInteger(v) && (i === 0 || v >= series.values[i - 1])), "integer, non-decreasing");
  const running = c.runtime.get(c.store.get<any>("Pod", "default", "web-0")!.metadata.uid)!;
  t.equal(series.values.at(-1), Math.floor(c.runtime.pool.served_requests(running.slot)), "last sample = floor(served) at the scrape");
  // 20.5 rps over 2 pods: 10.25 rps each, so the counter is fractional between whole requests.
  t.equal(series.values.at(-1)! - series.values.at(-2)!, Math.floor(10.25 * 185) - Math.floor(10.25 * 155), "30 s of 10.25 rps, floored");
  const ingress = c.prometheus.range("service_requests_total", [{ name: "service", op: "=", value: "web" }], 600_000, c.sim.now_ms);
  t.equal(ingress.length, 1, "one ingress series for the Service");
  t.equal(ingress[0].labels.pod, "", "ingress series carry no pod label");
  t.equal(c.prometheus.instant("http_requests_queued", [], c.sim.now_ms).length, 2, "a queue gauge per pod");
});

t.test("the default phase is drawn from the `prometheus` stream: same seed, same grid", async (t) => {
  const times = (seed: number) => {
    const c = cluster(constant(10), { seed });
    c.sim.run(100_000);
    return c.prometheus.range("http_requests_total", pod("web-0"), 600_000, c.sim.now_ms)[0].t_ms;
  };
  t.same(times(3), times(3), "deterministic");
  const grid = times(3);
  t.ok(grid[0] >= 0 && grid[0] < 30_000 && grid.every((x, i) => i === 0 || x - grid[i - 1] === 30_000), `every 30 s from ${grid[0]} ms`);
});

t.test("staleness: a pod gone is marked stale at the next scrape; its samples age out of ranges", async (t) => {
  const c = cluster(constant(20), { custom: custom(5_000) });
  c.sim.run(100_000);
  c.store.delete("Pod", "default", "web-1");
  c.sim.run(120_000);
  t.equal(c.runtime.runningPods, 1, "the kubelet stopped web-1");
  t.equal(c.prometheus.instant("http_requests_queued", pod("web-1"), 120_000).length, 1, "before the next scrape the last sample is still current");
  c.sim.run(125_000);
  t.equal(c.prometheus.instant("http_requests_queued", pod("web-1"), 125_000).length, 0, "stale from the scrape at 125 s on");
  t.equal(c.prometheus.instant("http_requests_queued", pod("web-0"), 125_000).length, 1, "web-0 unaffected");
  t.equal(c.prometheus.rate("http_requests_total", pod("web-1"), 120_000, 125_000).length, 1, "range selectors still see samples before the marker");
  t.same(c.prometheus.range("http_requests_total", pod("web-1"), 600_000, 125_000)[0].t_ms.at(-1), 95_000, "no sample after it stopped");
  c.sim.run(95_000 + 120_000 + 1);
  t.equal(c.prometheus.rate("http_requests_total", pod("web-1"), 120_000, c.sim.now_ms).length, 0, "out of a 2m window once its last sample is 2m old");
  const before = c.prometheus.targetCount;
  c.sim.run(95_000 + 600_000 + 30_000);
  t.equal(c.prometheus.targetCount, before - 1, "forgotten after the retention");
});

t.test("a pod is sampled from the first scrape after its container started", async (t) => {
  const c = cluster(constant(20), { custom: custom(5_000), pods: 1 });
  c.sim.run(50_000);
  c.addPod(7);
  c.sim.run(100_000);
  t.same(c.prometheus.range("http_requests_total", pod("web-7"), 600_000, c.sim.now_ms)[0].t_ms, [65_000, 95_000]);
});

t.test("memory: ring slots of gone pods are reused", async (t) => {
  const c = cluster(constant(20), { custom: custom(5_000), pods: 1 });
  for (let i = 0; i < 60; i++) {
    c.addPod(10 + i);
    c.sim.run(c.sim.now_ms + 60_000);
    c.store.delete("Pod", "default", `web-${10 + i}`);
  }
  c.sim.run(c.sim.now_ms + 60_000);
  // Retention 10 min, one pod per minute: about 11 gone pods kept at once, plus web-0 and the ingress.
  t.ok(c.prometheus.slotsAllocated <= 16, `slots allocated ${c.prometheus.slotsAllocated} stay bounded over 60 pods`);
  t.equal(c.prometheus.ringSize, 22, "ring holds 10 min of 30 s samples plus slack");
});

t.test("the query API: what KEDA's prometheus scaler reads, as Prometheus' JSON", async (t) => {
  const c = cluster(constant(20), { custom: custom(5_000) });
  c.sim.run(185_000);
  const now = c.sim.now_ms;
  const meta = { ignoreNullValues: true, query: "" };
  const ok = c.prometheus.queryApi('sum(rate(http_requests_total{service="web"}[2m]))', now);
  t.equal(ok.status, 200);
  const body = JSON.parse(ok.body);
  t.equal(body.status, "success");
  t.equal(body.data.resultType, "vector");
  t.strictSame(body.data.result[0].metric, {}, "sum without by: no labels");
  t.equal(body.data.result[0].value[0], now / 1000);
  const rate = c.prometheus.evaluate({ kind: "aggregate", op: "sum", by: [], inner: { kind: "rate", fn: "rate", metric: "http_requests_total", matchers: [{ name: "service", op: "=", value: "web" }], window_ms: 120_000 } }, now)[0].value;
  t.ok(Math.abs(rate - 20) < 1.5, `about the offered 20 rps: ${rate}`);
  t.strictSame(executePromQuery(meta, ok.status, ok.body), { value: rate, error: null }, "the scaler reads back the exact value");
  const perPod = c.prometheus.queryApi("sum by (pod) (http_requests_queued)", now);
  t.match(executePromQuery(meta, perPod.status, perPod.body).error, /returned multiple elements/, "two pods, two elements: KEDA refuses it");
  t.strictSame(JSON.parse(perPod.body).data.result.map((r: { metric: { pod: string } }) => r.metric.pod), ["web-0", "web-1"]);
  const bad = c.prometheus.queryApi("up", now);
  t.equal(bad.status, 400);
  t.equal(JSON.parse(bad.body).errorType, "bad_data");
  t.match(executePromQuery(meta, bad.status, bad.body).error, /status: 400/);
  const none = c.prometheus.queryApi('http_requests_queued{pod="nope"}', now);
  t.strictSame(executePromQuery(meta, none.status, none.body), { value: 0, error: null }, "empty result: 0 with ignoreNullValues");
});
