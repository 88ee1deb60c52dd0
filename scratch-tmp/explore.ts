import { runScenario } from "/work/wt-22/experiments/runner.js";
import { loadScenario } from "/work/wt-22/experiments/scenario/index.js";
import { outputText, fixture } from "/work/wt-22/test/experiments/scenario/helpers.js";
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
const sc = (arrivals: string, seed: number) => `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: step}
seed: ${seed}
duration: 10m
cluster:
  nodeGroups: [{name: pool, count: 1, cpu: "8", memory: 32Gi}]
manifests: [app.yaml]
apps:
  - {name: web, deployments: [web], cpuPerRequest: 200ms, baselineCpu: 1m, queueCapacity: 100000}
load:
  - service: web
    arrivals: ${arrivals}
    spread: random
    profile: {type: step, initial: 0, steps: [{at: 1m, rps: 5}, {at: 5m, rps: 15}, {at: 6m, rps: 5}]}
outputs: {sampleInterval: 15s}
`;
const N = Number(process.argv[2] ?? 10);
const sums: Record<string, Map<number, number[]>> = {};
const t0 = Date.now();
for (const arrivals of ["fluid", "requests"]) {
  for (let seed = 1; seed <= (arrivals === "fluid" ? 1 : N); seed++) {
    const f = fixture({ "app.yaml": man, "scenario.yaml": sc(arrivals, seed) });
    const l = loadScenario(f.file("scenario.yaml"));
    if (!l.config) { console.log(l.errors); process.exit(1); }
    const out = runScenario(l.config, { name: "x", description: "", sloLatencyP95_ms: 2000, files: l.scenario.files });
    const rows = parse(outputText(out.files, "timeseries.csv"), { columns: true }) as any[];
    for (const r of rows) if (r.kind === "Service") {
      const k = `${arrivals}/${r.metric}`; sums[k] ??= new Map();
      const a = sums[k].get(Number(r.time_s)) ?? []; if (r.value !== "") a.push(Number(r.value)); sums[k].set(Number(r.time_s), a);
    }
  }
}
console.log("wall", Date.now() - t0);
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
for (const time of [...sums["fluid/latency_p50_ms"].keys()]) {
  if (time < 60 || time > 480) continue;
  const g = (k: string) => { const a = sums[k].get(time) ?? []; return a.length ? mean(a).toFixed(0) : "-"; };
  console.log(time, "p50", g("fluid/latency_p50_ms"), g("requests/latency_p50_ms"), "p95", g("fluid/latency_p95_ms"), g("requests/latency_p95_ms"), "served", g("fluid/rps_served"), g("requests/rps_served"));
}
