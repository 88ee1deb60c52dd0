/**
 * The sampler's true CPU of a pod restarted under the same uid: the new runtime pod's counter
 * starts at 0, so the interval's usage is what the new pod used since its start, never the new
 * counter minus the old pod's (which went negative).
 */
import t from "tap";
import { ClusterSimulation } from "../../../experiments/simulator.js";
import { deployment, service } from "../../../experiments/builders.js";
import { constant } from "../../../models/workload/load-profiles.js";
import type { Pod } from "../../../models/cluster/types.js";

/** One node, a "web" Deployment of `replicas` pods at 10 mcore·s per request plus 1 mcore, `rps` spread round-robin. */
function webSim(replicas: number, rps: number, duration_ms: number): ClusterSimulation {
  return new ClusterSimulation({
    seed: 1,
    duration_ms,
    nodeGroups: [{ name: "pool", count: 1, cpu_mcores: 4_000, memory_bytes: 8 * 2 ** 30 }],
    objects: [deployment({ name: "web", replicas, app: "web", containers: [{ request_mcores: 500, limit_mcores: 1000 }] }), service("web")],
    apps: [{
      name: "web", cpuPerRequest_mcore_s: 10, baselineCpu_mcores: 1, memoryBaseline_bytes: 2 ** 20,
      memoryPerInflight_bytes: 0, queueCapacity_requests: 100, warmup_ms: 0, shutdown_ms: 0,
    }],
    traffic: [{ namespace: "default", service: "web", profile: constant(rps), arrivals: "fluid", interval_ms: 1000, spread: "round-robin" }],
    sampleInterval_ms: 60_000,
    components: {},
  });
}

t.test("a restart under the same uid reads as the new pod's usage since its start", async (t) => {
  const sim = webSim(1, 40, 15 * 60_000);
  sim.run(10 * 60_000 + 30_000);
  // Restart the pod's containers under the same uid, 30 s before the 11-minute sample.
  const pod = sim.store.list<Pod>("Pod")[0];
  sim.runtime.stopPod(pod, sim.sim.now_ms);
  sim.runtime.startPod(pod, pod.spec.nodeName, sim.sim.now_ms);
  sim.runtime.setArrivalRate(pod.metadata.uid, 40, 0, sim.sim.now_ms);
  sim.run();
  const usage = sim.timeseries.get("Deployment", "web", "cpu_usage_mcores");
  const at = (minute: number) => usage.find(([time_ms]) => time_ms === minute * 60_000)?.[1];
  t.ok(usage.every(([, v]) => v >= 0), "never negative");
  t.equal(at(10), 401, "40 rps at 10 mcore·s, plus 1 mcore of baseline");
  t.equal(at(11), 200.5, "the restarted pod's 30 s of 60: half of it");
  t.equal(at(12), 401, "and all of it again");
});

t.test("when another pod on the node stops, the others keep their slots and their marks", async (t) => {
  const sim = webSim(3, 60, 13 * 60_000);
  sim.run(10 * 60_000 + 30_000);
  const node = sim.store.list<Pod>("Pod")[0].spec.nodeName;
  // Stop the pod started first: the two started after it keep their slots (pod handles).
  const [first, ...others] = sim.runtime.nodePods(node).pods;
  const slotsBefore = others.map((p) => p.slot);
  sim.runtime.stopPod(first.pod, sim.sim.now_ms);
  t.same(sim.runtime.nodePods(node).slots, slotsBefore, "the later pods stay where they were");
  sim.run();
  const usage = sim.timeseries.get("Node", node, "cpu_usage_mcores");
  const at = (minute: number) => usage.find(([time_ms]) => time_ms === minute * 60_000)?.[1];
  t.equal(at(10), 603, "3 pods at 20 rps x 10 mcore·s, plus 1 mcore of baseline each");
  // The stopped pod's last 30 s are lost with its cgroup; the others' minute is counted once.
  t.equal(at(11), 402, "the two other pods' own minute");
  t.equal(at(12), 402, "and again at the next sample");
});
