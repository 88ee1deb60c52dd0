import { ClusterSimulation } from "../experiments/simulator.js";
import { loadScenario } from "../experiments/scenario/index.js";
import { fixture, HEADER } from "../test/experiments/scenario/helpers.js";
const man = (n: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: ${n}
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
const arrivals = process.argv[2] ?? "requests";
const rate = Number(process.argv[3] ?? 100);
const sc = `${HEADER}metadata: {name: tp}
duration: 1h
cluster:
  nodeGroups: [{name: pool, count: 4, cpu: "16", memory: 64Gi}]
manifests: [app.yaml]
apps:
  - {name: web, deployments: [web], cpuPerRequest: 100ms, baselineCpu: 1m}
load:
  - service: web
    arrivals: ${arrivals}
    spread: random
    profile: {type: constant, rps: ${rate}}
`;
const f = fixture({ "app.yaml": man(20), "scenario.yaml": sc });
const l = loadScenario(f.file("scenario.yaml"));
if (!l.config) { console.log(l.errors); process.exit(1); }
const t0 = process.hrtime.bigint();
const sim = new ClusterSimulation(l.config);
sim.run(3_600_000);
const s = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(arrivals, rate, "rps: wall", s.toFixed(2), "s, events", sim.sim.events_processed, "requests/s of wall", ((rate * 3600) / s).toFixed(0));
