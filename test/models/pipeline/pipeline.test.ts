/**
 * The metrics pipeline end to end, without scheduler or controllers: pods bound by hand, the
 * kubelet starts them, a Service spreads load over them, cAdvisor samples, metrics-server scrapes.
 * What the metrics API shows must follow true usage with the lag the reference derives.
 */
import t from "tap";
import { Simulation } from "../../../engine/index.js";
import { ClusterStore } from "../../../models/cluster/store.js";
import { EventLog } from "../../../models/cluster/events.js";
import { Kubelets, DEFAULT_KUBELET_CONFIG } from "../../../models/kubelet/kubelet.js";
import { PodRuntime } from "../../../models/kubelet/container-runtime.js";
import { Cadvisor } from "../../../models/cadvisor/cadvisor.js";
import { MetricsServer } from "../../../models/metrics-server/controller.js";
import { ServiceTraffic } from "../../../models/service/traffic.js";
import { AppCatalog, APP_ANNOTATION } from "../../../models/workload/app-profile.js";
import { constant, step } from "../../../models/workload/load-profiles.js";
import type { LoadProfile } from "../../../models/workload/load-profiles.js";
import { node, pod, container, service } from "./fixtures.js";
import type { Pod } from "../../../models/cluster/types.js";

const APP = {
  name: "web", cpuPerRequest_mcore_s: 10, baselineCpu_mcores: 1, memoryBaseline_bytes: 50 * 2 ** 20,
  memoryPerInflight_bytes: 1024, queueCapacity_requests: 100, warmup_ms: 0, shutdown_ms: 0,
};

function cluster(profile: LoadProfile, options: { pods?: number; limit_mcores?: number; node_mcores?: number; seed?: number; arrivals?: "fluid" | "poisson"; spread?: "round-robin" | "random"; otherPods?: number } = {}) {
  const sim = new Simulation({ seed: options.seed ?? 1 });
  const store = new ClusterStore(sim);
  const events = new EventLog();
  const apps = new AppCatalog([APP]);
  const runtime = new PodRuntime(apps);
  const kubelets = new Kubelets(sim, store, events, apps, runtime, { ...DEFAULT_KUBELET_CONFIG, defaultImagePull_ms: 0 });
  runtime.killOnOom(sim, (p, c, now) => kubelets.oomKill(p, c, now));
  const cadvisor = new Cadvisor(sim, runtime);
  const metricsServer = new MetricsServer(sim, cadvisor);
  const traffic = new ServiceTraffic(sim, store, runtime, events, [
    { namespace: "default", service: "web", profile, arrivals: options.arrivals ?? "fluid", interval_ms: 1000, spread: options.spread ?? "round-robin" },
  ]);
  const nodeCpu = options.node_mcores ?? 4000;
  for (const name of ["node-a", "node-b"]) {
    store.create(node(name, nodeCpu));
    runtime.addNode(name, nodeCpu);
    cadvisor.addNode(name);
    metricsServer.addNode(name);
  }
  store.create(service("web", { app: "web" }));
  // Pods outside the Service, started first on node-a (ahead of the web pods in its slots).
  for (let i = 0; i < (options.otherPods ?? 0); i++) {
    store.create(pod(`batch-${i}`, { app: "batch" }, [container("app", 100)], "node-a", { [APP_ANNOTATION]: "web" }));
  }
  const n = options.pods ?? 2;
  for (let i = 0; i < n; i++) {
    store.create(pod(`web-${i}`, { app: "web" }, [container("app", 200, options.limit_mcores)], i % 2 ? "node-b" : "node-a", { [APP_ANNOTATION]: "web" }));
  }
  return { sim, store, events, runtime, cadvisor, metricsServer, traffic };
}

t.test("steady load: the metrics API converges to the true per-pod usage", async (t) => {
  // 20 rps * 10 mcore·s = 200 mcores over 2 pods = 100 mcores each.
  const c = cluster(constant(20));
  c.sim.run(120_000);
  const metrics = c.metricsServer.getPodMetrics("default", ["web-0", "web-1"]);
  t.equal(metrics.length, 2, "both pods reported");
  for (const m of metrics) {
    t.ok(Math.abs(m.containers[0].usage.cpu_mcores - 100) <= 1, `${m.name} cpu ${m.containers[0].usage.cpu_mcores} ≈ 100m`);
    t.ok(m.window_ms >= 10_000 && m.window_ms <= 20_000, `window ${m.window_ms} ms spans cAdvisor samples`);
  }
  c.runtime.advanceAll(c.sim.now_ms);
  const totals = c.traffic.totals(c.traffic.get("default", "web")!, c.sim.now_ms);
  t.ok(Math.abs(totals.offered - totals.served - totals.dropped - totals.queued) < 1e-6, "offered = served + dropped + queued");
});

t.test("CPU served never exceeds the container limit; overload queues and drops", async (t) => {
  // 100 rps * 10 = 1000 mcores over 2 pods limited to 300 mcores: 600 served, the rest queued/dropped.
  const c = cluster(constant(100), { limit_mcores: 300 });
  c.sim.run(300_000);
  const metrics = c.metricsServer.getPodMetrics("default", ["web-0", "web-1"]);
  for (const m of metrics) t.ok(m.containers[0].usage.cpu_mcores <= 300, `${m.name} cpu ${m.containers[0].usage.cpu_mcores} <= limit 300`);
  c.runtime.advanceAll(c.sim.now_ms);
  const totals = c.traffic.totals(c.traffic.get("default", "web")!, c.sim.now_ms);
  t.ok(totals.dropped > 0, "overload drops requests");
  t.ok(Math.abs(totals.offered - totals.served - totals.dropped - totals.queued) < 1e-6 * totals.offered, "conservation");
  const served_rps = totals.served / 300;
  t.ok(served_rps <= 60 + 1e-9, `served ${served_rps} rps <= 2 * 300m / 10 mcore·s = 60 rps`);
});

t.test("CPU served never exceeds the node's allocatable", async (t) => {
  // 8 unlimited pods on 2 nodes of 1000m each; demand 4000 mcores.
  const c = cluster(constant(400), { pods: 8, node_mcores: 1000 });
  let violations = 0;
  let lastCpu = new Map<string, number>();
  c.sim.every(10_000, (now) => {
    for (const nodeName of ["node-a", "node-b"]) {
      let used = 0;
      for (const p of c.runtime.nodePods(nodeName).pods) {
        c.runtime.sampleNode(nodeName, now);
        const cpu = c.runtime.pool.cpuUsed_mcore_ms(p.slot);
        used += cpu - (lastCpu.get(p.pod.metadata.uid) ?? cpu);
        lastCpu.set(p.pod.metadata.uid, cpu);
      }
      if (used / 10_000 > 1000 + 1e-6) violations++;
    }
  }, { phase_ms: 60_000 });
  c.sim.run(300_000);
  t.equal(violations, 0, "no node ever served more than 1000 mcores");
});

t.test("a load step shows in the metrics API within the budget (cAdvisor 10 s, resolution 15 s)", async (t) => {
  // 30% -> 150% of a 200m request per pod: 6 rps -> 30 rps over 2 pods.
  const delays: number[] = [];
  for (let seed = 1; seed <= 20; seed++) {
    const c = cluster(step([{ at_ms: 300_000, rate_rps: 60 }], 12), { seed });
    let seen_ms = -1;
    c.sim.every(1_000, (now) => {
      if (seen_ms >= 0 || now < 300_000) return;
      const m = c.metricsServer.getPodMetrics("default", ["web-0", "web-1"]);
      if (m.length === 2 && m.every((x) => x.containers[0].usage.cpu_mcores >= 0.9 * 300)) seen_ms = now;
    }, { phase_ms: 1_000 });
    c.sim.run(400_000);
    delays.push((seen_ms - 300_000) / 1000);
  }
  t.ok(delays.every((d) => d >= 10 && d <= 46), `delays within ~15–45 s: ${delays.join(", ")}`);
});

t.test("Poisson arrivals: counts average the profile; round-robin spreads evenly, random does not", async (t) => {
  for (const spread of ["round-robin", "random"] as const) {
    const c = cluster(constant(20), { arrivals: "poisson", spread, pods: 4 });
    c.sim.run(600_000);
    c.runtime.advanceAll(c.sim.now_ms);
    const state = c.traffic.get("default", "web")!;
    const totals = c.traffic.totals(state, c.sim.now_ms);
    // Endpoints are ready from ~6 s; 20 rps over the rest of 600 s, Poisson noise ~ sqrt(12000).
    t.ok(Math.abs(totals.offered - 20 * 594) < 600, `${spread}: offered ${totals.offered} ≈ ${20 * 594}`);
    t.ok(Math.abs(totals.offered - totals.served - totals.dropped - totals.queued) < 1e-6, `${spread}: conservation`);
    const served = c.runtime.nodePods("node-a").pods.concat(c.runtime.nodePods("node-b").pods).map((p) => c.runtime.pool.offered_requests(p.slot));
    const spreadOf = Math.max(...served) - Math.min(...served);
    if (spread === "round-robin") t.ok(spreadOf <= 50, `round-robin per-pod totals within one interval's rotation (${served.map(Math.round).join(", ")})`);
    else t.ok(spreadOf > 5, `random spread differs per pod (${served.map(Math.round).join(", ")})`);
  }
});

t.test("rate changes reach the right pods after others on their node stop (their slots move)", async (t) => {
  const c = cluster(step([{ at_ms: 60_000, rate_rps: 40 }], 20), { pods: 4, otherPods: 3 });
  c.sim.run(30_000);
  const rateOf = (name: string) => c.runtime.arrivalRate_rps(c.runtime.slotOf(c.store.get<Pod>("Pod", "default", name)!.metadata.uid));
  t.same(["web-0", "web-1", "web-2", "web-3"].map(rateOf), [5, 5, 5, 5], "20 rps over 4 endpoints");
  // The first batch pods stop: the web pods behind them on node-a move down their node's slots.
  for (const name of ["batch-0", "batch-1"]) c.runtime.stopPod(c.store.get<Pod>("Pod", "default", name)!, 40_000);
  c.sim.run(70_000);
  t.same(["web-0", "web-1", "web-2", "web-3"].map(rateOf), [10, 10, 10, 10], "40 rps after the step, each endpoint's share");
  t.equal(rateOf("batch-2"), 0, "a pod outside the Service gets none");
  c.runtime.advanceAll(c.sim.now_ms);
  const totals = c.traffic.totals(c.traffic.get("default", "web")!, c.sim.now_ms);
  t.ok(Math.abs(totals.offered - (20 * 60 + 40 * 10)) < 1e-6, `offered ${totals.offered}: 60 s at 20 rps, 10 s at 40 rps`);
});
