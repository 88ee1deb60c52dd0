/**
 * Sweeps on clusters (issue 20): the emitted Slurm script (run here by bash with stand-ins for
 * sbatch and node, which record their arguments), output folders a user cannot write, sweep
 * folders that are whole wherever they are collected, merges byte-identical wherever the folders
 * are, run manifests that name the simulator's sources, and the Kubernetes objects of a sweep.
 * The real Slurm run is scripts/test-slurm.sh (npm run test:slurm).
 */
import t from "tap";
import { spawnSync } from "node:child_process";
import { parseAllDocuments } from "yaml";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { planSweep } from "../../../experiments/sweep/plan.js";
import { runSweep, sweepManifest } from "../../../experiments/sweep/sweep.js";
import { mergeSweeps } from "../../../experiments/sweep/merge.js";
import { parseExperiment } from "../../../experiments/sweep/experiment.js";
import { k8sJob, pullPolicy, resourceName, slurmScript } from "../../../experiments/sweep/emit.js";
import { loadScenario } from "../../../experiments/scenario/load.js";
import { computeSourceHash, PACKAGE_ROOT, sourceHash } from "../../../experiments/version.js";
import { tree } from "./helpers.js";
import { ConfigMap, PersistentVolumeClaim, Pod } from "kubernetes-models/v1";
import { Job } from "kubernetes-models/batch/v1";
import { tempDir } from "../../temp-dir.js";

t.setTimeout(180_000);

const EXPERIMENT = path.resolve("test/experiments/sweep/fixtures/tiny-grid.yaml");
const CLI = path.resolve("experiments/cli.ts");
const tmp = tempDir("kubesim-cluster-");
// By URL: `--import tsx` would be looked up from the child's working folder.
const TSX = import.meta.resolve("tsx");
const cli = (cwd: string, ...args: string[]) => spawnSync(process.execPath, ["--import", TSX, CLI, ...args], { encoding: "utf8", cwd });

/**
 * A folder of stand-in commands that append their arguments (one per line, then a blank line) to
 * `<bin>/calls`; sbatch also prints a job id as `sbatch --parsable` does.
 */
function standIns(): { bin: string; calls: () => string[][] } {
  const bin = fs.mkdtempSync(path.join(tmp, "bin-"));
  const record = `#!/bin/bash\n{ echo "$(basename "$0")"; for a in "$@"; do echo "$a"; done; echo; } >> ${JSON.stringify(path.join(bin, "calls"))}\n`;
  fs.writeFileSync(path.join(bin, "node"), record, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, "sbatch"), `${record}echo "4242;cluster"\n`, { mode: 0o755 });
  const calls = () => {
    const text = fs.existsSync(path.join(bin, "calls")) ? fs.readFileSync(path.join(bin, "calls"), "utf8") : "";
    return text.split("\n\n").filter((c) => c !== "").map((c) => c.split("\n"));
  };
  return { bin, calls };
}

t.test("Slurm script (defects 1, 3, 4): project root, the built CLI, the CPUs asked for, a folder per shard, a dependent merge", async (t) => {
  // A project root and an output folder whose names a shell would split or expand unquoted.
  const root = path.join(tmp, "my project");
  fs.mkdirSync(path.join(root, "dist", "experiments"), { recursive: true });
  fs.writeFileSync(path.join(root, "dist", "experiments", "cli.js"), "");
  const out = path.join(tmp, "out $HOME 'q'");
  const logDir = path.join(tmp, "logs");
  const script = slurmScript({ name: "tiny-grid", experiment: EXPERIMENT, projectRoot: root, out, logDir, shards: 3, workers: 1 });
  t.match(script, /^#SBATCH --array=0-2$/m);
  t.match(script, /^#SBATCH --cpus-per-task=1$/m, "one CPU for one worker (defect 1)");
  t.match(script, new RegExp(`^#SBATCH --chdir="${root}"$`, "m"), "starts in the project root (defect 3)");
  t.notMatch(script, /npx/, "never npx (defect 3)");
  t.match(slurmScript({ name: "x", experiment: EXPERIMENT, projectRoot: root, out, logDir, shards: 3, workers: 6 }), /^#SBATCH --cpus-per-task=6$/m);

  const file = path.join(tmp, "tiny-grid.slurm.sh");
  fs.writeFileSync(file, script);
  const { bin, calls } = standIns();
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}`, SLURM_JOB_ID: undefined };

  // As an array task: SLURM_JOB_ID and the task id set; run from another folder.
  const task = spawnSync("bash", [file], { cwd: os.tmpdir(), encoding: "utf8", env: { ...env, SLURM_JOB_ID: "7", SLURM_ARRAY_TASK_ID: "2", SLURM_CPUS_PER_TASK: "1" } });
  t.equal(task.status, 0, task.stderr);
  t.same(calls()[0], ["node", path.join(root, "dist", "experiments", "cli.js"), "sweep", EXPERIMENT, "--shard", "2/3", "--out", `${out}/shard-2`, "--workers", "1", "--quiet"], "shard 2 into <out>/shard-2, the variable expanded, the rest literal (defect 4)");

  // Outside Slurm: submits itself as the array, then the merge with --dependency=afterok on it.
  fs.rmSync(path.join(bin, "calls"));
  const submit = spawnSync("bash", [file], { cwd: tmp, encoding: "utf8", env });
  t.equal(submit.status, 0, submit.stderr);
  const [array, merge] = calls();
  t.same(array, ["sbatch", "--parsable", file]);
  t.equal(merge[0], "sbatch");
  t.ok(merge.includes("--dependency=afterok:4242"), "the merge waits for every shard");
  t.ok(merge.includes("--kill-on-invalid-dep=yes"), "and is cancelled if one fails, not left pending for ever");
  t.ok(merge.includes(`--chdir=${root}`));
  t.match(submit.stdout, /submitted shards as job 4242 and their merge as job 4242/);
  // The merge job's command (sbatch --wrap runs it with sh): every shard folder, into <out>/merged.
  const wrap = merge.find((a) => a.startsWith("--wrap="))!.slice("--wrap=".length);
  for (let i = 0; i < 3; i++) fs.mkdirSync(path.join(out, `shard-${i}`), { recursive: true });
  fs.rmSync(path.join(bin, "calls"));
  const merged = spawnSync("sh", ["-c", wrap], { encoding: "utf8", env });
  t.equal(merged.status, 0, merged.stderr);
  t.same(calls()[0], ["node", path.join(root, "dist", "experiments", "cli.js"), "merge", ...[0, 1, 2].map((i) => `${out}/shard-${i}`), "--out", path.join(out, "merged"), "--quiet"]);

  // Without a build, a task says what to do instead of a node stack trace.
  fs.rmSync(path.join(root, "dist"), { recursive: true });
  const unbuilt = spawnSync("bash", [file], { encoding: "utf8", env: { ...env, SLURM_JOB_ID: "7", SLURM_ARRAY_TASK_ID: "0" } });
  t.equal(unbuilt.status, 2);
  t.match(unbuilt.stderr, /cli\.js is missing: run npm run build in .*my project/);
});

t.test("kubesim sweep --emit slurm from another folder (defects 1, 3, 4)", async (t) => {
  const elsewhere = fs.mkdtempSync(path.join(tmp, "elsewhere-"));
  const r = cli(elsewhere, "sweep", EXPERIMENT, "--emit", "slurm", "--shards", "2", "--out", "results/grid");
  t.equal(r.status, 0, r.stderr);
  const script = fs.readFileSync(path.join(elsewhere, "tiny-grid.slurm.sh"), "utf8");
  t.match(script, /^#SBATCH --cpus-per-task=1$/m, "default: one worker, one CPU");
  t.match(script, new RegExp(`^#SBATCH --chdir=${PACKAGE_ROOT}$`, "m"));
  t.ok(script.includes(`exec node "$cli" sweep ${EXPERIMENT} `), "the experiment by its absolute path");
  t.ok(script.includes(`--out ${path.join(elsewhere, "results", "grid")}/shard-"\${SLURM_ARRAY_TASK_ID}"`), "--out resolved where the user typed it");
  t.match(r.stdout, /2 shards, 1 worker each\nsubmit: bash tiny-grid\.slurm\.sh/);

  const four = cli(elsewhere, "sweep", EXPERIMENT, "--emit", "slurm", "--workers", "4");
  t.equal(four.status, 0, four.stderr);
  t.match(fs.readFileSync(path.join(elsewhere, "tiny-grid.slurm.sh"), "utf8"), /^#SBATCH --cpus-per-task=4$/m);

  for (const bad of ["x-%a", "x-${SLURM_ARRAY_TASK_ID}"]) {
    const e = cli(elsewhere, "sweep", EXPERIMENT, "--emit", "slurm", "--out", bad);
    t.equal(e.status, 2, bad);
    t.match(e.stderr, /^kubesim: --out .*: give the folder that holds the shards, without % or \$/, bad);
  }
});

t.test("an output folder the user cannot write is their mistake, exit 2, not an internal error (defect 2)", async (t) => {
  // Root may write anywhere: run the CLI as nobody then, into a folder only root may write.
  const locked = path.join(tmp, "locked");
  fs.mkdirSync(locked);
  fs.chmodSync(tmp, 0o755);
  fs.chmodSync(locked, 0o555);
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const want = path.join(locked, "results", "x");
  const message = `cannot write to ${want}: permission denied (creating ${path.join(locked, "results")})`;
  const canRun = spawnSync(process.execPath, ["-e", `fs.accessSync(${JSON.stringify(CLI)}); fs.accessSync(${JSON.stringify(fileURLToPath(TSX))})`], asNobody).status === 0;
  if (canRun) {
    const r = spawnSync(process.execPath, ["--import", TSX, CLI, "sweep", EXPERIMENT, "--out", want, "--quiet"], { encoding: "utf8", ...asNobody });
    t.equal(r.status, 2, r.stderr);
    t.equal(r.stderr.split("\n")[0], `kubesim: ${message}`);
    t.notMatch(r.stderr, /internal error|kubesim bug/);
  } else {
    // The checkout is not readable by nobody (a private CI folder): the same mkdir error, from a stand-in fs.
    const denied = Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
    const mkdirSync = (p: fs.PathLike, o?: fs.MakeDirectoryOptions) => {
      if (String(p).startsWith(locked + path.sep)) throw denied;
      return fs.mkdirSync(p, o);
    };
    const output = await t.mockImport<typeof import("../../../experiments/output.js")>("../../../experiments/output.js", { "node:fs": { ...fs, default: { ...fs, mkdirSync } } });
    t.throws(() => output.writeFilesAtomically(want, { "a.txt": "x" }), { message, exitCode: 2 });
  }
  t.same(fs.readdirSync(locked), [], "nothing written");
});

t.test("an absolute scenario: path is used as is (defect 7)", async (t) => {
  const base = path.resolve("test/experiments/sweep/fixtures/tiny.yaml");
  const r = parseExperiment(`apiVersion: kubesim.io/v1alpha1\nkind: Experiment\nmetadata: {name: abs}\nscenario: ${base}\nfactors:\n  duration: [1m]\n`, path.join(tmp, "sub", "exp.yaml"));
  t.same(r.errors, []);
  t.equal(r.experiment?.scenario, base);
});

const plan = planSweep(EXPERIMENT);

t.test("a sweep folder carries its base scenario: its cells load wherever it is moved (defect 7)", async (t) => {
  const first = path.join(tmp, "first");
  await runSweep(plan, { out: first, workers: 1, shard: null, quiet: true, noReport: true });
  const moved = path.join(tmp, "far", "away", "collected");
  fs.mkdirSync(path.dirname(moved), { recursive: true });
  fs.renameSync(first, moved);
  const cell = path.join(moved, "cells", plan.cells[0].id, "scenario.yaml");
  const text = fs.readFileSync(cell, "utf8");
  t.match(text, /^extends: \.\.\/\.\.\/base\/test\/experiments\/sweep\/fixtures\/tiny\.yaml$/m, "extends the folder's own copy");
  t.notMatch(text, /\.\.\/\.\.\/\.\.\/\.\.\//);
  const loaded = loadScenario(cell);
  t.same(loaded.errors, []);
  t.ok(loaded.scenario.files.every((f) => path.resolve(f).startsWith(moved + path.sep)), "every file read from the collected folder");
});

t.test("merge byte-identical with the folders in different places (defect 5)", async (t) => {
  // Two shard folders at different depths, one sorting before the checkout's scenario files and
  // one after them (made inside the checkout, so this holds wherever CI puts it).
  const scenarios = path.join(PACKAGE_ROOT, "experiments", "scenarios");
  const before = fs.mkdtempSync(path.join(PACKAGE_ROOT, ".kubesim-test-"));
  const after = fs.mkdtempSync(path.join(PACKAGE_ROOT, "~kubesim-test-"));
  t.teardown(() => [before, after].forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const shard0 = path.join(before, "deep", "er", "s0");
  const shard1 = path.join(after, "s1");
  t.ok(shard0 < scenarios && shard1 > scenarios, `${shard0} < ${scenarios} < ${shard1}`);
  await runSweep(plan, { out: shard0, workers: 1, shard: { index: 0, count: 2 }, quiet: true, noReport: true });
  await runSweep(plan, { out: shard1, workers: 1, shard: { index: 1, count: 2 }, quiet: true, noReport: true });
  const single = path.join(tmp, "single");
  await runSweep(plan, { out: single, workers: 1, shard: null, quiet: true, noReport: true });
  for (const [i, out] of [path.join(before, "m"), path.join(after, "x", "y", "m")].entries()) {
    await mergeSweeps([shard0, shard1], out, { noReport: true });
    const a = tree(single);
    const b = tree(out);
    t.same([...b.keys()], [...a.keys()], `merge ${i}: same files`);
    t.same([...a.keys()].filter((k) => a.get(k) !== b.get(k)), [], `merge ${i}: same bytes`);
  }
});

t.test("merge refuses folders that ran different base scenarios", async (t) => {
  const a = path.join(tmp, "base-a");
  const b = path.join(tmp, "base-b");
  await runSweep(plan, { out: a, workers: 1, shard: { index: 0, count: 2 }, quiet: true, noReport: true });
  await runSweep(plan, { out: b, workers: 1, shard: { index: 1, count: 2 }, quiet: true, noReport: true });
  const edited = path.join(b, "base", "test", "experiments", "sweep", "fixtures", "tiny.yaml");
  fs.appendFileSync(edited, "# edited\n");
  const out = path.join(tmp, "base-merged");
  await t.rejects(mergeSweeps([a, b], out, { noReport: true }), {
    message: `merge: ${edited} differs from ${path.join(a, "base", "test", "experiments", "sweep", "fixtures", "tiny.yaml")}: these folders ran different base scenarios; nothing was merged`,
    exitCode: 2,
  });
  t.notOk(fs.existsSync(out), "nothing written");
});

t.test("manifest.json names the kubesim version and a hash of its sources, the same wherever the sources are (defect 6)", async (t) => {
  const out = path.join(tmp, "version");
  await runSweep(plan, { out, workers: 1, shard: { index: 0, count: 8 }, quiet: true, noReport: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(out, "cells", plan.cells[0].id, "rep-0", "manifest.json"), "utf8"));
  t.same(manifest.kubesim, { version: JSON.parse(fs.readFileSync("package.json", "utf8")).version, source_sha256: sourceHash() }, "no git commit");
  t.match(sourceHash(), /^[0-9a-f]{64}$/);
  // A copy of the sources elsewhere (as in an image or another checkout) hashes the same; an edit does not.
  const copy = path.join(tmp, "copy", "of", "kubesim");
  for (const entry of ["package.json", "index.ts", "engine", "models", "experiments"]) fs.cpSync(path.join(PACKAGE_ROOT, entry), path.join(copy, entry), { recursive: true });
  fs.writeFileSync(path.join(copy, "experiments", "notes.md"), "not a source file\n");
  t.equal(computeSourceHash(copy), sourceHash());
  fs.appendFileSync(path.join(copy, "engine", "index.ts"), "\n");
  t.not(computeSourceHash(copy), sourceHash(), "an edited source, another hash");
});

/** The API server's rules for what the emitter writes (apimachinery validation; quantities as resource.ParseQuantity takes them). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CONFIGMAP_KEY = /^[-._a-zA-Z0-9]+$/;
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+)?$/;
type Doc = Record<string, any>;

// Kubernetes' own OpenAPI schema of each kind the emitter writes (kubernetes-models).
const SCHEMAS: Record<string, new (data: Doc) => { validate(): void }> = { ConfigMap, PersistentVolumeClaim, Job, Pod };

/**
 * The emitted objects against Kubernetes' OpenAPI schema (types, required fields, enums), then
 * the rules the schema cannot state — the API server's name, label, key and quantity rules and
 * the "restricted" Pod Security Standard — field by field: returns the problems found.
 */
function k8sProblems(docs: Doc[]): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => ok || problems.push(what);
  for (const d of docs) {
    const Schema = SCHEMAS[d.kind];
    if (Schema === undefined) {
      problems.push(`${d.kind}: no schema to check it against`);
      continue;
    }
    try {
      new Schema(d).validate();
    } catch (e) {
      problems.push(`${d.kind}/${d.metadata?.name}: OpenAPI schema: ${(e as Error).message}`);
    }
  }
  for (const d of docs) {
    const where = `${d.kind}/${d.metadata?.name}`;
    check(typeof d.apiVersion === "string" && typeof d.kind === "string", `${where}: apiVersion and kind`);
    check(DNS_LABEL.test(d.metadata.name) && d.metadata.name.length <= 63, `${where}: name is not a DNS-1123 label of <= 63 characters`);
    for (const [k, v] of Object.entries(d.metadata.labels ?? {})) check(typeof v === "string" && LABEL_VALUE.test(v) && v.length <= 63, `${where}: label ${k}=${String(v)}`);
  }
  const pods: [string, Doc][] = [];
  for (const d of docs) {
    const where = `${d.kind}/${d.metadata.name}`;
    if (d.kind === "ConfigMap") for (const key of Object.keys(d.data)) check(CONFIGMAP_KEY.test(key) && key.length <= 253, `${where}: key ${key}`);
    if (d.kind === "PersistentVolumeClaim") {
      check(d.spec.accessModes.includes("ReadWriteMany"), `${where}: not ReadWriteMany`);
      check(QUANTITY.test(d.spec.resources.requests.storage), `${where}: storage`);
    }
    if (d.kind === "Job") {
      check(d.apiVersion === "batch/v1" && d.spec.completionMode === "Indexed", `${where}: an Indexed batch/v1 Job`);
      check(d.metadata.name.length <= 52, `${where}: longer than 52 characters leaves no room for pod names`);
      check(Number.isInteger(d.spec.completions) && d.spec.parallelism <= d.spec.completions && Number.isInteger(d.spec.backoffLimitPerIndex), `${where}: counts`);
      check(["Never", "OnFailure"].includes(d.spec.template.spec.restartPolicy), `${where}: a Job's pods must not restart Always`);
      pods.push([where, d.spec.template.spec]);
    }
    if (d.kind === "Pod") pods.push([where, d.spec]);
  }
  for (const [where, spec] of pods) {
    check(spec.securityContext?.runAsNonRoot === true && spec.securityContext.runAsUser !== 0, `${where}: runAsNonRoot`);
    check(spec.securityContext?.seccompProfile?.type === "RuntimeDefault", `${where}: seccompProfile RuntimeDefault`);
    const volumes = new Map<string, Doc>(spec.volumes.map((v: Doc) => [v.name, v]));
    for (const v of spec.volumes) {
      check(["configMap", "emptyDir", "persistentVolumeClaim"].some((k) => k in v), `${where}: volume ${v.name} of a type the restricted level refuses`);
      for (const item of v.configMap?.items ?? []) check(!item.path.split("/").includes("..") && !item.path.startsWith("/"), `${where}: item path ${item.path}`);
      if (v.persistentVolumeClaim) check(docs.some((d) => d.kind === "PersistentVolumeClaim" && d.metadata.name === v.persistentVolumeClaim.claimName), `${where}: claim ${v.persistentVolumeClaim.claimName} not emitted`);
      if (v.configMap) {
        const cm = docs.find((d) => d.kind === "ConfigMap" && d.metadata.name === v.configMap.name);
        check(cm !== undefined && v.configMap.items.every((i: Doc) => i.key in cm.data), `${where}: configMap ${v.configMap.name} or its keys not emitted`);
      }
    }
    for (const c of spec.containers) {
      const at = `${where} container ${c.name}`;
      check(DNS_LABEL.test(c.name), `${at}: name`);
      check(c.securityContext?.allowPrivilegeEscalation === false, `${at}: allowPrivilegeEscalation`);
      check(JSON.stringify(c.securityContext?.capabilities?.drop) === '["ALL"]' && c.securityContext.capabilities.add === undefined, `${at}: capabilities`);
      check(c.securityContext?.privileged !== true, `${at}: privileged`);
      check(["cpu", "memory"].every((r) => QUANTITY.test(c.resources?.requests?.[r] ?? "")), `${at}: cpu and memory requests`);
      check(c.resources.limits.memory === c.resources.requests.memory, `${at}: memory limit`);
      check(["Always", "IfNotPresent", "Never"].includes(c.imagePullPolicy), `${at}: imagePullPolicy`);
      for (const m of c.volumeMounts) check(volumes.has(m.name), `${at}: mount of undeclared volume ${m.name}`);
    }
  }
  return problems;
}

const docsOf = (text: string): Doc[] => parseAllDocuments(text).map((d) => d.toJS() as Doc).filter((d) => d !== null);

t.test("Kubernetes Job (defect 8): --image required, valid objects, the experiment in a ConfigMap that loads as the same sweep", async (t) => {
  const elsewhere = fs.mkdtempSync(path.join(tmp, "k8s-"));
  const noImage = cli(elsewhere, "sweep", EXPERIMENT, "--emit", "k8s-job");
  t.equal(noImage.status, 2);
  t.equal(noImage.stderr.split("\n")[0], "kubesim: --emit k8s-job needs --image: a kubesim image the cluster's nodes can pull");
  t.same(fs.readdirSync(elsewhere), [], "nothing written");

  const r = cli(elsewhere, "sweep", EXPERIMENT, "--emit", "k8s-job", "--shards", "3", "--workers", "2", "--image", "registry.example:5000/kubesim:0.1.0");
  t.equal(r.status, 0, r.stderr);
  const text = fs.readFileSync(path.join(elsewhere, "tiny-grid.job.yaml"), "utf8");
  t.notMatch(text, /npx|&a\d|\*a\d/, "no npx, no YAML aliases");
  const docs = docsOf(text);
  t.same(docs.map((d) => d.kind), ["ConfigMap", "PersistentVolumeClaim", "Job", "Pod"]);
  t.same(k8sProblems(docs), []);
  const job = docs[2];
  const c = job.spec.template.spec.containers[0];
  t.equal(c.image, "registry.example:5000/kubesim:0.1.0");
  t.equal(c.imagePullPolicy, "IfNotPresent", "a version tag is not pulled again");
  t.same(c.resources.requests, { cpu: "2", memory: "2048Mi" }, "the workers asked for");
  t.same(c.args.slice(2), ["--shard", "$(JOB_COMPLETION_INDEX)/3", "--out", "/results/tiny-grid/shard-$(JOB_COMPLETION_INDEX)", "--workers", "2", "--quiet"]);
  t.match(text, /kubectl wait --for=condition=complete .*job\/kubesim-tiny-grid\n/, "how to wait");
  t.match(text, /kubectl exec kubesim-tiny-grid-collect -- sh -c 'node \/app\/dist\/experiments\/cli\.js merge \/results\/tiny-grid\/shard-\* --out \/results\/tiny-grid\/merged'/, "how to merge");
  t.match(text, /kubectl cp kubesim-tiny-grid-collect:\/results\/tiny-grid\/merged /, "how to collect");

  // The ConfigMap's files, laid out as the kubelet mounts them (each item under a timestamped
  // folder, reached through the symlinks ..data and <top-level entry> -> ..data/<entry>), are the same sweep.
  const mount = path.join(tmp, "k8s-mount");
  const [configMap] = docs;
  const items: Doc[] = job.spec.template.spec.volumes.find((v: Doc) => v.name === "input").configMap.items;
  for (const item of items) {
    const file = path.join(mount, "..2026_12_04_00_00_00.1", item.path);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, configMap.data[item.key]);
  }
  fs.symlinkSync("..2026_12_04_00_00_00.1", path.join(mount, "..data"));
  for (const top of new Set(items.map((i) => i.path.split("/")[0]))) fs.symlinkSync(`..data/${top}`, path.join(mount, top));
  const mounted = planSweep(c.args[1].replace(/^\/kubesim\/input/, mount));
  t.same(sweepManifest(mounted), sweepManifest(plan), "the same cells, values and seeds");
  t.same(mounted.baseCopy.files, plan.baseCopy.files, "the same base scenario files");

  t.equal(pullPolicy("kubesim:latest"), "Always");
  t.equal(pullPolicy("registry.example:5000/kubesim"), "Always", "no tag is :latest");
  t.equal(pullPolicy("kubesim@sha256:" + "0".repeat(64)), "IfNotPresent");
});

t.test("the schema check catches what the API server would refuse", async (t) => {
  const r = docsOf(k8sJob({ name: "x", experiment: EXPERIMENT, inputs: Object.keys(plan.baseCopy.files).map((f) => path.join(plan.baseCopy.from, f)), image: "kubesim:0.1.0", shards: 2, workers: 1 }));
  const job = structuredClone(r[2]);
  job.spec.completions = "two";
  t.match(k8sProblems([job]).join("\n"), /OpenAPI schema: .*completions must be integer/);
});

t.test("Kubernetes names from a 57-character experiment name: valid, <= 63 characters, hash-suffixed, distinct (defect 8)", async (t) => {
  const long = (last: string) => `a-very-long-experiment-name-about-the-hpa-sync-periods-${last}`;
  t.equal(long("x1").length, 57);
  const inputs = Object.keys(plan.baseCopy.files).map((f) => path.join(plan.baseCopy.from, f));
  const emit = (name: string) => docsOf(k8sJob({ name, experiment: EXPERIMENT, inputs, image: "kubesim:0.1.0", shards: 2, workers: 1 }));
  const a = emit(long("x1"));
  const b = emit(long("x2"));
  t.same(k8sProblems(a), []);
  t.same(k8sProblems(b), []);
  for (const d of a) t.match(d.metadata.name, /-[0-9a-f]{8}$/, `${d.kind} name hash-suffixed`);
  t.equal(a[2].metadata.name.length, 52);
  t.ok(a.every((d, i) => d.metadata.name !== b[i].metadata.name), "two long names stay distinct");
  t.equal(resourceName("x", "input"), "kubesim-x-input", "short names as they are");
  // A cut that ends at a "-" does not leave "--" before the hash.
  t.notMatch(resourceName("abcdefghij-".repeat(6) + "z", "", 52), /--/);
});
