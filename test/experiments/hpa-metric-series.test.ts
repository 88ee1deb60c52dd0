import t from "tap";
import { describeHpaSeries, hpaMetricSeries, isHpaMetricValue } from "../../experiments/hpa-metric-series.js";
import type { MetricSpec, MetricTarget } from "../../models/hpa/types.js";

const target = (t: Partial<MetricTarget>): MetricTarget => ({ type: "", value_milli: null, averageValue_milli: null, averageUtilization_percent: null, ...t });
const id = (name: string) => ({ name, selector: null });

// Each metric source and target type: the series name (unit last), the status value in that
// unit, the target in that unit, and what an axis says.
const CASES: { spec: MetricSpec; current: object; metric: string; value: number; target: number; label: string; unit: string }[] = [
  {
    spec: { type: "Resource", resource: { name: "cpu", target: target({ type: "Utilization", averageUtilization_percent: 50 }) } },
    current: { averageUtilization_percent: 73, averageValue_milli: 146 },
    metric: "cpu_utilization_pct", value: 73, target: 50, label: "cpu utilization", unit: "% of request",
  },
  {
    spec: { type: "Resource", resource: { name: "cpu", target: target({ type: "AverageValue", averageValue_milli: 250 }) } },
    current: { averageValue_milli: 310 },
    metric: "cpu_average_mcores", value: 310, target: 250, label: "cpu average", unit: "millicores",
  },
  {
    // 80 MiB in the API's milli-bytes: 80 × 2^20 × 1000 = 83886080000m.
    spec: { type: "Resource", resource: { name: "memory", target: target({ type: "AverageValue", averageValue_milli: 64 * 1048576 * 1000 }) } },
    current: { averageValue_milli: 83886080000 },
    metric: "memory_average_mib", value: 80, target: 64, label: "memory average", unit: "MiB",
  },
  {
    spec: { type: "ContainerResource", containerResource: { name: "cpu", container: "app", target: target({ type: "Utilization", averageUtilization_percent: 60 }) } },
    current: { averageUtilization_percent: 61 },
    metric: "app_cpu_utilization_pct", value: 61, target: 60, label: "app cpu utilization", unit: "% of request",
  },
  {
    spec: { type: "Pods", pods: { metric: id("http_requests"), target: target({ type: "AverageValue", averageValue_milli: 10_000 }) } },
    current: { averageValue_milli: 12_500 },
    metric: "http_requests_average", value: 12.5, target: 10, label: "http_requests per pod", unit: "the metric's own units",
  },
  {
    spec: { type: "External", external: { metric: id("queue_messages_ready"), target: target({ type: "Value", value_milli: 30_000 }) } },
    current: { value_milli: 42_000 },
    metric: "queue_messages_ready_value", value: 42, target: 30, label: "queue_messages_ready", unit: "the metric's own units",
  },
  {
    spec: { type: "Object", object: { describedObject: { kind: "Ingress", name: "main", apiVersion: "networking.k8s.io/v1" }, metric: id("requests_per_second"), target: target({ type: "AverageValue", averageValue_milli: 2_000 }) } },
    current: { averageValue_milli: 1_500 },
    metric: "requests_per_second_average", value: 1.5, target: 2, label: "requests_per_second per pod", unit: "the metric's own units",
  },
];

t.test("each metric source and target type: series name with unit last, values in that unit", async (t) => {
  for (const c of CASES) {
    const [s] = hpaMetricSeries([c.spec]);
    t.equal(s.metric, c.metric, `${c.spec.type} name`);
    t.equal(s.targetMetric, `target_${c.metric}`, `${c.metric}: target name`);
    t.equal(s.read(c.current), c.value, `${c.metric}: current in the series' unit`);
    t.equal(s.targetValue, c.target, `${c.metric}: target in the series' unit`);
    t.same(describeHpaSeries(c.metric), { label: c.label, unit: c.unit }, `${c.metric}: axis label and unit`);
    t.ok(isHpaMetricValue(c.metric), `${c.metric} is a metric value`);
    t.notOk(isHpaMetricValue(s.targetMetric), `${s.targetMetric} is not`);
  }
  t.notOk(isHpaMetricValue("desired_replicas"));
  t.notOk(isHpaMetricValue("current_replicas"));
});

t.test("a status without the target type's field gives no value", async (t) => {
  const [s] = hpaMetricSeries([CASES[0].spec]);
  t.equal(s.read({ averageValue_milli: 146 }), undefined, "utilization target, no utilization in the status");
});

t.test("the same metric twice (two selectors) gets distinct names, unit still last", async (t) => {
  const pods = (selector: string): MetricSpec => ({ type: "Pods", pods: { metric: { name: "http_requests", selector: { matchLabels: { path: selector }, matchExpressions: [] } }, target: target({ type: "AverageValue", averageValue_milli: 1000 }) } });
  const cpu: MetricSpec = CASES[0].spec;
  t.same(hpaMetricSeries([pods("/a"), cpu, pods("/b"), cpu]).map((s) => s.metric), ["http_requests_average", "cpu_utilization_pct", "http_requests_average_2", "cpu_utilization_3_pct"]);
});
