export { Simulation, PeriodicTimer, ScheduledEvent } from "./simulation.js";
export type { Handler, SimulationOptions, PeriodicOptions } from "./simulation.js";
export { RngRegistry, RandomStream, EmpiricalDistribution, logGamma } from "./rng.js";
export { Recorder } from "./recorder.js";
export type { Cell } from "./recorder.js";
export { TimeSeries, TIMESERIES_COLUMNS, type SeriesColumns } from "./timeseries.js";
export { CSV_CAST, csvField, csvNumber, csvText, csvTextValue } from "./csv.js";
