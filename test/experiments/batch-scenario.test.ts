/**
 * Jobs and CronJobs end to end: ordinary batch/v1 YAML through the scenario loader into a whole
 * cluster, a batch app that runs to completion, and bad input reported with file:line and field.
 */
import t from "tap";
import fs from "node:fs";
import path from "node:path";
import { formatDiagnostic } from "../../experiments/manifests/decode.js";
import { loadScenario } from "../../experiments/scenario/load.js";
import { ClusterSimulation } from "../../experiments/simulator.js";
import type { Pod } from "../../models/cluster/types.js";
import type { CronJob } from "../../models/cronjob/types.js";
import type { Job } from "../../models/job/types.js";
import { tempDir } from "../temp-dir.js";

const MANIFESTS = `apiVersion: batch/v1
kind: Job
metadata: {name: crunch}
spec:
  completions: 6
  parallelism: 3
  template:
    metadata:
      annotations: {sim.kubesim.io/app: crunch}
    spec:
      containers:
      - name: work
        image: busybox
        resources: {requests: {cpu: "1"}}
      restartPolicy: Never
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "*/5 * * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        metadata:
          annotations: {sim.kubesim.io/app: crunch}
        spec:
          containers:
          - name: work
            image: busybox
          restartPolicy: Never
`;

function scenario(manifests: string, extra = ""): string {
  const dir = tempDir("kubesim-batch-");
  fs.writeFileSync(path.join(dir, "batch.yaml"), manifests);
  fs.writeFileSync(path.join(dir, "scenario.yaml"), `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: batch}
seed: 5
duration: 12m
cluster:
  nodeGroups: [{name: pool, count: 1, cpu: "4", memory: 16Gi}]
manifests: [batch.yaml]
apps:
  - {name: crunch, baselineCpu: 900m, runDuration: 2m}
${extra}`);
  return path.join(dir, "scenario.yaml");
}

t.test("a Job and a CronJob from YAML run in the cluster and use its CPU", async (t) => {
  const loaded = loadScenario(scenario(MANIFESTS));
  t.strictSame(loaded.errors, []);
  t.strictSame(loaded.warnings.map(formatDiagnostic), [], "no kind is dropped");
  const sim = new ClusterSimulation(loaded.config!);
  sim.run(3 * 60_000);
  // Three Job pods of 1 CPU each, on a 4-CPU node, run at once.
  const running = sim.store.list<Pod>("Pod").filter((p) => p.status.phase === "Running");
  t.equal(running.length, 3);
  const usage = sim.timeseries.get("Node", "pool-0", "cpu_usage_mcores");
  t.ok(usage.some(([, v]) => v >= 2700), `the node's CPU shows the three pods' 900m each (max ${Math.max(...usage.map(([, v]) => v))}m)`);
  sim.run();
  const job = sim.store.get<Job>("Job", "default", "crunch")!;
  t.equal(job.status.succeeded, 6);
  t.match(job.status.conditions, [{ type: "Complete", status: "True" }]);
  const cj = sim.store.get<CronJob>("CronJob", "default", "report")!;
  t.equal(cj.status.lastScheduleTime_ms, 10 * 60_000, "runs at 5 and 10 minutes of simulated time");
  t.equal(sim.events.count("cronjob-controller", "Normal", "SuccessfulCreate"), 2);
});

t.test("bad batch input: an invalid cron expression, a Job too wide for the pod limit", async (t) => {
  // Messages with the scenario's folder left out.
  const errorsOf = (file: string) => loadScenario(file).errors.map((d) => formatDiagnostic(d).replace(`${path.dirname(file)}/`, ""));
  t.strictSame(errorsOf(scenario(MANIFESTS.replace('"*/5 * * * *"', '"*/5 * * * MON-XYZ"'))), [
    'batch.yaml:21 spec.schedule: Invalid value: "*/5 * * * MON-XYZ": failed to parse day of week value "XYZ" in MON-XYZ',
  ]);
  t.strictSame(errorsOf(scenario(MANIFESTS.replace("parallelism: 3", "parallelism: 300"), "limits: {pods: 100}\n")), [
    "batch.yaml:6 spec.parallelism: the manifests ask for up to 301 pods (300 here), more than 100 (raise limits.pods if you mean it)",
  ]);
});
