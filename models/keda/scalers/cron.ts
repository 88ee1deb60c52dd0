/**
 * The cron scaler: pkg/scalers/cron_scaler.go (parseCronMetadata + Validate, parseCronTimeFormat,
 * GetMetricSpecForScaling, IsActive/GetMetricsAndActivity). Schedules are robfig/cron standard
 * specs evaluated in the trigger's time zone, through the same parser and Next() as the CronJob model.
 */
import { CronSyntaxError, nextScheduleTime, parseCronSchedule, type CronSchedule } from "../../cronjob/cron-schedule.js";
import { generateMetricInMili, generateMetricNameWithIndex, getMetricTargetMili, normalizeString, optInt, reqString } from "../metrics.js";
import { KedaConfigError, type ExternalMetricSpec, type MetricsAndActivity, type ScaleTriggers } from "../types.js";

export interface CronMetadata {
  timezone: string;
  start: string;
  end: string;
  desiredReplicas: number;
  startSchedule: CronSchedule;
  endSchedule: CronSchedule;
}

/** cron_scaler.go: the metric target is one replica's worth (1), so the HPA computes desiredReplicas. */
const SPEC_REPLICAS = 1;

function schedule(expr: string, timezone: string, field: string): CronSchedule {
  try {
    return parseCronSchedule(expr, timezone);
  } catch (err) {
    if (err instanceof CronSyntaxError) throw new KedaConfigError(`error parsing ${field} schedule ${JSON.stringify(expr)}: ${err.message}`);
    throw err;
  }
}

/** parseCronMetadata + cronMetadata.Validate: timezone, start, end and desiredReplicas required; start ≠ end. */
export function parseCronMetadata(trigger: ScaleTriggers): CronMetadata {
  const meta = trigger.metadata;
  const timezone = reqString(meta, "timezone");
  const start = reqString(meta, "start");
  const end = reqString(meta, "end");
  if (meta.desiredReplicas === undefined || meta.desiredReplicas === "") throw new KedaConfigError('missing required parameter "desiredReplicas"');
  const desiredReplicas = optInt(meta, "desiredReplicas", 0);
  if (start === end) throw new KedaConfigError("start and end can not have exactly same time input");
  return { timezone, start, end, desiredReplicas, startSchedule: schedule(start, timezone, "start"), endSchedule: schedule(end, timezone, "end") };
}

/** cron_scaler.go parseCronTimeFormat: a schedule made safe for a metric name. */
export function parseCronTimeFormat(s: string): string {
  return s.replaceAll(" ", "").replaceAll("*", "x").replaceAll("/", "Sl").replaceAll("?", "Qm").replaceAll(",", "Cm");
}

/** GetMetricSpecForScaling: "s<i>-cron-<tz>-<start>-<end>", target 1. */
export function cronMetricSpec(meta: CronMetadata, triggerIndex: number, metricType?: string): ExternalMetricSpec {
  const name = normalizeString(`cron-${meta.timezone}-${parseCronTimeFormat(meta.start)}-${parseCronTimeFormat(meta.end)}`);
  return { metricName: generateMetricNameWithIndex(triggerIndex, name), target: getMetricTargetMili(metricType, SPEC_REPLICAS) };
}

/**
 * IsActive: inside the window iff the next end comes no later than the next start (both strictly
 * after now, in the trigger's zone) — so the start minute is inside and the end minute outside.
 */
export function cronIsActive(meta: CronMetadata, now_s: number): boolean {
  const nextStart = nextScheduleTime(meta.startSchedule, now_s * 1000);
  const nextEnd = nextScheduleTime(meta.endSchedule, now_s * 1000);
  if (nextEnd === null) return false;
  return nextStart === null || nextEnd <= nextStart;
}

/** GetMetricsAndActivity: desiredReplicas while the window is open, else 0. */
export function cronMetricsAndActivity(meta: CronMetadata, now_s: number): MetricsAndActivity {
  const isActive = cronIsActive(meta, now_s);
  return { metricValueMilli: generateMetricInMili(isActive ? meta.desiredReplicas : 0), isActive };
}
