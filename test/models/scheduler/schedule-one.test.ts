/** Ports of schedule_one_test.go TestNumFeasibleNodesToFind, selectHost and schedulePod behaviour. */
import t from "tap";
import { RngRegistry } from "../../../engine/rng.js";
import type { Node } from "../../../models/cluster/types.js";
import { fitErrorMessage } from "../../../models/scheduler/fit-error.js";
import { NodeInfo } from "../../../models/scheduler/node-info.js";
import {
  DEFAULT_SCHEDULER_CONFIG,
  numFeasibleNodesToFind,
  prioritizeNodes,
  schedulePod,
  SchedulerState,
  selectHostIndex,
} from "../../../models/scheduler/schedule-one.js";
import { fixedRandom, makeNode, makePod, nodeInfoWith, reqPod } from "./fixtures.js";

const GiB = 1024 ** 3;

t.test("TestNumFeasibleNodesToFind", async (t) => {
  const cases = [
    { name: "not set percentageOfNodesToScore and nodes number not more than 50", pct: 0, n: 10, want: 10 },
    { name: "set percentageOfNodesToScore and nodes number not more than 50", pct: 40, n: 10, want: 10 },
    { name: "not set percentageOfNodesToScore and nodes number more than 50", pct: 0, n: 1000, want: 420 },
    { name: "set percentageOfNodesToScore and nodes number more than 50", pct: 40, n: 1000, want: 400 },
    { name: "not set percentageOfNodesToScore and nodes number more than 50*125", pct: 0, n: 6000, want: 300 },
    { name: "set percentageOfNodesToScore and nodes number more than 50*125", pct: 40, n: 6000, want: 2400 },
    { name: "200 nodes: 49% is 98, raised to the 100 minimum", pct: 0, n: 200, want: 100 },
    { name: "99 nodes: all", pct: 0, n: 99, want: 99 },
  ];
  for (const c of cases) t.equal(numFeasibleNodesToFind(c.pct, c.n), c.want, c.name);
});

t.test("selectHost: reservoir sampling among the top scores", async (t) => {
  const cases = [
    { name: "unique max, no draw", totals: [1, 3, 2], draws: [], want: 1 },
    // tie at i=2 (k=2): floor(0.4*2)=0 -> take 2; tie at i=4 (k=3): floor(0.5*3)=1 -> keep.
    { name: "ties replace with probability 1/k", totals: [10, 20, 20, 5, 20], draws: [0.4, 0.5], want: 2 },
    { name: "last tie taken on a zero draw", totals: [7, 7, 7], draws: [0.9, 0.1], want: 2 },
    { name: "a higher score resets the count", totals: [5, 5, 9], draws: [0.9], want: 2 },
  ];
  for (const c of cases) {
    const rng = fixedRandom(c.draws);
    t.equal(selectHostIndex(c.totals, c.totals.length, rng), c.want, c.name);
    t.equal(rng.calls, c.draws.length, `${c.name}: draws`);
  }
  const rng = new RngRegistry(42).stream("scheduler");
  const counts = [0, 0, 0, 0];
  const trials = 30_000;
  for (let i = 0; i < trials; i++) counts[selectHostIndex([3, 9, 9, 9], 4, rng)]++;
  t.equal(counts[0], 0);
  for (let i = 1; i < 4; i++) t.ok(Math.abs(counts[i] / trials - 1 / 3) < 0.02, `node ${i} chosen ~1/3 (${counts[i]})`);
});

t.test("prioritizeNodes: weighted sum of normalized plugin scores", async (t) => {
  const pod = reqPod({ cpu_mcores: 1000, memory_bytes: 2 * GiB });
  const n1 = nodeInfoWith(makeNode("n1", { cpu_mcores: 4000, memory_bytes: 8 * GiB }));
  const n2 = nodeInfoWith(makeNode("n2", { cpu_mcores: 4000, memory_bytes: 8 * GiB, taints: [{ key: "spot", value: "true", effect: "PreferNoSchedule" }] }));
  const got = prioritizeNodes(pod, [n1, n2]);
  // TaintToleration: raw 0 / 1 -> reversed 100 / 0, ×3. Fit: 75. Balanced: 100.
  t.same(got, [
    { name: "n1", scores: [{ plugin: "TaintToleration", score: 300 }, { plugin: "NodeResourcesFit", score: 75 }, { plugin: "NodeResourcesBalancedAllocation", score: 100 }], totalScore: 475 },
    { name: "n2", scores: [{ plugin: "TaintToleration", score: 0 }, { plugin: "NodeResourcesFit", score: 75 }, { plugin: "NodeResourcesBalancedAllocation", score: 100 }], totalScore: 175 },
  ]);
  const bestEffort = prioritizeNodes(makePod("be", { containers: [{}] }), [n1]);
  t.same(bestEffort[0].scores.map((s) => s.plugin), ["TaintToleration", "NodeResourcesFit"], "BalancedAllocation skipped for best-effort pods");
});

t.test("schedulePod: FitError message and diagnosis", async (t) => {
  const gpuTaint = { key: "dedicated", value: "gpu", effect: "NoSchedule" as const };
  const nodes = [
    nodeInfoWith(makeNode("node1", { cpu_mcores: 500, memory_bytes: 4 * GiB })),
    nodeInfoWith(makeNode("node2", { cpu_mcores: 4000, memory_bytes: 4 * GiB, taints: [gpuTaint] })),
    nodeInfoWith(makeNode("node3", { cpu_mcores: 4000, memory_bytes: 4 * GiB, taints: [gpuTaint] })),
  ];
  const pod = makePod("web", { containers: [{ cpu_mcores: 1000, memory_bytes: GiB }] });
  const state = new SchedulerState();
  const res = schedulePod(pod, nodes, state, fixedRandom([]));
  t.equal(res.kind, "FitError");
  if (res.kind !== "FitError") return;
  t.equal(fitErrorMessage(res.fitError), "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint(s).");
  t.same([...res.fitError.diagnosis.unschedulablePlugins], ["NodeResourcesFit", "TaintToleration"]);
  t.equal(res.fitError.diagnosis.nodeToStatus.get("node1")!.code, "UnschedulableAndUnresolvable", "1000m > 500m allocatable");
  t.equal(state.nextStartNodeIndex, 0, "all 3 processed: (0 + 3) % 3");

  const legacy = schedulePod(pod, nodes, new SchedulerState(), fixedRandom([]), { ...DEFAULT_SCHEDULER_CONFIG, legacyTaintReason: true });
  t.equal(legacy.kind === "FitError" && fitErrorMessage(legacy.fitError), "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}.");

  // Histogram entries sort as strings, as Go's sort.Strings: "10 ..." before "2 ...".
  const many = Array.from({ length: 12 }, (_, i) =>
    nodeInfoWith(makeNode(`n${i}`, i < 10 ? { cpu_mcores: 500, memory_bytes: 4 * GiB } : { cpu_mcores: 4000, memory_bytes: 4 * GiB, unschedulable: true })),
  );
  const r2 = schedulePod(pod, many, new SchedulerState(), fixedRandom([]));
  t.equal(r2.kind === "FitError" && fitErrorMessage(r2.fitError), "0/12 nodes are available: 10 Insufficient cpu, 2 node(s) were unschedulable.");

  t.same(schedulePod(pod, [], new SchedulerState(), fixedRandom([])), { kind: "NoNodesAvailable", message: "no nodes available to schedule pods" });
});

t.test("schedulePod: single feasible node, best score, no draws when unneeded", async (t) => {
  const busy = nodeInfoWith(makeNode("busy", { cpu_mcores: 4000, memory_bytes: 8 * GiB }), [reqPod({ cpu_mcores: 3000, memory_bytes: 6 * GiB })]);
  const idle = nodeInfoWith(makeNode("idle", { cpu_mcores: 4000, memory_bytes: 8 * GiB }));
  const cordoned = nodeInfoWith(makeNode("cordoned", { cpu_mcores: 4000, memory_bytes: 8 * GiB, unschedulable: true }));
  const pod = reqPod({ cpu_mcores: 500, memory_bytes: GiB });
  const rng = fixedRandom([]);
  t.same(schedulePod(pod, [busy, idle, cordoned], new SchedulerState(), rng), { kind: "Scheduled", suggestedHost: "idle", evaluatedNodes: 3, feasibleNodes: 2 });
  t.same(schedulePod(pod, [cordoned, idle], new SchedulerState(), rng), { kind: "Scheduled", suggestedHost: "idle", evaluatedNodes: 2, feasibleNodes: 1 });
  t.equal(rng.calls, 0);
});

t.test("schedulePod: stops at numFeasibleNodesToFind and advances nextStartNodeIndex round-robin", async (t) => {
  const nodes = Array.from({ length: 150 }, (_, i) => nodeInfoWith(makeNode(`n${String(i).padStart(3, "0")}`, { cpu_mcores: 4000, memory_bytes: 8 * GiB })));
  const state = new SchedulerState();
  const rng = new RngRegistry(1).stream("scheduler");
  const pod = reqPod({ cpu_mcores: 100, memory_bytes: GiB });
  const r1 = schedulePod(pod, nodes, state, rng);
  t.equal(r1.kind === "Scheduled" && r1.feasibleNodes, 100, "150 nodes: 100 feasible are enough");
  t.equal(state.nextStartNodeIndex, 100);
  schedulePod(pod, nodes, state, rng);
  t.equal(state.nextStartNodeIndex, 50, "(100 + 100) % 150");
});

function cluster(nodeCount: number): NodeInfo[] {
  const nodes: Node[] = [];
  for (let i = 0; i < nodeCount; i++) {
    nodes.push(makeNode(`node-${String(i).padStart(3, "0")}`, { cpu_mcores: 8000, memory_bytes: 32 * GiB, pods: 110, labels: { zone: `z${i % 3}` } }));
  }
  return nodes.map((n) => new NodeInfo(n));
}

t.test("200 nodes × 5000 pods: incremental NodeInfo, deterministic placements", async (t) => {
  const run = (seed: number) => {
    const infos = cluster(200);
    const byName = new Map(infos.map((ni) => [ni.name, ni]));
    const state = new SchedulerState();
    const rng = new RngRegistry(seed).stream("scheduler");
    const placements: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const pod = makePod(`pod-${i}`, { containers: [{ cpu_mcores: 100 + (i % 7) * 50, memory_bytes: (256 + (i % 5) * 128) * 1024 * 1024 }] });
      const res = schedulePod(pod, infos, state, rng);
      if (res.kind !== "Scheduled") throw new Error(`pod-${i} not scheduled: ${res.kind}`);
      byName.get(res.suggestedHost)!.addPod(pod); // the controller's assume step
      placements.push(res.suggestedHost);
    }
    return { placements, infos };
  };
  const start = performance.now();
  const a = run(7);
  const elapsed_ms = performance.now() - start;
  t.ok(elapsed_ms < 20_000, `5000 attempts took ${elapsed_ms.toFixed(0)} ms`);
  const perNode = a.infos.map((ni) => ni.podCount);
  t.equal(perNode.reduce((x, y) => x + y, 0), 5000);
  // Only 100 of 200 nodes are scored per attempt and scores move in 1% steps, so the spread is
  // loose, but every node gets a share.
  t.ok(Math.min(...perNode) >= 15 && Math.max(...perNode) <= 40, `LeastAllocated spreads (${Math.min(...perNode)}..${Math.max(...perNode)} pods per node)`);
  t.same(run(7).placements, a.placements, "same seed, same placements");
});
