/**
 * `kubesim sweep EXPERIMENT.yaml [--workers N] [--shard i/N] [--out DIR] [--force] [--fail-fast]
 * [--emit k8s-job|slurm]`: runs every (cell, replication) of an experiment on all cores, resumably,
 * into DIR; or, with --emit, writes a cluster job spec that runs it as N shards. Bad input exits 2,
 * writing nothing; a run that fails is one line on stderr, and the sweep then exits 1 without a summary.
 */
import type { Command } from "commander";
import os from "node:os";
import path from "node:path";
import { UserError } from "../errors.js";
import { parseShard, type Shard } from "../sweep/design.js";
import { k8sJob, slurmScript } from "../sweep/emit.js";
import { writeFileAtomically } from "../output.js";
import { planSweep } from "../sweep/plan.js";
import { runSweep } from "../sweep/sweep.js";

export interface SweepCommandOptions {
  workers?: string;
  shard?: string;
  out?: string;
  emit?: string;
  shards?: string;
  image?: string;
  force?: boolean;
  failFast?: boolean;
  quiet?: boolean;
}

// More threads than this is a typo (each holds a whole simulation in memory).
const MAX_WORKERS = 1024;

function parseCount(flag: string, text: string, max: number): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new UserError(`${flag}: expected an integer from 1 to ${max}, got "${text}"`, `e.g. ${flag} 4`, 2);
  return n;
}

export async function sweepCommand(file: string, options: SweepCommandOptions): Promise<void> {
  // Flags first: a bad flag should not wait for the plan check.
  const workers = options.workers === undefined ? os.availableParallelism() : parseCount("--workers", options.workers, MAX_WORKERS);
  let shard: Shard | null = null;
  if (options.shard !== undefined) {
    shard = parseShard(options.shard);
    if (shard === null) throw new UserError(`--shard: expected i/N with 0 <= i < N, got "${options.shard}"`, "e.g. --shard 0/4 (shards 0/4 .. 3/4 together run everything)", 2);
  }
  if (options.emit !== undefined && options.emit !== "k8s-job" && options.emit !== "slurm") {
    throw new UserError(`--emit: expected k8s-job or slurm, got "${options.emit}"`, "e.g. --emit k8s-job --shards 8", 2);
  }
  const plan = planSweep(file);
  const out = options.out ?? path.join("results", "sweeps", plan.experiment.name);

  if (options.emit !== undefined) {
    const shards = options.shards === undefined ? 8 : parseCount("--shards", options.shards, 100_000);
    const spec = {
      experiment: file,
      name: plan.experiment.name,
      shards,
      out: options.out ?? `/results/${plan.experiment.name}`,
      workers: options.workers === undefined ? 4 : workers,
      image: options.image ?? "kubesim:latest",
    };
    const target = options.emit === "k8s-job" ? `${plan.experiment.name}.job.yaml` : `${plan.experiment.name}.slurm.sh`;
    writeFileAtomically(target, options.emit === "k8s-job" ? k8sJob(spec) : slurmScript(spec));
    process.stdout.write(`wrote ${target}: ${plan.units.length} runs (${plan.cells.length} cells x ${plan.experiment.replications} replications) as ${shards} shards\n`);
    return;
  }

  const result = await runSweep(plan, { out, workers, shard, quiet: options.quiet, force: options.force, failFast: options.failFast });
  if (!options.quiet) {
    const share = shard === null ? "" : ` (shard ${shard.index}/${shard.count})`;
    process.stdout.write(
      `sweep ${plan.experiment.name}${share}: ${result.ran} runs done, ${result.skipped} already finished; ` +
        (result.complete ? `wrote ${path.join(out, "sweep-summary.csv")} and ${path.join(out, "report.html")}\n` : `other shards still to run into ${out}/\n`),
    );
  }
}

export function registerSweep(program: Command): void {
  program
    .command("sweep")
    .description("run an experiment (factors x replications) on all cores, resumably; or emit a cluster job that runs it in shards")
    .argument("<experiment>", "experiment YAML file (kind: Experiment)")
    .option("--workers <n>", "worker threads (default: all cores)")
    .option("--shard <i/N>", "run only shard i of N (units with index mod N = i)")
    .option("--out <dir>", "output folder: new, or this experiment's own sweep folder (resumes it) (default results/sweeps/<name>)")
    .option("--force", "write into an existing folder that is not a sweep folder (only kubesim's files there are replaced)")
    .option("--fail-fast", "start no run after the first one that fails (default: run the others, then report every failure)")
    .option("--emit <k8s-job|slurm>", "write a Kubernetes Indexed Job or a Slurm array script instead of running")
    .option("--shards <N>", "number of shards of an emitted job (default 8)")
    .option("--image <image>", "container image of an emitted Kubernetes Job (default kubesim:latest)")
    .option("--quiet", "no progress bar, no summary line")
    .addHelpText("after", "\nExamples:\n  $ npx kubesim sweep experiments/sweeps/resolution-vs-sync.yaml --out results/sweeps/resolution-vs-sync\n  $ npx kubesim sweep EXP.yaml --emit k8s-job --shards 16\n")
    .action(async (file: string, options: SweepCommandOptions) => {
      await sweepCommand(file, options);
    });
}
