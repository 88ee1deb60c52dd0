export { Simulation, PeriodicTimer, ScheduledEvent } from "./simulation.js";
export type { Handler, SimulationOptions, PeriodicOptions } from "./simulation.js";
export { RngRegistry, RandomStream, EmpiricalDistribution, logGamma } from "./rng.js";
export { Recorder } from "./record/recorder.js";
export type { Cell } from "./record/recorder.js";
export { TimeSeries, TIMESERIES_COLUMNS, type SeriesColumns } from "./record/timeseries.js";
export { CSV_CAST, csvField, csvNumber, csvText, csvTextValue } from "./record/csv.js";
