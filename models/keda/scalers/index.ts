/**
 * pkg/scaling/scalers_builder.go buildScaler: a trigger's type selects its scaler. Each external
 * scaler turns a trigger into its HPA metric spec and turns one observation of the outside world
 * (a list length, a query value, partition offsets, the time) into GetMetricsAndActivity's answer.
 */
import { KedaConfigError, type ExternalMetricSpec, type MetricsAndActivity, type ScaleTriggers } from "../types.js";
import { cronMetricsAndActivity, cronMetricSpec, parseCronMetadata } from "./cron.js";
import { kafkaMetricsAndActivity, kafkaMetricSpec, parseKafkaMetadata, type PartitionOffsets } from "./kafka.js";
import { parsePrometheusMetadata, prometheusMetricsAndActivity, prometheusMetricSpec } from "./prometheus.js";
import { parseRedisMetadata, redisMetricsAndActivity, redisMetricSpec } from "./redis.js";

/** What one poll of a scaler reads: the field its type needs. */
export interface TriggerObservation {
  /** redis: LLEN of the list. */
  listLength?: number;
  /** prometheus: the query's value (ExecutePromQuery's result). */
  queryValue?: number;
  /** kafka: the topic's partitions with the group's and the broker's offsets. */
  partitions?: PartitionOffsets[];
  /** cron: Unix seconds. */
  now?: number;
  /** The event source could not be read (a failed query): GetMetricsAndActivity's error. */
  error?: string;
}

export interface ExternalScaler {
  getMetricSpecForScaling(triggerIndex: number): ExternalMetricSpec;
  getMetricsAndActivity(observation: TriggerObservation): MetricsAndActivity;
}

/** Trigger types that are HPA Resource metrics, not polled by KEDA. */
export const RESOURCE_TRIGGER_TYPES: readonly string[] = ["cpu", "memory"];
export const EXTERNAL_TRIGGER_TYPES: readonly string[] = ["redis", "kafka", "prometheus", "cron"];

function need<T>(value: T | undefined, type: string, field: string): T {
  if (value === undefined) throw new KedaConfigError(`a ${type} trigger's observation needs "${field}"`);
  return value;
}

/** buildScaler for the external trigger types; parse errors and unknown types are KedaConfigErrors. */
export function buildScaler(trigger: ScaleTriggers): ExternalScaler {
  const metricType = trigger.metricType;
  switch (trigger.type) {
    case "redis": {
      const meta = parseRedisMetadata(trigger);
      return {
        getMetricSpecForScaling: (i) => redisMetricSpec(meta, i, metricType),
        getMetricsAndActivity: (o) => redisMetricsAndActivity(meta, need(o.listLength, "redis", "listLength")),
      };
    }
    case "kafka": {
      const meta = parseKafkaMetadata(trigger);
      return {
        getMetricSpecForScaling: (i) => kafkaMetricSpec(meta, i, metricType),
        getMetricsAndActivity: (o) => kafkaMetricsAndActivity(meta, need(o.partitions, "kafka", "partitions")),
      };
    }
    case "prometheus": {
      const meta = parsePrometheusMetadata(trigger);
      return {
        getMetricSpecForScaling: (i) => prometheusMetricSpec(meta, i, metricType),
        getMetricsAndActivity: (o) => prometheusMetricsAndActivity(meta, need(o.queryValue, "prometheus", "queryValue")),
      };
    }
    case "cron": {
      const meta = parseCronMetadata(trigger);
      return {
        getMetricSpecForScaling: (i) => cronMetricSpec(meta, i, metricType),
        getMetricsAndActivity: (o) => cronMetricsAndActivity(meta, need(o.now, "cron", "now")),
      };
    }
    default:
      throw new KedaConfigError(`unknown trigger type ${JSON.stringify(trigger.type)}; known: ${[...EXTERNAL_TRIGGER_TYPES, ...RESOURCE_TRIGGER_TYPES].join(", ")}`);
  }
}
