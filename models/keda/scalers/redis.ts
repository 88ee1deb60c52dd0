/** The Redis list scaler: pkg/scalers/redis_scaler.go (parseRedisMetadata, GetMetricSpecForScaling, GetMetricsAndActivity). */
import { generateMetricInMili, generateMetricNameWithIndex, getMetricTargetMili, normalizeString, optInt, optString, reqString } from "../metrics.js";
import { KedaConfigError, type ExternalMetricSpec, type MetricsAndActivity, type ScaleTriggers } from "../types.js";

export interface RedisMetadata {
  listName: string;
  /** Target items per replica (default 5). */
  listLength: number;
  /** Active iff the list is longer than this (default 0). */
  activationListLength: number;
  address: string;
}

const DEFAULT_LIST_LENGTH = 5;

/** redis_scaler.go parseRedisMetadata: listName required; an address, or a host and a port. */
export function parseRedisMetadata(trigger: ScaleTriggers): RedisMetadata {
  const meta = trigger.metadata;
  const auth = trigger.authParams;
  const listName = reqString(meta, "listName");
  const listLength = optInt(meta, "listLength", DEFAULT_LIST_LENGTH);
  const activationListLength = optInt(meta, "activationListLength", 0);
  let address = optString(meta, "address", auth);
  if (address === undefined) {
    const host = optString(meta, "host", auth);
    const port = optString(meta, "port", auth);
    if (host === undefined || port === undefined) throw new KedaConfigError('no address or host and port given: set "address", or both "host" and "port"');
    address = `${host}:${port}`;
  }
  return { listName, listLength, activationListLength, address };
}

/** redis_scaler.go GetMetricSpecForScaling: "s<i>-redis-<listName>", target listLength. */
export function redisMetricSpec(meta: RedisMetadata, triggerIndex: number, metricType?: string): ExternalMetricSpec {
  return {
    metricName: generateMetricNameWithIndex(triggerIndex, normalizeString(`redis-${meta.listName}`)),
    target: getMetricTargetMili(metricType, meta.listLength),
  };
}

/** redis_scaler.go GetMetricsAndActivity: the LLEN; active iff strictly above activationListLength. */
export function redisMetricsAndActivity(meta: RedisMetadata, listLength: number): MetricsAndActivity {
  return { metricValueMilli: generateMetricInMili(listLength), isActive: listLength > meta.activationListLength };
}
