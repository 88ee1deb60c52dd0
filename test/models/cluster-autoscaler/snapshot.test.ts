import t from "tap";
import { podRequests } from "../../../models/cluster-autoscaler/pod.js";
import { ClusterSnapshot, ERR_REASON_CONSTRAINTS_NOT_MATCH, newNodeInfo, sanitizedNodeInfo } from "../../../models/cluster-autoscaler/snapshot.js";
import { node, pod } from "./helpers.js";

t.test("podRequests follows k8s PodRequests: sidecars add, init containers peak", async (t) => {
  const p = pod("p", 100, 1000, {
    initContainers: [
      { requests: { cpuMilli: 50, memoryBytes: 10, gpu: 0, ephemeralBytes: 0 }, restartPolicy: "Always" },
      { requests: { cpuMilli: 300, memoryBytes: 10, gpu: 0, ephemeralBytes: 0 } },
    ],
  });
  // regular 100 + sidecar 50 = 150; the init container runs beside the sidecar: 300 + 50 = 350.
  t.equal(podRequests(p).cpuMilli, 350);
  t.equal(podRequests(p).memoryBytes, 1010);
  t.equal(podRequests(pod("q", 100, 0, { containers: [] })).cpuMilli, 0);
});

t.test("filters run in the scheduler's order; the first failure decides", async (t) => {
  const tainted = node("n", 1000, 1000, { taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] });
  const s = new ClusterSnapshot([newNodeInfo(tainted)]);
  // Too big AND untolerated: the taint is reported, as TaintToleration runs before NodeResourcesFit.
  t.equal(s.checkPredicates(pod("big", 5000), "n")?.predicate, "TaintToleration");
  const tolerant = pod("big", 5000, 0, { tolerations: [{ key: "dedicated", operator: "Exists", value: "", effect: "" }] });
  t.same(s.checkPredicates(tolerant, "n"), { predicate: "NodeResourcesFit", reasons: ["Insufficient cpu"] });
  const selector = pod("sel", 1, 0, { nodeSelector: { zone: "a" } });
  t.equal(s.checkPredicates({ ...selector, tolerations: tolerant.tolerations }, "n")?.predicate, "NodeAffinity");
  const cordoned = new ClusterSnapshot([newNodeInfo(node("c", 1000, 1000, { unschedulable: true }))]);
  t.equal(cordoned.checkPredicates(pod("p", 1), "c")?.predicate, "NodeUnschedulable");
});

t.test("resource fit: a resource the pod does not request is not checked; the pod slot always is", async (t) => {
  const full = node("n", 1000, 1000, { allocatable: { cpuMilli: 1000, memoryBytes: 1000, pods: 1, gpu: 0, ephemeralBytes: 0 } });
  const s = new ClusterSnapshot([newNodeInfo(full, [pod("hog", 0, 5000, { nodeName: "n" })])]);
  // Memory is over-committed by the first pod, but a CPU-only pod does not ask for memory...
  // ...it is still rejected, by the pod slot.
  t.same(s.checkPredicates(pod("cpu-only", 100, 0), "n")?.reasons, ["Too many pods"]);
  const roomy = new ClusterSnapshot([newNodeInfo(node("m", 1000, 1000), [pod("hog", 0, 5000, { nodeName: "m" })])]);
  t.equal(roomy.checkPredicates(pod("cpu-only", 100, 0), "m"), null);
  t.same(roomy.checkPredicates(pod("mem", 0, 1), "m")?.reasons, ["Insufficient memory"]);
});

t.test("host ports conflict with pods already on the node", async (t) => {
  const s = new ClusterSnapshot([newNodeInfo(node("n", 1000, 1000), [pod("a", 1, 0, { hostPorts: [80], nodeName: "n" })])]);
  t.equal(s.checkPredicates(pod("b", 1, 0, { hostPorts: [80] }), "n")?.predicate, "NodePorts");
  t.equal(s.checkPredicates(pod("c", 1, 0, { hostPorts: [81] }), "n"), null);
});

t.test("topology spread: skew against the global minimum; minDomains lowers the minimum to 0", async (t) => {
  const spread = (minDomains: number) =>
    pod("s", 1, 0, {
      labels: { app: "x" },
      topologySpread: [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "x" }, matchExpressions: [] }, minDomains }],
    });
  const placed = { ...spread(1), name: "old", nodeName: "a" };
  const s = new ClusterSnapshot([newNodeInfo(node("a", 1000, 1000), [placed]), newNodeInfo(node("b", 1000, 1000))]);
  t.same(s.checkPredicates(spread(1), "a")?.reasons, [ERR_REASON_CONSTRAINTS_NOT_MATCH], "a has 1, min 0: 1 + 1 - 0 > 1");
  t.equal(s.checkPredicates(spread(1), "b"), null);
  // Two domains but three required: the minimum counts as 0, so "a" still fails and "b" passes.
  t.equal(s.checkPredicates(spread(3), "b"), null);
  const s2 = new ClusterSnapshot([newNodeInfo(node("a", 1000, 1000), [placed]), newNodeInfo(node("b", 1000, 1000), [{ ...placed, name: "old2", nodeName: "b" }])]);
  t.equal(s2.checkPredicates(spread(1), "a"), null, "both at 1: 1 + 1 - 1 = 1");
  t.same(s2.checkPredicates(spread(3), "a")?.reasons, [ERR_REASON_CONSTRAINTS_NOT_MATCH], "minDomains 3 > 2 domains: 1 + 1 - 0 > 1");
});

t.test("fork/revert undo placements; commit keeps them", async (t) => {
  const s = new ClusterSnapshot([newNodeInfo(node("n", 1000, 1000))]);
  s.fork();
  t.equal(s.schedulePod(pod("p", 600), "n"), null);
  t.not(s.schedulePod(pod("q", 600), "n"), null, "no room for a second 600m pod");
  s.revert();
  t.equal(s.getNodeInfo("n")?.pods.length, 0);
  s.fork();
  s.schedulePod(pod("p", 600), "n");
  s.commit();
  t.equal(s.getNodeInfo("n")?.requested.cpuMilli, 600);
});

t.test("nested forks: each revert undoes its own level; NodeInfos already read never change", async (t) => {
  const s = new ClusterSnapshot([newNodeInfo(node("n", 1000, 1000)), newNodeInfo(node("m", 1000, 1000))]);
  const before = s.getNodeInfo("n");
  s.fork();
  s.schedulePod(pod("a", 100), "n");
  s.fork();
  s.schedulePod(pod("b", 100), "n");
  s.removeNodeInfo("m");
  t.same(s.getNodeInfo("n")?.pods.map((p) => p.name), ["a", "b"]);
  t.equal(s.getNodeInfo("m"), undefined);
  s.revert();
  t.same(s.getNodeInfo("n")?.pods.map((p) => p.name), ["a"]);
  t.ok(s.getNodeInfo("m"), "m is back");
  s.schedulePod(pod("c", 100), "m");
  s.revert();
  t.same(s.getNodeInfo("n")?.pods, []);
  t.same(s.getNodeInfo("m")?.pods, []);
  t.equal(before?.pods.length, 0, "the NodeInfo read before the placements is unchanged");
  t.throws(() => s.revert(), /revert without fork/);
});

t.test("schedulePodOnAnyNodeMatching searches round-robin from one past the last match", async (t) => {
  const s = new ClusterSnapshot(["a", "b", "c"].map((n) => newNodeInfo(node(n, 1000, 1000))));
  const placed = [1, 2, 3, 4].map((i) => s.schedulePodOnAnyNodeMatching(pod(`p${i}`, 1), () => true));
  t.same(placed, ["b", "c", "a", "b"]);
  t.equal(s.schedulePodOnAnyNodeMatching(pod("x", 1), (i) => i.node.name === "zzz"), null);
});

t.test("sanitizedNodeInfo renames the node, its hostname label and its template pods", async (t) => {
  const tmpl = newNodeInfo(node("tmpl", 1000, 1000), [pod("ds", 100, 0, { nodeName: "tmpl" })]);
  const copy = sanitizedNodeInfo(tmpl, "e-0");
  t.equal(copy.node.name, "e-0");
  t.equal(copy.node.labels["kubernetes.io/hostname"], "e-0");
  t.equal(copy.pods[0].nodeName, "e-0");
  t.equal(copy.requested.cpuMilli, 100, "template DaemonSet pods count on new nodes");
});
