/**
 * The run data a report is built from: the runner's CSV and JSON files, parsed into rows.
 * Free-text fields stay strings; the report escapes them where it shows them.
 */

/** One row of timeseries.csv. `value` is null where the CSV cell is empty or NaN (no traffic). */
export interface TimeseriesRow {
  time_s: number;
  kind: string;
  name: string;
  metric: string;
  value: number | null;
}

/** One row of events.csv. */
export interface EventRow {
  time_s: number;
  component: string;
  kind: string;
  name: string;
  event: string;
  reason: string;
  message: string;
}

/** One row of decisions.csv (one HPA sync). Counts are null where the cell is empty. */
export interface DecisionRow {
  time_s: number;
  hpa: string;
  current_replicas: number | null;
  metrics: string;
  metric_desired_replicas: number | null;
  stabilized_replicas: number | null;
  limited_replicas: number | null;
  desired_replicas: number | null;
  rescale: boolean;
  path: string;
  stabilization_reason: string;
  limiting_reason: string;
  able_to_scale: string;
  scaling_active: string;
  scaling_limited: string;
}

/** manifest.json: only the fields the report reads are typed; the rest is kept as is. */
export interface Manifest {
  scenario?: { name?: string; description?: string };
  seed?: number | string;
  slo?: { latencyP95_ms?: number };
  [key: string]: unknown;
}

/** Everything a report needs from one run. */
export interface RunData {
  timeseries: TimeseriesRow[];
  events: EventRow[];
  decisions: DecisionRow[];
  /** summary.csv's single row, column -> cell text, in the file's column order. */
  summary: Record<string, string>;
  manifest: Manifest;
}
