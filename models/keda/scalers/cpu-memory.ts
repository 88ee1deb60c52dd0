/** The cpu and memory triggers: pkg/scalers/cpu_memory_scaler.go (parseResourceMetadata, GetMetricSpecForScaling). */
import { parseQuantity, QuantityError } from "../../cluster/quantity.js";
import { optInt, reqString } from "../metrics.js";
import { KedaConfigError, type ScaleTriggers } from "../types.js";

/** A Resource metric for the generated HPA: the HPA itself reads pod usage; KEDA never polls it. */
export interface ResourceMetricSpecOut {
  type: "Resource";
  resourceName: "cpu" | "memory";
  target: { type: "Utilization"; averageUtilization: number } | { type: "AverageValue"; averageValueMilli: number };
}

/** cpu_memory_scaler.go parseResourceMetadata + GetMetricSpecForScaling: metricType Utilization (default) or AverageValue, from metadata.value. */
export function cpuMemoryMetricSpec(trigger: ScaleTriggers): ResourceMetricSpecOut {
  const resourceName = trigger.type as "cpu" | "memory";
  const metricType = trigger.metricType ?? trigger.metadata.type ?? "Utilization";
  const value = reqString(trigger.metadata, "value");
  if (metricType === "Utilization") {
    const averageUtilization = optInt(trigger.metadata, "value", 0);
    return { type: "Resource", resourceName, target: { type: "Utilization", averageUtilization } };
  }
  if (metricType === "AverageValue") {
    try {
      return { type: "Resource", resourceName, target: { type: "AverageValue", averageValueMilli: Math.round(parseQuantity(value) * 1000) } };
    } catch (err) {
      if (err instanceof QuantityError) throw new KedaConfigError(`error parsing "value": ${err.message}`);
      throw err;
    }
  }
  throw new KedaConfigError(`metricType ${JSON.stringify(metricType)} is not supported for ${resourceName} triggers (use Utilization or AverageValue)`);
}
