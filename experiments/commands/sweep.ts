/**
 * `kubesim sweep EXPERIMENT.yaml [--workers N] [--shard i/N] [--out DIR] [--force] [--fail-fast]
 * [--emit slurm|k8s-job [--shards N] [--image IMAGE]]`: runs every (cell, replication) of an
 * experiment on all cores, resumably, into DIR; or, with --emit, writes a Slurm array script or
 * Kubernetes objects that run it as N shards and merge them (experiments/sweep/emit.ts). Bad input exits 2,
 * writing nothing; a run that fails is one line on stderr, and the sweep then exits 1 without a summary.
 */
import type { Command } from "commander";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { UserError } from "../errors.js";
import { parseShard, type Shard } from "../sweep/design.js";
import { k8sJob, slurmScript } from "../sweep/emit.js";
import { writeFileAtomically } from "../output.js";
import { planSweep, type Plan } from "../sweep/plan.js";
import { BUILT_CLI, PACKAGE_ROOT } from "../version.js";
import { runSweep } from "../sweep/sweep.js";
import { printDiagnostics } from "./validate.js";
import { warningsMode, WARNINGS_FLAG, WARNINGS_HELP } from "./warnings.js";

export interface SweepCommandOptions {
  workers?: string;
  shard?: string;
  out?: string;
  emit?: string;
  shards?: string;
  image?: string;
  force?: boolean;
  failFast?: boolean;
  /** false with --no-charts: sweep-summary.csv only, no report.html or charts/. */
  charts?: boolean;
  quiet?: boolean;
  warnings?: string;
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
  if (options.emit === "k8s-job") {
    if (options.image === undefined) {
      throw new UserError("--emit k8s-job needs --image: a kubesim image the cluster's nodes can pull", "build one from the Containerfile (docker build -t registry.example/kubesim:0.1.0 -f Containerfile .), push it, then add --image registry.example/kubesim:0.1.0", 2);
    }
    if (options.out !== undefined) throw new UserError("--out does not apply to --emit k8s-job: the Job writes to its results volume (/results/<name>/shard-<i>)", "leave --out out; the steps to collect the results are at the top of the emitted file", 2);
  }
  if (options.emit === "slurm" && /[%$`]/.test(options.out ?? "")) {
    throw new UserError(`--out ${options.out}: give the folder that holds the shards, without % or $`, "the script writes shard i into <out>/shard-<i> itself and merges into <out>/merged, e.g. --out results/sweeps/NAME", 2);
  }
  const mode = warningsMode(options);
  const plan = planSweep(file);
  // The base scenario's warnings and those the cells add, once for the whole sweep.
  printDiagnostics((text) => process.stderr.write(text), { warnings: plan.warnings, errors: [] }, mode);
  const out = options.out ?? path.join("results", "sweeps", plan.experiment.name);

  if (options.emit !== undefined) {
    emitJob(file, plan, options.emit, options);
    return;
  }

  const result = await runSweep(plan, { out, workers, shard, quiet: options.quiet, force: options.force, failFast: options.failFast, noReport: options.charts === false });
  if (!options.quiet) {
    const share = shard === null ? "" : ` (shard ${shard.index}/${shard.count})`;
    process.stdout.write(
      `sweep ${plan.experiment.name}${share}: ${result.ran} runs done, ${result.skipped} already finished; ` +
        (result.complete ? `wrote ${path.join(out, "sweep-summary.csv")}${options.charts === false ? "" : ` and ${path.join(out, "report.html")}`}\n` : `other shards still to run into ${out}/\n`),
    );
  }
}

/** Writes `<name>.slurm.sh` or `<name>.job.yaml` into the current folder: the sweep as N shards on a cluster. */
function emitJob(file: string, plan: Plan, kind: string, options: SweepCommandOptions): void {
  const name = plan.experiment.name;
  const shards = options.shards === undefined ? 8 : parseCount("--shards", options.shards, 100_000);
  // One worker (and one CPU) per shard unless asked: a cluster's nodes are not this machine.
  const workers = options.workers === undefined ? 1 : parseCount("--workers", options.workers, MAX_WORKERS);
  const target = kind === "k8s-job" ? `${name}.job.yaml` : `${name}.slurm.sh`;
  let text: string;
  let next: string;
  if (kind === "slurm") {
    const out = path.resolve(options.out ?? path.join("results", "sweeps", name));
    const logDir = path.resolve(".");
    for (const [what, p] of [["the project folder", PACKAGE_ROOT], ["the current folder", logDir], ["--out", out], ["the experiment file", path.resolve(file)]] as const) {
      if (/["\n%]/.test(p)) throw new UserError(`${what} ${JSON.stringify(p)} contains " % or a newline, which #SBATCH lines cannot carry`, "move or rename it", 2);
    }
    text = slurmScript({ name, experiment: path.resolve(file), projectRoot: PACKAGE_ROOT, out, logDir, shards, workers });
    next = `submit: bash ${target} (shards, then a merge job into ${path.join(out, "merged")}), or sbatch ${target} (shards only)`;
    if (!fs.existsSync(BUILT_CLI)) next += `; first build the project: npm run build (in ${PACKAGE_ROOT})`;
  } else {
    const inputs = Object.keys(plan.baseCopy.files).map((f) => path.join(plan.baseCopy.from, f));
    text = k8sJob({ name, experiment: path.resolve(file), inputs, image: options.image!, shards, workers });
    next = `then: kubectl apply -f ${target}; the steps to wait and collect are at its top`;
  }
  writeFileAtomically(target, text);
  process.stdout.write(`wrote ${target}: ${plan.units.length} runs (${plan.cells.length} cells x ${plan.experiment.replications} replications) as ${shards} shards, ${workers} worker${workers === 1 ? "" : "s"} each\n${next}\n`);
}

export function registerSweep(program: Command): void {
  program
    .command("sweep")
    .description("run an experiment (factors x replications) on all cores, resumably; or emit a cluster job that runs it in shards")
    .argument("<experiment>", "experiment YAML file (kind: Experiment)")
    .option("--workers <n>", "worker threads (default: all cores; with --emit: 1 per shard, which is also the CPUs each shard requests)")
    .option("--shard <i/N>", "run only shard i of N (units with index mod N = i)")
    .option("--out <dir>", "output folder: new, or this experiment's own sweep folder (resumes it) (default results/sweeps/<name>); with --emit slurm, the folder of the shards (<dir>/shard-<i>) and the merge (<dir>/merged)")
    .option("--force", "write into an existing folder that is not a sweep folder (only kubesim's files there are replaced)")
    .option("--fail-fast", "start no run after the first one that fails (default: run the others, then report every failure)")
    .option("--no-charts", "write sweep-summary.csv only: no report.html or charts/ (no chart rendering)")
    .option("--emit <k8s-job|slurm>", "write a Kubernetes Indexed Job or a Slurm array script instead of running")
    .option("--shards <N>", "number of shards of an emitted job (default 8)")
    .option("--image <image>", "container image of an emitted Kubernetes Job, built from the Containerfile (required with --emit k8s-job)")
    .option("--quiet", "no progress bar, no summary line, no warnings")
    .option(WARNINGS_FLAG, WARNINGS_HELP)
    .addHelpText("after", "\nExamples:\n  $ npx kubesim sweep experiments/sweeps/resolution-vs-sync.yaml --out results/sweeps/resolution-vs-sync\n  $ npx kubesim sweep EXP.yaml --emit slurm --shards 16 --out results/sweeps/exp\n  $ npx kubesim sweep EXP.yaml --emit k8s-job --shards 16 --image registry.example/kubesim:0.1.0\n")
    .action(async (file: string, options: SweepCommandOptions) => {
      await sweepCommand(file, options);
    });
}
