import t from "tap";
import type { Pod } from "../../../models/cluster/types.js";
import type { PodMetricsInfo } from "../../../models/hpa/metrics-client.js";
import { getPodMetrics, getContainerMetrics } from "../../../models/hpa/metrics-client.js";
import {
  calculateRequests,
  groupPods,
  isWithin,
  ReplicaCalculator,
} from "../../../models/hpa/replica-calculator.js";
import { cpuMetrics, fakePod, resourceOnlyClient, ZERO_MS } from "./fixtures.js";

const TOL = { scaleUp: 0.1, scaleDown: 0.1 };

t.test("Tolerances.isWithin is inclusive on both sides", async (t) => {
  const cases = [
    { tol: TOL, ratio: 0.9, want: true },
    { tol: TOL, ratio: 1.1, want: true },
    { tol: TOL, ratio: 1.1000001, want: false },
    { tol: { scaleUp: 0, scaleDown: 0 }, ratio: 1, want: true },
    { tol: { scaleUp: 0.01, scaleDown: 0.5 }, ratio: 0.6, want: true },
  ];
  for (const c of cases) t.equal(isWithin(c.tol, c.ratio), c.want, `ratio ${c.ratio}`);
});

t.test("groupPods classifies pods as upstream", async (t) => {
  const metric = (timestamp_ms: number, window_ms = 60_000) => ({ timestamp_ms, window_ms, value_milli: 1 });
  const cases: { name: string; pod: Pod; metrics: PodMetricsInfo; resource: "cpu" | "memory" | ""; want: string }[] = [
    { name: "deleted pod is ignored", pod: fakePod("p", { deleted: true }), metrics: new Map([["p", metric(0)]]), resource: "cpu", want: "ignored" },
    { name: "failed pod is ignored", pod: fakePod("p", { phase: "Failed" }), metrics: new Map([["p", metric(0)]]), resource: "cpu", want: "ignored" },
    { name: "pending pod is unready", pod: fakePod("p", { phase: "Pending" }), metrics: new Map([["p", metric(0)]]), resource: "", want: "unready" },
    { name: "no metric is missing", pod: fakePod("p"), metrics: new Map(), resource: "cpu", want: "missing" },
    { name: "no ready condition is unready for cpu", pod: fakePod("p", { ready: null }), metrics: new Map([["p", metric(0)]]), resource: "cpu", want: "unready" },
    { name: "no ready condition is fine for memory", pod: fakePod("p", { ready: null }), metrics: new Map([["p", metric(0)]]), resource: "memory", want: "ready" },
    {
      name: "hot pod without a full window since ready is unready",
      pod: fakePod("p", { startTime_ms: -30_000, readyTransition_ms: -20_000 }),
      metrics: new Map([["p", metric(0)]]),
      resource: "cpu",
      want: "unready",
    },
    {
      name: "hot pod with metric exactly LTT + window is fresh",
      pod: fakePod("p", { startTime_ms: -90_000, readyTransition_ms: -60_000 }),
      metrics: new Map([["p", metric(0)]]),
      resource: "cpu",
      want: "ready",
    },
    {
      name: "cool unready pod that was never ready is unready",
      pod: fakePod("p", { ready: "False", startTime_ms: -180_000, readyTransition_ms: -175_000 }),
      metrics: new Map([["p", metric(0)]]),
      resource: "cpu",
      want: "unready",
    },
    {
      name: "cool unready pod with start + delay == LTT counts as ready",
      pod: fakePod("p", { ready: "False", startTime_ms: -180_000, readyTransition_ms: -170_000 }),
      metrics: new Map([["p", metric(0)]]),
      resource: "cpu",
      want: "ready",
    },
  ];
  for (const c of cases) {
    const g = groupPods([c.pod], c.metrics, c.resource, 120_000, 10_000, 0);
    const got =
      g.readyPodCount === 1 ? "ready" : g.unreadyPods.size ? "unready" : g.missingPods.size ? "missing" : g.ignoredPods.size ? "ignored" : "none";
    t.equal(got, c.want, c.name);
  }
});

t.test("calculateRequests: containers, sidecars, pod-level requests, errors", async (t) => {
  const withSidecar = fakePod("s", { requests_mcores: [100, 200] });
  withSidecar.spec.initContainers = [
    { name: "sidecar", image: "", restartPolicy: "Always", resources: { requests: { cpu_mcores: 50 }, limits: {} }, readinessProbe: null },
    { name: "init", image: "", resources: { requests: { cpu_mcores: 1000 }, limits: {} }, readinessProbe: null },
  ];
  const podLevel = fakePod("pl", { requests_mcores: [100, 200] });
  podLevel.spec.resources = { requests: { cpu_mcores: 700 }, limits: {} };
  const cases = [
    { name: "sum plus restartable sidecar", pods: [withSidecar], container: "", want: { s: 350 } },
    { name: "named container only", pods: [withSidecar], container: "container2", want: { s: 200 } },
    { name: "pod-level requests win", pods: [podLevel], container: "", want: { pl: 700 } },
    { name: "container name beats pod-level", pods: [podLevel], container: "container1", want: { pl: 100 } },
  ];
  for (const c of cases) {
    const r = calculateRequests(c.pods, c.container, "cpu");
    t.ok(r.ok, c.name);
    if (r.ok) t.same(Object.fromEntries(r.value), c.want, c.name);
  }
  const missing = calculateRequests([fakePod("m", { requests_mcores: [100, undefined] })], "", "cpu");
  t.same(missing, { ok: false, error: "missing request for cpu in container container2 of Pod m" });
  const notFound = calculateRequests([fakePod("m")], "nope", "cpu");
  t.same(notFound, { ok: false, error: "container nope not found in Pod m" });
});

t.test("resource metrics conversion treats incomplete pods as missing", async (t) => {
  const items = [
    { podName: "a", timestamp_ms: 0, window_ms: 60_000, containers: [{ name: "c1", usage: { cpu_mcores: 10 } }, { name: "c2", usage: { cpu_mcores: 5 } }] },
    { podName: "b", timestamp_ms: 0, window_ms: 60_000, containers: [{ name: "c1", usage: { cpu_mcores: 10 } }, { name: "", usage: {} }] },
    { podName: "c", timestamp_ms: 0, window_ms: 60_000, containers: [] },
  ];
  t.same([...getPodMetrics(items, "cpu").keys()], ["a"]);
  t.equal(getPodMetrics(items, "cpu").get("a")?.value_milli, 15);
  t.same([...getContainerMetrics(items, "cpu", "c1").keys()], ["a", "b"]);
  t.same([...getContainerMetrics(items, "cpu", "c2").keys()], ["a"]);
});

t.test("GetResourceReplicas table (replica_calculator_test.go style)", async (t) => {
  const pods3 = ["p0", "p1", "p2"].map((n) => fakePod(n));
  const cases: { name: string; current: number; target: number; pods: Pod[]; levels: Record<string, number>; want: object }[] = [
    { name: "scale up", current: 3, target: 30, pods: pods3, levels: { p0: 300, p1: 500, p2: 700 }, want: { replicas: 5, utilization: 50, raw: 500 } },
    { name: "scale down", current: 5, target: 50, pods: pods3, levels: { p0: 100, p1: 100, p2: 100 }, want: { replicas: 1, utilization: 10, raw: 100 } },
    { name: "within tolerance", current: 3, target: 50, pods: pods3, levels: { p0: 500, p1: 500, p2: 520 }, want: { replicas: 3, utilization: 50, raw: 506 } },
    {
      name: "missing pod on scale down counts as max(100, target)% of request",
      current: 3,
      target: 50,
      pods: pods3,
      levels: { p0: 100, p1: 100 },
      want: { replicas: 3, utilization: 10, raw: 100 },
    },
    {
      // removeMetricsForPods(ignoredPods) with no unready pod: a deleted pod's metric is left out.
      name: "a deleted pod's metric does not count",
      current: 3,
      target: 50,
      pods: [pods3[0], pods3[1], fakePod("p2", { deleted: true })],
      levels: { p0: 500, p1: 500, p2: 5000 },
      want: { replicas: 3, utilization: 50, raw: 500 },
    },
  ];
  for (const c of cases) {
    const calc = new ReplicaCalculator(resourceOnlyClient(cpuMetrics(c.levels)), c.pods, 120_000, 10_000, 0);
    const r = calc.getResourceReplicas(c.current, c.target, "cpu", TOL, "");
    t.ok(r.ok, c.name);
    if (r.ok) t.same({ replicas: r.replicaCount, utilization: r.utilization, raw: r.rawUtilization }, c.want, c.name);
  }
  const none = new ReplicaCalculator(resourceOnlyClient([]), pods3, 120_000, 10_000, 0).getResourceReplicas(3, 50, "cpu", TOL, "");
  t.same(none, { ok: false, error: "unable to get metrics for resource cpu: no metrics returned from resource metrics API" });
  t.equal(ZERO_MS, -1e14);
});
