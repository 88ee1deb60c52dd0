// A sweep refuses a factor that would change nothing before any cell runs: a misspelt object
// field (the loader would drop it), an unmodelled field, a name that matches nothing. Each
// problem is one line per factor, with the values only when some values are fine; the cells'
// warnings are collected once.
import t from "tap";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { planSweep } from "../../../experiments/sweep/plan.js";
import { failure } from "./helpers.js";
import { tempDir } from "../../temp-dir.js";

const tmp = tempDir("kubesim-sweep-typos-");
const cli = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "experiments/cli.ts", ...args], { encoding: "utf8" });

function experiment(name: string, scenario: string, factors: string): string {
  const file = path.join(tmp, `${name}.yaml`);
  const ref = path.relative(tmp, path.resolve(scenario));
  fs.writeFileSync(file, `apiVersion: kubesim.io/v1alpha1\nkind: Experiment\nmetadata: {name: ${name}}\nscenario: ${ref}\nreplications: 2\nfactors:\n${factors}`);
  return file;
}

const DIURNAL = "experiments/scenarios/diurnal/scenario.yaml";
const TINY = "test/experiments/sweep/fixtures/tiny.yaml";

t.test("a misspelt HPA field: exit 2 with a did-you-mean before anything runs or is written", async (t) => {
  const exp = experiment(
    "misspelt",
    DIURNAL,
    '  "patch:HorizontalPodAutoscaler/shop:spec.behavior.scaleDown.stabilisationWindowSeconds": [0, 60, 120, 300, 600]\n  components.hpa.syncPeriod: [15s, 30s]\n',
  );
  const out = path.join(tmp, "out");
  const r = cli("sweep", exp, "--out", out, "--workers", "1");
  t.equal(r.status, 2);
  t.equal(
    r.stderr,
    `kubesim: ${exp}:7 factors[patch:HorizontalPodAutoscaler/shop:spec.behavior.scaleDown.stabilisationWindowSeconds]: ` +
      'spec.behavior.scaleDown.stabilisationWindowSeconds: unknown field "stabilisationWindowSeconds", not a Kubernetes field (did you mean "stabilizationWindowSeconds"?): ' +
      "this factor would set nothing, so every cell would run the same\nhint: fix the experiment file, then rerun\n",
  );
  t.equal(r.stdout, "", "no run, no summary");
  t.notOk(fs.existsSync(out), "nothing written");
});

t.test("an unmodelled field is refused the same way; several problems are one line each, then a count", async (t) => {
  const exp = experiment(
    "unmodelled",
    DIURNAL,
    '  "patch:Deployment/shop:spec.template.spec.serviceAccountName": [a, b]\n  components.hpa.syncPeriodd: [15s, 30s]\n',
  );
  const e = await failure(Promise.resolve().then(() => planSweep(exp)));
  t.equal(e?.exitCode, 2);
  t.equal(e?.message, `${exp}: 2 errors; nothing was run`);
});

t.test("a problem only some values hit names those values; one every value hits names none", async (t) => {
  const exp = experiment("values", TINY, "  components.hpa.syncPeriod: [15s, 15x, 30y]\n  components.hpa.tolerance: [0.1, 0.2]\n");
  const e = await failure(Promise.resolve().then(() => planSweep(exp)));
  t.equal(e?.exitCode, 2);
  t.equal(e?.message, `${exp}: 2 errors; nothing was run`);
  const typo = experiment("typo", TINY, "  components.hpa.tolerence: [0.1, 0.2]\n");
  const e2 = await failure(Promise.resolve().then(() => planSweep(typo)));
  t.equal(e2?.message, `${typo}:7 factors[components.hpa.tolerence]: unknown field "tolerence" (did you mean "tolerance"?)`);
  const one = experiment("one-bad", TINY, "  components.hpa.syncPeriod: [15s, 15x]\n");
  const e3 = await failure(Promise.resolve().then(() => planSweep(one)));
  t.equal(e3?.message, `${one}:7 factors[components.hpa.syncPeriod]: expected a duration such as 15s, 1m30s or 500ms, got "15x" (value "15x")`);
});

t.test("a patch target that matches nothing names the objects there are", async (t) => {
  const exp = experiment("nomatch", DIURNAL, '  "patch:HorizontalPodAutoscaler/shopp:spec.maxReplicas": [4, 8]\n');
  const e = await failure(Promise.resolve().then(() => planSweep(exp)));
  t.equal(e?.message, `${exp}:7 factors[patch:HorizontalPodAutoscaler/shopp:spec.maxReplicas]: no HorizontalPodAutoscaler "shopp" in the manifests to patch (HorizontalPodAutoscaler objects: "shop")`);
});

t.test("the cells' warnings are collected once: the base's, then those the cells add", async (t) => {
  // Four cells; the base's warning is in each, the small nodes' only in two.
  const exp = experiment("warned", TINY, '  cluster.nodeGroups.0.cpu: ["100m", "4"]\n  components.hpa.syncPeriod: [15s, 30s]\n');
  const plan = planSweep(exp);
  t.equal(plan.cells.length, 4);
  const app = path.resolve("experiments/scenarios/php-apache/php-apache.yaml");
  t.strictSame(plan.warnings.map((w) => `${w.file}:${w.line} ${w.path}: ${w.message}`), [
    `${app}:20 spec.template.spec.containers[0].ports: field is not modelled; ignored`,
    `${exp}:6 factors: ${app}:17 spec.template.spec.containers: a pod requests cpu 200m, memory 0, more than any node's allocatable (pool: cpu 100m, memory 16Gi); it will stay Pending with FailedScheduling`,
  ]);
});
