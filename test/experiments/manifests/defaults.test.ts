// API defaults (pkg/apis/core/v1, apps/v1 defaults.go) applied while decoding.
import t from "tap";
import { formatDiagnostic, loadManifestText } from "../../../experiments/manifests/decode.js";
import type { Deployment, Pod, ReplicaSet, Service } from "../../../models/cluster/types.js";

const one = <T>(text: string): T => {
  const r = loadManifestText(text, "m.yaml");
  if (r.errors.length > 0) throw new Error(r.errors.map(formatDiagnostic).join("\n"));
  return r.objects[0] as unknown as T;
};

t.test("Pod: restartPolicy, grace period, probe defaults, requests from limits", async (t) => {
  const pod = one<Pod>(`apiVersion: v1
kind: Pod
metadata:
  name: p
  labels: {app: p}
spec:
  initContainers:
  - name: proxy
    image: envoy
    restartPolicy: Always
  containers:
  - name: app
    image: nginx
    resources:
      limits: {cpu: "1", memory: 256Mi}
      requests: {memory: 128Mi}
    readinessProbe:
      httpGet: {path: /healthz, port: 8080}
      timeoutSeconds: 0
      failureThreshold: 5
`);
  t.strictSame(pod.spec, {
    containers: [
      {
        name: "app",
        image: "nginx",
        // SetDefaults_Pod: a limit without a request sets the request.
        resources: { requests: { cpu_mcores: 1000, memory_bytes: 128 * 2 ** 20 }, limits: { cpu_mcores: 1000, memory_bytes: 256 * 2 ** 20 } },
        // SetDefaults_Probe: 0 means unset.
        readinessProbe: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 5 },
      },
    ],
    initContainers: [{ name: "proxy", image: "envoy", resources: { requests: {}, limits: {} }, readinessProbe: null, restartPolicy: "Always" }],
    nodeName: "",
    nodeSelector: {},
    nodeAffinity: null,
    tolerations: [],
    terminationGracePeriodSeconds: 30,
    restartPolicy: "Always",
    resources: null,
  });
  t.strictSame(pod.status, { phase: "Pending", conditions: [], startTime_ms: null, containerStatuses: [] });
  t.strictSame(pod.metadata, { name: "p", namespace: "default", labels: { app: "p" }, annotations: {} });
});

t.test("Pod scheduling fields: nodeSelector, node affinity, tolerations, priority, pod-level resources", async (t) => {
  const pod = one<Pod>(`apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  priority: 1000
  nodeSelector: {disktype: ssd}
  resources:
    limits: {cpu: 2}
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchExpressions:
          - {key: topology.kubernetes.io/zone, operator: In, values: [a, b]}
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 20
        preference:
          matchExpressions:
          - {key: gpu, operator: Exists}
  tolerations:
  - {key: dedicated, operator: Equal, value: batch, effect: NoSchedule}
  - {key: flaky, effect: NoExecute}
  - operator: Exists
  containers:
  - {name: app, image: nginx}
`);
  t.strictSame(pod.spec.nodeSelector, { disktype: "ssd" });
  t.strictSame(pod.spec.nodeAffinity, {
    requiredTerms: [{ matchExpressions: [{ key: "topology.kubernetes.io/zone", operator: "In", values: ["a", "b"] }] }],
    preferredTerms: [{ weight: 20, preference: { matchExpressions: [{ key: "gpu", operator: "Exists", values: [] }] } }],
  });
  t.strictSame(pod.spec.tolerations, [
    { key: "dedicated", operator: "Equal", value: "batch", effect: "NoSchedule" },
    { key: "flaky", operator: "Equal", value: "", effect: "NoExecute" }, // empty operator is Equal
    { key: "", operator: "Exists", value: "", effect: "" },
  ]);
  t.equal(pod.spec.priority, 1000);
  t.strictSame(pod.spec.resources, { requests: { cpu_mcores: 2000 }, limits: { cpu_mcores: 2000 } });
});

const deployment = (spec: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
${spec}  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: front}}
    spec:
      containers: [{name: web, image: nginx}]
`;

t.test("Deployment: replicas 1, RollingUpdate 25 %/25 %, history 10, deadline 600", async (t) => {
  const d = one<Deployment>(deployment(""));
  t.equal(d.spec.replicas, 1);
  t.strictSame(d.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } });
  t.equal(d.spec.revisionHistoryLimit, 10);
  t.equal(d.spec.progressDeadlineSeconds, 600);
  t.equal(d.spec.minReadySeconds, 0);
  t.equal(d.spec.paused, false);
});

t.test("Deployment strategies: partial rollingUpdate, ints, Recreate", async (t) => {
  const partial = one<Deployment>(deployment("  strategy:\n    rollingUpdate: {maxSurge: 2}\n"));
  t.strictSame(partial.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: 2 } });
  const recreate = one<Deployment>(deployment("  replicas: 0\n  strategy: {type: Recreate}\n"));
  t.strictSame(recreate.spec.strategy, { type: "Recreate" });
  t.equal(recreate.spec.replicas, 0);
});

t.test("ReplicaSet: replicas default 1", async (t) => {
  const rs = one<ReplicaSet>(deployment("").replace("kind: Deployment", "kind: ReplicaSet"));
  t.equal(rs.spec.replicas, 1);
  t.strictSame(rs.spec.selector, { matchLabels: { app: "web" }, matchExpressions: [] });
  t.strictSame(rs.status, { replicas: 0, readyReplicas: 0, availableReplicas: 0, observedGeneration: 0 });
});

t.test("Service: targetPort defaults to port; named ports", async (t) => {
  const s = one<Service>(`apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: 8080}
  - {name: metrics, port: 9090}
`);
  t.strictSame(s.spec.ports, [
    { name: "http", port: 80, targetPort: 8080 },
    { name: "metrics", port: 9090, targetPort: 9090 },
  ]);
});

t.test("a kubectl List is decoded item by item", async (t) => {
  const r = loadManifestText(
    `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: a}
  spec: {ports: [{port: 80}]}
- apiVersion: v1
  kind: Service
  metadata: {name: B}
  spec: {ports: [{port: 80}]}
`,
    "list.yaml",
  );
  t.equal(r.objects.length, 1);
  t.match(r.errors.map(formatDiagnostic), [/^list\.yaml:10 items\[1\]\.metadata\.name: Invalid value: "B": a DNS-1035 label/]);
});
