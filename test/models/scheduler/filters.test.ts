/**
 * Ports of tainttoleration/taint_toleration_test.go (TestTaintTolerationScore,
 * TestTaintTolerationFilter), nodeaffinity/node_affinity_test.go (a selection of
 * TestNodeAffinity), nodeunschedulable and nodename filter tests.
 */
import t from "tap";
import type { NodeAffinity, Taint, Toleration } from "../../../models/cluster/types.js";
import { defaultNormalizeScore } from "../../../models/scheduler/normalize-score.js";
import { nodeAffinityFilter, nodeAffinityPreFilter, nodeAffinityPreScore, nodeAffinityScore } from "../../../models/scheduler/plugins/node-affinity.js";
import { nodeNameFilter } from "../../../models/scheduler/plugins/node-name.js";
import { nodeUnschedulableFilter } from "../../../models/scheduler/plugins/node-unschedulable.js";
import {
  countIntolerableTaintsPreferNoSchedule,
  getAllTolerationPreferNoSchedule,
  taintTolerationFilter,
} from "../../../models/scheduler/plugins/taint-toleration.js";
import { toleratesTaint } from "../../../models/scheduler/toleration.js";
import { makeNode, makePod, nodeInfoWith } from "./fixtures.js";

const tol = (key: string, operator: "Equal" | "Exists", value: string, effect: Toleration["effect"]): Toleration => ({ key, operator, value, effect });
const taint = (key: string, value: string, effect: Taint["effect"]): Taint => ({ key, value, effect });

t.test("TestTaintTolerationScore", async (t) => {
  const cases: { name: string; tolerations: Toleration[]; nodes: Taint[][]; want: number[] }[] = [
    {
      name: "node with taints tolerated by the pod, gets a higher score than those node with intolerable taints",
      tolerations: [tol("foo", "Equal", "bar", "PreferNoSchedule")],
      nodes: [[taint("foo", "bar", "PreferNoSchedule")], [taint("foo", "blah", "PreferNoSchedule")]],
      want: [100, 0],
    },
    {
      name: "the nodes that all of their taints are tolerated by the pod, get the same score, no matter how many tolerable taints a node has",
      tolerations: [tol("cpu-type", "Equal", "arm64", "PreferNoSchedule"), tol("disk-type", "Equal", "ssd", "PreferNoSchedule")],
      nodes: [[], [taint("cpu-type", "arm64", "PreferNoSchedule")], [taint("cpu-type", "arm64", "PreferNoSchedule"), taint("disk-type", "ssd", "PreferNoSchedule")]],
      want: [100, 100, 100],
    },
    {
      name: "the more intolerable taints a node has, the lower score it gets.",
      tolerations: [tol("foo", "Equal", "bar", "PreferNoSchedule")],
      nodes: [[], [taint("cpu-type", "arm64", "PreferNoSchedule")], [taint("cpu-type", "arm64", "PreferNoSchedule"), taint("disk-type", "ssd", "PreferNoSchedule")]],
      want: [100, 50, 0],
    },
    {
      name: "only taints and tolerations that have effect PreferNoSchedule are checked by taints-tolerations priority function",
      tolerations: [tol("cpu-type", "Equal", "arm64", "NoSchedule"), tol("disk-type", "Equal", "ssd", "NoSchedule")],
      nodes: [[], [taint("cpu-type", "arm64", "NoSchedule")], [taint("cpu-type", "arm64", "PreferNoSchedule"), taint("disk-type", "ssd", "PreferNoSchedule")]],
      want: [100, 100, 0],
    },
    {
      name: "Default behaviour No taints and tolerations, lands on node with no taints",
      tolerations: [],
      nodes: [[], [taint("cpu-type", "arm64", "PreferNoSchedule")]],
      want: [100, 0],
    },
  ];
  for (const c of cases) {
    const prefer = getAllTolerationPreferNoSchedule(c.tolerations);
    const scores = c.nodes.map((taints) => countIntolerableTaintsPreferNoSchedule(taints, prefer));
    defaultNormalizeScore(100, true, scores);
    t.same(scores, c.want, c.name);
  }
});

t.test("TestTaintTolerationFilter", async (t) => {
  const REJECT = "node(s) had untolerated taint(s)";
  const cases: { name: string; tolerations: Toleration[]; taints: Taint[]; want: string | null; legacy?: string }[] = [
    { name: "A pod having no tolerations can't be scheduled onto a node with nonempty taints", tolerations: [], taints: [taint("dedicated", "user1", "NoSchedule")], want: REJECT, legacy: "node(s) had untolerated taint {dedicated: user1}" },
    { name: "A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule", tolerations: [tol("dedicated", "Equal", "user1", "NoSchedule")], taints: [taint("dedicated", "user1", "NoSchedule")], want: null },
    { name: "A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule", tolerations: [tol("dedicated", "Equal", "user2", "NoSchedule")], taints: [taint("dedicated", "user1", "NoSchedule")], want: REJECT },
    { name: "A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the node", tolerations: [tol("foo", "Exists", "", "NoSchedule")], taints: [taint("foo", "bar", "NoSchedule")], want: null },
    {
      name: "A pod has multiple tolerations, node has multiple taints, all the taints are tolerated, pod can be scheduled onto the node",
      tolerations: [tol("dedicated", "Equal", "user2", "NoSchedule"), tol("foo", "Exists", "", "NoSchedule")],
      taints: [taint("dedicated", "user2", "NoSchedule"), taint("foo", "bar", "NoSchedule")],
      want: null,
    },
    { name: "A pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn't match, can't be scheduled onto the node", tolerations: [tol("foo", "Equal", "bar", "PreferNoSchedule")], taints: [taint("foo", "bar", "NoSchedule")], want: REJECT },
    { name: "The pod has a toleration that keys and values match the taint on the node, the effect of toleration is empty, and the effect of taint is NoSchedule. Pod can be scheduled onto the node", tolerations: [tol("foo", "Equal", "bar", "")], taints: [taint("foo", "bar", "NoSchedule")], want: null },
    { name: "The pod has a toleration that key and value don't match the taint on the node, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node", tolerations: [tol("dedicated", "Equal", "user2", "NoSchedule")], taints: [taint("dedicated", "user1", "PreferNoSchedule")], want: null },
    { name: "The pod has no toleration, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node", tolerations: [], taints: [taint("dedicated", "user1", "PreferNoSchedule")], want: null },
    { name: "empty key with Exists tolerates every taint", tolerations: [tol("", "Exists", "", "")], taints: [taint("a", "1", "NoSchedule"), taint("b", "2", "NoExecute")], want: null },
    { name: "NoExecute taints are filtered too; the first untolerated one is named", tolerations: [tol("a", "Exists", "", "NoSchedule")], taints: [taint("a", "1", "NoSchedule"), taint("b", "2", "NoExecute")], want: REJECT, legacy: "node(s) had untolerated taint {b: 2}" },
  ];
  for (const c of cases) {
    const pod = makePod("p", { tolerations: c.tolerations });
    const ni = nodeInfoWith(makeNode("nodeA", { taints: c.taints }));
    const s = taintTolerationFilter(pod, ni);
    if (c.want === null) {
      t.equal(s.code, "Success", c.name);
    } else {
      t.equal(s.code, "UnschedulableAndUnresolvable", c.name);
      t.same(s.reasons, [c.want], c.name);
      if (c.legacy) t.same(taintTolerationFilter(pod, ni, true).reasons, [c.legacy], `${c.name} (legacy reason)`);
    }
  }
  t.notOk(toleratesTaint({ key: "", operator: "Equal", value: "x", effect: "" }, taint("k", "y", "NoSchedule")), "empty key + Equal compares values");
});

t.test("NodeUnschedulable and NodeName filters", async (t) => {
  const cordoned = nodeInfoWith(makeNode("n1", { unschedulable: true }));
  const open = nodeInfoWith(makeNode("n1"));
  t.equal(nodeUnschedulableFilter(makePod("p"), open).code, "Success", "schedulable node");
  const s = nodeUnschedulableFilter(makePod("p"), cordoned);
  t.equal(s.code, "UnschedulableAndUnresolvable");
  t.same(s.reasons, ["node(s) were unschedulable"]);
  const tolerating = makePod("p", { tolerations: [tol("node.kubernetes.io/unschedulable", "Exists", "", "NoSchedule")] });
  t.equal(nodeUnschedulableFilter(tolerating, cordoned).code, "Success", "pod tolerates the unschedulable taint");
  t.equal(nodeNameFilter(makePod("p"), open).code, "Success", "no nodeName");
  t.equal(nodeNameFilter(makePod("p", { nodeName: "n1" }), open).code, "Success", "same node");
  const other = nodeNameFilter(makePod("p", { nodeName: "n2" }), open);
  t.equal(other.code, "UnschedulableAndUnresolvable");
  t.same(other.reasons, ["node(s) didn't match the requested node name"]);
});

t.test("TestNodeAffinity (filter)", async (t) => {
  const aff = (...terms: { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt"; values: string[] }[][]): NodeAffinity => ({
    requiredTerms: terms.map((matchExpressions) => ({ matchExpressions })),
  });
  const cases: { name: string; nodeSelector?: Record<string, string>; affinity?: NodeAffinity; labels: Record<string, string>; fits: boolean }[] = [
    { name: "no selector", labels: {}, fits: true },
    { name: "missing labels", nodeSelector: { foo: "bar" }, labels: {}, fits: false },
    { name: "same labels", nodeSelector: { foo: "bar" }, labels: { foo: "bar" }, fits: true },
    { name: "node labels are superset", nodeSelector: { foo: "bar" }, labels: { foo: "bar", baz: "blah" }, fits: true },
    { name: "node labels are subset", nodeSelector: { foo: "bar", baz: "blah" }, labels: { foo: "bar" }, fits: false },
    { name: "Pod with matchExpressions using In operator that matches the existing node", affinity: aff([{ key: "foo", operator: "In", values: ["bar", "value2"] }]), labels: { foo: "bar" }, fits: true },
    { name: "Pod with matchExpressions using Gt operator that matches the existing node", affinity: aff([{ key: "kernel-version", operator: "Gt", values: ["0204"] }]), labels: { "kernel-version": "0206" }, fits: true },
    { name: "Pod with matchExpressions using NotIn operator that matches the existing node", affinity: aff([{ key: "mem-type", operator: "NotIn", values: ["DDR", "DDR2"] }]), labels: { "mem-type": "DDR3" }, fits: true },
    { name: "Pod with matchExpressions using Exists operator that matches the existing node", affinity: aff([{ key: "GPU", operator: "Exists", values: [] }]), labels: { GPU: "NVIDIA-GRID-K1" }, fits: true },
    { name: "Pod with affinity that don't match node's labels won't schedule onto the node", affinity: aff([{ key: "foo", operator: "In", values: ["value1", "value2"] }]), labels: { foo: "bar" }, fits: false },
    { name: "Pod with empty MatchExpressions is not a valid value will match no objects and won't schedule onto the node", affinity: { requiredTerms: [{ matchExpressions: [] }] }, labels: { foo: "bar" }, fits: false },
    {
      name: "Pod with multiple matchExpressions ANDed that doesn't match the existing node",
      affinity: aff([{ key: "GPU", operator: "Exists", values: [] }, { key: "GPU", operator: "NotIn", values: ["AMD", "INTER"] }]),
      labels: { GPU: "AMD" },
      fits: false,
    },
    {
      name: "Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and will schedule onto the node",
      affinity: aff([{ key: "foo", operator: "In", values: ["bar", "value2"] }], [{ key: "diffkey", operator: "In", values: ["wrong", "value2"] }]),
      labels: { foo: "bar" },
      fits: true,
    },
    { name: "Pod with an Affinity and a PodSpec.NodeSelector (the old thing that we are deprecating) both are satisfied, will schedule onto the node", nodeSelector: { foo: "bar" }, affinity: aff([{ key: "foo", operator: "Exists", values: [] }]), labels: { foo: "bar" }, fits: true },
    { name: "Pod with an Affinity matches node's labels but the PodSpec.NodeSelector (the old thing that we are deprecating) is not satisfied, won't schedule onto the node", nodeSelector: { foo: "bar" }, affinity: aff([{ key: "foo", operator: "Exists", values: [] }]), labels: { foo: "barrrrrr" }, fits: false },
    { name: "DoesNotExist", affinity: aff([{ key: "foo", operator: "DoesNotExist", values: [] }]), labels: { bar: "x" }, fits: true },
    { name: "Lt with a non-numeric node label does not match", affinity: aff([{ key: "n", operator: "Lt", values: ["5"] }]), labels: { n: "abc" }, fits: false },
    { name: "Gt with two values is a parse error: the term matches nothing", affinity: aff([{ key: "n", operator: "Gt", values: ["1", "2"] }]), labels: { n: "9" }, fits: false },
    { name: "In with no values is a parse error, but another term still matches", affinity: aff([{ key: "n", operator: "In", values: [] }], [{ key: "n", operator: "Exists", values: [] }]), labels: { n: "9" }, fits: true },
  ];
  for (const c of cases) {
    const pod = makePod("p", { nodeSelector: c.nodeSelector, nodeAffinity: c.affinity ?? null });
    const state = nodeAffinityPreFilter(pod);
    const ni = nodeInfoWith(makeNode("n", { labels: c.labels }));
    const code = state === null ? "Success" : nodeAffinityFilter(state, ni).code;
    t.equal(code, c.fits ? "Success" : "UnschedulableAndUnresolvable", c.name);
    if (!c.fits) t.same(nodeAffinityFilter(state!, ni).reasons, ["node(s) didn't match Pod's node affinity/selector"]);
  }
  t.equal(nodeAffinityPreFilter(makePod("p")), null, "PreFilter skips pods without selector or affinity");
});

t.test("TestNodeAffinityPriority (preferred terms)", async (t) => {
  // node_affinity_test.go TestNodeAffinityPriority "all nodes matches the preferred scheduling requirements of pod".
  const affinity: NodeAffinity = {
    requiredTerms: [],
    preferredTerms: [
      { weight: 2, preference: { matchExpressions: [{ key: "foo", operator: "In", values: ["bar"] }] } },
      { weight: 4, preference: { matchExpressions: [{ key: "key", operator: "In", values: ["value"] }] } },
      { weight: 5, preference: { matchExpressions: [{ key: "foo", operator: "In", values: ["bar"] }, { key: "key", operator: "In", values: ["value"] }, { key: "az", operator: "In", values: ["az1"] }] } },
    ],
  };
  const pod = makePod("p", { nodeAffinity: affinity });
  t.equal(nodeAffinityPreFilter(pod), null, "preferred-only affinity does not filter");
  const terms = nodeAffinityPreScore(pod)!;
  const labels: Record<string, string>[] = [{ foo: "bar" }, { foo: "bar", key: "value", az: "az1" }, { foo: "bar", key: "value" }];
  const scores = labels.map((l, i) => nodeAffinityScore(terms, nodeInfoWith(makeNode(`node${i + 1}`, { labels: l }))));
  t.same(scores, [2, 11, 6], "raw scores");
  defaultNormalizeScore(100, false, scores);
  t.same(scores, [18, 100, 54], "normalized as upstream");
  t.equal(nodeAffinityPreScore(makePod("q")), null, "PreScore skips without preferred terms");
});
