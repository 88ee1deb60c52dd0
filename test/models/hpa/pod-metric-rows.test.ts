/**
 * The replica calculator's rows (PodMetricRows): what the metrics-server client writes into them
 * must be its map answer by row, and the calculator must reach the same answers whether a client
 * fills the rows or hands over a map (including entries for pods outside the list, which count
 * in len(metrics) as upstream's map keeps them, and a list that repeats a pod name).
 */
import t from "tap";
import type { MetricsServer } from "../../../models/metrics-server/controller.js";
import { MetricsStorage } from "../../../models/metrics-server/storage.js";
import { metricsClientFactory } from "../../../models/hpa/metrics-apis.js";
import type { MetricsClient, PodMetricsInfo } from "../../../models/hpa/metrics-client.js";
import { PodMetricRows } from "../../../models/hpa/pod-metric-rows.js";
import { ReplicaCalculator } from "../../../models/hpa/replica-calculator.js";
import type { Pod } from "../../../models/cluster/types.js";
import { container, MIB, point, pod, scrape } from "../metrics-server/fixtures.js";
import { fakePod } from "./fixtures.js";

const TOL = { scaleDown: 0.1, scaleUp: 0.1 };

function serverOver(storage: MetricsStorage): MetricsServer {
  return {
    getPodMetrics: (ns: string, names: readonly string[]) => storage.getPodMetrics(ns, names),
    visitPodMetrics: (ns: string, names: readonly string[], v: Parameters<MetricsStorage["visitPodMetrics"]>[2]) => storage.visitPodMetrics(ns, names, v),
  } as unknown as MetricsServer;
}

function rowsAsMap(rows: PodMetricRows, names: readonly string[]): PodMetricsInfo {
  const m: PodMetricsInfo = new Map();
  for (let r = 0; r < rows.rowCount; r++) {
    if (rows.has[r]) m.set(names[r], { timestamp_ms: rows.timestamp_ms[r], window_ms: rows.window_ms[r], value_milli: rows.value_milli[r] });
  }
  return m;
}

t.test("the metrics-server client's rows are its map answer by row", async (t) => {
  const storage = new MetricsStorage(15_000);
  storage.store(scrape(pod("a", container("c1", point(0, 100, 1, 10 * MIB))), pod("c", container("c1", point(0, 100, 2, 20 * MIB)))));
  storage.store(scrape(pod("a", container("c1", point(0, 115, 2, 11 * MIB))), pod("c", container("c1", point(0, 115, 4, 21 * MIB)))));
  const names = ["a", "b", "c"];
  const client = metricsClientFactory(serverOver(storage))("ns1", names);
  for (const resource of ["cpu", "memory"] as const) {
    for (const container of ["", "c1", "nope"]) {
      const rows = new PodMetricRows(names.length);
      rows.set(1, 1, 1, 1); // stale content is cleared
      const got = client.getResourceMetricRows!(resource, container, [...names], rows);
      const want = client.getResourceMetric(resource, container);
      t.ok(got !== null && got.ok && want.ok, `${resource} ${container}`);
      if (got === null || !got.ok || !want.ok) continue;
      t.equal(got.timestamp_ms, want.timestamp_ms, resource);
      t.same([...rowsAsMap(got.value, names)], [...want.value], `${resource} container "${container}"`);
      t.equal(got.value.size, want.value.size);
    }
  }
  t.equal(client.getResourceMetricRows!("cpu", "", ["a", "c", "b"], new PodMetricRows(3)), null, "another list: map only");
});

/** A client answering from a fixed map, with or without filling rows. */
function mapClient(metrics: () => PodMetricsInfo, podNames: readonly string[] | null): MetricsClient {
  const none = { ok: false as const, error: "none" };
  return {
    getResourceMetric: () => ({ ok: true, value: metrics(), timestamp_ms: 5 }),
    getResourceMetricRows:
      podNames === null
        ? undefined
        : (_r, _c, names, rows) => {
            if (names.join() !== podNames.join()) return null;
            rows.clear();
            for (const [name, m] of metrics()) rows.set(names.indexOf(name), m.timestamp_ms, m.window_ms, m.value_milli);
            return { ok: true, value: rows, timestamp_ms: 5 };
          },
    getRawMetric: () => ({ ok: true, value: metrics(), timestamp_ms: 5 }),
    getObjectMetric: () => none,
    getExternalMetric: () => none,
  };
}

t.test("the calculator answers the same from rows and from a map", async (t) => {
  const pods: Pod[] = ["p0", "p1", "p2", "p3"].map((n) => fakePod(n, { requests_mcores: [100] }));
  const metric = (v: number) => ({ timestamp_ms: 0, window_ms: 15_000, value_milli: v });
  // p3 has no metric (missing); the levels cover scale-up, within tolerance and scale-down.
  for (const level of [40, 100, 250]) {
    const listed = () => new Map([["p0", metric(level)], ["p1", metric(level)], ["p2", metric(level)]]);
    const viaRows = new ReplicaCalculator(mapClient(listed, ["p0", "p1", "p2", "p3"]), pods, 0, 0, 1_000_000);
    const viaMap = new ReplicaCalculator(mapClient(listed, null), pods, 0, 0, 1_000_000);
    for (const calc of [viaRows, viaMap]) calc.getResourceReplicas(4, 100, "cpu", TOL, ""); // a second sync reuses the rows
    t.same(viaRows.getResourceReplicas(4, 100, "cpu", TOL, ""), viaMap.getResourceReplicas(4, 100, "cpu", TOL, ""), `level ${level}`);
    t.same(viaRows.getRawResourceReplicas(4, 100, "cpu", TOL, ""), viaMap.getRawResourceReplicas(4, 100, "cpu", TOL, ""), `raw, level ${level}`);
  }
  // An entry for a pod outside the list counts in len(metrics) and in a plain metric's mean.
  const withOther = () => new Map([["p0", metric(100)], ["p1", metric(100)], ["zz", metric(900)]]);
  const calc = new ReplicaCalculator(mapClient(withOther, null), pods, 0, 0, 1_000_000);
  const plain = calc.getMetricReplicas(4, 100, "m", TOL, null);
  t.same(plain.ok && plain.usage, Math.trunc((100 + 100 + 900) / 3), "the other pod's value is in the mean");
  // A list repeating a name shares its metric, as upstream's map does.
  const twice = [fakePod("p0", { requests_mcores: [100] }), fakePod("p0", { requests_mcores: [100] })];
  const r = new ReplicaCalculator(mapClient(() => new Map([["p0", metric(300)]]), ["p0", "p0"]), twice, 0, 0, 1_000_000)
    .getResourceReplicas(2, 100, "cpu", TOL, "");
  t.same(r.ok && [r.replicaCount, r.utilization], [6, 300], "two ready pods at 300%");
});
