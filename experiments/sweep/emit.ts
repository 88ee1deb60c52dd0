/**
 * Cluster job specs that run a sweep as N shards, each into its own folder, then merge them
 * (`kubesim merge`): a Kubernetes Indexed Job (JOB_COMPLETION_INDEX is the shard index) and a
 * Slurm array job (SLURM_ARRAY_TASK_ID). README "Running a sweep on a cluster" walks through both.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { UserError } from "../errors.js";
import { commonFolder } from "./base.js";

export interface K8sOptions {
  name: string;
  /** The experiment file and every file its base scenario reads, by absolute path. */
  experiment: string;
  inputs: readonly string[];
  /** A kubesim image built from this repository's Containerfile (its ENTRYPOINT is the CLI). */
  image: string;
  shards: number;
  workers: number;
}

/** The image's layout (Containerfile): the project in /app, results on the volume at /results. */
const APP = "/app";
const INPUT = "/kubesim/input";
const RESULTS = "/results";
/** Memory each worker thread may need for a long run (a simulation is held in memory whole). */
const MEMORY_PER_WORKER_MI = 1024;
/** A ConfigMap holds at most 1 MiB; leave room for its metadata. */
const MAX_CONFIGMAP_BYTES = 1_000_000;
/** The user and group the Containerfile creates (any non-root id works with the restricted level). */
const UID = 1000;

/**
 * A DNS-1123 label of at most `max` characters (`max` <= 63): `kubesim-<name>-<suffix>`, or,
 * when longer, cut and ended with 8 hex digits of its hash, so two long names stay distinct.
 */
export function resourceName(name: string, suffix: string, max = 63): string {
  const full = ["kubesim", name, suffix].filter((p) => p !== "").join("-");
  if (full.length <= max) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
  return `${full.slice(0, max - 9).replace(/-+$/, "")}-${hash}`;
}

/** IfNotPresent for a version tag or digest; a :latest (or untagged) image Kubernetes pulls on every start anyway. */
export function pullPolicy(image: string): "IfNotPresent" | "Always" {
  if (image.includes("@")) return "IfNotPresent";
  const last = image.slice(image.lastIndexOf("/") + 1);
  const tag = last.includes(":") ? last.slice(last.indexOf(":") + 1) : "latest";
  return tag === "latest" ? "Always" : "IfNotPresent";
}

/**
 * The sweep as Kubernetes objects, in one file for `kubectl apply -f`: a ConfigMap with the
 * experiment and its base scenario's files, a ReadWriteMany PersistentVolumeClaim for the
 * results, an Indexed Job (one pod per shard, each into /results/<name>/shard-<i>) and a
 * collector Pod that mounts the results, in which `kubesim merge` runs and from which
 * `kubectl cp` copies the merged sweep. Every pod meets the "restricted" Pod Security Standard.
 */
export function k8sJob(o: K8sOptions): string {
  const files = [...new Set([o.experiment, ...o.inputs])];
  const root = commonFolder(files.map((f) => path.dirname(f)));
  const rel = (f: string) => path.relative(root, f).split(path.sep).join("/");
  const data: Record<string, string> = {};
  const items: { key: string; path: string }[] = [];
  let bytes = 0;
  for (const [i, file] of files.entries()) {
    // ConfigMap keys are flat ([-._a-zA-Z0-9]+); the volume's items put each file back at its path.
    const key = `f${i}-${path.basename(file).replace(/[^-._a-zA-Z0-9]/g, "_")}`;
    data[key] = fs.readFileSync(file, "utf8");
    bytes += Buffer.byteLength(data[key]) + key.length;
    items.push({ key, path: rel(file) });
  }
  if (bytes > MAX_CONFIGMAP_BYTES) {
    throw new UserError(
      `--emit k8s-job: the experiment and its scenario files are ${bytes} bytes, more than a ConfigMap holds (1 MiB)`,
      "copy them into the image (COPY in the Containerfile) and give the Job the experiment's path there",
      2,
    );
  }
  const names = {
    input: resourceName(o.name, "input"),
    results: resourceName(o.name, "results"),
    // An Indexed Job's pods are named <job>-<index>-<random>: leave room for both.
    job: resourceName(o.name, "", 52),
    collect: resourceName(o.name, "collect"),
  };
  const sweepLabel = resourceName(o.name, "").slice("kubesim-".length);
  const labels = { "app.kubernetes.io/name": "kubesim", "kubesim.io/sweep": sweepLabel };
  const out = `${RESULTS}/${o.name}`;
  const memory = `${MEMORY_PER_WORKER_MI * o.workers}Mi`;
  const podSecurity = { runAsNonRoot: true, runAsUser: UID, runAsGroup: UID, fsGroup: UID, seccompProfile: { type: "RuntimeDefault" } };
  const containerSecurity = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };
  const container = (name: string, cpu: string) => ({
    name,
    image: o.image,
    imagePullPolicy: pullPolicy(o.image),
    workingDir: APP,
    // HOME and temporary files on a scratch volume: the root file system is read-only.
    env: [{ name: "HOME", value: "/tmp" }],
    resources: { requests: { cpu, memory }, limits: { memory } },
    securityContext: containerSecurity,
  });
  const results = { name: "results", persistentVolumeClaim: { claimName: names.results } };
  const tmp = { name: "tmp", emptyDir: {} };

  const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: names.input, labels }, data };
  const pvc = {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: names.results, labels },
    spec: { accessModes: ["ReadWriteMany"], resources: { requests: { storage: "10Gi" } } },
  };
  const job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: names.job, labels },
    spec: {
      completionMode: "Indexed",
      completions: o.shards,
      parallelism: o.shards,
      backoffLimitPerIndex: 2,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          securityContext: podSecurity,
          containers: [
            {
              ...container("kubesim", String(o.workers)),
              // The image's ENTRYPOINT is the CLI. $(VAR) is expanded by the kubelet from the
              // container's environment, where the Job controller sets JOB_COMPLETION_INDEX.
              args: ["sweep", `${INPUT}/${rel(o.experiment)}`, "--shard", `$(JOB_COMPLETION_INDEX)/${o.shards}`, "--out", `${out}/shard-$(JOB_COMPLETION_INDEX)`, "--workers", String(o.workers), "--quiet"],
              volumeMounts: [
                { name: "input", mountPath: INPUT, readOnly: true },
                { name: "results", mountPath: RESULTS },
                { name: "tmp", mountPath: "/tmp" },
              ],
            },
          ],
          volumes: [{ name: "input", configMap: { name: names.input, items } }, results, tmp],
        },
      },
    },
  };
  const collector = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: names.collect, labels },
    spec: {
      restartPolicy: "Never",
      securityContext: podSecurity,
      containers: [
        {
          ...container("collect", "100m"),
          command: ["sleep", "infinity"],
          volumeMounts: [{ name: "results", mountPath: RESULTS }, { name: "tmp", mountPath: "/tmp" }],
        },
      ],
      volumes: [results, tmp],
    },
  };
  const merge = `node ${APP}/dist/experiments/cli.js merge ${out}/shard-* --out ${out}/merged`;
  return (
    `# kubesim sweep ${o.name}: ${o.shards} shards as a Kubernetes Indexed Job, image ${o.image}.\n` +
    "#   1. kubectl apply -f THIS_FILE\n" +
    `#   2. kubectl wait --for=condition=complete --timeout=24h job/${names.job}\n` +
    `#      (kubectl get pods -l kubesim.io/sweep=${sweepLabel} shows progress; a failed shard's pod is\n` +
    "#      retried twice, and a rerun resumes the shard)\n" +
    `#   3. kubectl exec ${names.collect} -- sh -c '${merge}'\n` +
    `#   4. kubectl cp ${names.collect}:${out}/merged results/sweeps/${o.name}\n` +
    `#   5. kubectl delete job/${names.job} pod/${names.collect} configmap/${names.input}\n` +
    `#      and, once the results are copied, pvc/${names.results} (deleting it deletes them)\n` +
    "# The PersistentVolumeClaim must be ReadWriteMany (the shards' pods write at once, from any node):\n" +
    "# add a storageClassName that offers it (NFS, CephFS, EFS, Azure Files, Filestore) if the default does not,\n" +
    "# and raise its storage if the sweep is large.\n" +
    [configMap, pvc, job, collector].map((doc) => "---\n" + stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })).join("")
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
  # Run outside Slurm: submit this file as the array, then the merge that depends on it (which
  # Slurm cancels if a task fails: rerun that task, then merge with the command above).
  array=$(sbatch --parsable "$0")
  array=\${array%%;*}
  merge=$(sbatch --parsable --dependency=afterok:"$array" --kill-on-invalid-dep=yes --job-name=kubesim-${o.name}-merge --cpus-per-task=1 --chdir=${shellQuote(o.projectRoot)} --output=${shellQuote(path.join(o.logDir, `kubesim-${o.name}-merge-%j.log`))} --wrap=${shellQuote(`exec ${mergeCommand} --quiet`)})
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
