// Autoscaled node groups and `components.clusterAutoscaler` in a scenario: what they decode to,
// and every mistake as `file:line path: message`.
import t from "tap";
import { formatDiagnostic } from "../../../experiments/manifests/diagnostics.js";
import { loadScenario } from "../../../experiments/scenario/index.js";
import { DEFAULT_CLUSTER_AUTOSCALER_CONFIG } from "../../../models/cluster-autoscaler/config.js";
import { effectiveComponents } from "../../../experiments/simulator.js";
import { fixture, HEADER, WEB_MANIFESTS } from "./helpers.js";

t.test("an instance-type group with min/max, provisioning and CA flags in human units", async (t) => {
  const f = fixture({
    "web.yaml": WEB_MANIFESTS,
    "scenario.yaml": `${HEADER}metadata: {name: ca}
duration: 10m
cluster:
  nodeGroups:
    - {name: fixed, count: 1, cpu: "4", memory: 16Gi, pricePerHour: 0.2}
    - name: burst
      instanceType: c5.xlarge
      min: 0
      max: 10
      provisioningDelay: {min: 30s, max: 45s}
      readyDelay: 5s
      provisioningFailureProbability: 0.1
manifests: [web.yaml]
components:
  clusterAutoscaler:
    scanInterval: 20s
    expander: priority,least-waste
    expanderPriorities: {10: ["burst"], 1: [".*"]}
    scaleDownUnneededTime: 5m
    scaleDownUtilizationThreshold: 0.6
    maxGracefulTermination: 2m
    maxMemoryTotal: 1Ti
`,
  });
  const loaded = loadScenario(f.file("scenario.yaml"));
  t.strictSame(loaded.errors.map(formatDiagnostic), []);
  const c = loaded.config!;
  const burst = c.nodeGroups[1];
  t.equal(burst.count, 0, "count defaults to min");
  t.equal(burst.instanceType, "c5.xlarge");
  t.equal(burst.cpu_mcores, 3920, "allocatable from the catalogue (EKS reservations)");
  t.same(burst.capacity, { cpu_mcores: 4000, memory_bytes: 8 * 2 ** 30 });
  t.equal(burst.pods, 58);
  t.equal(burst.price_usd_per_h, 0.17);
  t.same(burst.autoscaling, { min: 0, max: 10 });
  t.same(burst.provisioning, { delayMin_ms: 30_000, delayMax_ms: 45_000, readyDelay_ms: 5_000, failureProbability: 0.1 });
  t.equal(c.nodeGroups[0].autoscaling, undefined, "a group without min/max is not autoscaled");
  const ca = effectiveComponents(c).clusterAutoscaler;
  t.equal(ca.scanInterval_ms, 20_000);
  t.same(ca.expander, ["priority", "least-waste"]);
  t.same(ca.expanderPriorities, { 10: ["burst"], 1: [".*"] });
  t.equal(ca.scaleDownUnneededTime_ms, 300_000);
  t.equal(ca.scaleDownUtilizationThreshold, 0.6);
  t.equal(ca.maxGracefulTermination_ms, 120_000);
  t.equal(ca.maxMemoryTotal_bytes, 2 ** 40);
  t.equal(ca.scaleDownDelayAfterAdd_ms, DEFAULT_CLUSTER_AUTOSCALER_CONFIG.scaleDownDelayAfterAdd_ms, "unset flags keep upstream's defaults");
});

t.test("min > max, an unknown instance type, a negative price, bad CA flags: file:line and field", async (t) => {
  const f = fixture({
    "web.yaml": WEB_MANIFESTS,
    "scenario.yaml": `${HEADER}metadata: {name: ca}
duration: 10m
cluster:
  nodeGroups:
    - {name: a, instanceType: m5.large, min: 5, max: 3}
    - {name: b, instanceType: m5.lrage, min: 1, max: 3}
    - {name: c, cpu: "2", memory: 8Gi, min: 1, max: 3, pricePerHour: -1}
    - {name: d, cpu: "2", memory: 8Gi, count: 2, readyDelay: 5s}
    - {name: e, instanceType: m5.large, cpu: "2", min: 1}
manifests: [web.yaml]
components:
  clusterAutoscaler: {expander: least-wasted, scaleDownUtilizationThreshold: 1.5, scanIntervall: 10s}
`,
  });
  const loaded = loadScenario(f.file("scenario.yaml"));
  t.equal(loaded.config, null);
  const s = f.file("scenario.yaml");
  t.strictSame(loaded.errors.map(formatDiagnostic), [
    `${s}:7 cluster.nodeGroups[0].min: Invalid value: min 5 is more than max 3`,
    `${s}:8 cluster.nodeGroups[1].instanceType: Unsupported value: "m5.lrage"; did you mean "m5.large"? (known: the AWS m5/c5/r5, GCP e2/n2-standard and Azure Dsv5 types of the catalogue)`,
    `${s}:9 cluster.nodeGroups[2].pricePerHour: expected a price in USD per hour ≥ 0, got -1`,
    `${s}:10 cluster.nodeGroups[3].readyDelay: Forbidden: only an autoscaled group (min, max) provisions nodes`,
    `${s}:11 cluster.nodeGroups[4].cpu: Forbidden: give either instanceType or cpu/memory, not both`,
    `${s}:11 cluster.nodeGroups[4].min: Invalid value: min without max (give both to autoscale the group)`,
    `${s}:14 components.clusterAutoscaler.scanIntervall: unknown field "scanIntervall" (did you mean "scanInterval"?)`,
    `${s}:14 components.clusterAutoscaler.expander: unknown expander "least-wasted"; known: random, most-pods, least-nodes, least-waste, price, priority`,
    `${s}:14 components.clusterAutoscaler.scaleDownUtilizationThreshold: expected a fraction between 0 and 1, got 1.5`,
  ]);
});
