import { runScenario } from "../experiments/runner.js";
import { ClusterSimulation } from "../experiments/simulator.js";
import { loadScenario } from "../experiments/scenario/index.js";
import { outputText, fixture } from "../test/experiments/scenario/helpers.js";
import { parse } from "csv-parse/sync";
const man = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        resources: {requests: {cpu: 500m, memory: 128Mi}, limits: {cpu: "1"}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`;
const dist = process.argv[3] ?? "exponential";
const sc = (arrivals: string, seed: number, interval: string) => `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: step}
seed: ${seed}
duration: 10m
cluster:
  nodeGroups: [{name: pool, count: 1, cpu: "8", memory: 32Gi}]
manifests: [app.yaml]
apps:
  - {name: web, deployments: [web], cpuPerRequest: 200ms, baselineCpu: 1m, queueCapacity: 100000, serviceTime: ${dist}}
load:
  - service: web
    arrivals: ${arrivals}
    spread: random
    profile: {type: step, initial: 0, steps: [{at: 1m, rps: 5}, {at: 5m, rps: 8.5}, {at: 7m, rps: 15}, {at: 7m20s, rps: 5}]}
outputs: {sampleInterval: ${interval}}
`;
const N = Number(process.argv[2] ?? 10);
const W = 10;
const t0 = Date.now();
const exact = new Map<number, number[]>();
for (let seed = 1; seed <= N; seed++) {
  const f = fixture({ "app.yaml": man, "scenario.yaml": sc("requests", seed, "15s") });
  const l = loadScenario(f.file("scenario.yaml"));
  const sim = new ClusterSimulation(l.config!);
  sim.traffic.onResponse = (_s, a, c) => { const w = Math.floor(a / W) * W; const arr = exact.get(w) ?? []; arr.push(c - a); exact.set(w, arr); };
  sim.run(600_000);
}
const f = fixture({ "app.yaml": man, "scenario.yaml": sc("fluid", 1, "1s") });
const l = loadScenario(f.file("scenario.yaml"));
const out = runScenario(l.config!, { name: "x", description: "", sloLatencyP95_ms: 2000, files: l.scenario.files });
const rows = parse(outputText(out.files, "timeseries.csv"), { columns: true }) as any[];
const fl = new Map<string, Map<number, number[]>>();
for (const r of rows) if (r.kind === "Service" && r.metric.startsWith("latency") && r.value !== "") {
  // a point estimate at time t stands for arrivals in (t-1, t]
  const t = Number(r.time_s) - 0.5; const w = Math.floor(t / W) * W;
  const m = fl.get(r.metric) ?? new Map(); fl.set(r.metric, m); const a = m.get(w) ?? []; a.push(Number(r.value)); m.set(w, a);
}
console.log("wall", Date.now() - t0);
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
const q = (a: number[], p: number) => { const s = a.slice().sort((x, y) => x - y); return s[Math.max(0, Math.ceil(p * s.length) - 1)]; };
for (const w of [...exact.keys()].sort((a, b) => a - b)) {
  if (w < 60 || w > 540) continue;
  const e = exact.get(w)!;
  const f50 = mean(fl.get("latency_p50_ms")!.get(w) ?? [NaN]), f95 = mean(fl.get("latency_p95_ms")!.get(w) ?? [NaN]);
  const e50 = q(e, 0.5) * 1000, e95 = q(e, 0.95) * 1000;
  console.log(w, "n", e.length, "p50 fluid", f50.toFixed(0), "exact", e50.toFixed(0), ((f50 / e50 - 1) * 100).toFixed(1) + "%", " p95 fluid", f95.toFixed(0), "exact", e95.toFixed(0), ((f95 / e95 - 1) * 100).toFixed(1) + "%");
}
