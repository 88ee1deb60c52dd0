// Hostile and careless input (issue 21): prototype keys, non-finite numbers, files that are not
// manifests, limits, and the crashes the probe found. Each case: the files, then every error as
// `file:line path: message` (file names relative to the fixture folder).
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import t from "tap";
import { formatDiagnostic } from "../../../experiments/manifests/diagnostics.js";
import { loadScenario } from "../../../experiments/scenario/index.js";
import { fixture, HEADER, WEB_MANIFESTS } from "./helpers.js";

// Lines 1-11; a case's scenario `s.yaml` extends it, its own lines starting at 4.
const BASE = `${HEADER}metadata: {name: s}
duration: 10m
cluster:
  nodeGroups:
    - {name: pool, count: 2, cpu: "4", memory: 16Gi}
manifests: [web.yaml]
load:
  - service: web
    profile: {type: constant, rps: 5}
`;

interface Case {
  name: string;
  /** Lines of s.yaml after `extends: base.yaml`. */
  scenario: string;
  files?: Record<string, string>;
  errors: string[];
  warnings?: string[];
}

function load(c: Pick<Case, "scenario" | "files">) {
  const f = fixture({ "web.yaml": WEB_MANIFESTS, "base.yaml": BASE, ...c.files, "s.yaml": `${HEADER}extends: base.yaml\n${c.scenario}` });
  const loaded = loadScenario(f.file("s.yaml"));
  const rel = (s: string) => s.split(`${f.dir}${path.sep}`).join("");
  return { f, loaded, errors: loaded.errors.map((d) => rel(formatDiagnostic(d))), warnings: loaded.warnings.map((d) => rel(formatDiagnostic(d))) };
}

const FORBIDDEN = (key: string) => `Forbidden: "${key}" cannot be used as a key (it names a JavaScript object prototype)`;

const CASES: Case[] = [
  // ---- item 2: prototype pollution ----
  {
    name: "a strategic merge patch with __proto__",
    scenario: "patches:\n  - target: {kind: Service, name: web}\n    patch: {__proto__: {replicas: 7}}\n",
    errors: [`s.yaml:6 patches[0].patch.__proto__: ${FORBIDDEN("__proto__")}`],
  },
  {
    name: "a JSON patch path through __proto__",
    scenario: "patches:\n  - target: {kind: Deployment, name: web}\n    jsonPatch: [{op: add, path: /metadata/__proto__, value: {x: 1}}]\n",
    errors: [`s.yaml:6 patches[0].jsonPatch[0].path: Forbidden: "/metadata/__proto__": ${FORBIDDEN("__proto__").slice("Forbidden: ".length)}`],
  },
  {
    name: "constructor in components",
    scenario: "components: {hpa: {constructor: {prototype: 1}}}\n",
    errors: [`s.yaml:4 components.hpa.constructor: ${FORBIDDEN("constructor")}`],
  },
  {
    name: "prototype as a label key in a manifest",
    scenario: "manifests: [web.yaml, svc.yaml]\n",
    files: { "svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  labels: {prototype: x}\nspec: {ports: [{port: 80}]}\n" },
    errors: [`svc.yaml:5 metadata.labels.prototype: ${FORBIDDEN("prototype")}`],
  },
  // ---- item 3: NaN and ±Infinity ----
  {
    name: "non-finite numbers in manifests are errors, not defaults",
    scenario: "manifests: [web.yaml, bad.yaml]\n",
    files: {
      "bad.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: .inf
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: x, resources: {requests: {cpu: 1e400}}}]
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: .nan
  maxReplicas: 10
  targetCPUUtilizationPercentage: .inf
`,
    },
    errors: [
      "bad.yaml:5 spec.replicas: Invalid value: .inf: must be a finite number",
      "bad.yaml:10 spec.template.spec.containers[0].resources.requests.cpu: Invalid value: 1e400: must be a finite number",
      "bad.yaml:17 spec.minReplicas: Invalid value: .nan: must be a finite number",
      "bad.yaml:19 spec.targetCPUUtilizationPercentage: Invalid value: .inf: must be a finite number",
    ],
  },
  {
    name: "non-finite numbers in the scenario",
    scenario: "seed: .nan\nload:\n  - service: web\n    profile: {type: constant, rps: -.inf}\ncomponents: {hpa: {tolerance: .inf}}\n",
    errors: [
      "s.yaml:4 seed: Invalid value: .nan: must be a finite number",
      "s.yaml:7 load[0].profile.rps: Invalid value: -.inf: must be a finite number",
      "s.yaml:8 components.hpa.tolerance: Invalid value: .inf: must be a finite number",
    ],
  },
  {
    name: "an int32 field beyond its range",
    scenario: "patches:\n  - target: {kind: Deployment, name: web}\n    patch: {spec: {replicas: 99999999999999999999}}\n",
    errors: ["web.yaml:5 spec.replicas: expected an integer ≥ 0, got 100000000000000000000 (value set by the patch at s.yaml:5)"],
  },
  {
    name: "quantities beyond int64 (millicores for CPU, bytes for memory), and beyond a node",
    scenario: "patches:\n  - target: {kind: Deployment, name: web}\n    jsonPatch: [{op: replace, path: /spec/template/spec/containers/0/resources/requests, value: {cpu: 10E, memory: 9Ei}}]\napps:\n  - {name: web, deployments: [web], baselineCpu: 1P}\n",
    errors: [
      's.yaml:8 apps[0].baselineCpu: expected at most 1000000 cores (1M), got "1P"',
      // The Deployment did not decode, so it is not there to be named.
      's.yaml:8 apps[0].deployments[0]: Deployment "default/web" not found in the manifests (the manifests define no Deployment)',
      'web.yaml:16 spec.template.spec.containers[0].resources.requests.cpu: Invalid value: "10E": must be at most 2^63-1 millicores (value set by the patch at s.yaml:5)',
      'web.yaml:16 spec.template.spec.containers[0].resources.requests.memory: Invalid value: "9Ei": must be at most 2^63-1 bytes (value set by the patch at s.yaml:5)',
    ],
  },
  // ---- item 7: crashes ----
  {
    name: "a Deployment without metadata, and a patch",
    scenario: "manifests: [web.yaml, nometa.yaml]\npatches:\n  - target: {kind: Deployment, name: nope}\n    patch: {spec: {replicas: 2}}\n",
    files: { "nometa.yaml": "apiVersion: apps/v1\nkind: Deployment\nspec: {}\n" },
    errors: [
      's.yaml:6 patches[0].target: no Deployment "nope" in the manifests to patch (Deployment objects: "web")',
      "nometa.yaml:1 metadata: Required value",
      "nometa.yaml:3 spec.selector: Required value",
      "nometa.yaml:3 spec.template: Required value",
    ],
  },
  {
    name: "a diurnal maximum of 1e308 with Poisson arrivals",
    scenario: "load:\n  - service: web\n    arrivals: poisson\n    profile: {type: diurnal, min: 0, max: 1.0e+308, peakAt: 12h}\n",
    errors: ["s.yaml:7 load[0].profile.max: expected at most 1e+7 requests/s, got 1e+308"],
  },
  {
    name: "a trace row at 1e20 s",
    scenario: "load:\n  - service: web\n    profile: {type: trace, file: t.csv}\n",
    files: { "t.csv": "time_s,rps\n0,1\n1e20,2\n" },
    errors: ["t.csv:3: time_s must be at most 9007199254740, got 1e20"],
  },
  {
    name: "a duration of 99999999999999999999h",
    scenario: "duration: 99999999999999999999h\n",
    errors: ['s.yaml:4 duration: expected a duration of at most 87600h (10 years), got "99999999999999999999h"'],
  },
  // ---- item 8: silent nonsense ----
  {
    name: "rps 1e308, baselineCpu 1E, cpuPerRequest 99999999999999999999h",
    scenario: "apps:\n  - {name: web, deployments: [web], baselineCpu: 1E, cpuPerRequest: 99999999999999999999h}\nload:\n  - service: web\n    profile: {type: constant, rps: 1e308}\n",
    errors: [
      's.yaml:5 apps[0].cpuPerRequest: expected a CPU time of at most 1h per request, got "99999999999999999999h"',
      's.yaml:5 apps[0].baselineCpu: Invalid value: "1E": must be at most 2^63-1 millicores',
      "s.yaml:8 load[0].profile.rps: expected at most 1e+7 requests/s, got 1e+308",
    ],
  },
  {
    name: "empty, comment-only and ---only manifest files warn",
    scenario: "manifests: [web.yaml, empty.yaml, comments.yaml, dashes.yaml]\n",
    files: { "empty.yaml": "", "comments.yaml": "# nothing yet\n", "dashes.yaml": "---\n---\n" },
    errors: [],
    warnings: ["empty.yaml", "comments.yaml", "dashes.yaml"].map((f) => `${f}:1: no objects: the file is empty or holds only comments and \`---\``),
  },
  // ---- item 5: limits ----
  {
    name: "duration, sample interval, periods, nodes, pods and description beyond their limits",
    scenario: `metadata: {description: "${"d".repeat(65_537)}"}
duration: 10000h
cluster:
  nodeGroups:
    - {name: pool, count: 20001, cpu: "4", memory: 16Gi}
patches:
  - target: {kind: Deployment, name: web}
    patch: {spec: {replicas: 200001}}
outputs: {sampleInterval: 1ms}
components: {hpa: {syncPeriod: 1ms}, metricsServer: {metricResolution: 9s}, prometheus: {scrapeInterval: 999ms}}
`,
    errors: [
      "s.yaml:4 metadata.description: expected at most 65536 characters, got 65537",
      "s.yaml:5 duration: must be at most 8784h (366 days; raise limits.duration to run longer)",
      "s.yaml:7 cluster.nodeGroups: 20001 nodes in all, more than 20000 (raise limits.nodes if you mean it)",
      's.yaml:12 outputs.sampleInterval: expected a period of at least 100ms, got "1ms"',
      's.yaml:13 components.hpa.syncPeriod: expected a period of at least 100ms, got "1ms"',
      // validate refuses what the component's constructor would (the fuzz found 426ms: exit 70 at run time)
      's.yaml:13 components.metricsServer.metricResolution: expected a period of at least 10s (metrics-server refuses a shorter --metric-resolution), got "9s"',
      's.yaml:13 components.prometheus.scrapeInterval: expected a period of at least 1s (the Prometheus model scrapes at most once a second), got "999ms"',
      "web.yaml:5 spec.replicas: the manifests ask for up to 200001 pods (200001 here), more than 200000 (raise limits.pods if you mean it)",
    ],
  },
  {
    name: "limits: raises them for a scenario that means it",
    scenario: "limits: {duration: 10000h, nodes: 30000}\nduration: 10000h\ncluster:\n  nodeGroups:\n    - {name: pool, count: 20001, cpu: \"4\", memory: 16Gi}\n",
    errors: [],
  },
  {
    name: "a long run sampled too often",
    scenario: "duration: 8000h\noutputs: {sampleInterval: 100ms}\n",
    errors: ["s.yaml:5 outputs.sampleInterval: 8000h sampled every 100ms is more than 5,000,000 samples; use a longer sampleInterval"],
  },
  // ---- item 11 (in scope): an extends cycle ----
  {
    name: "an extends cycle adds no spurious Required value",
    scenario: "",
    files: { "base.yaml": `${HEADER}extends: s.yaml\n` },
    errors: ["base.yaml:3 extends: extends cycle: s.yaml -> base.yaml -> s.yaml"],
  },
];

for (const c of CASES) {
  t.test(c.name, async (t) => {
    const { loaded, errors, warnings } = load(c);
    t.strictSame(errors, c.errors);
    if (c.warnings !== undefined) t.strictSame(warnings.filter((w) => w.includes("no objects")), c.warnings);
    t.equal(loaded.config === null, c.errors.length > 0, "a config only without errors");
  });
}

// ---- item 4: input files ----

t.test("only regular files are read: folders, devices and named pipes are refused by type", async (t) => {
  const c = { scenario: "manifests: [web.yaml, folder, /dev/zero, fifo]\n" };
  const f = fixture({});
  fs.mkdirSync(path.join(f.dir, "folder"));
  // A named pipe nobody writes to would block a plain read for ever.
  execFileSync("mkfifo", [path.join(f.dir, "fifo")]);
  const { f: g } = load({ ...c, files: {} });
  fs.renameSync(path.join(f.dir, "folder"), path.join(g.dir, "folder"));
  fs.renameSync(path.join(f.dir, "fifo"), path.join(g.dir, "fifo"));
  const loaded = loadScenario(g.file("s.yaml"));
  const rel = (s: string) => s.split(`${g.dir}${path.sep}`).join("");
  t.strictSame(loaded.errors.map((d) => rel(formatDiagnostic(d))), [
    's.yaml:4 manifests[1]: cannot read manifest file "folder": not a regular file (it is a folder)',
    's.yaml:4 manifests[2]: cannot read manifest file "/dev/zero": not a regular file (it is a character device)',
    's.yaml:4 manifests[3]: cannot read manifest file "fifo": not a regular file (it is a named pipe)',
  ]);
});

t.test("absolute paths stay absolute; a missing ../ path shows where it led", async (t) => {
  const { f, errors } = load({ scenario: "manifests: [web.yaml, /nonexistent/kubesim.yaml, ../nowhere/x.yaml]\n" });
  t.strictSame(errors, [
    's.yaml:4 manifests[1]: cannot read manifest file "/nonexistent/kubesim.yaml": no such file',
    `s.yaml:4 manifests[2]: cannot read manifest file "${path.join(path.dirname(f.dir), "nowhere", "x.yaml")}": no such file`,
  ]);
});

t.test("files above KUBESIM_MAX_INPUT_SIZE are refused; the variable raises the limit", async (t) => {
  const c = { scenario: "manifests: [web.yaml, big.yaml]\n", files: { "big.yaml": `# ${"x".repeat(2048)}\n` } };
  const before = process.env.KUBESIM_MAX_INPUT_SIZE;
  t.teardown(() => (before === undefined ? delete process.env.KUBESIM_MAX_INPUT_SIZE : (process.env.KUBESIM_MAX_INPUT_SIZE = before)));
  process.env.KUBESIM_MAX_INPUT_SIZE = "2Ki";
  t.strictSame(load(c).errors, [
    's.yaml:4 manifests[1]: cannot read manifest file "big.yaml": too large (2051 bytes; the limit is 2048 bytes: set KUBESIM_MAX_INPUT_SIZE, e.g. to 64Mi, to raise it)',
  ]);
  process.env.KUBESIM_MAX_INPUT_SIZE = "4Ki";
  t.strictSame(load(c).errors, []);
  process.env.KUBESIM_MAX_INPUT_SIZE = "lots";
  t.match(load(c).errors[0], /KUBESIM_MAX_INPUT_SIZE="lots" is not a size such as 64Mi/);
});

t.test("file content is never echoed beyond a 60-character escaped excerpt", async (t) => {
  const passwd = Array.from({ length: 40 }, (_, i) => `user${i}:x:${i}:${i}:User:/home/user${i}:/bin/sh`).join("\n");
  const { errors } = load({
    scenario: "manifests: [web.yaml, passwd]\nload:\n  - service: web\n    profile: {type: trace, file: key.env}\n  - service: web\n    profile: {type: trace, file: bin.csv}\n",
    files: { passwd, "key.env": `SECRET=${"s".repeat(200)}\n`, "bin.csv": "time_s,rps\n\u001b[31m,\u0007\n" },
  });
  t.strictSame(errors, [
    's.yaml:8 load[1].service: Duplicate value: Service "default/web" already has a load profile',
    'passwd:1: expected a Kubernetes object (a map with apiVersion and kind), got "user0:x:0:0:User:/home/user0:/bin/sh user1:x:1:1:User:/home/…"',
    `key.env:1: expected the header "time_s,rps", got "SECRET=${"s".repeat(53)}…"`,
    'bin.csv:2: time_s "\\u001b[31m" is not a number',
  ]);
  t.ok(errors.every((e) => !/[\u0000-\u001f]/.test(e)), "no raw control characters");
});

t.test("YAML alias bombs and deep nesting are refused quickly with a message", async (t) => {
  const bomb = `a: &a [${Array(100_000).fill("x").join(",")}]\nb: [${Array(999).fill("*a").join(",")}]\n`;
  const deep = `x: ${"{a: ".repeat(10_000)}1${"}".repeat(10_000)}\n`;
  const shallowEnough = `x: ${"{a: ".repeat(101)}1${"}".repeat(101)}\n`;
  const { errors } = load({ scenario: "manifests: [web.yaml, bomb.yaml, deep.yaml, nested.yaml]\n", files: { "bomb.yaml": bomb, "deep.yaml": deep, "nested.yaml": shallowEnough } });
  t.strictSame(errors, [
    "bomb.yaml:1 b[8][99979]: more than 1,000,000 values in one file (aliases counted each time they are used); kubesim reads at most that many",
    "deep.yaml:1: YAML syntax error: nesting too deep to parse; kubesim reads at most 100 levels",
    // formatDiagnostic shows the 202-character path as an excerpt
    `nested.yaml:1 x${".a".repeat(29)}.…(202 characters): nesting deeper than 100 levels; kubesim reads at most 100`,
  ]);
});

t.test("an alias to its own ancestor is refused, not expanded for ever", async (t) => {
  const { errors } = load({ scenario: "manifests: [web.yaml, loop.yaml]\n", files: { "loop.yaml": "a: &a\n  b: *a\n" } });
  t.strictSame(errors, ["loop.yaml:2 a.b: alias *a refers to a collection that contains it"]);
});

// ---- how errors reach the user ----

t.test("validate and run print the first 50 errors, then how many more; exit 2", async (t) => {
  const { validateAction } = await import("../../../experiments/commands/validate.js");
  const { UserError } = await import("../../../experiments/errors.js");
  const names = Array.from({ length: 120 }, (_, i) => `{name: web, count: ${-i - 1}, cpu: "1", memory: 1Gi}`);
  const f = fixture({ "web.yaml": WEB_MANIFESTS, "base.yaml": BASE, "s.yaml": `${HEADER}extends: base.yaml\ncluster: {nodeGroups: [${names.join(", ")}]}\n` });
  const stderr: string[] = [];
  let thrown: unknown;
  try {
    validateAction(f.file("s.yaml"), { stdout: () => {}, stderr: (text) => stderr.push(text) });
  } catch (e) {
    thrown = e;
  }
  t.ok(thrown instanceof UserError && thrown.exitCode === 2, "exit 2");
  const errors = stderr.join("").split("\n").filter((l) => l.startsWith("error: "));
  t.equal(errors.length, 51);
  t.equal(errors[50], "error: … and 70 more errors");
  t.match((thrown as Error).message, /: 120 errors$/);
});

t.test("a diagnostic never prints raw control characters", async (t) => {
  t.equal(
    formatDiagnostic({ file: "a\u001bb.yaml", line: 3, path: "x", message: "got \u0007\u009b\u202e" }),
    "a\\u001bb.yaml:3 x: got \\u0007\\u009b\\u202e",
  );
});

t.test("a sweep factor path through __proto__ is refused", async (t) => {
  const { parseFactorPath } = await import("../../../experiments/sweep/overlay.js");
  t.equal(parseFactorPath("components.__proto__.replicas"), `unknown factor path "components.__proto__.replicas": ${FORBIDDEN("__proto__")}`);
  t.equal(parseFactorPath("patch:Deployment/web:spec.constructor"), `unknown factor path "patch:Deployment/web:spec.constructor": ${FORBIDDEN("constructor")}`);
});

t.test("a run stops with a UserError past limits.events, before writing anything", async (t) => {
  const { runScenario } = await import("../../../experiments/runner.js");
  const { UserError } = await import("../../../experiments/errors.js");
  const { loaded } = load({ scenario: "limits: {events: 100}\n" });
  t.equal(loaded.scenario.limits.events, 100);
  let thrown: unknown;
  try {
    runScenario(loaded.config!, { name: "s", description: "", sloLatencyP95_ms: 500, files: [], maxEvents: loaded.scenario.limits.events });
  } catch (e) {
    thrown = e;
  }
  t.ok(thrown instanceof UserError && thrown.exitCode === 2, "a UserError, exit 2");
  t.match((thrown as Error).message, /^s: stopped after \d+ events at simulated [\d.]+ s: more than limits\.events \(100\); nothing was written$/);
});

t.test("parsed YAML maps have no prototype", async (t) => {
  const { parseManifestYaml } = await import("../../../experiments/manifests/yaml.js");
  const parsed = parseManifestYaml("a: {b: [ {c: 1} ]}\n", "x.yaml");
  const a = (parsed.documents[0].value as Record<string, Record<string, Record<string, unknown>[]>>).a;
  t.equal(Object.getPrototypeOf(a), null);
  t.equal(Object.getPrototypeOf(a.b[0]), null);
  t.equal(({} as Record<string, unknown>).replicas, undefined, "Object.prototype untouched");
});
