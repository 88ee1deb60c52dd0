/**
 * The CronJob controller in a whole cluster: Jobs on schedule in simulated time, the
 * concurrency policies, startingDeadlineSeconds, suspend and the history limits.
 */
import t from "tap";
import type { NewObject } from "../../../models/cluster/store.js";
import type { CronJob, CronJobSpec } from "../../../models/cronjob/types.js";
import { CRONJOB_SCHEDULED_TIMESTAMP } from "../../../models/cronjob/types.js";
import type { Job } from "../../../models/job/types.js";
import { batchApp, batchCluster, controllerEvents, jobSpec } from "../job/fixtures.js";

const MIN = 60_000;
// Virtual time 0 is 2025-01-01T00:00Z: minute 28,927,680 since the Unix epoch.
const EPOCH_MINUTE = Date.UTC(2025, 0, 1) / MIN;

function cronJob(name: string, app: string, spec: Partial<CronJobSpec>): NewObject<CronJob> {
  return {
    kind: "CronJob",
    metadata: { name, namespace: "default" },
    spec: {
      schedule: "*/5 * * * *", timeZone: null, startingDeadlineSeconds: null, concurrencyPolicy: "Allow", suspend: false,
      successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1,
      jobTemplate: { metadata: { labels: {}, annotations: {} }, spec: jobSpec(app) },
      ...spec,
    },
    status: { active: [], lastScheduleTime_ms: null, lastSuccessfulTime_ms: null },
  };
}

const events = (sim: ReturnType<typeof batchCluster>, reason: string) => controllerEvents(sim, "cronjob-controller", reason);
// A sync on schedule runs nextScheduleDelta (100 ms) after the scheduled minute.
const DELTA_MS = 100;
const minutesOf = (sim: ReturnType<typeof batchCluster>, reason: string) => events(sim, reason).map((e) => (e.time_ms - DELTA_MS) / MIN);
const createdMinutes = (sim: ReturnType<typeof batchCluster>) => minutesOf(sim, "SuccessfulCreate");

t.test("every 5 minutes with Forbid: a run is skipped while the previous one runs", async (t) => {
  // Each Job's pod starts 1 s after creation and works 7 minutes.
  const sim = batchCluster([cronJob("report", "seven", { concurrencyPolicy: "Forbid", startingDeadlineSeconds: 60 })], [batchApp("seven", 7 * MIN)]);
  sim.run(31 * MIN);
  // 5 runs until 12:01; 10 is skipped (JobAlreadyActive), and at 12:01 it is past its 60 s
  // starting deadline; 15 runs until 22:01, 20 is skipped; 25 runs, 30 is skipped.
  t.same(createdMinutes(sim), [5, 15, 25]);
  t.same(minutesOf(sim, "JobAlreadyActive"), [10, 20, 30]);
  t.equal(events(sim, "JobAlreadyActive")[0].message, "Not starting job because prior execution is running and concurrency policy is Forbid");
  const jobs = sim.store.list<Job>("Job");
  t.same(jobs.map((j) => j.metadata.name), [5, 15, 25].map((m) => `report-${EPOCH_MINUTE + m}`));
  t.equal(jobs[0].metadata.annotations[CRONJOB_SCHEDULED_TIMESTAMP], "2025-01-01T00:05:00Z");
  const cj = sim.store.get<CronJob>("CronJob", "default", "report")!;
  t.equal(cj.status.active.length, 1);
  t.equal(cj.status.lastScheduleTime_ms, 25 * MIN);
  t.equal(cj.status.lastSuccessfulTime_ms, 15 * MIN + DELTA_MS + 1000 + 7 * MIN, "the 15:00 Job completed at 22:01.1");
});

t.test("Forbid without a starting deadline starts the skipped run late, once the previous one ends", async (t) => {
  const sim = batchCluster([cronJob("report", "seven", { concurrencyPolicy: "Forbid" })], [batchApp("seven", 7 * MIN)]);
  sim.run(21 * MIN);
  // The 10:00 run, skipped at 10:00, starts as soon as the 5:00 Job completes (12:01.1); at
  // 15:00 and 20:00 that one still runs (until 19:01.1), and when it ends the most recent unmet
  // schedule time, 15:00, starts (mostRecentScheduleTime starts only the latest one).
  t.same(events(sim, "SuccessfulCreate").map((e) => e.time_ms), [5 * MIN + DELTA_MS, 12 * MIN + 1100, 19 * MIN + 1100 + 1000]);
  t.same(sim.store.list<Job>("Job").map((j) => j.metadata.name), [5, 10, 15].map((m) => `report-${EPOCH_MINUTE + m}`));
});

t.test("Allow runs overlap; Replace deletes the running Job first", async (t) => {
  const allow = batchCluster([cronJob("r", "seven", { concurrencyPolicy: "Allow" })], [batchApp("seven", 7 * MIN)]);
  allow.run(11 * MIN);
  t.same(createdMinutes(allow), [5, 10]);
  t.equal(allow.store.get<CronJob>("CronJob", "default", "r")!.status.active.length, 2);

  const replace = batchCluster([cronJob("r", "seven", { concurrencyPolicy: "Replace" })], [batchApp("seven", 7 * MIN)]);
  replace.run(11 * MIN);
  t.same(createdMinutes(replace), [5, 10]);
  t.same(events(replace, "SuccessfulDelete").map((e) => [e.time_ms, e.message]), [[10 * MIN + DELTA_MS, `Deleted job r-${EPOCH_MINUTE + 5}`]]);
  t.same(replace.store.list<Job>("Job").map((j) => j.metadata.name), [`r-${EPOCH_MINUTE + 10}`]);
});

t.test("suspend stops new runs; history limits keep the newest finished Jobs", async (t) => {
  const suspended = batchCluster([cronJob("r", "short", { suspend: true })], [batchApp("short", MIN)]);
  suspended.run(30 * MIN);
  t.equal(suspended.store.count("Job"), 0);

  const sim = batchCluster([cronJob("r", "short", { successfulJobsHistoryLimit: 2 })], [batchApp("short", MIN)]);
  sim.run(30.5 * MIN);
  t.same(createdMinutes(sim), [5, 10, 15, 20, 25, 30]);
  t.same(sim.store.list<Job>("Job").map((j) => j.metadata.name), [20, 25, 30].map((m) => `r-${EPOCH_MINUTE + m}`), "two finished and the running one");
});

t.test("a schedule in a time zone fires at that zone's wall-clock time", async (t) => {
  // 09:00 in Tokyo (UTC+9) is 00:00 UTC: virtual time 24 h.
  const sim = batchCluster([cronJob("r", "short", { schedule: "0 9 * * *", timeZone: "Asia/Tokyo" })], [batchApp("short", MIN)], 3 * 24 * 60 * MIN);
  sim.run(2 * 24 * 60 * MIN + MIN);
  t.same(createdMinutes(sim), [24 * 60, 48 * 60]);
});

t.test("resumed after 3 hours of suspension: TooManyMissedTimes, then only the most recent run starts", async (t) => {
  const sim = batchCluster([cronJob("r", "short", { schedule: "* * * * *", suspend: true })], [batchApp("short", 10_000)], 4 * 60 * MIN);
  sim.run(180 * MIN + 30_000);
  t.equal(sim.store.count("Job"), 0);
  const cj = sim.store.get<CronJob>("CronJob", "default", "r")!;
  cj.spec.suspend = false;
  sim.store.update(cj);
  sim.run(180 * MIN + 40_000);
  t.same(events(sim, "TooManyMissedTimes").map((e) => [e.type, e.message]), [
    ["Warning", "too many missed start times: 180. Set or decrease .spec.startingDeadlineSeconds or check clock skew"],
  ]);
  t.same(sim.store.list<Job>("Job").map((j) => j.metadata.name), [`r-${EPOCH_MINUTE + 180}`], "one Job, for 3:00");
});
