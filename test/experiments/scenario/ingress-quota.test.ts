/**
 * Ingress, Namespace, ResourceQuota and LimitRange through the scenario loader and the whole
 * cluster: the shipped canary rollout (the canary's rate follows the weight while its HPA
 * scales), a header canary end to end, bad input with file:line and field, and a quota loaded
 * from manifests stopping a Deployment scaled by a timed patch.
 */
import t from "tap";
import { loadScenario } from "../../../experiments/scenario/index.js";
import { ClusterSimulation } from "../../../experiments/simulator.js";
import { formatDiagnostic } from "../../../experiments/manifests/decode.js";
import type { Deployment, Pod } from "../../../models/cluster/types.js";
import type { ResourceQuota } from "../../../models/quota/types.js";
import { fixture, HEADER } from "./helpers.js";

t.test("the shipped canary rollout: the canary's rps follows the weight 10 -> 50 -> 100 and its HPA scales", async (t) => {
  const loaded = loadScenario("experiments/scenarios/canary/scenario.yaml");
  t.same(loaded.errors, []);
  t.same(loaded.warnings, []);
  const sim = new ClusterSimulation(loaded.config!);
  const rates = () => [sim.traffic.get("default", "web")!.rate_rps, sim.traffic.get("default", "web-canary")!.rate_rps];
  const canaryReplicas = () => sim.store.get<Deployment>("Deployment", "default", "web-canary")!.spec.replicas;
  const seen: number[] = [];
  for (const [at_ms, want] of [[14 * 60_000, [18, 2]], [29 * 60_000, [10, 10]], [44 * 60_000, [0, 20]]] as const) {
    sim.run(at_ms);
    t.same(rates(), want, `at ${at_ms / 60_000} min: stable and canary rps`);
    seen.push(canaryReplicas());
  }
  t.ok(seen[0] < seen[1] && seen[1] < seen[2], `the canary's HPA scales with its share: ${seen.join(" -> ")} replicas`);
  t.equal(sim.ingress.route(0)?.canary?.policy.weight, 100);
});

const TWO_TRACKS = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web, resources: {requests: {cpu: 100m}}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: beta}
spec:
  selector: {matchLabels: {app: beta}}
  template:
    metadata: {labels: {app: beta}}
    spec:
      containers: [{name: web, image: web, resources: {requests: {cpu: 100m}}}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: beta}
spec: {selector: {app: beta}, ports: [{port: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
  - host: shop.example.com
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]
`;

function canaryIngress(annotations: string, service = "beta"): string {
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: beta
  annotations:
    nginx.ingress.kubernetes.io/canary: "true"
${annotations}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: ${service}, port: {number: 80}}
`;
}

function scenario(load: string, extra = ""): string {
  return `${HEADER}metadata: {name: t}
duration: 5m
cluster:
  nodeGroups: [{name: pool, count: 2, cpu: "4", memory: 16Gi}]
manifests: [app.yaml, canary.yaml]
apps:
  - {name: web, deployments: [web, beta], cpuPerRequest: 10ms}
load:
${load}
${extra}`;
}

t.test("a header canary end to end: every request with the value reaches the canary, no other", async (t) => {
  const f = fixture({
    "app.yaml": TWO_TRACKS,
    "canary.yaml": canaryIngress(`    nginx.ingress.kubernetes.io/canary-by-header: X-Beta\n    nginx.ingress.kubernetes.io/canary-by-header-value: "yes"`),
    "scenario.yaml": scenario(`  - ingress: {host: Shop.Example.com, path: /cart}
    requests:
      - {fraction: 0.25, headers: {x-beta: "yes"}}
      - {fraction: 0.25, headers: {X-Beta: "no"}}
    profile: {type: constant, rps: 40}`),
  });
  const loaded = loadScenario(f.file("scenario.yaml"));
  t.same(loaded.errors.map(formatDiagnostic), []);
  const sim = new ClusterSimulation(loaded.config!);
  sim.run(60_000);
  t.equal(sim.traffic.get("default", "beta")!.rate_rps, 10, "the quarter with X-Beta: yes");
  t.equal(sim.traffic.get("default", "web")!.rate_rps, 30, "the rest, X-Beta: no included");
});

t.test("bad input: canary weight 150, an Ingress to a missing Service, a load no rule routes", async (t) => {
  const f = fixture({
    "app.yaml": TWO_TRACKS,
    "canary.yaml": canaryIngress(`    nginx.ingress.kubernetes.io/canary-weight: "150"`, "bta"),
    "scenario.yaml": scenario(`  - ingress: {host: blog.example.com}
    profile: {type: constant, rps: 1}`),
  });
  const loaded = loadScenario(f.file("scenario.yaml"));
  const c = f.file("canary.yaml");
  t.same(loaded.warnings.map(formatDiagnostic), [
    `${c}:7 metadata.annotations[nginx.ingress.kubernetes.io/canary-weight]: Invalid value: 150: must be between 0 and the canary weight total (100); ingress-nginx sends every request to the canary by weight`,
    `${c}:16 spec.rules[0].http.paths[0].backend.service.name: Service "default/bta" not found in the manifests (did you mean "beta"?); ingress-nginx answers 503 for this path`,
  ]);
  t.same(loaded.errors.map(formatDiagnostic), [
    `${f.file("scenario.yaml")}:11 load[0].ingress: no Ingress rule routes blog.example.com/ (ingress-nginx would answer 404 from its default backend)`,
  ]);
});

t.test("a canary setting without canary: true is an error at its line", async (t) => {
  const f = fixture({
    "app.yaml": TWO_TRACKS,
    "canary.yaml": canaryIngress(`    nginx.ingress.kubernetes.io/canary-weight: "ten"`),
    "scenario.yaml": scenario(`  - {ingress: {host: shop.example.com}, profile: {type: constant, rps: 1}}`),
  });
  t.same(loadScenario(f.file("scenario.yaml")).errors.map(formatDiagnostic), [
    `${f.file("canary.yaml")}:7 metadata.annotations[nginx.ingress.kubernetes.io/canary-weight]: Invalid value: "ten": must be an integer`,
  ]);
});

t.test("Namespace, ResourceQuota and LimitRange from manifests: a timed scale-up stops at the quota", async (t) => {
  const f = fixture({
    "app.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: team}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web}]
---
apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute, namespace: team}
spec:
  hard: {requests.cpu: "1", pods: "10", services: "5"}
---
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: team}
spec:
  limits:
  - type: Container
    default: {cpu: 500m}
    defaultRequest: {cpu: 250m}
`,
    "scenario.yaml": `${HEADER}metadata: {name: t}
duration: 10m
cluster:
  nodeGroups: [{name: pool, count: 2, cpu: "4", memory: 16Gi}]
manifests: [app.yaml]
patches:
  - target: {kind: Deployment, name: web, namespace: team}
    at: 2m
    patch: {spec: {replicas: 6}}
`,
  });
  const loaded = loadScenario(f.file("scenario.yaml"));
  t.same(loaded.errors.map(formatDiagnostic), []);
  t.same(loaded.warnings.map(formatDiagnostic), [
    `${f.file("app.yaml")}:20 spec.hard.services: quota resource "services" is not modelled (kubesim evaluates pods: cpu, requests.cpu, limits.cpu, memory, requests.memory, limits.memory, pods, count/pods); ignored`,
  ]);
  t.same(loaded.config!.objects.map((o) => o.kind), ["Namespace", "ResourceQuota", "LimitRange", "Deployment"], "created in admission order");
  const sim = new ClusterSimulation(loaded.config!);
  sim.run(600_000);
  const pods = sim.store.list<Pod>("Pod", "team");
  t.equal(pods.length, 4, "4 × 250m (the LimitRange's default request) fill 1 core");
  t.same(pods[0].spec.containers[0].resources, { requests: { cpu_mcores: 250 }, limits: { cpu_mcores: 500 } });
  const failed = sim.events.recorder.all().filter((r) => r[5] === "FailedCreate").map((r) => String(r[6]));
  t.ok(failed.length > 0);
  t.match(failed[0], /^Error creating: pods "web-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: compute, requested: requests\.cpu=250m, used: requests\.cpu=1, limited: requests\.cpu=1$/);
  t.same(sim.store.get<ResourceQuota>("ResourceQuota", "team", "compute")!.status.used, { "requests.cpu": 1000, pods: 4 });
});

t.test("poisson arrivals through a weight-10 canary: 10 % ± 1 % of 100,000 requests reach the canary", async (t) => {
  const f = fixture({
    "app.yaml": TWO_TRACKS,
    "canary.yaml": canaryIngress(`    nginx.ingress.kubernetes.io/canary-weight: "10"`),
    "scenario.yaml": scenario(`  - ingress: {host: shop.example.com}
    arrivals: poisson
    interval: 1s
    profile: {type: constant, rps: 100}`).replace("duration: 5m", "duration: 1000s"),
  });
  const loaded = loadScenario(f.file("scenario.yaml"));
  t.same(loaded.errors.map(formatDiagnostic), []);
  const sim = new ClusterSimulation(loaded.config!);
  sim.run(1_000_000);
  sim.runtime.advanceAll(sim.sim.now_ms);
  const offered = (name: string) => sim.traffic.totals(sim.traffic.get("default", name)!, sim.sim.now_ms).offered;
  const canary = offered("beta");
  const total = canary + offered("web");
  t.ok(Math.abs(total - 100_000) < 1_500, `about 100,000 requests offered (${total})`);
  t.ok(Math.abs(canary / total - 0.1) <= 0.01, `canary share ${(canary / total).toFixed(4)} of ${total}`);
});
