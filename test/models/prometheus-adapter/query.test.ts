/**
 * PromQL text as KEDA's prometheus scaler sends it: the subset kubesim evaluates parses into the
 * pieces Prometheus computes; anything else is an error saying where and what is supported.
 */
import t from "tap";
import { parseQuery, QueryError } from "../../../models/prometheus-adapter/query.js";
import { aggregate } from "../../../models/prometheus-adapter/promql.js";

const KNOWN = new Set(["http_requests_total", "http_requests_queued"]);

t.test("the supported forms", async (t) => {
  const cases: [string, unknown][] = [
    ["http_requests_queued", { kind: "selector", metric: "http_requests_queued", matchers: [] }],
    ['http_requests_queued{service="web", namespace!="kube-system"}', {
      kind: "selector", metric: "http_requests_queued",
      matchers: [{ name: "service", op: "=", value: "web" }, { name: "namespace", op: "!=", value: "kube-system" }],
    }],
    ['sum(rate(http_requests_total{service=~"web|api"}[2m]))', {
      kind: "aggregate", op: "sum", by: [],
      inner: { kind: "rate", fn: "rate", metric: "http_requests_total", matchers: [{ name: "service", op: "=~", value: "web|api" }], window_ms: 120_000 },
    }],
    ["avg by (pod) (increase(http_requests_total[1h30m]))", {
      kind: "aggregate", op: "avg", by: ["pod"],
      inner: { kind: "rate", fn: "increase", metric: "http_requests_total", matchers: [], window_ms: 5_400_000 },
    }],
    ["max(http_requests_queued) by (service, namespace)", {
      kind: "aggregate", op: "max", by: ["service", "namespace"], inner: { kind: "selector", metric: "http_requests_queued", matchers: [] },
    }],
    ["count(http_requests_queued{pod!~'web-.*'})", {
      kind: "aggregate", op: "count", by: [], inner: { kind: "selector", metric: "http_requests_queued", matchers: [{ name: "pod", op: "!~", value: "web-.*" }] },
    }],
  ];
  for (const [text, want] of cases) t.strictSame(parseQuery(text, KNOWN), want, text);
});

t.test("what it does not evaluate is an error that says where and what is supported", async (t) => {
  const cases: [string, RegExp][] = [
    ["redis_list_length", /no series "redis_list_length" is scraped \(kubesim's series: http_requests_total, http_requests_queued\)/],
    ["histogram_quantile(0.9, http_requests_total)", /function or aggregation histogram_quantile\(\) is not evaluated/],
    ["sum(rate(http_requests_total[2x]))", /expected a duration such as 30s, 2m or 1h30m \(at character 30\)/],
    ["sum by (instance) (http_requests_queued)", /label "instance": kubesim's series carry only namespace, pod, service/],
    ["sum(http_requests_queued) * 2", /unexpected "\* 2"/],
    ['http_requests_queued{service="web}', /unterminated label value/],
    ["sum(", /unexpected end of the query/],
  ];
  for (const [text, want] of cases) {
    t.throws(() => parseQuery(text, KNOWN), QueryError, text);
    t.throws(() => parseQuery(text, KNOWN), { message: want }, text);
  }
  t.throws(() => parseQuery("up", KNOWN), { message: /kubesim evaluates sum\/avg\/min\/max\/count/ }, "the message lists the supported forms");
});

t.test("min, max and count aggregate like Prometheus' operators", async (t) => {
  const labels = (pod: string, service: string) => ({ namespace: "default", pod, service });
  const vector = [{ labels: labels("a", "web"), value: 3 }, { labels: labels("b", "web"), value: 1 }, { labels: labels("c", "api"), value: 5 }];
  t.strictSame(aggregate("min", [], vector).map((s) => s.value), [1]);
  t.strictSame(aggregate("max", ["service"], vector).map((s) => [s.labels.service, s.value]), [["web", 3], ["api", 5]]);
  t.strictSame(aggregate("count", ["service"], vector).map((s) => s.value), [2, 1]);
});
