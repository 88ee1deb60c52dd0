/**
 * ScaledJob: the strategies' effective max scale (upstream's scale_jobs_test.go cases), the
 * combination of several triggers (metrics.go IsScaledJobActive), and a full run where a
 * ScaledJob creates Jobs whose pods each take one item of a Redis list and complete.
 */
import t from "tap";
import { parse } from "csv-parse/sync";
import { formatDiagnostic } from "../../../experiments/manifests/diagnostics.js";
import { runScenario } from "../../../experiments/runner.js";
import { loadScenario } from "../../../experiments/scenario/index.js";
import { calculateQueueLengthAndMaxValue, getEffectiveMaxScale, isScaledJobActive, jobsBeyondHistoryLimit, jobsToCreate, type ScalingStrategy } from "../../../models/keda/scaled-job.js";
import type { Job } from "../../../models/job/types.js";
import { fixture, HEADER, outputText } from "../../experiments/scenario/helpers.js";

const strategy = (s: Partial<ScalingStrategy>): ScalingStrategy => ({ strategy: "default", multipleScalersCalculation: "max", ...s });

t.test("GetEffectiveMaxScale: scale_jobs_test.go's cases, [maxScale, running, pending, maxReplicaCount] → effective max scale", async (t) => {
  const cases: [string, ScalingStrategy, [number, number, number, number], number][] = [
    ["default", strategy({}), [3, 2, 0, 5], 1],
    ["default", strategy({}), [2, 0, 0, 5], 2],
    ["custom 1 / 0.5", strategy({ strategy: "custom", customScalingQueueLengthDeduction: 1, customScalingRunningJobPercentage: "0.5" }), [3, 2, 0, 5], 1],
    ["custom 1 / 0.5", strategy({ strategy: "custom", customScalingQueueLengthDeduction: 1, customScalingRunningJobPercentage: "0.5" }), [10, 0, 0, 10], 9],
    ["custom without parameters = default", strategy({ strategy: "custom" }), [3, 2, 0, 5], 1],
    ["custom without parameters = default", strategy({ strategy: "custom" }), [2, 0, 0, 5], 2],
    ["custom 2 / 0", strategy({ strategy: "custom", customScalingQueueLengthDeduction: 2, customScalingRunningJobPercentage: "0" }), [3, 2, 0, 5], 1],
    ["custom -2 / 0: capped at maxReplicaCount", strategy({ strategy: "custom", customScalingQueueLengthDeduction: -2, customScalingRunningJobPercentage: "0" }), [3, 2, 0, 4], 4],
    ["custom nil deduction / 0.5", strategy({ strategy: "custom", customScalingRunningJobPercentage: "0.5" }), [10, 2, 0, 100], 9],
    ["custom nil deduction / 0.5", strategy({ strategy: "custom", customScalingRunningJobPercentage: "0.5" }), [10, 0, 0, 100], 10],
    ["accurate", strategy({ strategy: "accurate" }), [3, 2, 0, 5], 3],
    ["accurate", strategy({ strategy: "accurate" }), [5, 2, 0, 5], 3],
    ["accurate, 2 pending", strategy({ strategy: "accurate" }), [3, 4, 2, 10], 1],
    ["accurate, 2 pending", strategy({ strategy: "accurate" }), [5, 4, 2, 5], 1],
    ["accurate, all pending", strategy({ strategy: "accurate" }), [3, 3, 3, 5], 0],
    ["accurate, all pending", strategy({ strategy: "accurate" }), [15, 15, 15, 20], 0],
    ["accurate, all pending", strategy({ strategy: "accurate" }), [10, 10, 10, 15], 0],
    ["accurate, partly pending", strategy({ strategy: "accurate" }), [20, 15, 10, 20], 5],
    ["eager", strategy({ strategy: "eager" }), [4, 3, 0, 10], 4],
    ["eager", strategy({ strategy: "eager" }), [4, 0, 3, 10], 4],
    ["eager", strategy({ strategy: "eager" }), [4, 7, 0, 10], 3],
    ["eager", strategy({ strategy: "eager" }), [4, 1, 6, 10], 3],
    ["eager", strategy({ strategy: "eager" }), [15, 0, 0, 10], 10],
  ];
  for (const [name, s, [maxScale, running, pending, maxReplicas], want] of cases) {
    t.equal(getEffectiveMaxScale(s, maxScale, running, pending, maxReplicas, 1)[0], want, `${name}: ${[maxScale, running, pending, maxReplicas]}`);
  }
  t.equal(getEffectiveMaxScale(strategy({ strategy: "eager" }), 4, 3, 0, 10, 1)[1], 10, "eager scales to maxReplicaCount");
});

t.test("IsScaledJobActive: triggers combined by max (default), min, avg, sum; minReplicaCount keeps it active", async (t) => {
  const m = (queueLength: number, target: number, isActive: boolean) => ({ ...calculateQueueLengthAndMaxValue(queueLength, target, 100), isActive });
  const metrics = [m(10, 2, true), m(30, 10, true), m(50, 5, false)];
  t.strictSame(isScaledJobActive(metrics, "max", 0, 100), { isActive: true, queueLength: 30, maxValue: 3 }, "max: the longest active queue");
  t.strictSame(isScaledJobActive(metrics, "min", 0, 100), { isActive: true, queueLength: 10, maxValue: 5 }, "min: the shortest active queue");
  t.strictSame(isScaledJobActive(metrics, "avg", 0, 100), { isActive: true, queueLength: 20, maxValue: 4 });
  t.strictSame(isScaledJobActive(metrics, "sum", 0, 100), { isActive: true, queueLength: 40, maxValue: 8 });
  t.strictSame(isScaledJobActive([m(7, 2, true)], "max", 0, 3), { isActive: true, queueLength: 7, maxValue: 3 }, "capped at maxReplicaCount, rounded up");
  t.strictSame(isScaledJobActive([m(0, 1, false)], "max", 2, 10), { isActive: true, queueLength: 0, maxValue: 0 }, "minReplicaCount > 0: active");
  t.equal(calculateQueueLengthAndMaxValue(12, 0, 10).maxValue, 0, "no AverageValue target: asks for no Job");
});

t.test("getScalingDecision: the missing minimum first, then the strategy; nothing when inactive", async (t) => {
  const d = strategy({});
  t.equal(jobsToCreate(d, true, 1, 0, 0, 0, 3, 10), 2, "running 1 < minReplicaCount 3: 2 more");
  t.equal(jobsToCreate(d, true, 2, 0, 20, 5, 0, 5), 3, "default: maxScale 5 − 2 running");
  t.equal(jobsToCreate(d, true, 0, 0, 2, 5, 0, 5), 2, "no more than the queue length");
  t.equal(jobsToCreate(d, false, 0, 0, 20, 5, 0, 5), 0, "inactive: none");
  t.equal(jobsToCreate(d, true, 6, 0, 20, 5, 0, 5), 0, "more running than asked for: none");
  const finished = [{ completedAt_ms: 30 }, { completedAt_ms: 10 }, { completedAt_ms: 20 }];
  t.strictSame(jobsBeyondHistoryLimit(finished, 1), [{ completedAt_ms: 10 }, { completedAt_ms: 20 }], "history limit: the oldest go");
  t.strictSame(jobsBeyondHistoryLimit(finished, 3), []);
});

const SCALED_JOB = (strategyYaml = "") => `apiVersion: keda.sh/v1alpha1
kind: ScaledJob
metadata: {name: batch}
spec:
  pollingInterval: 10
  maxReplicaCount: 5
  successfulJobsHistoryLimit: 3
${strategyYaml}  jobTargetRef:
    template:
      metadata:
        annotations: {sim.kubesim.io/app: worker}
      spec:
        containers: [{name: w, image: worker, resources: {requests: {cpu: 500m, memory: 128Mi}}}]
  triggers:
  - type: redis
    metadata: {address: "redis:6379", listName: jobs, listLength: "1"}
`;

function run(manifest: string) {
  const f = fixture({
    "app.yaml": manifest,
    "scenario.yaml": `${HEADER}metadata: {name: sj}
duration: 3m
cluster: {nodeGroups: [{name: p, count: 2, cpu: "8", memory: 32Gi}]}
manifests: [app.yaml]
queues: [{name: jobs, broker: redis, batches: [{at: 5s, items: 20}]}]
apps: [{name: worker, consumes: {queue: jobs, itemsPerPod: 1}, cpuPerRequest: 2s}]
components: {kubelet: {defaultImagePull: 0s}}
`,
  });
  const loaded = loadScenario(f.file("scenario.yaml"));
  if (loaded.config === null) throw new Error(loaded.errors.map(formatDiagnostic).join("\n"));
  const output = runScenario(loaded.config, { name: "sj", description: "", sloLatencyP95_ms: 500, files: loaded.scenario.files });
  const csv = (name: string) => parse(outputText(output.files, name), { columns: true }) as Record<string, string>[];
  return { output, csv };
}

t.test("a ScaledJob on a Redis list: a Job per item, at most maxReplicaCount at a time; each pod takes one item and completes", async (t) => {
  const { output, csv } = run(SCALED_JOB());
  const polls = csv("keda-decisions.csv").filter((r) => r.kind === "ScaledJob");
  t.strictSame(polls.slice(0, 6).map((r) => [r.time_s, r.triggers, r.action, r.scale_to]), [
    ["0.001", "s0-redis-jobs=0", "noChange", "0"],
    ["10.001", "s0-redis-jobs=20 (active)", "createJobs", "5"],
    ["20.001", "s0-redis-jobs=15 (active)", "createJobs", "5"],
    ["30.001", "s0-redis-jobs=10 (active)", "createJobs", "5"],
    ["40.001", "s0-redis-jobs=5 (active)", "createJobs", "5"],
    ["50.001", "s0-redis-jobs=0", "noChange", "0"],
  ], "5 Jobs a poll (each done within the 10 s): 20 in all");
  const [queue] = csv("queues.csv");
  t.equal(queue.items_taken, "20");
  t.equal(queue.items_waiting, "0");
  const jobs = output.simulation.store.list<Job>("Job");
  t.equal(jobs.length, 3, "successfulJobsHistoryLimit 3: the older Complete Jobs were deleted");
  t.ok(jobs.every((j) => j.status.succeeded === 1 && j.metadata.labels["scaledjob.keda.sh/name"] === "batch"), "each Job succeeded once, labelled with its ScaledJob");
  const events = [...output.simulation.events.recorder.rows()];
  t.equal(events.filter((e) => e[5] === "KEDAJobsCreated").length, 4);
  t.ok(events.some((e) => e[5] === "ScaledJobActive") && events.some((e) => e[5] === "ScaledJobInactive"), "active and inactive events");
});

t.test("the ScaledJob loader: cpu triggers and min > max refused; restartPolicy defaults to OnFailure", async (t) => {
  const f = fixture({
    "app.yaml": SCALED_JOB().replace("type: redis\n    metadata: {address: \"redis:6379\", listName: jobs, listLength: \"1\"}", "type: cpu\n    metadata: {value: \"50\"}").replace("maxReplicaCount: 5", "maxReplicaCount: 5\n  minReplicaCount: 7"),
    "scenario.yaml": `${HEADER}metadata: {name: sj}\nduration: 1m\ncluster: {nodeGroups: [{name: p, count: 1, cpu: "8", memory: 32Gi}]}\nmanifests: [app.yaml]\n`,
  });
  const loaded = loadScenario(f.file("scenario.yaml"));
  const text = loaded.errors.map(formatDiagnostic).join("\n");
  t.match(text, /app\.yaml:\d+ spec\.triggers\[0\]\.type: Unsupported value: "cpu": a ScaledJob scales on external metrics only/);
  t.match(text, /spec\.minReplicaCount: Invalid value: MinReplicaCount=7 must be less than MaxReplicaCount=5/);
  const { output } = run(SCALED_JOB("  scalingStrategy: {strategy: accurate}\n"));
  const job = output.simulation.store.list<Job>("Job")[0];
  t.equal(job.spec.template.spec.restartPolicy, "OnFailure", "generateJobs: an unset restartPolicy is OnFailure");
});
