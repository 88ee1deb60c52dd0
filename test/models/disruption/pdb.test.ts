/**
 * PodDisruptionBudgets: the disruption controller's status, the eviction API's 429, and the
 * Cluster Autoscaler's drain that a budget blocks.
 */
import t from "tap";
import { parse } from "csv-parse/sync";
import { formatDiagnostic } from "../../../experiments/manifests/diagnostics.js";
import { runScenario } from "../../../experiments/runner.js";
import { loadScenario } from "../../../experiments/scenario/index.js";
import { evictPod } from "../../../models/cluster/eviction.js";
import type { ClusterStore } from "../../../models/cluster/store.js";
import type { Node, Pod } from "../../../models/cluster/types.js";
import { getScaledValueFromIntOrPercent } from "../../../models/disruption/budgets.js";
import type { PodDisruptionBudget } from "../../../models/disruption/types.js";
import { fixture, HEADER, outputText } from "../../experiments/scenario/helpers.js";

const web = (replicas: number, cpu = "500m") => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: nginx, resources: {requests: {cpu: "${cpu}", memory: 256Mi}}}
`;
const pdb = (spec: string) => `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  ${spec}
`;

function load(manifests: string, scenario: string) {
  const f = fixture({ "app.yaml": manifests, "scenario.yaml": `${HEADER}metadata: {name: pdb}\n${scenario}manifests: [app.yaml]\n` });
  const loaded = loadScenario(f.file("scenario.yaml"));
  return { f, loaded };
}

function simulate(manifests: string, scenario: string) {
  const { loaded } = load(manifests, scenario);
  if (loaded.config === null) throw new Error(loaded.errors.map(formatDiagnostic).join("\n"));
  const output = runScenario(loaded.config, { name: "pdb", description: "", sloLatencyP95_ms: 1000, files: loaded.scenario.files });
  return { output, store: output.simulation.store };
}

t.test("GetScaledValueFromIntOrPercent rounds a percentage up", async (t) => {
  t.equal(getScaledValueFromIntOrPercent(2, 10, true), 2);
  t.equal(getScaledValueFromIntOrPercent("25%", 10, true), 3);
  t.equal(getScaledValueFromIntOrPercent("50%", 3, true), 2);
  t.equal(getScaledValueFromIntOrPercent("0%", 7, true), 0);
});

t.test("status: minAvailable, maxUnavailable as int and percent", async (t) => {
  const rows: { spec: string; want: [number, number, number, number] }[] = [
    { spec: "minAvailable: 2", want: [4, 4, 2, 2] },
    { spec: "minAvailable: 75%", want: [4, 4, 3, 1] },
    { spec: "maxUnavailable: 1", want: [4, 4, 3, 1] },
    { spec: "maxUnavailable: 50%", want: [4, 4, 2, 2] },
    { spec: "maxUnavailable: 0", want: [4, 4, 4, 0] },
  ];
  for (const r of rows) {
    const { store } = simulate(`${web(4)}---\n${pdb(r.spec)}`, `duration: 2m\ncluster:\n  nodeGroups: [{name: p, count: 2, cpu: "4", memory: 16Gi}]\n`);
    const s = store.get<PodDisruptionBudget>("PodDisruptionBudget", "default", "web")!.status;
    t.strictSame([s.expectedPods, s.currentHealthy, s.desiredHealthy, s.disruptionsAllowed], r.want, r.spec);
  }
});

t.test("the eviction API spends the budget and then refuses with 429", async (t) => {
  const { store, output } = simulate(`${web(3)}---\n${pdb("minAvailable: 2")}`, `duration: 2m\ncluster:\n  nodeGroups: [{name: p, count: 1, cpu: "4", memory: 16Gi}]\n`);
  const pods = store.list<Pod>("Pod");
  const now_ms = output.simulation.sim.now_ms;
  t.strictSame(evictPod(store, pods[0], now_ms), { evicted: true }, "the first eviction: 3 healthy, 2 needed");
  const budget = store.get<PodDisruptionBudget>("PodDisruptionBudget", "default", "web")!;
  t.equal(budget.status.disruptionsAllowed, 0, "one disruption spent");
  t.ok(pods[0].metadata.name in budget.status.disruptedPods, "the pod is recorded as disrupted");
  const refused = evictPod(store, pods[1], now_ms);
  t.strictSame(refused, {
    evicted: false,
    reason: "TooManyRequests",
    message: "Cannot evict pod as it would violate the pod's disruption budget. The disruption budget web needs 2 healthy pods and has 3 currently",
  });
  t.equal(pods[1].metadata.deletionTimestamp_ms, null, "the refused pod keeps running");
});

t.test("a budget that selects no pod of the manifests: a warning with file:line", async (t) => {
  const { f, loaded } = load(`${web(1)}---\n${pdb("minAvailable: 1").replace("{app: web}", "{app: wbe}")}`, `duration: 1m\ncluster:\n  nodeGroups: [{name: p, count: 1, cpu: "4", memory: 16Gi}]\n`);
  t.strictSame(loaded.errors, []);
  t.ok(
    loaded.warnings.map(formatDiagnostic).includes(`${f.file("app.yaml")}:17 spec.selector: selector {"app":"wbe"} matches no pod template in the manifests; the budget protects nothing`),
    loaded.warnings.map(formatDiagnostic).join("\n"),
  );
});

t.test("manifest errors: both minAvailable and maxUnavailable; over 100 %", async (t) => {
  const { f, loaded } = load(`${web(1)}---\n${pdb("minAvailable: 1\n  maxUnavailable: 150%")}`, `duration: 1m\ncluster:\n  nodeGroups: [{name: p, count: 1, cpu: "4", memory: 16Gi}]\n`);
  t.equal(loaded.config, null);
  t.strictSame(loaded.errors.map(formatDiagnostic), [
    `${f.file("app.yaml")}:18 spec.minAvailable: Invalid value: minAvailable and maxUnavailable cannot be both set`,
    `${f.file("app.yaml")}:19 spec.maxUnavailable: Invalid value: "150%": must not be greater than 100%`,
  ]);
});

t.test("the Cluster Autoscaler does not drain a node whose pod the budget protects", async (t) => {
  // Two 1.5-CPU pods on two m5.xlarge nodes, one each (the scheduler spreads them): each node is
  // under half used, and both pods fit one node, so after 10 min the CA would move one pod (an
  // eviction) and remove its node.
  const scenario = (budget: string) => simulate(`${web(2, "1500m")}${budget}`, `duration: 15m
cluster:
  nodeGroups: [{name: burst, instanceType: m5.xlarge, min: 1, max: 3, count: 2}]
`);
  const nodesAtEnd = (store: ClusterStore) => store.list<Node>("Node").length;
  const free = scenario("");
  const guarded = scenario(`---\n${pdb("minAvailable: 2")}`);
  t.equal(nodesAtEnd(free.store), 1, "without a budget: consolidated to one node");
  t.equal(nodesAtEnd(guarded.store), 2, "with minAvailable 2 of 2: no pod may be evicted, both nodes stay");
  const text = outputText(guarded.output.files, "ca-decisions.csv");
  const rows = parse(text, { columns: true }) as Record<string, string>[];
  t.ok(text.includes("NotEnoughPdb"), `the decision log names the budget: ${Object.keys(rows[0] ?? {}).join(",")}`);
});
