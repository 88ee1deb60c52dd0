/**
 * How an HPA's metrics appear in timeseries.csv: one series per metric of its spec, named for
 * what it measures with its unit last (`cpu_utilization_pct`, `memory_average_mib`,
 * `http_requests_average`), and its target beside it (`target_cpu_utilization_pct`). Values are
 * in that unit, not the API's milli-units: memory in MiB rather than `83928023000m`.
 *
 * The writer (the sampler) and the readers (the report's and compare's charts) both use this
 * module, so a series name always parses back into the label and unit it was written with.
 */
import type { Int64 } from "../models/hpa/int64.js";
import type { MetricSpec, MetricTarget, MetricValueStatus } from "../models/hpa/types.js";

/** The series of one HPA metric and of its target. */
export interface HpaMetricSeries {
  metric: string;
  targetMetric: string;
  /** The spec's target in the series' unit (undefined for a metric kubesim cannot name). */
  targetValue: number | undefined;
  /** A status value (currentMetrics) in the series' unit, undefined when the target type's field is absent. */
  read(current: MetricValueStatus): number | undefined;
}

/** The HPA's own series, which are not metrics. */
const REPLICA_SERIES = new Set(["desired_replicas", "current_replicas"]);

export const TARGET_PREFIX = "target_";

const BYTES_PER_MIB = 1024 * 1024;

/** Units by name suffix: what the chart's axis says. */
const UNITS: readonly [suffix: string, unit: string][] = [
  ["_pct", "% of request"],
  ["_mcores", "millicores"],
  ["_mib", "MiB"],
];

/**
 * The series for each metric of `metrics` (an HPA's spec), in spec order. A name used twice
 * (the same metric with two selectors) gets the metric's index appended from its second use.
 */
export function hpaMetricSeries(metrics: readonly MetricSpec[]): HpaMetricSeries[] {
  const used = new Set<string>();
  return metrics.map((spec, index) => {
    const { stem, unit, target, fromMilli } = describeSpec(spec);
    // The unit stays last: `cpu_utilization_1_pct`.
    const metric = used.has(stem + unit) ? `${stem}_${index}${unit}` : stem + unit;
    used.add(metric);
    const read = (v: MetricValueStatus | MetricTarget): number | undefined => {
      switch (target.type) {
        case "Utilization":
          return v.averageUtilization_percent ?? undefined;
        case "AverageValue":
          return v.averageValue_milli === undefined || v.averageValue_milli === null ? undefined : fromMilli(v.averageValue_milli);
        case "Value":
          return v.value_milli === undefined || v.value_milli === null ? undefined : fromMilli(v.value_milli);
        default:
          return undefined;
      }
    };
    return { metric, targetMetric: TARGET_PREFIX + metric, targetValue: read(target), read };
  });
}

/** Whether an HPA series is one of its metrics' current values (not a target, not a replica count). */
export function isHpaMetricValue(metric: string): boolean {
  return !REPLICA_SERIES.has(metric) && !metric.startsWith(TARGET_PREFIX);
}

/** A series name as an axis reads it: `memory_average_mib` → {label "memory average", unit "MiB"}. */
export function describeHpaSeries(metric: string): { label: string; unit: string } {
  for (const [suffix, unit] of UNITS) {
    if (metric.endsWith(suffix)) return { label: metric.slice(0, -suffix.length).replaceAll("_", " "), unit };
  }
  // Pods, Object and External metrics carry the metric's own unit, which the API does not say;
  // their names are identifiers, kept as written.
  const unit = "the metric's own units";
  if (metric.endsWith("_average")) return { label: `${metric.slice(0, -"_average".length)} per pod`, unit };
  if (metric.endsWith("_value")) return { label: metric.slice(0, -"_value".length), unit };
  return { label: metric, unit };
}

const toNumber = (v: Int64): number => Number(v);

interface SpecSeries {
  /** The name without its unit suffix. */
  stem: string;
  /** One of UNITS' suffixes, or "" when the unit is the metric's own. */
  unit: string;
  target: MetricTarget;
  fromMilli: (v: Int64) => number;
}

function describeSpec(spec: MetricSpec): SpecSeries {
  const plain = (stem: string): SpecSeries => ({
    stem,
    unit: "",
    target: { type: "", value_milli: null, averageValue_milli: null, averageUtilization_percent: null },
    fromMilli: toNumber,
  });
  const resource = (name: string, target: MetricTarget, prefix: string): SpecSeries => {
    if (target.type === "Utilization") return { stem: `${prefix}${name}_utilization`, unit: "_pct", target, fromMilli: toNumber };
    if (name === "cpu") return { stem: `${prefix}cpu_average`, unit: "_mcores", target, fromMilli: toNumber };
    if (name === "memory" || name === "ephemeral-storage") return { stem: `${prefix}${name}_average`, unit: "_mib", target, fromMilli: (v) => Number(v) / 1000 / BYTES_PER_MIB };
    return { stem: `${prefix}${name}_average`, unit: "", target, fromMilli: (v) => Number(v) / 1000 };
  };
  // Pods, Object and External metrics: the metric's own unit, from the API's milli-units.
  const custom = (name: string, target: MetricTarget): SpecSeries => ({
    stem: `${name}_${target.type === "Value" ? "value" : "average"}`,
    unit: "",
    target,
    fromMilli: (v) => Number(v) / 1000,
  });
  switch (spec.type) {
    case "Resource":
      return spec.resource ? resource(spec.resource.name, spec.resource.target, "") : plain("resource");
    case "ContainerResource":
      return spec.containerResource ? resource(spec.containerResource.name, spec.containerResource.target, `${spec.containerResource.container}_`) : plain("container_resource");
    case "Pods":
      return spec.pods ? custom(spec.pods.metric.name, spec.pods.target) : plain("pods");
    case "Object":
      return spec.object ? custom(spec.object.metric.name, spec.object.target) : plain("object");
    case "External":
      return spec.external ? custom(spec.external.metric.name, spec.external.target) : plain("external");
    default:
      return plain(String(spec.type).toLowerCase() || "metric");
  }
}
