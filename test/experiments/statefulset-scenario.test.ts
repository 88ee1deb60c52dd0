/**
 * A scenario whose manifests hold a headless Service, a StatefulSet with a volumeClaimTemplate and
 * an HPA on the StatefulSet, end to end through the loader and the whole cluster. Before
 * StatefulSets were modelled, the set was dropped with a warning and the Service's traffic was
 * dropped for want of endpoints.
 */
import t from "tap";
import fs from "node:fs";
import path from "node:path";
import { formatDiagnostic } from "../../experiments/manifests/decode.js";
import { loadScenario } from "../../experiments/scenario/load.js";
import { ClusterSimulation } from "../../experiments/simulator.js";
import type { PersistentVolumeClaim, Pod, StatefulSet } from "../../models/cluster/types.js";
import { tempDir } from "../temp-dir.js";

const MANIFESTS = `apiVersion: v1
kind: Service
metadata: {name: nginx}
spec:
  clusterIP: None
  selector: {app: nginx}
  ports: [{port: 80, name: web}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: nginx
  replicas: 2
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.8
        resources: {requests: {cpu: 200m}}
  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: web}
  minReplicas: 2
  maxReplicas: 6
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}]
`;

const SCENARIO = `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: sts}
seed: 3
duration: 15m
cluster:
  nodeGroups: [{name: pool, count: 3, cpu: "4", memory: 16Gi}]
manifests: [web.yaml]
apps:
  - {name: nginx, statefulSets: [web], cpuPerRequest: 20ms}
load:
  - service: default/nginx
    profile: {type: step, initial: 0, steps: [{at: 1m, rps: 60}]}
`;

t.test("a StatefulSet behind a headless Service serves traffic and is scaled by its HPA", (t) => {
  const dir = tempDir("kubesim-sts-");
  fs.writeFileSync(path.join(dir, "web.yaml"), MANIFESTS);
  fs.writeFileSync(path.join(dir, "scenario.yaml"), SCENARIO);
  const loaded = loadScenario(path.join(dir, "scenario.yaml"));
  t.strictSame(loaded.errors, []);
  t.strictSame(loaded.warnings.map(formatDiagnostic), [], "no kind dropped, no Service without endpoints");
  const c = new ClusterSimulation(loaded.config!);
  c.run();
  t.ok(c.store.list<Pod>("Pod").every((p) => p.metadata.annotations["sim.kubesim.io/app"] === "nginx"), "the app's profile reaches the set's pods");
  const set = c.store.get<StatefulSet>("StatefulSet", "default", "web")!;
  t.equal(set.spec.replicas, 6, "the HPA scaled the StatefulSet");
  t.equal(set.status.readyReplicas, 6);
  t.equal(c.store.count("PersistentVolumeClaim"), 6, "one claim per ordinal");
  t.ok(c.store.list<PersistentVolumeClaim>("PersistentVolumeClaim").every((pvc) => pvc.status.phase === "Bound"));
  const state = c.traffic.get("default", "nginx")!;
  const totals = c.traffic.totals(state, c.sim.now_ms);
  t.ok(totals.served > 0 && totals.dropped === 0, `served ${totals.served}, dropped ${totals.dropped}`);
  const last = [...c.timeseries.rows()].filter((r) => r.kind === "StatefulSet" && r.name === "web" && r.metric === "replicas_ready").pop();
  t.equal(last?.value, 6, "StatefulSet readiness in the time series");
  t.end();
});

t.test("apps[].statefulSets naming a StatefulSet the manifests do not define is an error with file:line", (t) => {
  const dir = tempDir("kubesim-sts-");
  fs.writeFileSync(path.join(dir, "web.yaml"), MANIFESTS);
  fs.writeFileSync(path.join(dir, "scenario.yaml"), SCENARIO.replace("statefulSets: [web]", "statefulSets: [wbe]"));
  const loaded = loadScenario(path.join(dir, "scenario.yaml"));
  t.strictSame(loaded.errors.map(formatDiagnostic), [
    `${path.join(dir, "scenario.yaml")}:10 apps[0].statefulSets[0]: StatefulSet "default/wbe" not found in the manifests (did you mean "web"?)`,
  ]);
  t.end();
});
