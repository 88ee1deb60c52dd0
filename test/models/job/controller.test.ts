/**
 * The Job controller in a whole cluster (scheduler, kubelet, runtime): waves of pods under
 * parallelism, the exponential pod-failure back-off up to backoffLimit, activeDeadlineSeconds,
 * Indexed completion, the pod failure policy and ttlSecondsAfterFinished.
 */
import t from "tap";
import type { NewObject } from "../../../models/cluster/store.js";
import type { Pod } from "../../../models/cluster/types.js";
import type { ResourceQuota } from "../../../models/quota/types.js";
import type { Job } from "../../../models/job/types.js";
import { JOB_COMPLETION_INDEX } from "../../../models/job/types.js";
import { batchApp, batchCluster, job } from "./fixtures.js";

import { controllerEvents } from "./fixtures.js";

const jobEvents = (sim: ReturnType<typeof batchCluster>, reason: string) => controllerEvents(sim, "job-controller", reason);

t.test("completions 10, parallelism 3: four waves of 3, 3, 3 and 1 pods", async (t) => {
  const sim = batchCluster([job("batch", "crunch", { completions: 10, parallelism: 3 })], [batchApp("crunch", 60_000)]);
  let maxRunning = 0;
  sim.store.watch<Pod>("Pod", () => {
    const running = sim.store.list<Pod>("Pod").filter((p) => p.status.phase === "Running" || p.status.phase === "Pending").length;
    maxRunning = Math.max(maxRunning, running);
  });
  sim.run(600_000);
  const created = jobEvents(sim, "SuccessfulCreate").map((e) => e.time_ms);
  const waves = new Map<number, number>();
  for (const time_ms of created) waves.set(time_ms, (waves.get(time_ms) ?? 0) + 1);
  // Each pod starts 1 s after creation and works 60 s; its replacement is created when it ends.
  t.same([...waves.entries()], [[0, 3], [61_000, 3], [122_000, 3], [183_000, 1]]);
  t.equal(maxRunning, 3, "never more than parallelism pods at once");
  const done = sim.store.get<Job>("Job", "default", "batch")!;
  t.equal(done.status.succeeded, 10);
  t.equal(done.status.failed, 0);
  t.match(done.status.conditions, [{ type: "Complete", status: "True", reason: "CompletionsReached" }]);
  t.equal(done.status.completionTime_ms, 244_000);
  t.same(jobEvents(sim, "Completed").map((e) => [e.time_ms, e.message]), [[244_000, "Job completed"]]);
  // The time series holds each change of the counts: 3 active through three waves, then 1, then 0.
  const active = sim.timeseries.get("Job", "batch", "pods_active");
  t.same(active.filter(([time_ms]) => time_ms === 0 || time_ms >= 183_000).map(([, v]) => v), [3, 1, 0]);
  t.same(sim.timeseries.get("Job", "batch", "pods_succeeded").at(-1), [244_000, 10]);
});

t.test("a failing pod is retried up to backoffLimit, 10 s, 20 s, 40 s apart, then BackoffLimitExceeded", async (t) => {
  const sim = batchCluster([job("flaky", "fails", { backoffLimit: 3 })], [batchApp("fails", 10_000, 1)]);
  sim.run(600_000);
  // Pod k is created at c_k, fails at c_k + 11 s; the next waits 10 s · 2^(k-1) after that failure.
  t.same(jobEvents(sim, "SuccessfulCreate").map((e) => e.time_ms), [0, 21_000, 52_000, 103_000]);
  const failed = sim.store.get<Job>("Job", "default", "flaky")!;
  t.equal(failed.status.failed, 4, "backoffLimit 3 allows 3 retries: the 4th failure fails the Job");
  t.match(failed.status.conditions, [{ type: "Failed", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit", lastTransitionTime_ms: 114_000 }]);
  t.same(jobEvents(sim, "BackoffLimitExceeded").map((e) => e.time_ms), [114_000]);
  t.equal(sim.store.list<Pod>("Pod").filter((p) => p.status.phase === "Failed").length, 4, "failed pods are kept for inspection");
});

t.test("the back-off is capped at 6 minutes", async (t) => {
  const sim = batchCluster([job("flaky", "fails", { backoffLimit: 8 })], [batchApp("fails", 10_000, 1)]);
  sim.run(3_600_000);
  const created = jobEvents(sim, "SuccessfulCreate").map((e) => e.time_ms);
  const waits = created.slice(1).map((c, i) => c - (created[i] + 11_000));
  t.same(waits, [10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 360_000, 360_000]);
});

t.test("activeDeadlineSeconds fails the Job with DeadlineExceeded and deletes its active pods", async (t) => {
  const sim = batchCluster([job("slow", "long", { activeDeadlineSeconds: 30 })], [batchApp("long", 600_000)]);
  sim.run(120_000);
  const failed = sim.store.get<Job>("Job", "default", "slow")!;
  t.match(failed.status.conditions, [{ type: "Failed", reason: "DeadlineExceeded", message: "Job was active longer than specified deadline", lastTransitionTime_ms: 30_000 }]);
  t.equal(jobEvents(sim, "SuccessfulDelete").length, 1);
  t.equal(sim.store.count("Pod"), 0, "the running pod was stopped and removed");
});

t.test("Indexed: one pod per index, each carrying its index; a failed index is retried under its own back-off", async (t) => {
  const sim = batchCluster(
    [job("idx", "crunch", { completions: 5, parallelism: 5, completionMode: "Indexed" })],
    [batchApp("crunch", 30_000)],
  );
  sim.run(120_000);
  const pods = sim.store.list<Pod>("Pod");
  t.same(pods.map((p) => p.metadata.annotations[JOB_COMPLETION_INDEX]).sort(), ["0", "1", "2", "3", "4"]);
  for (const pod of pods) {
    const index = pod.metadata.annotations[JOB_COMPLETION_INDEX];
    t.equal(pod.metadata.labels[JOB_COMPLETION_INDEX], index);
    t.ok(pod.metadata.name.startsWith(`idx-${index}-`), pod.metadata.name);
  }
  const done = sim.store.get<Job>("Job", "default", "idx")!;
  t.same(done.status.completedIndexes, [0, 1, 2, 3, 4]);
  t.match(done.status.conditions, [{ type: "Complete" }]);

  const perIndex = batchCluster(
    [job("idx", "fails", { completions: 2, parallelism: 2, completionMode: "Indexed", backoffLimitPerIndex: 1 })],
    [batchApp("fails", 10_000, 1)],
  );
  perIndex.run(600_000);
  const failed = perIndex.store.get<Job>("Job", "default", "idx")!;
  t.same(failed.status.failedIndexes, [0, 1], "each index failed twice (backoffLimitPerIndex 1)");
  t.equal(failed.status.failed, 4);
  t.match(failed.status.conditions, [{ type: "Failed", reason: "FailedIndexes" }]);
  // Each index's retry waits 10 s after its own failure.
  t.same(jobEvents(perIndex, "SuccessfulCreate").map((e) => e.time_ms), [0, 0, 21_000, 21_000]);
});

t.test("podFailurePolicy: FailJob on exit code 1 fails at the first failure; Ignore does not count it", async (t) => {
  const rule = (action: "FailJob" | "Ignore") => ({ rules: [{ action, onExitCodes: { containerName: null, operator: "In" as const, values: [1] }, onPodConditions: [] }] });
  const failJob = batchCluster([job("j", "fails", { backoffLimit: 6, podFailurePolicy: rule("FailJob") })], [batchApp("fails", 10_000, 1)]);
  failJob.run(120_000);
  const j = failJob.store.get<Job>("Job", "default", "j")!;
  t.equal(j.status.failed, 1);
  t.match(j.status.conditions, [{ type: "Failed", reason: "PodFailurePolicy", message: /^Container work for pod default\/j-\w+ failed with exit code 1 matching FailJob rule at index 0$/ }]);

  const ignore = batchCluster([job("j", "fails", { backoffLimit: 0, podFailurePolicy: rule("Ignore") })], [batchApp("fails", 10_000, 1)]);
  ignore.run(60_000);
  const i = ignore.store.get<Job>("Job", "default", "j")!;
  t.equal(i.status.failed, 0, "ignored failures are not counted");
  t.same(i.status.conditions, []);
  // No back-off either: a replacement is created as soon as each pod fails.
  t.same(jobEvents(ignore, "SuccessfulCreate").map((e) => e.time_ms), [0, 11_000, 22_000, 33_000, 44_000, 55_000]);
});

t.test("ttlSecondsAfterFinished deletes the finished Job and its pods", async (t) => {
  const sim = batchCluster([job("short", "crunch", { ttlSecondsAfterFinished: 100 })], [batchApp("crunch", 20_000)]);
  sim.run(120_000);
  t.ok(sim.store.get("Job", "default", "short"), "kept until the TTL expires (finished at 21 s)");
  t.equal(sim.store.count("Pod"), 1);
  sim.run(121_000);
  t.equal(sim.store.get("Job", "default", "short"), undefined);
  t.equal(sim.store.count("Pod"), 0);
});

t.test("a Job's pods hold node resources while they run, and release them when they finish", async (t) => {
  // One node with room for two 500m pods: the second wave schedules only if finished pods release their requests.
  const sim = batchCluster([job("batch", "crunch", { completions: 4, parallelism: 2 })], [batchApp("crunch", 60_000)], 600_000, [
    { name: "small", count: 1, cpu_mcores: 1000, memory_bytes: 4 * 2 ** 30 },
  ]);
  sim.run(30_000);
  t.equal(sim.runtime.runningPods, 2);
  t.same(sim.timeseries.get("Node", "small-0", "cpu_requested_mcores").at(-1), [30_000, 1000]);
  sim.run(150_000);
  t.equal(sim.runtime.runningPods, 0, "finished pods stop using the node");
  t.match(sim.store.get<Job>("Job", "default", "batch")!.status, { succeeded: 4, conditions: [{ type: "Complete", lastTransitionTime_ms: 122_000 }] });
  t.same(sim.timeseries.get("Node", "small-0", "cpu_requested_mcores").at(-1), [150_000, 0], "finished pods hold no requests");
});

t.test("restartPolicy OnFailure: container restarts in place count toward backoffLimit", async (t) => {
  const onFailure = job("retry", "fails", { backoffLimit: 2 });
  onFailure.spec.template.spec.restartPolicy = "OnFailure";
  const sim = batchCluster([onFailure], [batchApp("fails", 10_000, 1)]);
  sim.run(600_000);
  t.equal(jobEvents(sim, "SuccessfulCreate").length, 1, "one pod, restarted by the kubelet");
  // Exit at 11 s, CrashLoopBackOff 10 s, start 1 s, exit at 32 s: the second restart reaches 2.
  const failed = sim.store.get<Job>("Job", "default", "retry")!;
  t.match(failed.status.conditions, [{ type: "Failed", reason: "BackoffLimitExceeded", lastTransitionTime_ms: 32_000 }]);
  t.equal(sim.store.count("Pod"), 0, "the restarting pod is deleted");
});

t.test("a ResourceQuota on pods: creates past it fail with FailedCreate, and the Job finishes as pods complete", async (t) => {
  const quota: NewObject<ResourceQuota> = { kind: "ResourceQuota", metadata: { name: "q", namespace: "default" }, spec: { hard: { pods: 2 } }, status: { hard: {}, used: {} } };
  const sim = batchCluster([quota, job("batch", "crunch", { completions: 4, parallelism: 4 })], [batchApp("crunch", 60_000)]);
  sim.run(600_000);
  const failed = jobEvents(sim, "FailedCreate");
  t.ok(failed.length >= 1);
  t.match(failed[0], { time_ms: 0, type: "Warning", message: /^Error creating: pods "batch-\w+" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2$/ });
  const done = sim.store.get<Job>("Job", "default", "batch")!;
  t.equal(done.status.succeeded, 4);
  t.match(done.status.conditions, [{ type: "Complete" }]);
  t.same(jobEvents(sim, "SuccessfulCreate").map((e) => e.time_ms).slice(0, 2), [0, 0], "two pods at once, as the quota allows");
});
