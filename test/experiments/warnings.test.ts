// --warnings=all|summary|none: the summary prints warnings alike as one line with a count; a base
// scenario's warnings reach the user once however many variants extend it.
import t from "tap";
import { loadScenariosOrFail } from "../../experiments/commands/run.js";
import { validateAction } from "../../experiments/commands/validate.js";
import { summarizeWarnings, warningsMode } from "../../experiments/commands/warnings.js";
import { UserError } from "../../experiments/errors.js";
import { fixture, HEADER } from "./scenario/helpers.js";

const deployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: app
        image: app
        livenessProbe: {httpGet: {path: /, port: 80}}
        resources: {requests: {cpu: 100m}}
      - name: sidecar
        image: proxy
        livenessProbe: {httpGet: {path: /, port: 80}}
        resourcse: {requests: {cpu: 100m}}
`;

function setup() {
  return fixture({
    "shop.yaml": `${deployment("cart")}---\n${deployment("checkout")}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: shop}\n`,
    "scenario.yaml": `${HEADER}metadata: {name: shop}\nduration: 1m\ncluster: {nodeGroups: [{name: p, count: 1, cpu: "4", memory: 16Gi}]}\nmanifests: [shop.yaml]\n`,
  });
}

function validate(file: string, warnings?: string) {
  const out = { stdout: "", stderr: "" };
  validateAction(file, { stdout: (s) => void (out.stdout += s), stderr: (s) => void (out.stderr += s) }, warnings === undefined ? {} : { warnings });
  return out;
}

t.test("summary (the default): one line per kind of unmodelled field, with a count; other warnings alike grouped too", async (t) => {
  const f = setup();
  const shop = f.file("shop.yaml");
  t.equal(
    validate(f.file("scenario.yaml")).stderr,
    `warning: 4 × spec.template.spec.containers[].livenessProbe: field is not modelled; ignored (first at ${shop}:12; --warnings=all lists each)\n` +
      `warning: 2 × spec.template.spec.containers[].resourcse: unknown field "resourcse", not a Kubernetes field (did you mean "resources"?); ignored (first at ${shop}:17; --warnings=all lists each)\n` +
      `warning: ${shop}:38 kind: kind NetworkPolicy is not modelled yet; ignored\n`,
  );
});

t.test("all lists every occurrence; none prints no warning, and the OK line still counts them", async (t) => {
  const f = setup();
  const all = validate(f.file("scenario.yaml"), "all");
  t.equal(all.stderr.split("\n").filter((l) => l !== "").length, 7);
  t.match(all.stderr, `warning: ${f.file("shop.yaml")}:34 spec.template.spec.containers[1].livenessProbe: field is not modelled; ignored\n`);
  const none = validate(f.file("scenario.yaml"), "none");
  t.equal(none.stderr, "");
  t.equal(none.stdout, "OK shop: 2 objects, 1 node in 1 node group, 0 apps, 0 load sources, 1m simulated (7 warnings)\nsimulated: Deployment 2\n");
});

t.test("a bad --warnings value is a user error (exit 2)", async (t) => {
  t.equal(warningsMode({}), "summary");
  t.equal(warningsMode({ quiet: true }), "none");
  t.equal(warningsMode({ quiet: true, warnings: "all" }), "all");
  const e = (() => {
    try {
      warningsMode({ warnings: "some" });
    } catch (err) {
      return err;
    }
  })();
  t.ok(e instanceof UserError);
  t.equal((e as UserError).message, '--warnings: expected all, summary or none, got "some"');
  t.equal((e as UserError).exitCode, 2);
});

t.test("summarizeWarnings keeps order of first appearance and lines without a path", async (t) => {
  t.strictSame(
    summarizeWarnings([
      { file: "a.yaml", line: 3, path: "spec.x", message: "field is not modelled; ignored" },
      { file: "b.yaml", line: 1, path: "", message: "no objects" },
      { file: "b.yaml", line: 9, path: "items[2].spec.x", message: "field is not modelled; ignored (value set by the patch at s.yaml:4)" },
    ]),
    ["2 × spec.x: field is not modelled; ignored (first at a.yaml:3; --warnings=all lists each)", "b.yaml:1: no objects"],
  );
});

t.test("a base's warnings are printed once for a scenario and a variant that extends it (npm start)", async (t) => {
  const written: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((s: string) => (written.push(s), true)) as typeof process.stderr.write;
  try {
    loadScenariosOrFail(["experiments/scenarios/php-apache/scenario.yaml", "experiments/scenarios/php-apache/tuned.yaml"], "summary");
  } finally {
    process.stderr.write = write;
  }
  t.strictSame(written, ["warning: experiments/scenarios/php-apache/php-apache.yaml:20 spec.template.spec.containers[0].ports: field is not modelled; ignored\n"]);
});
