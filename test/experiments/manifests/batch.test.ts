// batch/v1 Job and CronJob: upstream's defaults, and bad input reported with file:line and field.
import t from "tap";
import { formatDiagnostic, loadManifestText } from "../../../experiments/manifests/decode.js";
import type { CronJob } from "../../../models/cronjob/types.js";
import type { Job } from "../../../models/job/types.js";

const errorsOf = (text: string, file = "batch.yaml") => loadManifestText(text, file).errors.map(formatDiagnostic);

const JOB = `apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34
        command: ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]
      restartPolicy: Never
`;

const CRONJOB = `apiVersion: batch/v1
kind: CronJob
metadata: {name: hello}
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox:1.28
          restartPolicy: OnFailure
`;

t.test("a Job with SetDefaults_Job", async (t) => {
  const r = loadManifestText(JOB, "pi.yaml");
  t.strictSame(r.errors, []);
  const job = r.objects[0] as unknown as Job;
  t.equal(job.kind, "Job");
  t.match(job.spec, { completions: 1, parallelism: 1, completionMode: "NonIndexed", backoffLimit: 6, backoffLimitPerIndex: null, activeDeadlineSeconds: null, suspend: false });
  t.equal(job.spec.template.spec.restartPolicy, "Never");

  const workQueue = loadManifestText(JOB.replace("spec:\n  template:", "spec:\n  parallelism: 4\n  template:"), "q.yaml").objects[0] as unknown as Job;
  t.equal(workQueue.spec.completions, null, "parallelism alone leaves completions unset (work queue)");
  t.equal(workQueue.spec.parallelism, 4);
});

t.test("a CronJob with SetDefaults_CronJob", async (t) => {
  const r = loadManifestText(CRONJOB, "hello.yaml");
  t.strictSame(r.errors, []);
  const cj = r.objects[0] as unknown as CronJob;
  t.match(cj.spec, { schedule: "*/5 * * * *", timeZone: null, concurrencyPolicy: "Allow", suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, startingDeadlineSeconds: null });
  t.equal(cj.spec.jobTemplate.spec.backoffLimit, 6);
});

t.test("bad input: file:line and field, upstream wording", async (t) => {
  t.strictSame(errorsOf(CRONJOB.replace('"*/5 * * * *"', '"*/5 * * *"')), [
    'batch.yaml:5 spec.schedule: Invalid value: "*/5 * * *": expected exactly 5 fields, found 4: */5 * * *',
  ]);
  t.strictSame(errorsOf(CRONJOB.replace('"*/5 * * * *"', '"0 25 * * *"')), [
    'batch.yaml:5 spec.schedule: Invalid value: "0 25 * * *": end of range (25) above maximum (23) in hour: 25',
  ]);
  t.strictSame(errorsOf(CRONJOB.replace('  schedule: "*/5 * * * *"', '  schedule: "@daily"\n  timeZone: Moon/Base')), [
    'batch.yaml:6 spec.timeZone: Invalid value: "Moon/Base": unknown time zone Moon/Base',
  ]);
  t.strictSame(errorsOf(CRONJOB.replace("restartPolicy: OnFailure", "restartPolicy: Always")), [
    'batch.yaml:13 spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
  ]);
  t.strictSame(errorsOf(JOB.replace("spec:\n  template:", "spec:\n  completionMode: Indexed\n  template:")), [
    "batch.yaml:4 spec.completions: Required value: when completion mode is Indexed",
  ]);
  t.strictSame(errorsOf(JOB.replace("spec:\n  template:", "spec:\n  backoffLimitPerIndex: 2\n  template:")), [
    "batch.yaml:5 spec.backoffLimitPerIndex: Forbidden: requires indexed completion mode",
  ]);
  t.strictSame(errorsOf(JOB.replace("spec:\n  template:", "spec:\n  podFailurePolicy:\n    rules:\n    - action: FailJob\n  template:")), [
    "batch.yaml:7 spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required",
  ]);
  t.strictSame(errorsOf(CRONJOB.replace("name: hello", `name: ${"a".repeat(53)}`)).length, 1);
});
