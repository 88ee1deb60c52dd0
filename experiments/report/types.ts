/**
 * The run data a report is built from: a finished run's recorders (report/recorded.ts) or a run
 * folder's CSV and JSON files (report/parse.ts). Free-text fields stay strings; the report
 * escapes them where it shows them.
 */

/**
 * One (kind, name, metric) series of timeseries.csv as columns, in recording order. `value` is
 * NaN where the CSV cell is empty (no value: no traffic, nothing requested).
 */
export interface Series {
  kind: string;
  name: string;
  metric: string;
  time_s: Float64Array;
  value: Float64Array;
}

/**
 * A run's time series, read a few series at a time: a chart never needs every row (a 28-day
 * run has millions), only the series it draws, which it then thins (report/select.ts).
 */
export type MetricFilter = readonly string[] | ((metric: string) => boolean);

export interface SeriesSource {
  /** The series of `kind` whose metric is one of `metrics` (or passes it), in the order of their first row. */
  select(kind: string, metrics: MetricFilter): Series[];
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

/** One row of lag.csv (a stage of a load step); after_step_s is null where the stage was not reached. */
export interface LagEntry {
  service: string;
  hpa: string;
  step_s: number;
  direction: string;
  stage: string;
  after_step_s: number | null;
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
  timeseries: SeriesSource;
  events: EventRow[];
  decisions: DecisionRow[];
  /** lag.csv's rows (empty for a run folder written before lag.csv existed). */
  lag: LagEntry[];
  /** summary.csv's single row, column -> cell text, in the file's column order. */
  summary: Record<string, string>;
  manifest: Manifest;
  /** Each controller plugin's decision log (<name>-decisions.csv), in the run's order. */
  controllerDecisions: ControllerDecisions[];
}

/** A controller plugin's decision log: its declared columns (time_s first) and rows as text. */
export interface ControllerDecisions {
  name: string;
  columns: string[];
  rows: string[][];
}
