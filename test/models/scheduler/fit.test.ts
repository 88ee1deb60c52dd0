/** Port of a selection of noderesources/fit_test.go TestEnoughRequests and TestNotEnoughRequests. */
import t from "tap";
import type { ResourceList } from "../../../models/cluster/types.js";
import { fitsRequest, nodeResourcesFitFilter } from "../../../models/scheduler/plugins/node-resources-fit.js";
import { computePodResourceRequest } from "../../../models/scheduler/resource.js";
import { makeNode, makePod, nodeInfoWith, reqPod } from "./fixtures.js";

// fit_test.go: makeAllocatableResources(10, 20, 32, ...) — 10 milli-CPU, 20 bytes, 32 pods.
const node = () => makeNode("machine1", { cpu_mcores: 10, memory_bytes: 20, pods: 32 });
const r = (cpu: number, mem: number): ResourceList => ({ cpu_mcores: cpu, memory_bytes: mem });

t.test("TestEnoughRequests", async (t) => {
  const cases: { name: string; pod: ReturnType<typeof makePod>; existing: ResourceList; code: string; reasons: string[] }[] = [
    { name: "no resources requested always fits", pod: makePod("p"), existing: r(10, 20), code: "Success", reasons: [] },
    { name: "too many resources fails", pod: reqPod(r(1, 1)), existing: r(10, 20), code: "Unschedulable", reasons: ["Insufficient cpu", "Insufficient memory"] },
    {
      name: "too many resources fails due to init container cpu",
      pod: makePod("p", { containers: [r(1, 1)], initContainers: [r(3, 1)] }),
      existing: r(8, 19),
      code: "Unschedulable",
      reasons: ["Insufficient cpu"],
    },
    {
      name: "too many resources fails due to highest init container cpu",
      pod: makePod("p", { containers: [r(1, 1)], initContainers: [r(3, 1), r(2, 1)] }),
      existing: r(8, 19),
      code: "Unschedulable",
      reasons: ["Insufficient cpu"],
    },
    {
      name: "too many resources fails due to init container memory",
      pod: makePod("p", { containers: [r(1, 1)], initContainers: [r(1, 3)] }),
      existing: r(9, 19),
      code: "Unschedulable",
      reasons: ["Insufficient memory"],
    },
    {
      name: "init container fits because it's the max, not sum, of containers and init containers",
      pod: makePod("p", { containers: [r(1, 1)], initContainers: [r(1, 1)] }),
      existing: r(9, 19),
      code: "Success",
      reasons: [],
    },
    {
      name: "multiple init containers fit because it's the max, not sum",
      pod: makePod("p", { containers: [r(1, 1)], initContainers: [r(1, 1), r(1, 1)] }),
      existing: r(9, 19),
      code: "Success",
      reasons: [],
    },
    { name: "both resources fit", pod: reqPod(r(1, 1)), existing: r(5, 5), code: "Success", reasons: [] },
    { name: "one resource memory fits", pod: reqPod(r(2, 1)), existing: r(9, 5), code: "Unschedulable", reasons: ["Insufficient cpu"] },
    { name: "one resource cpu fits", pod: reqPod(r(1, 2)), existing: r(5, 19), code: "Unschedulable", reasons: ["Insufficient memory"] },
    { name: "equal edge case", pod: reqPod(r(5, 1)), existing: r(5, 19), code: "Success", reasons: [] },
    {
      name: "equal edge case for init container",
      pod: makePod("p", { containers: [r(4, 1)], initContainers: [r(5, 1)] }),
      existing: r(5, 19),
      code: "Success",
      reasons: [],
    },
    {
      name: "requests + sidecar containers fit",
      pod: makePod("p", { containers: [r(1, 1)], initContainers: [{ ...r(1, 1), sidecar: true }] }),
      existing: r(8, 18),
      code: "Success",
      reasons: [],
    },
    {
      name: "requests + sidecar containers do not fit",
      pod: makePod("p", { containers: [r(1, 1)], initContainers: [{ ...r(2, 2), sidecar: true }] }),
      existing: r(8, 18),
      code: "Unschedulable",
      reasons: ["Insufficient cpu", "Insufficient memory"],
    },
    {
      name: "cpu request larger than the node is unresolvable",
      pod: reqPod(r(11, 1)),
      existing: r(0, 0),
      code: "UnschedulableAndUnresolvable",
      reasons: ["Insufficient cpu"],
    },
    {
      name: "one unresolvable resource makes the whole status unresolvable",
      pod: reqPod(r(11, 2)),
      existing: r(0, 19),
      code: "UnschedulableAndUnresolvable",
      reasons: ["Insufficient cpu", "Insufficient memory"],
    },
    {
      name: "pod-level requests are what is checked",
      pod: makePod("p", { containers: [r(1, 1)], podLevel: r(3, 1) }),
      existing: r(8, 0),
      code: "Unschedulable",
      reasons: ["Insufficient cpu"],
    },
  ];
  for (const c of cases) {
    const ni = nodeInfoWith(node(), [reqPod(c.existing)]);
    const req = computePodResourceRequest(c.pod);
    const s = nodeResourcesFitFilter(req, ni);
    t.equal(s.code, c.code, `${c.name}: code`);
    t.same(s.reasons, c.reasons, `${c.name}: reasons`);
    t.same(fitsRequest(req, ni).map((x) => x.reason), c.reasons, `${c.name}: fitsRequest agrees`);
  }
});

t.test("TestNotEnoughRequests: Too many pods", async (t) => {
  // fit_test.go: allocatable pods 1, one pod already on the node.
  const n = makeNode("machine1", { cpu_mcores: 10, memory_bytes: 20, pods: 1 });
  const cases = [
    { name: "even without specified resources, predicate fails when there's no space for additional pod", pod: makePod("p"), existing: r(10, 20), reasons: ["Too many pods"] },
    { name: "even if both resources fit, predicate fails when there's no space for additional pod", pod: reqPod(r(1, 1)), existing: r(5, 5), reasons: ["Too many pods"] },
    { name: "even for equal edge case, predicate fails when there's no space for additional pod", pod: reqPod(r(5, 1)), existing: r(5, 19), reasons: ["Too many pods"] },
    { name: "pods and cpu together", pod: reqPod(r(6, 1)), existing: r(5, 19), reasons: ["Too many pods", "Insufficient cpu"] },
  ];
  for (const c of cases) {
    const ni = nodeInfoWith(n, [reqPod(c.existing)]);
    const s = nodeResourcesFitFilter(computePodResourceRequest(c.pod), ni);
    t.equal(s.code, "Unschedulable", c.name);
    t.same(s.reasons, c.reasons, c.name);
    t.equal(s.plugin, "NodeResourcesFit");
  }
  const insufficient = fitsRequest(computePodResourceRequest(reqPod(r(6, 1))), nodeInfoWith(n, [reqPod(r(5, 19))]));
  t.same(insufficient, [
    { resourceName: "pods", reason: "Too many pods", requested: 1, used: 1, capacity: 1, unresolvable: false },
    { resourceName: "cpu", reason: "Insufficient cpu", requested: 6, used: 5, capacity: 10, unresolvable: false },
  ]);
});

t.test("NodeInfo add/remove keeps Requested exact", async (t) => {
  const ni = nodeInfoWith(node());
  const a = reqPod(r(3, 5));
  const b = makePod("b", { containers: [{}] });
  ni.addPod(a);
  ni.addPod(b);
  t.equal(ni.podCount, 2);
  t.equal(ni.requested_mcores, 3);
  t.equal(ni.nonZeroRequested_mcores, 103);
  t.equal(ni.nonZeroRequested_memory_bytes, 5 + 209715200);
  t.throws(() => ni.addPod(a), /already on node/);
  t.ok(ni.removePod(a.metadata.uid));
  t.notOk(ni.removePod(a.metadata.uid));
  t.equal(ni.requested_mcores, 0);
  t.equal(ni.nonZeroRequested_mcores, 100);
  t.ok(ni.removePod(b.metadata.uid));
  t.equal(ni.nonZeroRequested_memory_bytes, 0);
  t.equal(ni.podCount, 0);
});
