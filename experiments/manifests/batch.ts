/**
 * batch/v1 Job and CronJob codecs, with the defaults of pkg/apis/batch/v1/defaults.go
 * (SetDefaults_Job, SetDefaults_CronJob) and the checks of pkg/apis/batch/validation/validation.go
 * (ValidateJobSpec, ValidateCronJobSpec, validateScheduleFormat, validateTimeZone).
 */
import type { NewObject } from "../../models/cluster/store.js";
import type { Labels, PodTemplateSpec } from "../../models/cluster/types.js";
import { CronSyntaxError, checkTimeZone, parseCronSchedule } from "../../models/cronjob/cron-schedule.js";
import type { CronJob } from "../../models/cronjob/types.js";
import { emptyJobStatus, type Job, type JobSpec, type PodFailurePolicyRule } from "../../models/job/types.js";
import { array, bad, bool, def, describe, int, leaf, ok, oneOf, opt, req, str, struct, type BuildContext, type Codec } from "./codec.js";
import { objectMeta, templateMeta } from "./common.js";
import { podTemplateSpec } from "./pod.js";
import { invalidValue, isDNS1123Subdomain, notSupported } from "./validation.js";

const MAX_INT32 = 2 ** 31 - 1;

const onExitCodes: Codec<NonNullable<PodFailurePolicyRule["onExitCodes"]>> = struct(
  "PodFailurePolicyOnExitCodesRequirement",
  { containerName: opt(str), operator: req(oneOf(["In", "NotIn"] as const)), values: req(array(int(0, 255))) },
  {
    // validatePodFailurePolicyRuleOnExitCodes.
    build: (f, ctx) => {
      if (f.values.length === 0) ctx.error(["values"], "Invalid value: []: at least one value is required");
      if (new Set(f.values).size !== f.values.length) ctx.error(["values"], invalidValue(f.values, "must be unique"));
      if (f.operator === "In" && f.values.includes(0)) ctx.error(["values"], invalidValue(0, "must not be 0 for the In operator"));
      return { containerName: f.containerName ?? null, operator: f.operator, values: f.values };
    },
  },
);

const onPodCondition: Codec<PodFailurePolicyRule["onPodConditions"][number]> = struct(
  "PodFailurePolicyOnPodConditionsPattern",
  { type: req(str), status: def(oneOf(["True", "False", "Unknown"] as const), () => "True" as const) },
  { build: (f) => f },
);

const podFailurePolicyRule: Codec<PodFailurePolicyRule> = struct(
  "PodFailurePolicyRule",
  {
    action: req(oneOf(["FailJob", "FailIndex", "Ignore", "Count"] as const)),
    onExitCodes: opt(onExitCodes),
    onPodConditions: opt(array(onPodCondition)),
  },
  {
    build: (f, ctx) => {
      if (f.onExitCodes !== undefined && f.onPodConditions !== undefined) ctx.error([], "Invalid value: specifying both OnExitCodes and OnPodConditions is not supported");
      if (f.onExitCodes === undefined && f.onPodConditions === undefined) ctx.error([], "Invalid value: specifying one of OnExitCodes and OnPodConditions is required");
      return { action: f.action, onExitCodes: f.onExitCodes ?? null, onPodConditions: f.onPodConditions ?? [] };
    },
  },
);

const podFailurePolicy = struct("PodFailurePolicy", { rules: req(array(podFailurePolicyRule)) }, { build: (f) => f });

/** The JobSpec fields, shared by Job.spec and CronJob.spec.jobTemplate.spec. */
function checkJobSpec(
  f: { completionMode?: JobSpec["completionMode"]; completions?: number; backoffLimitPerIndex?: number; template?: PodTemplateSpec; podFailurePolicy?: unknown },
  ctx: BuildContext,
): void {
  if (f.completionMode === "Indexed" && f.completions === undefined) ctx.error(["completions"], "Required value: when completion mode is Indexed");
  if (f.backoffLimitPerIndex !== undefined && f.completionMode !== "Indexed") ctx.error(["backoffLimitPerIndex"], "Forbidden: requires indexed completion mode");
  const restartPolicy = f.template?.spec.restartPolicy;
  if (restartPolicy !== undefined && restartPolicy !== "OnFailure" && restartPolicy !== "Never") {
    ctx.error(["template", "spec", "restartPolicy"], notSupported(restartPolicy, ["OnFailure", "Never"]));
  }
  if (f.podFailurePolicy !== undefined && restartPolicy !== undefined && restartPolicy !== "Never") {
    ctx.error(["template", "spec", "restartPolicy"], invalidValue(restartPolicy, 'only "Never" is supported when podFailurePolicy is specified'));
  }
}

/** batch/v1 JobSpec, validated and defaulted as the API server does (KEDA's ScaledJob embeds one). */
export const jobSpec: Codec<JobSpec> = struct(
  "JobSpec",
  {
    parallelism: opt(int(0)),
    completions: opt(int(0)),
    completionMode: def(oneOf(["NonIndexed", "Indexed"] as const), () => "NonIndexed" as const),
    backoffLimit: opt(int(0)),
    backoffLimitPerIndex: opt(int(0)),
    activeDeadlineSeconds: opt(int(1, Number.MAX_SAFE_INTEGER)),
    ttlSecondsAfterFinished: opt(int(0)),
    suspend: def(bool, () => false),
    podFailurePolicy: opt(podFailurePolicy),
    template: req(podTemplateSpec),
  },
  {
    unmodelled: ["selector", "manualSelector", "maxFailedIndexes", "successPolicy", "podReplacementPolicy", "managedBy"],
    check: (f, ctx) => checkJobSpec(f, ctx),
    // SetDefaults_Job: with neither completions nor parallelism both are 1; parallelism alone
    // leaves completions unset (a work queue). backoffLimit is 6, or MaxInt32 with a per-index limit.
    build: (f) => ({
      completions: f.completions ?? (f.parallelism === undefined ? 1 : null),
      parallelism: f.parallelism ?? 1,
      completionMode: f.completionMode,
      backoffLimit: f.backoffLimit ?? (f.backoffLimitPerIndex !== undefined ? MAX_INT32 : 6),
      backoffLimitPerIndex: f.backoffLimitPerIndex ?? null,
      activeDeadlineSeconds: f.activeDeadlineSeconds ?? null,
      ttlSecondsAfterFinished: f.ttlSecondsAfterFinished ?? null,
      suspend: f.suspend,
      podFailurePolicy: f.podFailurePolicy ?? null,
      template: f.template,
    }),
  },
);

/** batch/v1 Job (ValidateJobName = NameIsDNSSubdomain; the label value of its pods limits it to 63). */
export const jobCodec: Codec<NewObject<Job>> = struct(
  "Job",
  { metadata: req(objectMeta(isDNS1123Subdomain)), spec: req(jobSpec) },
  {
    accepted: ["apiVersion", "kind"],
    unmodelled: ["status"],
    build: (f) => ({ kind: "Job" as const, metadata: f.metadata, spec: f.spec, status: emptyJobStatus() }),
  },
);

/** validateScheduleFormat: the schedule must parse as a standard cron expression. */
const cronScheduleText: Codec<string> = leaf("cron schedule", (u) => {
  if (typeof u !== "string") return bad(`expected a cron schedule such as "*/5 * * * *", got ${describe(u)}`);
  try {
    parseCronSchedule(u);
  } catch (e) {
    if (e instanceof CronSyntaxError) return bad(invalidValue(u, e.message));
    throw e;
  }
  return ok(u);
});

/** validateTimeZone: a zone of the IANA database. */
const timeZoneName: Codec<string> = leaf("time zone", (u) => {
  if (typeof u !== "string") return bad(`expected a time zone name such as "Europe/Paris", got ${describe(u)}`);
  try {
    checkTimeZone(u);
  } catch (e) {
    if (e instanceof CronSyntaxError) return bad(invalidValue(u, e.message));
    throw e;
  }
  return ok(u);
});

const jobTemplate: Codec<{ metadata: { labels: Labels; annotations: Labels }; spec: JobSpec }> = struct(
  "JobTemplateSpec",
  { metadata: def(templateMeta, () => ({ labels: {}, annotations: {} })), spec: req(jobSpec) },
  { build: (f) => f },
);

const cronJobSpec: Codec<CronJob["spec"]> = struct(
  "CronJobSpec",
  {
    schedule: req(cronScheduleText),
    timeZone: opt(timeZoneName),
    startingDeadlineSeconds: opt(int(0, Number.MAX_SAFE_INTEGER)),
    concurrencyPolicy: def(oneOf(["Allow", "Forbid", "Replace"] as const), () => "Allow" as const),
    suspend: def(bool, () => false),
    successfulJobsHistoryLimit: def(int(0), () => 3),
    failedJobsHistoryLimit: def(int(0), () => 1),
    jobTemplate: req(jobTemplate),
  },
  { build: (f) => ({ ...f, timeZone: f.timeZone ?? null, startingDeadlineSeconds: f.startingDeadlineSeconds ?? null }) },
);

/** ValidateCronJobCreate: names longer than 52 characters leave no room for the Job's suffix. */
const MAX_CRONJOB_NAME_LENGTH = 52;

/** batch/v1 CronJob. */
export const cronJobCodec: Codec<NewObject<CronJob>> = struct(
  "CronJob",
  { metadata: req(objectMeta(isDNS1123Subdomain)), spec: req(cronJobSpec) },
  {
    accepted: ["apiVersion", "kind"],
    unmodelled: ["status"],
    build: (f, ctx) => {
      if (f.metadata.name.length > MAX_CRONJOB_NAME_LENGTH) {
        ctx.error(["metadata", "name"], invalidValue(f.metadata.name, `must be no more than ${MAX_CRONJOB_NAME_LENGTH} characters`));
      }
      return { kind: "CronJob" as const, metadata: f.metadata, spec: f.spec, status: { active: [], lastScheduleTime_ms: null, lastSuccessfulTime_ms: null } };
    },
  },
);
