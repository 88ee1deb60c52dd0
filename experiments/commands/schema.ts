/**
 * `kubesim schema`: prints the scenario reference (docs/scenario.md) as Markdown, rendered from
 * the codecs the loader validates with (experiments/scenario/reference.ts).
 */
import type { Command } from "commander";

export function registerSchema(program: Command): void {
  program
    .command("schema")
    .description("print the scenario reference: every key, load profile and component parameter with its type, default and unit (Markdown)")
    .addHelpText("after", "\nExample:\n  $ npx kubesim schema > docs/scenario.md\n")
    .action(async () => {
      // Loaded here: the reference reads the simulator's defaults, which no other command's
      // start-up needs (see reportFiles in run.ts).
      const { scenarioReference } = await import("../scenario/reference.js");
      process.stdout.write(scenarioReference());
    });
}
