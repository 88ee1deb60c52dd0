/**
 * A two-tier call graph: a frontend whose app calls a backend Service twice per request. The
 * backend's load is the frontend's rate × 2; the frontend's latency waits for both calls.
 */
import t from "tap";
import { parse } from "csv-parse/sync";
import { formatDiagnostic } from "../../../experiments/manifests/diagnostics.js";
import { runScenario } from "../../../experiments/runner.js";
import { loadScenario } from "../../../experiments/scenario/index.js";
import { deploymentYaml, fixture, HEADER, outputText } from "../scenario/helpers.js";

const tier = (name: string, replicas: number) => `${deploymentYaml(name, replicas)}---
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  selector: {app: ${name}}
  ports: [{port: 80}]
`;

const scenario = (calls: string) => `${HEADER}metadata: {name: two-tier}
duration: 10m
cluster:
  nodeGroups:
    - {name: pool, count: 2, cpu: "8", memory: 32Gi}
manifests: [app.yaml]
apps:
  - {name: frontend, deployments: [frontend], cpuPerRequest: 20ms, ${calls}}
  - {name: backend, deployments: [backend], cpuPerRequest: 50ms, serviceTime: deterministic}
load:
  - service: frontend
    profile: {type: step, initial: 0, steps: [{at: 1m, rps: 10}, {at: 5m, rps: 20}]}
outputs: {sampleInterval: 30s}
`;

t.test("backend load = frontend rps × calls per request; frontend latency includes the backend's", async (t) => {
  const f = fixture({ "app.yaml": `${tier("frontend", 2)}---\n${tier("backend", 4)}`, "scenario.yaml": scenario("calls: [{service: backend, perRequest: 2}]") });
  const loaded = loadScenario(f.file("scenario.yaml"));
  t.strictSame(loaded.errors.map(formatDiagnostic), []);
  const output = runScenario(loaded.config!, { name: "two-tier", description: "", sloLatencyP95_ms: 2000, files: loaded.scenario.files });
  const rows = parse(outputText(output.files, "timeseries.csv"), { columns: true }) as Record<string, string>[];
  const value = (name: string, metric: string, time: number) => Number(rows.find((r) => r.kind === "Service" && r.name === name && r.metric === metric && Number(r.time_s) === time)!.value);
  for (const time of [120, 240, 360, 540]) {
    const front = value("frontend", "rps_offered", time);
    const back = value("backend", "rps_offered", time);
    t.ok(Math.abs(back - 2 * front) < 1e-6 * front, `${time} s: backend ${back} rps = 2 × frontend ${front} rps`);
    const frontP50 = value("frontend", "latency_p50_ms", time);
    const backP50 = value("backend", "latency_p50_ms", time);
    t.ok(frontP50 > 2 * backP50, `${time} s: frontend p50 ${frontP50} ms waits for two backend calls (p50 ${backP50} ms each)`);
  }
  t.ok(value("backend", "rps_offered", 540) > value("backend", "rps_offered", 240), "the frontend's step reaches the backend");
});

t.test("a call to a Service that does not exist: file:line", async (t) => {
  const f = fixture({ "app.yaml": `${tier("frontend", 1)}---\n${tier("backend", 1)}`, "scenario.yaml": scenario("calls: [{service: bakend}]") });
  const loaded = loadScenario(f.file("scenario.yaml"));
  t.equal(loaded.config, null);
  t.strictSame(loaded.errors.map(formatDiagnostic), [`${f.file("scenario.yaml")}:10 apps[0].calls[0].service: Service "default/bakend" not found in the manifests (did you mean "backend"?)`]);
});
