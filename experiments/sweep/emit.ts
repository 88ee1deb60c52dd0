/**
 * Cluster job specs that run a sweep as N shards: a Kubernetes Indexed Job (one pod per shard,
 * JOB_COMPLETION_INDEX as the shard index) and a Slurm array job (SLURM_ARRAY_TASK_ID). Shards
 * write disjoint replication folders, so they can share one results volume; the last to finish
 * writes the summary (or run `kubesim merge` over per-shard folders).
 */
import path from "node:path";
import { stringify } from "yaml";

export interface EmitOptions {
  /** Experiment file as the job's working directory sees it. */
  experiment: string;
  name: string;
  shards: number;
  /** Results folder inside the job. */
  out: string;
  workers: number;
  image: string;
}

export function k8sJob(o: EmitOptions): string {
  const job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: `kubesim-sweep-${o.name}`.slice(0, 63), labels: { "app.kubernetes.io/name": "kubesim", "kubesim.io/sweep": o.name } },
    spec: {
      completionMode: "Indexed",
      completions: o.shards,
      parallelism: o.shards,
      backoffLimitPerIndex: 2,
      template: {
        spec: {
          restartPolicy: "Never",
          containers: [
            {
              name: "kubesim",
              image: o.image,
              workingDir: "/app",
              command: ["npx", "kubesim"],
              // $(VAR) is expanded by the kubelet from the container's environment, which the
              // Job controller gives JOB_COMPLETION_INDEX (0 .. completions-1).
              args: ["sweep", o.experiment, "--shard", `$(JOB_COMPLETION_INDEX)/${o.shards}`, "--out", o.out, "--workers", String(o.workers)],
              resources: { requests: { cpu: String(o.workers) } },
              volumeMounts: [{ name: "results", mountPath: "/results" }],
            },
          ],
          volumes: [{ name: "results", persistentVolumeClaim: { claimName: "kubesim-results" } }],
        },
      },
    },
  };
  return (
    `# kubesim sweep ${o.name} as ${o.shards} shards (kubectl apply -f this file).\n` +
    "# Each pod runs one shard into the shared volume; rerunning a pod resumes its shard.\n" +
    "# When all have finished, the volume holds the whole sweep (the last shard writes sweep-summary.csv).\n" +
    stringify(job, { lineWidth: 0 })
  );
}

export interface SlurmOptions {
  name: string;
  /** Absolute paths: the job runs from the project root, wherever sbatch was called. */
  experiment: string;
  projectRoot: string;
  /** Shard i writes `<out>/shard-<i>`; the merge writes `<out>/merged`. */
  out: string;
  /** Folder for the jobs' log files (must exist when the job starts). */
  logDir: string;
  shards: number;
  /** Worker threads per shard, and the CPUs each array task asks for. */
  workers: number;
}

/**
 * A Slurm array script. `sbatch FILE` submits the shards; `bash FILE` (outside a job) submits
 * them and a merge job that waits for all of them (--dependency=afterok). Every path is absolute
 * and the job starts in the project root (--chdir), so it runs from any directory; it runs the
 * project's own built CLI, never a package fetched from a registry.
 */
export function slurmScript(o: SlurmOptions): string {
  const cli = path.join(o.projectRoot, "dist", "experiments", "cli.js");
  const merged = path.join(o.out, "merged");
  const mergeCommand = `node ${shellQuote(cli)} merge ${shellQuote(o.out)}/shard-* --out ${shellQuote(merged)}`;
  const log = (what: string) => sbatchValue(path.join(o.logDir, `kubesim-${o.name}-${what}.log`));
  return `#!/bin/bash
# kubesim sweep ${o.name}: ${o.shards} shards as a Slurm array, each into its own folder ${o.out}/shard-<i>.
#
#   bash THIS_FILE     submits the shards and a merge job that runs when all of them have succeeded;
#                      the merged sweep is then ${merged} (sweep-summary.csv, report.html)
#   sbatch THIS_FILE   submits only the shards; when squeue shows none left, merge them:
#                      ${mergeCommand}
#
# Compute nodes need Node 20 on PATH and this project, built (npm run build), and ${o.out}
# on a shared file system. Rerunning a task (or the whole array) resumes it: finished
# replications are kept. Logs: ${o.logDir}/kubesim-${o.name}-*.log
#SBATCH --job-name=kubesim-${o.name}
#SBATCH --array=0-${o.shards - 1}
#SBATCH --cpus-per-task=${o.workers}
#SBATCH --chdir=${sbatchValue(o.projectRoot)}
#SBATCH --output=${log("%A_%a")}
set -euo pipefail
if [ -z "\${SLURM_JOB_ID:-}" ]; then
  # Run outside Slurm: submit this file as the array, then the merge that depends on it.
  array=$(sbatch --parsable "$0")
  array=\${array%%;*}
  merge=$(sbatch --parsable --dependency=afterok:"$array" --job-name=kubesim-${o.name}-merge --cpus-per-task=1 --chdir=${shellQuote(o.projectRoot)} --output=${shellQuote(path.join(o.logDir, `kubesim-${o.name}-merge-%j.log`))} --wrap=${shellQuote(`exec ${mergeCommand} --quiet`)})
  echo "submitted shards as job $array and their merge as job \${merge%%;*} (squeue -j $array,\${merge%%;*}); merged sweep: ${merged.replace(/[$`"\\]/g, "\\$&")}"
  exit 0
fi
cli=${shellQuote(cli)}
[ -f "$cli" ] || { echo "kubesim: $cli is missing: run npm run build in ${o.projectRoot.replace(/[$`"\\]/g, "\\$&")}" >&2; exit 2; }
exec node "$cli" sweep ${shellQuote(o.experiment)} --shard "\${SLURM_ARRAY_TASK_ID}/${o.shards}" --out ${shellQuote(o.out)}/shard-"\${SLURM_ARRAY_TASK_ID}" --workers "\${SLURM_CPUS_PER_TASK:-${o.workers}}" --quiet
`;
}

/** A word for a POSIX shell: as is when safe, else single-quoted. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./=:,+@%-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/** A value on an #SBATCH line (sbatch splits those on blanks and honours double quotes). */
function sbatchValue(s: string): string {
  return /\s/.test(s) ? `"${s}"` : s;
}
