/**
 * `kubesim demo`: a kernel demonstration until the scenario runner lands: one hour of a web
 * service as an M/M/1 queue, its queue length sampled every 10 s, written as tidy CSV with a
 * vega-lite chart spec beside it.
 */
import type { Command } from "commander";
import path from "node:path";
import { Simulation, Recorder } from "../../engine/index.js";
import { writeFilesAtomically } from "../output.js";
import { UserError } from "../errors.js";

export interface DemoResult {
  csv: string;
  served: number;
  events: number;
}

export function runDemo(seed: number): DemoResult {
  const sim = new Simulation({ seed });
  const arrivals = sim.rng.stream("load/web");
  const service = sim.rng.stream("server/web");
  const recorder = new Recorder(["time_s", "kind", "name", "metric", "value"]);
  let queue = 0;
  let served = 0;
  const depart = () => {
    queue--;
    served++;
    if (queue > 0) sim.schedule(Math.round(service.exponential(1 / 100)), depart);
  };
  const arrive = (now_ms: number) => {
    queue++;
    if (queue === 1) sim.schedule(Math.round(service.exponential(1 / 100)), depart);
    // Offered load doubles for the middle 20 minutes: utilisation 0.45 -> 0.9.
    const mean_gap_ms = now_ms >= 1_200_000 && now_ms < 2_400_000 ? 111 : 222;
    sim.schedule(Math.round(arrivals.exponential(1 / mean_gap_ms)), arrive);
  };
  sim.schedule(0, arrive);
  sim.every(10_000, (now_ms) => {
    recorder.add([now_ms / 1000, "Service", "web", "queue_length", queue]);
    recorder.add([now_ms / 1000, "Service", "web", "served_total", served]);
  }, { phase_ms: 0 });
  sim.run(3_600_000);
  return { csv: recorder.toCsv(), served, events: sim.events_processed };
}

const chartSpec = {
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  description: "Queue length of the demo web service",
  data: { url: "timeseries.csv" },
  transform: [{ filter: "datum.metric === 'queue_length'" }],
  mark: "line",
  encoding: {
    x: { field: "time_s", type: "quantitative", title: "time (s)" },
    y: { field: "value", type: "quantitative", title: "requests queued" },
  },
};

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("run the kernel demo (an M/M/1 web service under a load step) and write CSV + a vega-lite chart")
    .option("--seed <n>", "run seed", "1")
    .option("--out <dir>", "output folder", "results/demo")
    .addHelpText("after", "\nExample:\n  $ npx kubesim demo --seed 7 --out results/demo-7\n")
    .action((options: { seed: string; out: string }) => {
      const seed = parseSeed(options.seed);
      const result = runDemo(seed);
      writeFilesAtomically(options.out, {
        "timeseries.csv": result.csv,
        "queue.vl.json": JSON.stringify(chartSpec, null, 2) + "\n",
      });
      process.stdout.write(
        `kernel demo: ${result.events} events, ${result.served} requests served in 1 simulated hour\n` +
          `wrote ${path.join(options.out, "timeseries.csv")} and ${path.join(options.out, "queue.vl.json")}\n`,
      );
    });
}

export function parseSeed(text: string): number {
  const seed = Number(text);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new UserError(`--seed: expected a non-negative integer, got "${text}"`, "e.g. --seed 42");
  }
  return seed;
}

