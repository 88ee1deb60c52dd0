/**
 * The documented HPA + VPA conflict (both on CPU) next to the recommended pairing (HPA on a
 * custom metric, VPA on CPU/memory), from experiments/scenarios/vpa-hpa/: the same app and load,
 * only the HPA's metric differs.
 */
import t from "tap";
import { loadScenario } from "../../../experiments/scenario/load.js";
import { ClusterSimulation } from "../../../experiments/simulator.js";
import type { Deployment } from "../../../models/cluster/types.js";

function run(file: string) {
  const loaded = loadScenario(new URL(`../../../experiments/scenarios/vpa-hpa/${file}`, import.meta.url).pathname);
  if (loaded.config === null) throw new Error(JSON.stringify(loaded.errors));
  const sim = new ClusterSimulation(loaded.config);
  sim.run(loaded.config.duration_ms);
  const replicas = sim.timeseries.get("Deployment", "web", "replicas_spec").map(([, v]) => v);
  const requests = sim.timeseries.get("VerticalPodAutoscaler", "web/web", "requests_cpu_mcores").map(([, v]) => v);
  return {
    evictions: sim.events.count("vpa-updater", "Normal", "EvictedByVPA"),
    maxReplicas: Math.max(...replicas),
    finalReplicas: sim.store.get<Deployment>("Deployment", "default", "web")!.spec.replicas,
    finalRequest_mcores: requests[requests.length - 1],
    pod_hours: sim.timeseries.get("Deployment", "web", "replicas_ready").reduce((sum, [, v], i, all) => sum + (i === 0 ? 0 : (v * (all[i][0] - all[i - 1][0])) / 3_600_000), 0),
  };
}

t.test("HPA and VPA both on CPU: the HPA overshoots to max, the VPA evicts pod after pod, replicas settle where the VPA's requests put them", async (t) => {
  const conflict = run("conflict.yaml");
  const recommended = run("recommended.yaml");
  t.equal(conflict.maxReplicas, 20, "conflict: the 100m requests at 500 % send the HPA to maxReplicas");
  t.equal(conflict.finalReplicas, 8, "conflict: 250m per pod is 49 % of the VPA's 511m");
  t.equal(conflict.finalRequest_mcores, 511);
  t.equal(conflict.evictions, 16);
  t.equal(recommended.maxReplicas, 5, "recommended: 20 rps / 4 rps per pod, never more");
  t.equal(recommended.finalReplicas, 5);
  t.equal(recommended.evictions, 2, "recommended: each pod is resized once");
  t.ok(conflict.pod_hours > 1.5 * recommended.pod_hours, `conflict ${conflict.pod_hours.toFixed(1)} pod-hours against ${recommended.pod_hours.toFixed(1)}`);
});
