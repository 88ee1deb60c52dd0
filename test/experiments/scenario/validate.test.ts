// `kubesim validate`: diagnostics to stderr, the OK line and the simulated kinds to stdout, exit code 2 on errors.
import t from "tap";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { UserError } from "../../../experiments/errors.js";
import { registerValidate, validateAction } from "../../../experiments/commands/validate.js";
import { formatDuration } from "../../../experiments/scenario/units.js";
import { fixture, HEADER, WEB_MANIFESTS } from "./helpers.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const dir = path.join(root, "experiments/scenarios/php-apache");

function capture() {
  const out = { stdout: "", stderr: "" };
  return { out, sink: { stdout: (s: string) => void (out.stdout += s), stderr: (s: string) => void (out.stderr += s) } };
}

t.test("a valid scenario: warnings on stderr, the OK line on stdout", async (t) => {
  const { out, sink } = capture();
  validateAction(path.join(dir, "tuned.yaml"), sink);
  t.equal(out.stdout, "OK php-apache-tuned: 3 objects, 3 nodes in 1 node group, 1 app, 1 load source, 30m simulated (1 warning)\nsimulated: Deployment 1, HorizontalPodAutoscaler 1, Service 1\n");
  t.equal(out.stderr, `warning: ${path.join(dir, "php-apache.yaml")}:20 spec.template.spec.containers[0].ports: field is not modelled; ignored\n`);
});

t.test("errors: printed, then a UserError with exit code 2", async (t) => {
  const f = fixture({
    "web.yaml": WEB_MANIFESTS,
    "s.yaml": `${HEADER}metadata: {name: bad}\nduration: 1 hour\ncluster: {nodeGroups: [{name: pool, count: 1, cpu: "4", memory: 16Gi}]}\nmanifests: [web.yaml]\nload: [{service: api, profile: {type: constant, rps: 1}}]\n`,
  });
  const { out, sink } = capture();
  let thrown: unknown;
  try {
    validateAction(f.file("s.yaml"), sink);
  } catch (e) {
    thrown = e;
  }
  t.ok(thrown instanceof UserError);
  const err = thrown as UserError;
  t.equal(err.exitCode, 2);
  t.equal(err.message, `${f.file("s.yaml")}: 2 errors`);
  t.equal(out.stdout, "");
  t.equal(
    out.stderr,
    `error: ${f.file("s.yaml")}:4 duration: expected a duration such as 15s, 1m30s or 500ms, got "1 hour"\n` +
      `error: ${f.file("s.yaml")}:7 load[0].service: Service "default/api" not found in the manifests\n`,
  );
});

t.test("registered on the program with an example in its help", async (t) => {
  const program = new Command().exitOverride();
  registerValidate(program);
  const command = program.commands.find((c) => c.name() === "validate")!;
  let help = "";
  command.configureOutput({ writeOut: (s) => void (help += s) });
  command.outputHelp();
  t.match(help, /Usage: .*validate \[options\] <scenario>/);
  t.match(help, /Example:\n {2}\$ npx kubesim validate experiments\/scenarios\/php-apache\/tuned\.yaml/);
});

t.test("formatDuration", async (t) => {
  t.strictSame([0, 10, 1500, 60_000, 1_800_000, 5_400_000, 3_661_000].map(formatDuration), ["0s", "10ms", "1.5s", "1m", "30m", "1h30m", "1h1m1s"]);
});

t.test("validate lists the kinds it simulates, with counts; unmodelled kinds stay warnings", async (t) => {
  const { out, sink } = capture();
  validateAction(path.join(root, "experiments/scenarios/canary/scenario.yaml"), sink);
  t.match(out.stdout, /^OK canary: 8 objects, .*\nsimulated: Deployment 2, HorizontalPodAutoscaler 2, Ingress 2, Service 2\n$/);
});
