import { runScenario } from "../experiments/runner.js";
import { loadScenario } from "../experiments/scenario/index.js";
import { fixture, HEADER, outputText } from "../test/experiments/scenario/helpers.js";
import { parse } from "csv-parse/sync";
const man = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 8
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        resources: {requests: {cpu: 250m, memory: 128Mi}, limits: {cpu: "1"}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`;
for (const arrivals of ["fluid", "requests"]) {
const sc = `${HEADER}metadata: {name: contended}
duration: 10m
cluster:
  nodeGroups: [{name: pool, count: 1, cpu: "4", memory: 64Gi}]
manifests: [app.yaml]
apps:
  - {name: web, deployments: [web], cpuPerRequest: 100ms, baselineCpu: 1m, queueCapacity: 50}
load:
  - service: web
    arrivals: ${arrivals}
    spread: random
    profile: {type: step, initial: 10, steps: [{at: 2m, rps: 60}, {at: 6m, rps: 10}]}
`;
const f = fixture({ "app.yaml": man, "scenario.yaml": sc });
const l = loadScenario(f.file("scenario.yaml"));
if (!l.config) { console.log(l.errors); process.exit(1); }
const out = runScenario(l.config, { name: "x", description: "", sloLatencyP95_ms: 2000, files: l.scenario.files });
const rows = parse(outputText(out.files, "timeseries.csv"), { columns: true }) as any[];
const node = rows.filter((r) => r.kind === "Node" && r.metric === "cpu_usage_mcores").map((r) => Number(r.value));
const served = rows.filter((r) => r.kind === "Service" && r.metric === "rps_served").map((r) => Number(r.value));
const p95 = rows.filter((r) => r.kind === "Service" && r.metric === "latency_p95_ms").map((r) => r.value);
console.log(arrivals, "node max", Math.max(...node), "node", node.slice(8, 26).join(" "));
console.log(" served", served.slice(8, 26).join(" "));
console.log(" p95", p95.slice(8, 30).join(" "));
console.log(" summary", JSON.stringify(out.summary));
}
