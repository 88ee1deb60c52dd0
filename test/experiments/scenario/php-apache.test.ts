// The php-apache scenario of the HPA walkthrough loads into the SimulationConfig it describes,
// and that config runs.
import t from "tap";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Deployment } from "../../../models/cluster/types.js";
import { formatDiagnostic } from "../../../experiments/manifests/diagnostics.js";
import { loadScenario } from "../../../experiments/scenario/index.js";
import { ClusterSimulation } from "../../../experiments/simulator.js";
import { fixture, HEADER, WEB_MANIFESTS } from "./helpers.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const dir = path.join(root, "experiments/scenarios/php-apache");

t.test("php-apache scenario.yaml", async (t) => {
  const loaded = loadScenario(path.join(dir, "scenario.yaml"));
  t.strictSame(loaded.errors, []);
  // containerPort is the walkthrough's and is not modelled: one warning, not an error.
  t.strictSame(loaded.warnings.map(formatDiagnostic), [`${path.join(dir, "php-apache.yaml")}:20 spec.template.spec.containers[0].ports: field is not modelled; ignored`]);
  const config = loaded.config!;
  t.equal(config.seed, 7);
  t.equal(config.duration_ms, 30 * 60_000);
  t.equal(config.sampleInterval_ms, 15_000);
  t.strictSame(config.nodeGroups, [{ name: "pool", count: 3, cpu_mcores: 4000, memory_bytes: 16 * 2 ** 30, pods: 110, labels: {}, taints: [] }]);
  t.strictSame(config.objects.map((o) => `${o.kind}/${o.metadata.name}`), ["Deployment/php-apache", "Service/php-apache", "HorizontalPodAutoscaler/php-apache"]);
  const deployment = config.objects[0] as unknown as Deployment;
  t.strictSame(deployment.spec.template.metadata.annotations, { "sim.kubesim.io/app": "php-apache" });
  t.strictSame(config.apps, [
    {
      name: "php-apache",
      cpuPerRequest_mcore_s: 426,
      baselineCpu_mcores: 1,
      memoryBaseline_bytes: 64 * 2 ** 20,
      memoryPerInflight_bytes: 256 * 1024,
      serviceTime: "deterministic",
      queueCapacity_requests: 1000,
      warmup_ms: 0,
      shutdown_ms: 1000,
    },
  ]);
  t.equal(config.traffic.length, 1);
  const source = config.traffic[0];
  t.match(source, { namespace: "default", service: "php-apache", arrivals: "fluid", interval_ms: 1000, spread: "round-robin" });
  const rates = [0, 59_999, 60_000, 14 * 60_000, 15 * 60_000 - 1, 15 * 60_000, 29 * 60_000].map((at) => source.profile.rateAt(at));
  t.strictSame(rates, [0, 0, 2.27, 2.27, 2.27, 0, 0]);
  t.equal(source.profile.nextChangeAfter(0), 60_000);
  t.strictSame(config.components, { metricsServer: { metricResolution_ms: 15_000 } });
  // The walkthrough's 500m limit is lifted to one core by the scenario's JSON patch.
  t.equal(deployment.spec.template.spec.containers[0].resources.limits.cpu_mcores, 1000);
  t.strictSame(loaded.scenario.name, "php-apache");
  t.equal(loaded.scenario.slo.latencyP95_ms, 2000);
  t.strictSame(loaded.scenario.files, ["scenario.yaml", "php-apache.yaml", "hpa.yaml"].map((f) => path.join(dir, f)));
  t.match(loaded.scenario.sourceText, /^# The HorizontalPodAutoscaler walkthrough/);

  // The config is one the simulator accepts: two minutes, load included.
  const sim = new ClusterSimulation(config);
  sim.run(120_000);
  t.ok(sim.store.list("Pod").length >= 1, "the Deployment's pods exist");
});

t.test("component overrides in human units become the config fields in ms", async (t) => {
  const f = fixture({
    "web.yaml": WEB_MANIFESTS,
    "s.yaml": `${HEADER}metadata: {name: knobs}
duration: 1h
cluster: {nodeGroups: [{name: big, count: 2, cpu: 8, memory: 32Gi, maxPods: 50, labels: {tier: web}, taints: [{key: dedicated, value: web, effect: NoSchedule}]}]}
manifests: [web.yaml]
components:
  watchDelay: 100ms
  kubelet: {defaultImagePull: 5s, imagePull: {nginx: 12s}, serializeImagePulls: false, containerStartMin: 500ms, containerStartMax: 1.5s, crashLoopBackOffInitial: 10s}
  cadvisor: {housekeepingInterval: 10s, maxJitter: 1s, phase: null}
  metricsServer: {metricResolution: 30s, phase: 2s, scrapeLatency: 250ms}
  hpa: {syncPeriod: 15s, firstSyncDelay: 0s, tolerance: 0.05, downscaleStabilization: 5m, cpuInitializationPeriod: 3m, initialReadinessDelay: 30s, scaleUpLimitFactor: 2, scaleUpLimitMinimum: 4}
  scheduler: {schedulingLatency: 10ms, bindingLatency: 0s, podInitialBackoff: 1s, podMaxBackoff: 10s, podMaxInUnschedulablePodsDuration: 5m, percentageOfNodesToScore: 50, weights: {nodeAffinity: 3}}
  traffic: {endpointsDelay: 1s}
outputs: {sampleInterval: 5s, slo: {latencyP95: 250ms}}
`,
  });
  const loaded = loadScenario(f.file("s.yaml"));
  t.strictSame(loaded.errors, []);
  const config = loaded.config!;
  t.strictSame(config.nodeGroups, [
    { name: "big", count: 2, cpu_mcores: 8000, memory_bytes: 32 * 2 ** 30, pods: 50, labels: { tier: "web" }, taints: [{ key: "dedicated", value: "web", effect: "NoSchedule" }] },
  ]);
  t.equal(config.sampleInterval_ms, 5000);
  t.equal(loaded.scenario.slo.latencyP95_ms, 250);
  t.strictSame(config.components, {
    watchDelay_ms: 100,
    kubelet: { defaultImagePull_ms: 5000, imagePull_ms: { nginx: 12_000 }, serializeImagePulls: false, containerStartMin_ms: 500, containerStartMax_ms: 1500, crashLoopBackOffInitial_ms: 10_000 },
    cadvisor: { housekeepingInterval_ms: 10_000, maxJitter_ms: 1000, phase_ms: null },
    metricsServer: { metricResolution_ms: 30_000, phase_ms: 2000, scrapeLatency_ms: 250 },
    hpa: {
      syncPeriod_ms: 15_000,
      firstSyncDelay_ms: 0,
      tolerance: 0.05,
      downscaleStabilisationWindow_ms: 300_000,
      cpuInitializationPeriod_ms: 180_000,
      delayOfInitialReadinessStatus_ms: 30_000,
      scaleUpLimitFactor: 2,
      scaleUpLimitMinimum: 4,
    },
    scheduler: {
      schedulingLatency_ms: 10,
      bindingLatency_ms: 0,
      podInitialBackoff_ms: 1000,
      podMaxBackoff_ms: 10_000,
      podMaxInUnschedulablePodsDuration_ms: 300_000,
      percentageOfNodesToScore: 50,
      weights: { taintToleration: 3, nodeAffinity: 3, nodeResourcesFit: 1, balancedAllocation: 1 },
    },
    traffic: { endpointsDelay_ms: 1000 },
  });
});

t.test("every load profile type, in human units", async (t) => {
  const f = fixture({
    "web.yaml": WEB_MANIFESTS,
    "trace.csv": "time_s,rps\n0,5\n30,12.5\n",
    "s.yaml": `${HEADER}metadata: {name: profiles}
duration: 10m
seed: 7
cluster: {nodeGroups: [{name: pool, count: 1, cpu: "4", memory: 16Gi}]}
manifests: [web.yaml]
load:
  - service: default/web
    arrivals: poisson
    interval: 500ms
    spread: random
    profile: {type: ramp, from: 0, to: 100, start: 1m, end: 2m, resolution: 30s}
`,
  });
  const base = loadScenario(f.file("s.yaml"));
  t.strictSame(base.errors, []);
  const ramp = base.config!.traffic[0];
  t.match(ramp, { arrivals: "poisson", interval_ms: 500, spread: "random" });
  t.strictSame([0, 60_000, 90_000, 120_000].map((at) => ramp.profile.rateAt(at)), [0, 25, 75, 100]);

  const cases: [string, [number, number][]][] = [
    ["{type: constant, rps: 42}", [[0, 42], [300_000, 42]]],
    ["{type: step, initial: 1, steps: [{at: 1m, rps: 10}, {at: 2m, rps: 3}]}", [[0, 1], [60_000, 10], [120_000, 3]]],
    ["{type: sine, mean: 10, amplitude: 0, period: 1h}", [[0, 10], [600_000, 10]]],
    ["{type: diurnal, min: 10, max: 10, peakAt: 14h}", [[0, 10]]],
    ["{type: spikes, base: 2, height: 8, duration: 30s, at: [1m, 5m]}", [[0, 2], [60_000, 10], [90_000, 2], [300_000, 10]]],
    ["{type: trace, file: trace.csv}", [[0, 5], [29_999, 5], [30_000, 12.5]]],
    ["{type: users, users: 10, spawnRate: 1, thinkTime: 900ms, responseTime: 100ms}", [[0, 1], [9_000, 10], [60_000, 10]]],
  ];
  for (const [profile, expected] of cases) {
    const g = fixture({
      "web.yaml": WEB_MANIFESTS,
      "trace.csv": "time_s,rps\n0,5\n30,12.5\n",
      "s.yaml": `${HEADER}metadata: {name: p}\nduration: 10m\ncluster: {nodeGroups: [{name: pool, count: 1, cpu: "4", memory: 16Gi}]}\nmanifests: [web.yaml]\nload: [{service: web, profile: ${profile}}]\n`,
    });
    const loaded = loadScenario(g.file("s.yaml"));
    t.strictSame(loaded.errors.map(formatDiagnostic), [], profile);
    const p = loaded.config!.traffic[0].profile;
    t.strictSame(expected.map(([at]) => p.rateAt(at)), expected.map(([, r]) => r), profile);
  }

  // Poisson spikes are drawn from the run seed: the same seed, the same spikes.
  const spikesAt = (seed: number) => {
    const g = fixture({
      "web.yaml": WEB_MANIFESTS,
      "s.yaml": `${HEADER}metadata: {name: p}\nseed: ${seed}\nduration: 1h\ncluster: {nodeGroups: [{name: pool, count: 1, cpu: "4", memory: 16Gi}]}\nmanifests: [web.yaml]\nload: [{service: web, profile: {type: poissonSpikes, base: 1, height: 50, duration: 1m, meanInterval: 10m, until: 1h}}]\n`,
    });
    const p = loadScenario(g.file("s.yaml")).config!.traffic[0].profile;
    const changes: number[] = [];
    for (let at = p.nextChangeAfter(-1); at < Infinity && changes.length < 100; at = p.nextChangeAfter(at)) changes.push(at);
    return changes;
  };
  t.strictSame(spikesAt(3), spikesAt(3));
  t.ok(spikesAt(3).length > 0);
});
