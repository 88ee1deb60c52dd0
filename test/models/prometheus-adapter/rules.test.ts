/**
 * prometheus-adapter rules from its config file: the served metric's name (naming.go), the
 * metricsQuery template reduced to what kubesim evaluates; a scenario that defines the rule
 * podinfo's chart needs gets its `http_requests` HPA scaling; a bad rule is an error at its field.
 */
import t from "tap";
import type { Deployment } from "../../../models/cluster/types.js";
import { formatDiagnostic } from "../../../experiments/manifests/diagnostics.js";
import { runScenario } from "../../../experiments/runner.js";
import { loadScenario } from "../../../experiments/scenario/index.js";
import { customRule, externalRule, metricNameFor, RuleConfigError } from "../../../models/prometheus-adapter/rules.js";
import { EXPOSED_METRICS } from "../../../models/prometheus-adapter/prometheus.js";
import { fixture, HEADER, WEB_MANIFESTS } from "../../experiments/scenario/helpers.js";

const KNOWN = new Set(EXPOSED_METRICS.keys());
const PODINFO_RULE = {
  seriesQuery: 'http_requests_total{namespace!="",pod!=""}',
  name: { matches: "^(.*)_total$", as: "${1}" },
  metricsQuery: "sum(rate(<<.Series>>{<<.LabelMatchers>>}[1m])) by (<<.GroupBy>>)",
};

t.test("naming: matches and as, with Go's $n and ${n}; the defaults", async (t) => {
  t.equal(metricNameFor("http_requests_total", { matches: "^(.*)_total$", as: "${1}_per_second" }), "http_requests_per_second");
  t.equal(metricNameFor("http_requests_total", { matches: "^(.*)_total$" }), "http_requests", "as defaults to $1 with a group");
  t.equal(metricNameFor("http_requests_queued", undefined), "http_requests_queued", "no name: the series name");
  t.equal(metricNameFor("http_requests_total", { matches: "^(http)_(requests)", as: "$2_$1$$" }), "requests_http$");
  t.throws(() => metricNameFor("http_requests_queued", { matches: "_total$" }), RuleConfigError);
});

t.test("rules compile to the series, the served name, the aggregation and the rate window", async (t) => {
  t.strictSame(customRule(PODINFO_RULE, KNOWN), { seriesName: "http_requests_total", metricName: "http_requests", aggregation: "sum", rateWindow_ms: 60_000 });
  t.strictSame(customRule({ seriesQuery: "http_requests_queued", metricsQuery: "avg(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)" }, KNOWN),
    { seriesName: "http_requests_queued", metricName: "http_requests_queued", aggregation: "avg", rateWindow_ms: null }, "a gauge: the instant value");
  t.strictSame(externalRule({ seriesQuery: "service_requests_total", name: { as: "ingress_rps" }, metricsQuery: "sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (service)", namespaced: false }, KNOWN),
    { seriesName: "service_requests_total", metricName: "ingress_rps", aggregation: "sum", rateWindow_ms: 120_000, groupBy: ["service"], namespaced: false });
  const bad: [Parameters<typeof customRule>[0], string, RegExp][] = [
    [{ ...PODINFO_RULE, seriesQuery: "nginx_requests_total" }, "seriesQuery", /no series "nginx_requests_total" is scraped/],
    [{ ...PODINFO_RULE, metricsQuery: "histogram_quantile(0.9, <<.Series>>)" }, "metricsQuery", /histogram_quantile\(\) is not evaluated/],
    [{ ...PODINFO_RULE, metricsQuery: "count(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)" }, "metricsQuery", /kubesim's adapter evaluates sum\/avg\/min\/max/],
    [{ ...PODINFO_RULE, metricsQuery: "sum(rate(http_requests_queued[1m])) by (<<.GroupBy>>)" }, "metricsQuery", /kubesim's adapter evaluates/],
    [{ ...PODINFO_RULE, name: { matches: "(" } }, "name", /not a valid regular expression/],
  ];
  for (const [rule, field, message] of bad) {
    let caught: unknown;
    try {
      customRule(rule, KNOWN);
    } catch (e) {
      caught = e;
    }
    t.ok(caught instanceof RuleConfigError, message.source);
    t.equal((caught as RuleConfigError).field, field);
    t.match((caught as RuleConfigError).message, message);
  }
});

const HPA_ON = (metric: string) => WEB_MANIFESTS.replace(
  "  - type: Resource\n    resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}\n",
  `  - type: Pods\n    pods: {metric: {name: ${metric}}, target: {type: AverageValue, averageValue: "5"}}\n`,
);

function load(metric: string, components: string) {
  const f = fixture({
    "app.yaml": HPA_ON(metric),
    "scenario.yaml": `${HEADER}metadata: {name: rules}
duration: 10m
cluster: {nodeGroups: [{name: p, count: 2, cpu: "8", memory: 32Gi}]}
manifests: [app.yaml]
apps: [{name: web, deployments: [web], cpuPerRequest: 10ms}]
load: [{service: web, profile: {type: constant, rps: 20}}]
${components}`,
  });
  return loadScenario(f.file("scenario.yaml"));
}

t.test("a scenario-defined rule serves the metric an HPA asks for, and the HPA scales on it", async (t) => {
  const without = load("http_requests", "");
  t.match(without.warnings.map(formatDiagnostic).join("\n"), /app\.yaml:\d+ spec\.metrics\[0\]\.pods\.metric\.name: no prometheus-adapter rule serves the pods metric "http_requests"; the HPA will report FailedGetPodsMetric/);
  const rule = `components:
  prometheusAdapter:
    rules:
      - seriesQuery: 'http_requests_total{namespace!="",pod!=""}'
        resources: {overrides: {namespace: {resource: namespace}, pod: {resource: pod}}}
        name: {matches: "^(.*)_total$", as: "\${1}"}
        metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[1m])) by (<<.GroupBy>>)'
  prometheus: {scrapeInterval: 15s}
`;
  const withRule = load("http_requests", rule);
  t.strictSame(withRule.errors.map(formatDiagnostic), []);
  t.notMatch(withRule.warnings.map(formatDiagnostic).join("\n"), /no prometheus-adapter rule/);
  const output = runScenario(withRule.config!, { name: "rules", description: "", sloLatencyP95_ms: 500, files: withRule.scenario.files });
  // 20 requests/s at 5 per pod: 4 pods.
  t.equal(output.simulation.store.get<Deployment>("Deployment", "default", "web")!.spec.replicas, 4);
  const bad = load("http_requests", rule.replace("sum(rate(", "count(rate("));
  t.match(bad.errors.map(formatDiagnostic).join("\n"), /scenario\.yaml:\d+ components\.prometheusAdapter\.rules\[0\]\.metricsQuery: Invalid value: kubesim's adapter evaluates/);
});
