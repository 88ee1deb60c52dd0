/**
 * The HPA formula example from the course notes, through the whole pipeline (load -> pods ->
 * cAdvisor -> metrics-server -> HPA -> Deployment -> scheduler -> kubelet): 2 replicas of a pod
 * requesting 200m (limit 500m), HPA target 50 % (min 2, max 10).
 *   600m of demand (300m per pod) -> 6 replicas;
 *   300m (50m per pod at 6)       -> 3, once the 5-minute downscale stabilization allows;
 *   150m (50m per pod at 3)       -> 1.5, rounded up to 2, which is also the minimum.
 */
import t from "tap";
import { ClusterSimulation } from "../../../experiments/simulator.js";
import { cpuHpa, deployment, service } from "../../../experiments/builders.js";
import { step } from "../../../models/workload/load-profiles.js";
import { walkthroughTrace } from "../../../experiments/php-apache/trace.js";

const DROP_TO_300_S = 1200;
const DROP_TO_150_S = 2400;

function run(seed: number) {
  const sim = new ClusterSimulation({
    seed,
    duration_ms: 3_600_000,
    nodeGroups: [{ name: "pool", count: 3, cpu_mcores: 4000, memory_bytes: 16 * 2 ** 30 }],
    objects: [
      deployment({ name: "web", replicas: 2, app: "web", containers: [{ request_mcores: 200, limit_mcores: 500 }] }),
      service("web"),
      cpuHpa({ name: "web", target: "web", minReplicas: 2, maxReplicas: 10, cpuUtilization_percent: 50 }),
    ],
    // 10 mcore·s per request: 60 rps = 600m, 30 rps = 300m, 15 rps = 150m.
    apps: [{ name: "web", cpuPerRequest_mcore_s: 10, baselineCpu_mcores: 0.5, memoryBaseline_bytes: 64 * 2 ** 20, memoryPerInflight_bytes: 1024, queueCapacity_requests: 100, warmup_ms: 0, shutdown_ms: 500 }],
    traffic: [{
      namespace: "default", service: "web", arrivals: "fluid", interval_ms: 1000, spread: "round-robin",
      profile: step([{ at_ms: 60_000, rate_rps: 60 }, { at_ms: DROP_TO_300_S * 1000, rate_rps: 30 }, { at_ms: DROP_TO_150_S * 1000, rate_rps: 15 }], 0),
    }],
    sampleInterval_ms: 15_000,
    components: {},
  });
  sim.run();
  return sim;
}

for (const seed of [1, 2, 3]) {
  t.test(`formula example (seed ${seed})`, async (t) => {
    const sim = run(seed);
    const rows = sim.hpa.decisions.all();
    const desiredAt = (time_s: number) => Number([...rows].reverse().find((r) => Number(r[0]) <= time_s)![7]);
    t.equal(desiredAt(DROP_TO_300_S - 1), 6, "600m of demand -> 6 replicas");
    t.equal(desiredAt(DROP_TO_150_S - 1), 3, "300m of demand -> 3 replicas");
    t.equal(desiredAt(3600), 2, "150m of demand -> 2 replicas (the minimum)");
    // The legacy scale-up cap max(2 x 2, 4) = 4 allows 2 -> 4 in one sync; 6 comes next.
    const trace = walkthroughTrace(rows, DROP_TO_300_S);
    t.same(trace.desired.slice(0, 3), [2, 4, 6], "2 -> 4 (scale-up limit) -> 6");
    const firstBelow6 = rows.find((r) => Number(r[0]) > DROP_TO_300_S && Number(r[7]) < 6)!;
    t.ok(Number(firstBelow6[0]) >= DROP_TO_300_S + 300, `no scale-down before the 5-minute window (${firstBelow6[0]} s)`);
    t.ok(Number(firstBelow6[0]) <= DROP_TO_300_S + 300 + 60, "scale-down soon after the window (metrics lag + one sync)");
    t.equal(sim.scheduler.stats.failures, 0, "every pod scheduled");
  });
}
