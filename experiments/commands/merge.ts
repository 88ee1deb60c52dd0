/**
 * `kubesim merge DIR... --out OUT [--force]`: combines the shard folders of one sweep into one
 * folder, after checking every shard (experiments/sweep/merge.ts).
 */
import type { Command } from "commander";
import { UserError } from "../errors.js";
import { mergeSweeps } from "../sweep/merge.js";

interface MergeCommandOptions {
  out: string;
  force?: boolean;
  /** false with --no-charts: sweep-summary.csv only. */
  charts?: boolean;
  quiet?: boolean;
}

export async function mergeCommand(dirs: string[], options: MergeCommandOptions): Promise<void> {
  const r = await mergeSweeps(dirs, options.out, { force: options.force, noReport: options.charts === false });
  if (r.missing > 0) {
    throw new UserError(`merged ${r.copied} runs into ${options.out}/, but ${r.missing} replication(s) are in none of the folders; no summary written`, "run the missing shards, then merge again", 1);
  }
  if (!options.quiet) process.stdout.write(`merged ${r.copied} runs (${r.present} already there) into ${options.out}/; wrote sweep-summary.csv${options.charts === false ? "" : " and report.html"}\n`);
}

export function registerMerge(program: Command): void {
  program
    .command("merge")
    .description("combine the shard folders of one sweep into one folder, with its summary and report")
    .argument("<dirs...>", "sweep output folders (shards of the same experiment)")
    .requiredOption("--out <dir>", "merged output folder (new, or a sweep folder of the same experiment)")
    .option("--force", "write into an existing folder that is not a sweep folder (only kubesim's files there are replaced)")
    .option("--no-charts", "write sweep-summary.csv only: no report.html or charts/")
    .option("--quiet", "no summary line")
    .addHelpText("after", "\nExample:\n  $ npx kubesim merge results/shard-0 results/shard-1 --out results/merged\n")
    .action(async (dirs: string[], options: MergeCommandOptions) => {
      await mergeCommand(dirs, options);
    });
}
