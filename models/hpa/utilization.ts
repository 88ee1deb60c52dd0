/**
 * Port of pkg/controller/podautoscaler/metrics/utilization.go over the replica calculator's
 * PodMetricRows (its PodMetricsInfo laid out by the pod list, see pod-metric-rows.ts): the sums
 * upstream takes over the map, in the same order.
 */
import {
  addInt64,
  compareInt64,
  divInt64,
  int64ToFloat64,
  int64ToInt32,
  mulInt64,
  type Int64,
} from "./int64.js";
import type { PodMetricRows } from "./pod-metric-rows.js";

export interface UtilizationRatio {
  ok: true;
  utilizationRatio: number;
  currentUtilization: number;
  rawAverageValue: Int64;
}

export type UtilizationRatioResult = UtilizationRatio | { ok: false; error: string };

/** A UtilizationRatio to pass as `out` (filled in on success). */
export function newUtilizationRatio(): UtilizationRatio {
  return { ok: true, utilizationRatio: 0, currentUtilization: 0, rawAverageValue: 0 };
}

/**
 * metrics/utilization.go GetResourceUtilizationRatio over rows, `requests[r]` being row r's
 * request: utilization is the truncated integer percent int32(Σusage·100 / Σrequest) over pods
 * that have both a metric and a request (missing requests are checked elsewhere, so a metric
 * without one is extraneous, as are the entries for pods outside the list), and the ratio is
 * computed from that truncated percent, as upstream does.
 */
export function getResourceUtilizationRatioOfRows(
  metrics: PodMetricRows,
  requests: readonly (Int64 | undefined)[],
  targetUtilization: number,
  out: UtilizationRatio = newUtilizationRatio(),
): UtilizationRatioResult {
  let metricsTotal: Int64 = 0;
  let requestsTotal: Int64 = 0;
  let numEntries = 0;
  for (let r = 0; r < metrics.rowCount; r++) {
    if (metrics.has[r] === 0) continue;
    const request = requests[r];
    if (request === undefined) continue;
    metricsTotal = addInt64(metricsTotal, metrics.value_milli[r]);
    requestsTotal = addInt64(requestsTotal, request);
    numEntries++;
  }
  return utilizationRatioOfTotals(metricsTotal, requestsTotal, numEntries, targetUtilization, out);
}

// The end of GetResourceUtilizationRatio, from its sums.
function utilizationRatioOfTotals(
  metricsTotal: Int64,
  requestsTotal: Int64,
  numEntries: number,
  targetUtilization: number,
  out: UtilizationRatio,
): UtilizationRatioResult {
  // The set of requests can be disjoint from the set of metrics.
  if (compareInt64(requestsTotal, 0) === 0) return { ok: false, error: "no metrics returned matched known pods" };
  const currentUtilization = int64ToInt32(divInt64(mulInt64(metricsTotal, 100), requestsTotal));
  out.utilizationRatio = currentUtilization / targetUtilization;
  out.currentUtilization = currentUtilization;
  out.rawAverageValue = divInt64(metricsTotal, numEntries);
  return out;
}

export interface MetricUsageRatio {
  usageRatio: number;
  currentUsage: Int64;
}

/**
 * metrics/utilization.go GetMetricUsageRatio over rows: usage is the int64 mean over every entry,
 * the other pods' ones too.
 */
export function getMetricUsageRatioOfRows(metrics: PodMetricRows, targetUsage: Int64): MetricUsageRatio {
  let metricsTotal: Int64 = 0;
  for (let r = 0; r < metrics.rowCount; r++) {
    if (metrics.has[r] !== 0) metricsTotal = addInt64(metricsTotal, metrics.value_milli[r]);
  }
  for (const value of metrics.otherValues_milli) metricsTotal = addInt64(metricsTotal, value);
  return metricUsageRatioOfTotal(metricsTotal, metrics.size, targetUsage);
}

// The end of GetMetricUsageRatio, from its sum.
function metricUsageRatioOfTotal(metricsTotal: Int64, count: number, targetUsage: Int64): MetricUsageRatio {
  const currentUsage = divInt64(metricsTotal, count);
  return { usageRatio: int64ToFloat64(currentUsage) / int64ToFloat64(targetUsage), currentUsage };
}
