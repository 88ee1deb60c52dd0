/**
 * Ports of noderesources/least_allocated_test.go TestLeastAllocatedScoringStrategy and
 * balanced_allocation_test.go TestNodeResourcesBalancedAllocation (cpu/memory cases), and of
 * helper/normalize_score_test.go.
 */
import t from "tap";
import type { Pod, ResourceList } from "../../../models/cluster/types.js";
import { defaultNormalizeScore } from "../../../models/scheduler/normalize-score.js";
import { balancedAllocationScore, balancedResourceScorer, isBestEffortPod } from "../../../models/scheduler/plugins/balanced-allocation.js";
import { leastAllocatedScore, leastResourceScorer } from "../../../models/scheduler/plugins/node-resources-fit.js";
import { calculatePodResourceRequest } from "../../../models/scheduler/resource.js";
import { makeNode, makePod, nodeInfoWith, reqPod } from "./fixtures.js";

const r = (cpu: number, mem: number): ResourceList => ({ cpu_mcores: cpu, memory_bytes: mem });
const node = (name: string, cpu: number, mem: number) => makeNode(name, { cpu_mcores: cpu, memory_bytes: mem, pods: 32 });

t.test("TestLeastAllocatedScoringStrategy", async (t) => {
  const twoContainers = () => reqPod(r(1000, 2000), r(2000, 3000));
  const cases: { name: string; pod: Pod; nodes: [number, number][]; existing: [Pod[], Pod[]]; want: [number, number] }[] = [
    { name: "nothing scheduled, nothing requested", pod: makePod("p"), nodes: [[4000, 10000], [4000, 10000]], existing: [[], []], want: [100, 100] },
    { name: "nothing scheduled, resources requested, differently sized nodes", pod: twoContainers(), nodes: [[4000, 10000], [6000, 10000]], existing: [[], []], want: [37, 50] },
    { name: "no resources requested, pods scheduled", pod: makePod("p"), nodes: [[4000, 10000], [4000, 10000]], existing: [[makePod("a"), makePod("b")], [makePod("c"), makePod("d")]], want: [100, 100] },
    {
      name: "no resources requested, pods scheduled with resources",
      pod: makePod("p"),
      nodes: [[10000, 20000], [10000, 20000]],
      existing: [[reqPod(r(3000, 0)), reqPod(r(3000, 0))], [reqPod(r(3000, 0)), reqPod(r(3000, 5000))]],
      want: [70, 57],
    },
    {
      name: "resources requested, pods scheduled with resources",
      pod: twoContainers(),
      nodes: [[10000, 20000], [10000, 20000]],
      existing: [[reqPod(r(3000, 0))], [reqPod(r(3000, 5000))]],
      want: [57, 45],
    },
    {
      name: "resources requested, pods scheduled with resources, differently sized nodes",
      pod: twoContainers(),
      nodes: [[10000, 20000], [10000, 50000]],
      existing: [[reqPod(r(3000, 0))], [reqPod(r(3000, 5000))]],
      want: [57, 60],
    },
    {
      name: "requested resources exceed node capacity",
      pod: reqPod(r(3000, 0)),
      nodes: [[4000, 10000], [4000, 10000]],
      existing: [[reqPod(r(3000, 0))], [reqPod(r(3000, 5000))]],
      want: [50, 25],
    },
    { name: "zero node resources, pods scheduled with resources", pod: makePod("p"), nodes: [[0, 0], [0, 0]], existing: [[reqPod(r(3000, 0))], [reqPod(r(3000, 5000))]], want: [0, 0] },
  ];
  for (const c of cases) {
    const req = calculatePodResourceRequest(c.pod, false);
    const got = c.nodes.map(([cpu, mem], i) => leastAllocatedScore(req, nodeInfoWith(node(`node${i + 1}`, cpu, mem), c.existing[i])));
    t.same(got, c.want, c.name);
  }
  // "nothing scheduled, resources requested with different weight on CPU and memory": memory 2, cpu 1.
  t.equal(leastResourceScorer([3000, 5000], [4000, 10000], [1, 2]), 41);
  t.equal(leastResourceScorer([3000, 5000], [6000, 10000], [1, 2]), 50);
});

t.test("TestNodeResourcesBalancedAllocation", async (t) => {
  const cpuAndMemory = () => reqPod(r(1000, 2000), r(2000, 3000));
  const cpuOnly = () => reqPod(r(1000, 0), r(2000, 0));
  t.ok(isBestEffortPod(calculatePodResourceRequest(makePod("p"), true)), "nothing requested: skip in PreScore");
  t.notOk(isBestEffortPod(calculatePodResourceRequest(cpuOnly(), true)));
  const cases: { name: string; pod: Pod; nodes: [number, number][]; existing: [Pod[], Pod[]]; want: [number, number] }[] = [
    { name: "nothing scheduled, resources requested, differently sized nodes", pod: cpuAndMemory(), nodes: [[4000, 10000], [6000, 10000]], existing: [[], []], want: [87, 100] },
    {
      name: "resources requested, pods scheduled with resources",
      pod: cpuAndMemory(),
      nodes: [[10000, 20000], [10000, 20000]],
      existing: [[cpuOnly()], [cpuAndMemory()]],
      want: [82, 95],
    },
    {
      name: "resources requested, pods scheduled with resources, differently sized nodes",
      pod: cpuAndMemory(),
      nodes: [[10000, 20000], [10000, 50000]],
      existing: [[cpuOnly()], [cpuAndMemory()]],
      want: [82, 80],
    },
    { name: "requested resources at node capacity", pod: cpuOnly(), nodes: [[6000, 10000], [6000, 10000]], existing: [[cpuOnly()], [cpuAndMemory()]], want: [50, 75] },
  ];
  for (const c of cases) {
    const req = calculatePodResourceRequest(c.pod, true);
    const got = c.nodes.map(([cpu, mem], i) => balancedAllocationScore(req, nodeInfoWith(node(`node${i + 1}`, cpu, mem), c.existing[i])));
    t.same(got, c.want, c.name);
  }
  // "include scalar resource on a node for balanced resource allocation": three fractions.
  t.equal(balancedResourceScorer([3000, 5000, 4], [3500, 40000, 8]), 70);
  t.equal(balancedResourceScorer([3000, 5000, 1], [3500, 40000, 8]), 65);
  t.equal(balancedResourceScorer([3000, 5000, 0], [3500, 40000, 0]), 63, "zero allocatable is skipped");
});

t.test("DefaultNormalizeScore (normalize_score_test.go)", async (t) => {
  const cases = [
    { reverse: false, scores: [1, 2, 3, 4], want: [25, 50, 75, 100] },
    { reverse: true, scores: [1, 2, 3, 4], want: [75, 50, 25, 0] },
    { reverse: false, scores: [1000, 10, 20, 30], want: [100, 1, 2, 3] },
    { reverse: true, scores: [1000, 10, 20, 30], want: [0, 99, 98, 97] },
    { reverse: false, scores: [1, 1, 1, 1], want: [100, 100, 100, 100] },
    { reverse: true, scores: [1, 1, 1, 1], want: [0, 0, 0, 0] },
    { reverse: false, scores: [0, 0, 0, 0], want: [0, 0, 0, 0] },
    { reverse: true, scores: [0, 0, 0, 0], want: [100, 100, 100, 100] },
  ];
  for (const c of cases) {
    const s = [...c.scores];
    defaultNormalizeScore(100, c.reverse, s);
    t.same(s, c.want, `${c.scores} reverse=${c.reverse}`);
  }
});
