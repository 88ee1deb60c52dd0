/**
 * The DaemonSet controller in a full simulation: one daemon pod per node it may run on (node
 * selector, taints against the daemon tolerations), bound by the scheduler through a node
 * affinity on metadata.name; status counts; a node the Cluster Autoscaler adds gets its pod.
 */
import t from "tap";
import { formatDiagnostic } from "../../../experiments/manifests/diagnostics.js";
import { runScenario } from "../../../experiments/runner.js";
import { loadScenario } from "../../../experiments/scenario/index.js";
import type { DaemonSet, Node, Pod } from "../../../models/cluster/types.js";
import { nodeShouldRunDaemonPod } from "../../../models/daemonset/predicates.js";
import { fixture, HEADER } from "../../experiments/scenario/helpers.js";

const DAEMONSET = (extra = "") => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent}
spec:
  selector: {matchLabels: {app: node-agent}}
  template:
    metadata: {labels: {app: node-agent}}
    spec:
${extra}      containers:
      - name: agent
        image: busybox
        resources: {requests: {cpu: 500m, memory: 128Mi}}
`;

function run(manifests: string, cluster: string, duration = "3m") {
  const f = fixture({
    "app.yaml": manifests,
    "scenario.yaml": `${HEADER}metadata: {name: ds}
duration: ${duration}
cluster:
  nodeGroups:
${cluster}manifests: [app.yaml]
`,
  });
  const loaded = loadScenario(f.file("scenario.yaml"));
  if (loaded.config === null) throw new Error(loaded.errors.map(formatDiagnostic).join("\n"));
  const output = runScenario(loaded.config, { name: "ds", description: "", sloLatencyP95_ms: 1000, files: loaded.scenario.files });
  return { output, store: output.simulation.store, warnings: loaded.warnings.map(formatDiagnostic) };
}

t.test("a pod on every node but the tainted one; nodeSelector narrows it; status counts", async (t) => {
  const { store, warnings } = run(DAEMONSET(), `    - {name: plain, count: 2, cpu: "4", memory: 16Gi}
    - {name: gpu, count: 1, cpu: "4", memory: 16Gi, taints: [{key: dedicated, value: gpu, effect: NoSchedule}]}
`);
  t.notOk(warnings.some((w) => w.includes("DaemonSet")), "DaemonSet is modelled, not warned about");
  const pods = store.list<Pod>("Pod");
  t.equal(pods.length, 2, "two daemon pods");
  t.strictSame(pods.map((p) => p.spec.nodeName).sort(), ["plain-0", "plain-1"], "bound to the untainted nodes");
  t.ok(pods.every((p) => p.status.phase === "Running"));
  t.ok(pods.every((p) => p.spec.tolerations.some((tol) => tol.key === "node.kubernetes.io/unschedulable")), "daemon tolerations added");
  const ds = store.get<DaemonSet>("DaemonSet", "default", "node-agent")!;
  t.strictSame(
    [ds.status.desiredNumberScheduled, ds.status.currentNumberScheduled, ds.status.numberReady, ds.status.numberAvailable, ds.status.numberMisscheduled, ds.status.numberUnavailable],
    [2, 2, 2, 2, 0, 0],
  );

  const selected = run(DAEMONSET("      nodeSelector: {pool: a}\n"), `    - {name: a, count: 1, cpu: "4", memory: 16Gi, labels: {pool: a}}
    - {name: b, count: 2, cpu: "4", memory: 16Gi, labels: {pool: b}}
`);
  t.strictSame(selected.store.list<Pod>("Pod").map((p) => p.spec.nodeName), ["a-0"], "only the node the selector picks");
});

t.test("nodeShouldRunDaemonPod: NoSchedule keeps a new pod off but does not evict; NoExecute does", async (t) => {
  const { store } = run(DAEMONSET(), `    - {name: plain, count: 1, cpu: "4", memory: 16Gi}
`);
  const ds = store.get<DaemonSet>("DaemonSet", "default", "node-agent")!;
  const node = (taints: Node["spec"]["taints"], unschedulable = false): Node => ({ ...store.list<Node>("Node")[0], spec: { unschedulable, taints } });
  const rows: { name: string; taints: Node["spec"]["taints"]; want: [boolean, boolean] }[] = [
    { name: "no taints", taints: [], want: [true, true] },
    { name: "NoSchedule not tolerated", taints: [{ key: "dedicated", value: "x", effect: "NoSchedule" }], want: [false, true] },
    { name: "NoExecute not tolerated", taints: [{ key: "dedicated", value: "x", effect: "NoExecute" }], want: [false, false] },
    { name: "cordoned: tolerated by daemon pods", taints: [{ key: "node.kubernetes.io/unschedulable", value: "", effect: "NoSchedule" }], want: [true, true] },
    { name: "not ready NoExecute: tolerated", taints: [{ key: "node.kubernetes.io/not-ready", value: "", effect: "NoExecute" }], want: [true, true] },
    { name: "CA's ToBeDeleted: kept, not placed", taints: [{ key: "ToBeDeletedByClusterAutoscaler", value: "1", effect: "NoSchedule" }], want: [false, true] },
  ];
  for (const r of rows) {
    const got = nodeShouldRunDaemonPod(node(r.taints), ds);
    t.strictSame([got.shouldRun, got.shouldContinueRunning], r.want, r.name);
  }
});

t.test("a node the Cluster Autoscaler adds gets its daemon pod once it is ready", async (t) => {
  const manifests = `${DAEMONSET()}---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 6
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: nginx, resources: {requests: {cpu: "1", memory: 1Gi}}}
`;
  const { store, output } = run(manifests, `    - {name: burst, instanceType: m5.xlarge, min: 1, max: 5}
`, "10m");
  const nodes = store.list<Node>("Node").map((n) => n.metadata.name);
  t.ok(nodes.length > 1, `the CA added nodes: ${nodes.join(", ")}`);
  const daemonPods = store.list<Pod>("Pod").filter((p) => p.metadata.labels.app === "node-agent" && p.status.phase === "Running");
  t.strictSame(daemonPods.map((p) => p.spec.nodeName).sort(), [...nodes].sort(), "one running daemon pod per node");
  const events = [...output.simulation.events.recorder.rows()];
  t.ok(events.some((e) => e[5] === "SuccessfulCreate" && String(e[6]).startsWith("Created pod: node-agent-")), "SuccessfulCreate events");
});

t.test("manifest errors: a selector that misses the template, maxUnavailable and maxSurge both 0", async (t) => {
  const f = fixture({
    "app.yaml": `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: bad}
spec:
  selector: {matchLabels: {app: other}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 0, maxSurge: 0}}
  template:
    metadata: {labels: {app: bad}}
    spec:
      containers: [{name: c, image: busybox}]
`,
    "scenario.yaml": `${HEADER}metadata: {name: ds}
duration: 1m
cluster:
  nodeGroups: [{name: p, count: 1, cpu: "2", memory: 8Gi}]
manifests: [app.yaml]
`,
  });
  const loaded = loadScenario(f.file("scenario.yaml"));
  t.equal(loaded.config, null);
  const errors = loaded.errors.map(formatDiagnostic);
  t.ok(errors.some((e) => /app\.yaml:\d+ spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/.test(e)), errors.join("\n"));
  t.ok(errors.some((e) => /app\.yaml:6 spec\.updateStrategy\.rollingUpdate\.maxUnavailable: Invalid value: 0: may not be 0 when maxSurge is 0/.test(e)), errors.join("\n"));
});
