/** prometheus-adapter answers: Pods, Object (Service), External; error shapes; relist. */
import t from "tap";
import { constant } from "../../../models/workload/load-profiles.js";
import { metricsClientFactory } from "../../../models/hpa/metrics-apis.js";
import type { CustomPodMetricItem, MetricsApiError, TimestampedValue } from "../../../models/hpa/metrics-client.js";
import type { MetricsServer } from "../../../models/metrics-server/controller.js";
import { cluster, PODS } from "./fixtures.js";

const SERVICE = { kind: "Service", name: "web", apiVersion: "v1" };
const near = (got: number, want: number, rel = 0.01) => Math.abs(got - want) <= rel * want;

function items<T>(x: readonly T[] | MetricsApiError): readonly T[] {
  if ("error" in x) throw new Error(x.error);
  return x;
}

t.test("Pods: per-pod rate of the served counter, absent pods left out, query time as timestamp", async (t) => {
  const c = cluster(constant(20), { custom: { prometheus: { phase_ms: 5_000 } } });
  c.sim.run(300_000);
  const got = items(c.adapter.pods("default", [...PODS, "web-9"], "http_requests_per_second"));
  t.same(got.map((m) => m.podName), ["web-0", "web-1"], "only pods with samples, in request order");
  for (const m of got) {
    t.ok(near(Number(m.value_milli), 10_000), `${m.podName}: ${m.value_milli}m ≈ 10 rps`);
    t.equal(m.timestamp_ms, 300_000, "timestamp = query time");
    t.equal(m.window_ms, null, "no window, as upstream (the HPA assumes 1 m)");
  }
  const gauge = items(c.adapter.pods("default", PODS, "http_requests_queued"));
  t.same(gauge.map((m) => m.value_milli), [0, 0], "queue gauge: empty queues");
  t.same(items(c.adapter.pods("other", PODS, "http_requests_per_second")), [], "other namespace: no values");

  const withWindow = cluster(constant(20), { custom: { prometheus: { phase_ms: 5_000 }, adapter: { reportRateWindow: true } } });
  withWindow.sim.run(300_000);
  const w = items(withWindow.adapter.pods("default", PODS, "http_requests_per_second"));
  t.same(w.map((m) => m.window_ms), [120_000, 120_000], "reportRateWindow: the rule's 2m window");
});

t.test("errors: unknown metric, no names, unknown object", async (t) => {
  const c = cluster(constant(20));
  c.sim.run(300_000);
  t.same(c.adapter.pods("default", PODS, "nope"), { error: "the server could not find the metric nope for pods" });
  t.same(c.adapter.pods("default", [], "http_requests_per_second"), { error: "the server could not find the metric http_requests_per_second for pods" });
  t.same(c.adapter.object("default", "http_requests_per_second", { ...SERVICE, name: "other" }), {
    error: "the server could not find the metric http_requests_per_second for services other",
  });
  t.same(c.adapter.object("default", "http_requests_per_second", { kind: "Deployment", name: "web", apiVersion: "apps/v1" }), {
    error: "the server could not find the metric http_requests_per_second for deployments.apps",
  });
  t.same(c.adapter.external("default", "nope"), { error: "the server could not find the metric nope for namespaces" });
  t.same(c.adapter.external("prod", "nope"), { error: "the server could not find the metric nope for " }, "upstream's empty GroupResource");
});

t.test("Object: a Service's metric is the sum of its endpoints' rates", async (t) => {
  const c = cluster(constant(20), { pods: 3 });
  c.sim.run(300_000);
  const v = c.adapter.object("default", "http_requests_per_second", SERVICE) as TimestampedValue;
  t.ok(near(Number(v.value_milli), 20_000), `${v.value_milli}m ≈ 20 rps`);
  t.equal(v.timestamp_ms, 300_000);
});

t.test("External: queue length by Service selector; ingress request rate", async (t) => {
  // 2 pods limited to 100m at 10 mcore·s/request serve 10 rps each; 30 rps offered: queues fill to 100.
  const c = cluster(constant(30), { limit_mcores: 101 });
  c.sim.run(300_000);
  const selector = { matchLabels: { service: "web" }, matchExpressions: [] };
  const queue = items(c.adapter.external("default", "queue_length", selector));
  t.equal(queue.length, 1, "one value for the selected Service");
  t.ok(near(Number(queue[0].value_milli), 200_000), `queue ${queue[0].value_milli}m ≈ 2 x 100 requests`);
  t.same(items(c.adapter.external("default", "queue_length", { matchLabels: { service: "other" }, matchExpressions: [] })), [], "no such Service: empty list");
  const offered = items(c.adapter.external("default", "service_requests_per_second", selector));
  t.ok(near(Number(offered[0].value_milli), 30_000), `offered ${offered[0].value_milli}m ≈ 30 rps`);
  const dropped = items(c.adapter.pods("default", PODS, "http_requests_dropped_per_second"));
  for (const m of dropped) t.ok(near(Number(m.value_milli), 5_000, 0.02), `${m.podName} drops ${m.value_milli}m ≈ 5 rps`);
});

t.test("relist: a fresh adapter knows no metric until a relist sees its series; new pods need no relist", async (t) => {
  const c = cluster(constant(20), {
    custom: { prometheus: { phase_ms: 5_000 }, adapter: { warmStart: false, relistPhase_ms: 0 } },
  });
  c.sim.run(590_000);
  t.same(c.adapter.pods("default", PODS, "http_requests_per_second"), { error: "the server could not find the metric http_requests_per_second for pods" },
    "the relist at t = 0 saw no series");
  c.sim.run(600_000);
  t.equal(c.adapter.relists, 2);
  t.ok(c.adapter.isRegistered("pods", "http_requests_per_second") && c.adapter.isRegistered("services", "http_requests_per_second"), "registered for pods and services");
  t.equal(items(c.adapter.pods("default", PODS, "http_requests_per_second")).length, 2);
  c.addPod(2);
  c.sim.run(600_000 + 65_000);
  t.equal(items(c.adapter.pods("default", [...PODS, "web-2"], "http_requests_per_second")).length, 3, "a new pod answers after two scrapes, before any relist");

  // With every pod gone, the metric stays registered until a relist no longer sees its series within max-age.
  for (const name of [...PODS, "web-2"]) c.store.delete("Pod", "default", name);
  c.sim.run(1_200_000);
  t.ok(c.adapter.isRegistered("pods", "http_requests_per_second"), "series seen within the last 10 min at the 20 min relist");
  c.sim.run(1_800_000);
  t.notOk(c.adapter.isRegistered("pods", "http_requests_per_second"), "dropped at the 30 min relist");
  t.ok(c.adapter.isRegistered("services", "http_requests_per_second") === false, "for services too");
});

t.test("through the HPA's metrics client", async (t) => {
  const c = cluster(constant(20));
  c.sim.run(300_000);
  const client = metricsClientFactory(null as unknown as MetricsServer, c.adapter)("default", PODS);
  const raw = client.getRawMetric("http_requests_per_second", null);
  t.ok(raw.ok && raw.value.size === 2 && [...raw.value.values()].every((m) => m.window_ms === 60_000), "pods: 2 values, the HPA's default 1 m window");
  const missing = client.getRawMetric("nope", null);
  t.same(missing, { ok: false, error: "unable to fetch metrics from custom metrics API: the server could not find the metric nope for pods" });
  const obj = client.getObjectMetric("http_requests_per_second", SERVICE, null);
  t.ok(obj.ok && near(Number(obj.value), 20_000));
  const ext = client.getExternalMetric("service_requests_per_second", null);
  t.ok(ext.ok && ext.value.length === 1, "external without a selector: one value per Service");
  const _typed: readonly CustomPodMetricItem[] | MetricsApiError = c.adapter.pods("default", PODS, "x");
  void _typed;
});
