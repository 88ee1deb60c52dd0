/**
 * Cluster job specs that run a sweep as N shards: a Kubernetes Indexed Job (one pod per shard,
 * JOB_COMPLETION_INDEX as the shard index) and a Slurm array job (SLURM_ARRAY_TASK_ID). Shards
 * write disjoint replication folders, so they can share one results volume; the last to finish
 * writes the summary (or run `kubesim merge` over per-shard folders).
 */
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

export function slurmScript(o: EmitOptions): string {
  return `#!/bin/bash
# kubesim sweep ${o.name} as a Slurm array of ${o.shards} shards: sbatch this file.
# Shards write disjoint folders under one results directory; rerunning a task resumes it.
#SBATCH --job-name=kubesim-${o.name}
#SBATCH --array=0-${o.shards - 1}
#SBATCH --cpus-per-task=${o.workers}
#SBATCH --output=kubesim-${o.name}-%a.log
set -euo pipefail
npx kubesim sweep ${shellQuote(o.experiment)} --shard "\${SLURM_ARRAY_TASK_ID}/${o.shards}" --out ${shellQuote(o.out)} --workers "\${SLURM_CPUS_PER_TASK:-${o.workers}}"
`;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}
