/**
 * cAdvisor keeps each node's samples as columns, the numbers as rows of one typed array (moved
 * down when samples of stopped pods are dropped), and serves them as columns and as container
 * views. Through random
 * starts, stops, restarts under the same uid and sidecars, on two nodes:
 * - every served container view reads what its pod's row holds, and
 * - a storage fed the responses (reading rows) equals one fed plain object copies of them.
 */
import t from "tap";
import { RngRegistry, Simulation } from "../../../engine/index.js";
import { ClusterStore } from "../../../models/cluster/store.js";
import type { Pod } from "../../../models/cluster/types.js";
import { Cadvisor } from "../../../models/cadvisor/cadvisor.js";
import { PodRuntime, type RunningPod } from "../../../models/kubelet/container-runtime.js";
import { MetricsStorage } from "../../../models/metrics-server/storage.js";
import { Sample } from "../../../models/metrics-server/types.js";
import { copyNodeScrape } from "../../../models/metrics-server/controller.js";
import { AppCatalog, APP_ANNOTATION } from "../../../models/workload/app-profile.js";
import { container, pod } from "../pipeline/fixtures.js";

const APP = {
  name: "app", cpuPerRequest_mcore_s: 10, baselineCpu_mcores: 1, memoryBaseline_bytes: 64 * 2 ** 20,
  memoryPerInflight_bytes: 1024, queueCapacity_requests: 100, warmup_ms: 0, shutdown_ms: 0,
};
const NODES = ["n1", "n2"];

t.test("rows and views agree, and storing rows equals storing plain copies", async (t) => {
  const sim = new Simulation({ seed: 1 });
  const store = new ClusterStore(sim);
  const runtime = new PodRuntime(new AppCatalog([APP]));
  for (const n of NODES) runtime.addNode(n, 8_000);
  const cadvisor = new Cadvisor(sim, runtime, { housekeepingInterval_ms: 10_000, maxJitter_ms: 0, phase_ms: null });
  for (const n of NODES) cadvisor.addNode(n);
  const rows = new MetricsStorage(15_000);
  const plain = new MetricsStorage(15_000);
  const rng = new RngRegistry(11).stream("test/cadvisor-rows");
  const live: { pod: Pod; node: string; running: boolean }[] = [];
  let made = 0;
  let viewMismatches = 0;
  let valueMismatches = 0;
  let checked = 0;
  let storeMismatches = 0;
  let dropped = 0;
  const nodeCpu = new Map<string, number>();
  let nodeCpuDecreases = 0;
  for (let tick = 1; tick <= 300; tick++) {
    const now_ms = tick * 5_000;
    sim.run(now_ms);
    // Start a pod (some with sidecars), stop one, or restart a stopped one under its uid.
    const r = rng.uniform(0, 1);
    if (r < 0.45 && live.filter((p) => p.running).length < 40) {
      const node = NODES[Math.floor(rng.uniform(0, 2))];
      const containers = [container("app", 100, 500), ...(rng.uniform(0, 1) < 0.3 ? [container("proxy", 10), container("log", 10)] : [])];
      const p = store.create<Pod>(pod(`p${made++}`, { app: "x" }, containers, node, { [APP_ANNOTATION]: "app" }));
      runtime.startPod(p, node, now_ms);
      runtime.setArrivalRate(p.metadata.uid, rng.uniform(1, 40), 0, now_ms);
      live.push({ pod: p, node, running: true });
    } else if (r < 0.8) {
      const running = live.filter((p) => p.running);
      if (running.length > 0) {
        const victim = running[Math.floor(rng.uniform(0, running.length))];
        runtime.stopPod(victim.pod, now_ms);
        victim.running = false;
      }
    } else {
      const stopped = live.filter((p) => !p.running);
      if (stopped.length > 0) {
        const back = stopped[Math.floor(rng.uniform(0, stopped.length))];
        runtime.startPod(back.pod, back.node, now_ms);
        back.running = true;
      }
    }
    if (tick % 3 !== 0) continue; // scrape every 15 s
    const scrape = NODES.map((n) => cadvisor.resourceMetrics(n)!);
    // A node's counter never goes down, restarts included (as the root cgroup's would not).
    for (const node of scrape) {
      const cpu = node.node?.cumulativeCpuUsed_mcore_ms ?? 0;
      if (cpu < (nodeCpu.get(node.nodeName) ?? 0)) nodeCpuDecreases++;
      nodeCpu.set(node.nodeName, cpu);
    }
    for (const node of scrape) {
      const columns = node.columns!;
      if (columns.count !== node.pods.length) viewMismatches++;
      node.pods.forEach((s, p) => {
        if (columns.namespaces[p] !== s.namespace || columns.names[p] !== s.name) viewMismatches++;
        s.containers.forEach((c, i) => {
          const o = columns.offsets[p] + i * Sample.Fields;
          const v = columns.values;
          if (c.name !== columns.containerNames[p][i] || c.startTime_ms !== v[o + Sample.Start] || c.timestamp_ms !== v[o + Sample.Ts] ||
              c.cumulativeCpuUsed_mcore_ms !== v[o + Sample.Cpu] || c.memoryWorkingSet_bytes !== v[o + Sample.Mem]) viewMismatches++;
        });
        // A sample of a running pod holds what the runtime's counters held at its last
        // housekeeping (the runtime keeps them until the next): rows never mixed up.
        const running = (s as unknown as { running: RunningPod }).running;
        const app = s.containers[0];
        if (!running.stopped && app.timestamp_ms > 0) {
          checked++;
          if (app.cumulativeCpuUsed_mcore_ms !== Math.floor(runtime.appCpu_mcore_ms(running.slot)) ||
              app.memoryWorkingSet_bytes !== runtime.appMemory_bytes(running.slot) || app.startTime_ms !== running.started_ms) valueMismatches++;
        }
      });
    }
    const copies = scrape.map(copyNodeScrape);
    const a = { ...rows.store(scrape) };
    const b = { ...plain.store(copies) };
    const names = live.map((p) => p.pod.metadata.name);
    if (JSON.stringify(a) !== JSON.stringify(b)) storeMismatches++;
    if (JSON.stringify(rows.getPodMetrics("default", names)) !== JSON.stringify(plain.getPodMetrics("default", names))) storeMismatches++;
    dropped = Math.max(dropped, live.filter((p) => !p.running).length);
  }
  t.ok(made > 40 && dropped > 5, `${made} pods, stops and restarts exercised`);
  t.ok(rows.getPodMetrics("default", live.map((p) => p.pod.metadata.name)).length > 10, "pods are served");
  t.equal(viewMismatches, 0, "columns list the served pods; views read their rows");
  t.ok(checked > 500, `${checked} samples checked against the runtime`);
  t.equal(valueMismatches, 0, "each sample holds its own pod's counters");
  t.equal(storeMismatches, 0, "columns and plain copies store alike");
  t.equal(nodeCpuDecreases, 0, "node CPU counters never go down");
});
