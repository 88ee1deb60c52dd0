/**
 * An HPA on a custom Pods metric (requests per second per pod, through Prometheus and
 * prometheus-adapter) and one on an External metric (a Service's queue), through the whole
 * simulator: the HPA scales on what the adapter reports, with the pipeline's own lag.
 */
import t from "tap";
import { ClusterSimulation, needsCustomMetrics, type SimulationConfig } from "../../../experiments/simulator.js";
import { deployment, service } from "../../../experiments/builders.js";
import { step } from "../../../models/workload/load-profiles.js";
import type { MetricSpec } from "../../../models/hpa/types.js";
import { emptyMetricTarget } from "../../../models/hpa/types.js";

function config(metric: MetricSpec): SimulationConfig {
  return {
    seed: 1,
    duration_ms: 1_200_000,
    nodeGroups: [{ name: "pool", count: 4, cpu_mcores: 8000, memory_bytes: 32 * 2 ** 30 }],
    objects: [
      deployment({ name: "api", replicas: 2, app: "api", containers: [{ request_mcores: 250, limit_mcores: 1000 }] }),
      service("api"),
      {
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "api", namespace: "default" },
        spec: { scaleTargetRef: { kind: "Deployment", name: "api", apiVersion: "apps/v1" }, minReplicas: 2, maxReplicas: 20, metrics: [metric], behavior: null },
        status: { currentReplicas: 0, desiredReplicas: 0, lastScaleTime_ms: null, currentMetrics: [], conditions: [] },
      } as never,
    ],
    apps: [{ name: "api", cpuPerRequest_mcore_s: 5, baselineCpu_mcores: 1, memoryBaseline_bytes: 64 * 2 ** 20, memoryPerInflight_bytes: 1024, queueCapacity_requests: 1000, warmup_ms: 0, shutdown_ms: 500 }],
    traffic: [{ namespace: "default", service: "api", profile: step([{ at_ms: 120_000, rate_rps: 100 }], 20), arrivals: "fluid", interval_ms: 1000, spread: "round-robin" }],
    sampleInterval_ms: 15_000,
    components: {},
  };
}

t.test("Pods metric: 10 rps per pod target, 100 rps offered -> 10 replicas", async (t) => {
  const metric: MetricSpec = {
    type: "Pods",
    pods: { metric: { name: "http_requests_per_second", selector: null }, target: { ...emptyMetricTarget(), type: "AverageValue", averageValue_milli: 10_000 } },
  };
  const cfg = config(metric);
  t.ok(needsCustomMetrics(cfg), "the simulator builds Prometheus for this HPA");
  const sim = new ClusterSimulation(cfg);
  sim.run();
  const rows = sim.hpa.decisions.all();
  const last = rows[rows.length - 1];
  t.equal(Number(last[7]), 10, "settles at 10 replicas");
  t.match(String(last[3]), /http_requests_per_second/, "the decision log names the custom metric");
  const firstUp = rows.find((r) => Number(r[7]) > 2)!;
  const lag_s = Number(firstUp[0]) - 120;
  // Prometheus scrapes every 30 s and the adapter's rate() spans 2 minutes: the first reaction
  // needs at least one scrape after the step, and comes well before the window has fully turned.
  t.ok(lag_s > 0 && lag_s <= 90, `first scale-up ${lag_s} s after the step`);
});

t.test("CPU-only HPAs run without Prometheus", async (t) => {
  const sim = new ClusterSimulation({ ...config({ type: "Resource", resource: { name: "cpu", target: { ...emptyMetricTarget(), type: "Utilization", averageUtilization_percent: 50 } } }) });
  t.notOk(needsCustomMetrics(sim.config), "CPU-only HPAs do not start Prometheus");
});

t.test("External metric selected by label: one Service's request rate, not its neighbour's", async (t) => {
  const metric: MetricSpec = {
    type: "External",
    external: {
      metric: { name: "service_requests_per_second", selector: { matchLabels: { service: "api" }, matchExpressions: [] } },
      target: { ...emptyMetricTarget(), type: "AverageValue", averageValue_milli: 20_000 },
    },
  };
  const cfg = config(metric);
  // A busy neighbour in the same namespace: without the selector the HPA would sum both.
  cfg.objects.push(deployment({ name: "other", replicas: 3, app: "api", containers: [{ request_mcores: 250, limit_mcores: 1000 }] }), service("other"));
  cfg.traffic.push({ namespace: "default", service: "other", profile: step([], 300), arrivals: "fluid", interval_ms: 1000, spread: "round-robin" });
  const sim = new ClusterSimulation(cfg);
  sim.run();
  const rows = sim.hpa.decisions.all();
  t.equal(Number(rows[rows.length - 1][7]), 5, "100 rps / 20 rps per replica -> 5");
});
