/**
 * Two HPAs on one Deployment (the podinfo webapp shape: deploy/backend claimed by HPAs "backend"
 * and "frontend"), end to end through the scenario loader and the whole cluster. Before
 * AmbiguousSelector, the HPA with the higher maxReplicas scaled up on CPU and the other scaled
 * back down to its max (AboveMaxReplicas), every sync (113 rescales in 20 minutes of podinfo).
 * Upstream (horizontal.go validateAndParseSelector) refuses both once both selectors are
 * registered: ScalingActive=False AmbiguousSelector and no rescale. Deleting one HPA removes its
 * selector (deleteHPA), and the other scales again.
 */
import t from "tap";
import fs from "node:fs";
import path from "node:path";
import { loadScenario } from "../../experiments/scenario/load.js";
import { ClusterSimulation } from "../../experiments/simulator.js";
import type { Deployment } from "../../models/cluster/types.js";
import type { StoredHorizontalPodAutoscaler } from "../../models/hpa/controller.js";
import { tempDir } from "../temp-dir.js";

const MESSAGE = "pods by selector app=web are controlled by multiple HPAs: [shop/web-a shop/web-b]";

function hpa(name: string, max: number): string {
  return `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: ${name}, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: ${max}
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
`;
}

function scenarioDir(): string {
  const dir = tempDir("kubesim-ambiguous-");
  fs.writeFileSync(path.join(dir, "web.yaml"), `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: web
        resources: {requests: {cpu: 100m}, limits: {cpu: "1"}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`);
  fs.writeFileSync(path.join(dir, "hpa-a.yaml"), hpa("web-a", 2));
  fs.writeFileSync(path.join(dir, "hpa-b.yaml"), hpa("web-b", 6));
  fs.writeFileSync(path.join(dir, "scenario.yaml"), `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: ambiguous}
seed: 3
duration: 12m
cluster:
  nodeGroups: [{name: pool, count: 2, cpu: "4", memory: 16Gi}]
manifests: [web.yaml, hpa-a.yaml, hpa-b.yaml]
apps:
  - {name: web, deployments: [shop/web], cpuPerRequest: 10ms}
load:
  - service: shop/web
    profile: {type: step, initial: 0, steps: [{at: 1m, rps: 60}]}
`);
  return dir;
}

function simulation(): ClusterSimulation {
  const loaded = loadScenario(path.join(scenarioDir(), "scenario.yaml"));
  if (loaded.config === null) throw new Error(JSON.stringify(loaded.errors));
  return new ClusterSimulation(loaded.config);
}

type Row = (string | number)[];
const HPA = 1, CURRENT = 2, RESCALE = 8, PATH = 9, SCALING_ACTIVE = 13;

t.test("two HPAs on one Deployment: AmbiguousSelector, replicas constant, no flip-flop", async (t) => {
  const sim = simulation();
  sim.run();
  const rows = sim.hpa.decisions.all() as Row[];
  // The first HPA to sync finds the other still registered with labels.Nothing() (upstream
  // enqueueHPA), so only from the second HPA's first sync on are both selectors registered.
  const firstAmbiguous = rows.findIndex((r) => r[PATH] === "AmbiguousSelector");
  t.ok(firstAmbiguous >= 1 && firstAmbiguous <= 2, `ambiguous from the second sync on (row ${firstAmbiguous})`);
  const after = rows.slice(firstAmbiguous);
  t.ok(after.length > 80, `${after.length} syncs over 12 minutes`);
  t.ok(after.every((r) => r[PATH] === "AmbiguousSelector" && r[SCALING_ACTIVE] === "False/AmbiguousSelector" && r[RESCALE] === "false"),
    "every later sync of both HPAs: AmbiguousSelector, no rescale");
  t.same(new Set(after.map((r) => r[HPA])), new Set(["shop/web-a", "shop/web-b"]), "both HPAs refuse");
  t.ok(after.every((r) => r[CURRENT] === 1), "replicas stay at 1 although CPU is at 600 % of the request");
  t.same([...new Set(sim.timeseries.get("Deployment", "web", "replicas_spec").map(([, v]) => v))], [1], "the Deployment is never rescaled");

  t.equal(sim.events.count("horizontal-pod-autoscaler", "Normal", "SuccessfulRescale"), 0, "no SuccessfulRescale event");
  const hpaEvents = (sim.events.recorder.all() as Row[]).filter((e) => e[1] === "horizontal-pod-autoscaler" && e[5] !== "FailedGetResourceMetric");
  t.equal(hpaEvents.length, 2 * after.length, "two warnings per refused sync");
  for (let i = 0; i < hpaEvents.length; i += 2) {
    t.same(hpaEvents[i].slice(2), ["HorizontalPodAutoscaler", hpaEvents[i][3], "Warning", "AmbiguousSelector", MESSAGE]);
    t.same(hpaEvents[i + 1].slice(2), ["HorizontalPodAutoscaler", hpaEvents[i][3], "Warning", "FailedComputeMetricsReplicas", MESSAGE]);
  }

  for (const name of ["web-a", "web-b"]) {
    const stored = sim.store.get<StoredHorizontalPodAutoscaler>("HorizontalPodAutoscaler", "shop", name)!;
    t.same(stored.status.conditions.map((c) => [c.type, c.status, c.reason, c.message]), [
      ["AbleToScale", "True", "SucceededGetScale", "the HPA controller was able to get the target's current scale"],
      ["ScalingActive", "False", "AmbiguousSelector", MESSAGE],
    ], `${name}: conditions as kubectl describe shows them upstream`);
    t.same(stored.status.currentMetrics, [], `${name}: no metrics read`);
  }
});

t.test("deleting one of the two HPAs lets the other scale again", async (t) => {
  const sim = simulation();
  sim.sim.schedule(5 * 60_000, () => sim.store.delete("HorizontalPodAutoscaler", "shop", "web-b"));
  sim.run();
  const rows = sim.hpa.decisions.all() as Row[];
  const before = rows.filter((r) => Number(r[0]) < 5 * 60);
  t.ok(before.slice(2).every((r) => r[PATH] === "AmbiguousSelector"), "ambiguous while both exist");
  const afterDelete = rows.filter((r) => Number(r[0]) > 5 * 60);
  t.ok(afterDelete.every((r) => r[HPA] === "shop/web-a" && r[PATH] !== "AmbiguousSelector"), "web-a is no longer ambiguous");
  const rescales = afterDelete.filter((r) => r[RESCALE] === "true");
  t.equal(sim.store.get<Deployment>("Deployment", "shop", "web")!.spec.replicas, 2, "up to web-a's maxReplicas, and it stays there");
  t.equal(rescales.length, 1, "one rescale (1 -> 2), no flip-flop");
  t.equal(rescales[0]?.[7], 2);
});
