/**
 * Queues in full simulations: a Kafka group's members beyond the partitions idle, a rebalance
 * stops the group, auto.offset.reset decides what a new group reads; consumer pods' CPU follows
 * what they take, so an HPA on CPU scales them; and the loader's refusals, with file:line.
 */
import t from "tap";
import { parse } from "csv-parse/sync";
import { formatDiagnostic } from "../../../experiments/manifests/diagnostics.js";
import { runScenario } from "../../../experiments/runner.js";
import { loadScenario } from "../../../experiments/scenario/index.js";
import type { Deployment, Pod } from "../../../models/cluster/types.js";
import { deploymentYaml, fixture, HEADER, outputText } from "../../experiments/scenario/helpers.js";

const consumer = (name: string, replicas: number) => deploymentYaml(name, replicas, "worker");

function load(manifests: string, rest: string) {
  const f = fixture({
    "app.yaml": manifests,
    "scenario.yaml": `${HEADER}metadata: {name: queues}
duration: 5m
cluster:
  nodeGroups: [{name: p, count: 4, cpu: "8", memory: 32Gi}]
manifests: [app.yaml]
outputs: {sampleInterval: 5s}
${rest}`,
  });
  return loadScenario(f.file("scenario.yaml"));
}

function run(manifests: string, rest: string) {
  const loaded = load(manifests, rest);
  if (loaded.config === null) throw new Error(loaded.errors.map(formatDiagnostic).join("\n"));
  const output = runScenario(loaded.config, { name: "queues", description: "", sloLatencyP95_ms: 500, files: loaded.scenario.files });
  const csv = (name: string) => parse(outputText(output.files, name), { columns: true }) as Record<string, string>[];
  const series = (metric: string) => csv("timeseries.csv").filter((r) => r.kind === "Queue" && r.metric === metric).map((r) => [Number(r.time_s), Number(r.value)] as const);
  return { output, csv, series };
}

const kafka = (extra: string) => `queues:
- name: orders
  broker: kafka
  partitions: 4
  consumerGroup: workers
  produce: {type: constant, rps: 10}
${extra}apps:
- name: worker
  deployments: [worker]
  consumes: {queue: orders}
  cpuPerRequest: 100ms
`;

t.test("kafka: 6 members, 4 partitions: four take a quarter each, two idle", async (t) => {
  const { output } = run(consumer("worker", 6), kafka("  autoOffsetReset: earliest\n"));
  const { store, runtime } = output.simulation;
  const pods = store.list<Pod>("Pod").filter((p) => p.status.phase === "Running");
  t.equal(pods.length, 6);
  const rates = pods.map((p) => runtime.arrivalRate_rps(runtime.slotOf(p.metadata.uid))).sort((a, b) => a - b);
  t.strictSame(rates, [0, 0, 2.5, 2.5, 2.5, 2.5], "items/s each member takes (10/s over 4 partitions)");
});

t.test("kafka: a new group with auto.offset.reset latest skips what came before it; earliest reads it", async (t) => {
  const latest = run(consumer("worker", 2), kafka("")).csv("queues.csv")[0];
  const earliest = run(consumer("worker", 2), kafka("  autoOffsetReset: earliest\n")).csv("queues.csv")[0];
  t.ok(Number(latest.items_skipped) > 0, `latest skipped the items produced before the first member: ${latest.items_skipped}`);
  t.equal(earliest.items_skipped, "0");
  t.equal(Number(earliest.items_taken) + Number(earliest.items_waiting), Number(earliest.items_produced), "earliest: every item taken or waiting");
  t.ok(Number(earliest.wait_max_s) > 0, "the items produced before the first member waited for it");
});

t.test("kafka: a member joining stops the whole group for the rebalance pause", async (t) => {
  const patch = `patches:
- target: {kind: Deployment, name: worker}
  at: 60s
  patch: {spec: {replicas: 3}}
`;
  const longestStop = (pause: string) => {
    const { series, output } = run(consumer("worker", 2), `${patch}${kafka(`  autoOffsetReset: earliest\n  rebalancePause: ${pause}\n`)}`);
    // The timed patch changes replicas only: the pods keep the scenario's app (no rollout).
    const pods = output.simulation.store.list<Pod>("Pod").filter((p) => p.status.phase === "Running");
    t.strictSame(pods.map((p) => p.metadata.annotations["sim.kubesim.io/app"]), ["worker", "worker", "worker"], "3 pods of app worker");
    const taken = series("items_taken").filter(([time_s]) => time_s > 60);
    let run_ = 0;
    let longest = 0;
    for (const [, v] of taken) longest = Math.max(longest, (run_ = v === 0 ? run_ + 1 : 0));
    return longest;
  };
  t.ok(longestStop("20s") >= 3, "20 s without an item taken (samples every 5 s)");
  t.equal(longestStop("0s"), 0, "no pause: never a sample without items taken");
});

t.test("redis: consumer pods' CPU follows what they take, and an HPA on CPU scales them out", async (t) => {
  const hpa = `---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: worker}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: worker}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}}
`;
  const { output, series, csv } = run(consumer("worker", 2) + hpa, `queues:
- name: jobs
  broker: redis
  produce: {type: constant, rps: 20}
apps:
- name: worker
  deployments: [worker]
  consumes: {queue: jobs, concurrency: 2}
  cpuPerRequest: 200ms
`);
  // Two workers share the 1-core limit: 0.4 s an item, 5 items/s a pod; 2 pods cannot keep up
  // with 20/s, run at their limit (200 % of the request), and the HPA adds pods.
  const replicas = output.simulation.store.get<Deployment>("Deployment", "default", "worker")!.spec.replicas;
  t.ok(replicas >= 4, `scaled out to ${replicas} (4 pods take 20/s)`);
  const items = series("items");
  const peak = Math.max(...items.map(([, v]) => v));
  t.ok(peak > 0 && items[items.length - 1][1] < peak, `the list grew (peak ${peak}) and then shrank (${items[items.length - 1][1]} at the end)`);
  t.equal(csv("queues.csv")[0].broker, "redis");
});

t.test("the loader refuses queues that do not add up, with file:line", async (t) => {
  const redisTrigger = (meta: string) => `---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: worker}
spec:
  scaleTargetRef: {name: worker}
  triggers:
  - {type: ${meta}}
`;
  const cases: [string, string, RegExp][] = [
    ["", "queues: [{name: jobs, broker: redis}]\napps: [{name: w, deployments: [worker], consumes: {queue: job}}]\n", /scenario\.yaml:\d+ apps\[0\]\.consumes\.queue: no queue named "job" in `queues` \(did you mean "jobs"\?\)/],
    ["", "queues: [{name: orders, broker: kafka}]\n", /scenario\.yaml:\d+ queues\[0\]\.consumerGroup: Required value: a kafka topic needs the consumerGroup of its consumers/],
    ["", "queues: [{name: jobs, broker: redis, partitions: 3}]\n", /scenario\.yaml:\d+ queues\[0\]\.partitions: Forbidden: partitions applies to broker kafka only/],
    ["", "queues: [{name: jobs, broker: redis}, {name: jobs, broker: redis}]\n", /scenario\.yaml:\d+ queues\[1\]\.name: Duplicate value: a queue named "jobs" already exists/],
    ["", "queues: [{name: jobs, broker: rabbitmq}]\n", /queues\[0\]\.broker/],
    [redisTrigger('redis, metadata: {address: "r:6379", listName: job}'), "queues: [{name: jobs, broker: redis}]\n", /app\.yaml:\d+ spec\.triggers\[0\]\.metadata\.listName: no redis queue named "job" in the scenario's `queues` \(did you mean "jobs"\?\)/],
    [redisTrigger('kafka, metadata: {bootstrapServers: "k:9092", consumerGroup: other, topic: orders, lagThreshold: "5"}'), "queues: [{name: orders, broker: kafka, consumerGroup: workers}]\n", /app\.yaml:\d+ spec\.triggers\[0\]\.metadata\.consumerGroup: the consumer group of topic "orders" is "workers" in the scenario's `queues`, not "other"/],
  ];
  cases.push([
    "---\napiVersion: v1\nkind: Service\nmetadata: {name: worker}\nspec: {selector: {app: worker}, ports: [{port: 80}]}\n",
    "queues: [{name: jobs, broker: redis}]\napps: [{name: w, deployments: [worker], consumes: {queue: jobs}}]\nload: [{service: worker, profile: {type: constant, rps: 5}}]\n",
    /scenario\.yaml:\d+ apps\[0\]\.consumes: app "w" takes queue items, but its pods \(Deployment worker\) are endpoints of Service worker, which has a load/,
  ]);
  for (const [extra, rest, want] of cases) {
    const loaded = load(consumer("worker", 1) + extra, rest);
    t.equal(loaded.config, null, want.source);
    t.match(loaded.errors.map(formatDiagnostic).join("\n"), want);
  }
});
