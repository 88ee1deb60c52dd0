/**
 * `kubesim validate SCENARIO.yaml`: loads a scenario (its bases, manifests and traces) without
 * running it, prints every warning and error as `file:line path: message`, and exits 2 when there
 * are errors, so an editor or CI can check scenarios cheaply.
 */
import type { Command } from "commander";
import { UserError } from "../errors.js";
import { formatDiagnostic, type Diagnostic } from "../manifests/diagnostics.js";
import { loadScenario } from "../scenario/load.js";
import { formatDuration } from "../scenario/units.js";
import { summarizeWarnings, warningsMode, WARNINGS_FLAG, WARNINGS_HELP, type WarningsMode } from "./warnings.js";

export interface ValidateOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processOutput: ValidateOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};


const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Diagnostics printed per kind: a broken file can produce thousands, and the first ones say what is wrong. */
export const MAX_PRINTED_DIAGNOSTICS = 50;

/**
 * Prints `warning: …`/`error: …` lines, the first MAX_PRINTED_DIAGNOSTICS of each, then "… and N
 * more"; warnings as `mode` asks (summary: unmodelled fields one line per kind, with a count).
 */
export function printDiagnostics(write: (text: string) => void, loaded: { warnings: readonly Diagnostic[]; errors: readonly Diagnostic[] }, mode: WarningsMode = "summary"): void {
  const print = (kind: "warning" | "error", lines: readonly string[]) => {
    for (const line of lines.slice(0, MAX_PRINTED_DIAGNOSTICS)) write(`${kind}: ${line}\n`);
    if (lines.length > MAX_PRINTED_DIAGNOSTICS) write(`${kind}: … and ${plural(lines.length - MAX_PRINTED_DIAGNOSTICS, `more ${kind}`)}\n`);
  };
  if (mode === "all") print("warning", loaded.warnings.map(formatDiagnostic));
  if (mode === "summary") print("warning", summarizeWarnings(loaded.warnings));
  print("error", loaded.errors.map(formatDiagnostic));
}

/**
 * The action of `kubesim validate`: diagnostics to stderr, the OK line to stdout; on errors it
 * throws a UserError with exit code 2 after printing them.
 */
export function validateAction(file: string, out: ValidateOutput = processOutput, options: { warnings?: string } = {}): void {
  const mode = warningsMode(options);
  const loaded = loadScenario(file);
  printDiagnostics(out.stderr, loaded, mode);
  const config = loaded.config;
  if (config === null || loaded.errors.length > 0) {
    throw new UserError(
      `${file}: ${plural(loaded.errors.length, "error")}${loaded.warnings.length > 0 ? `, ${plural(loaded.warnings.length, "warning")}` : ""}`,
      "fix the errors above (each is file:line field: message); warnings do not stop a run",
      2,
    );
  }
  const nodes = config.nodeGroups.reduce((sum, g) => sum + g.count, 0);
  const warnings = loaded.warnings.length > 0 ? ` (${plural(loaded.warnings.length, "warning")})` : "";
  out.stdout(
    `OK ${loaded.scenario.name}: ${plural(config.objects.length, "object")}, ${plural(nodes, "node")} in ${plural(config.nodeGroups.length, "node group")}, ` +
      `${plural(config.apps.length, "app")}, ${plural(config.traffic.length + (config.ingressTraffic?.length ?? 0), "load source")}, ${formatDuration(config.duration_ms)} simulated${warnings}\n`,
  );
  if (config.objects.length > 0) out.stdout(`simulated: ${kindCounts(config.objects)}\n`);
}

/** "Deployment 2, Service 1": the kinds of the objects kubesim will simulate, by name, with counts. */
function kindCounts(objects: readonly { kind: string }[]): string {
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  return [...counts.keys()].sort().map((kind) => `${kind} ${counts.get(kind)}`).join(", ");
}

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check a scenario (its bases, manifests and traces) without running it; exit 2 on errors")
    .argument("<scenario>", "scenario YAML file (apiVersion: kubesim.io/v1alpha1, kind: Scenario)")
    .option(WARNINGS_FLAG, WARNINGS_HELP)
    .addHelpText(
      "after",
      "\nExample:\n" +
        "  $ npx kubesim validate experiments/scenarios/php-apache/tuned.yaml\n" +
        "  OK php-apache-tuned: 3 objects, 3 nodes in 1 node group, 1 app, 1 load source, 30m simulated\n" +
        "  simulated: Deployment 1, HorizontalPodAutoscaler 1, Service 1\n\n" +
        "Problems are printed one per line as `warning: file:line field: message` or\n" +
        "`error: file:line field: message`; the exit code is 2 when there is any error.\n" +
        "Fields kubesim does not model are one line per kind, with a count (--warnings=all lists each);\n" +
        "kinds it does not model are warnings; the `simulated:` line lists the kinds it does, with counts.\n",
    )
    .action((file: string, options: { warnings?: string }) => validateAction(file, processOutput, options));
}
