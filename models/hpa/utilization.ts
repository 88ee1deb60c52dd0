/** Port of pkg/controller/podautoscaler/metrics/utilization.go. */
import {
  addInt64,
  compareInt64,
  divInt64,
  int64ToFloat64,
  int64ToInt32,
  mulInt64,
  type Int64,
} from "./int64.js";
import type { PodMetricsInfo } from "./metrics-client.js";

export type UtilizationRatioResult =
  | { ok: true; utilizationRatio: number; currentUtilization: number; rawAverageValue: Int64 }
  | { ok: false; error: string };

// metrics/utilization.go GetResourceUtilizationRatio: utilization is the truncated integer percent
// int32(Σusage·100 / Σrequest) over pods that have both a metric and a request, and the ratio is
// computed from that truncated percent, as upstream does.
export function getResourceUtilizationRatio(
  metrics: PodMetricsInfo,
  requests: ReadonlyMap<string, Int64>,
  targetUtilization: number,
): UtilizationRatioResult {
  let metricsTotal: Int64 = 0;
  let requestsTotal: Int64 = 0;
  let numEntries = 0;
  // forEach, not for-of over entries: no [key, value] array per pod on every HPA sync.
  metrics.forEach((metric, podName) => {
    const request = requests.get(podName);
    // Missing requests are checked elsewhere, so a metric without one is extraneous.
    if (request === undefined) return;
    metricsTotal = addInt64(metricsTotal, metric.value_milli);
    requestsTotal = addInt64(requestsTotal, request);
    numEntries++;
  });
  // The set of requests can be disjoint from the set of metrics.
  if (compareInt64(requestsTotal, 0) === 0) return { ok: false, error: "no metrics returned matched known pods" };
  const currentUtilization = int64ToInt32(divInt64(mulInt64(metricsTotal, 100), requestsTotal));
  return {
    ok: true,
    utilizationRatio: currentUtilization / targetUtilization,
    currentUtilization,
    rawAverageValue: divInt64(metricsTotal, numEntries),
  };
}

// metrics/utilization.go GetMetricUsageRatio: usage is the int64 mean over the pods in the map.
export function getMetricUsageRatio(
  metrics: PodMetricsInfo,
  targetUsage: Int64,
): { usageRatio: number; currentUsage: Int64 } {
  let metricsTotal: Int64 = 0;
  for (const metric of metrics.values()) metricsTotal = addInt64(metricsTotal, metric.value_milli);
  const currentUsage = divInt64(metricsTotal, metrics.size);
  return { usageRatio: int64ToFloat64(currentUsage) / int64ToFloat64(targetUsage), currentUsage };
}
