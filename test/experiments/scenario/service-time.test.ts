// An app's `serviceTime`: what it decodes to, and its mistakes as `file:line path: message`.
import t from "tap";
import { formatDiagnostic } from "../../../experiments/manifests/diagnostics.js";
import { loadScenario } from "../../../experiments/scenario/index.js";
import { fixture, HEADER, WEB_MANIFESTS } from "./helpers.js";

const scenario = (apps: string) => `${HEADER}metadata: {name: st}
duration: 10m
cluster:
  nodeGroups:
    - {name: pool, count: 1, cpu: "4", memory: 16Gi}
manifests: [web.yaml]
apps:
${apps}`;

t.test("exponential by default; deterministic; lognormal with its cv", async (t) => {
  const f = fixture({
    "web.yaml": WEB_MANIFESTS,
    "scenario.yaml": scenario(`  - {name: a}
  - {name: b, serviceTime: deterministic}
  - {name: c, serviceTime: lognormal, serviceTimeCv: 0.5}
`),
  });
  const loaded = loadScenario(f.file("scenario.yaml"));
  t.strictSame(loaded.errors, []);
  const profiles = loaded.config!.apps.map((a) => [a.serviceTime, a.serviceTimeCv]);
  t.strictSame(profiles, [[undefined, undefined], ["deterministic", undefined], ["lognormal", 0.5]]);
});

t.test("a lognormal without its cv, a cv on another distribution, an unknown distribution", async (t) => {
  const f = fixture({
    "web.yaml": WEB_MANIFESTS,
    "scenario.yaml": scenario(`  - {name: a, serviceTime: lognormal}
  - {name: b, serviceTime: deterministic, serviceTimeCv: 0.3}
  - {name: c, serviceTime: gamma}
`),
  });
  const loaded = loadScenario(f.file("scenario.yaml"));
  t.equal(loaded.config, null);
  const s = f.file("scenario.yaml");
  t.strictSame(loaded.errors.map(formatDiagnostic), [
    `${s}:10 apps[0].serviceTimeCv: Required value: serviceTime lognormal needs serviceTimeCv > 0 (e.g. 0.5)`,
    `${s}:11 apps[1].serviceTimeCv: Invalid value: serviceTimeCv applies only to serviceTime lognormal (deterministic has its own)`,
    `${s}:12 apps[2].serviceTime: Unsupported value: "gamma": supported values: "exponential", "deterministic", "lognormal"`,
  ]);
});
