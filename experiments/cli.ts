#!/usr/bin/env node
/**
 * The kubesim command line. Each command lives in experiments/commands/ and registers itself on
 * the commander program; this file only wires them and turns errors into one clear line.
 */
import { Command, CommanderError } from "commander";
import { UserError } from "./errors.js";
import { registerDemo } from "./commands/demo.js";
import { registerOracle } from "./commands/oracle.js";
import { registerRun } from "./commands/run.js";
import { registerCompare } from "./commands/compare.js";
import { registerSweep } from "./commands/sweep.js";
import { registerMerge } from "./commands/merge.js";
import { registerValidate } from "./commands/validate.js";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("kubesim")
    .description("Deterministic discrete-event simulator of the Kubernetes autoscaling stack.")
    .version(process.env.npm_package_version ?? "0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerRun(program);
  registerCompare(program);
  registerSweep(program);
  registerMerge(program);
  registerValidate(program);
  registerOracle(program);
  registerDemo(program);
  return program;
}

function fail(message: string, hint: string, exitCode: number): never {
  process.stderr.write(`kubesim: ${message}\n`);
  if (hint) process.stderr.write(`hint: ${hint}\n`);
  process.exit(exitCode);
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its message (help, version, or a usage error).
      process.exit(err.exitCode);
    }
    if (err instanceof UserError) fail(err.message, err.hint, err.exitCode);
    const message = err instanceof Error ? err.message : String(err);
    if (process.env.KUBESIM_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    fail(`internal error: ${message}`, "this is a kubesim bug; rerun with KUBESIM_DEBUG=1 for a stack trace", 70);
  }
}

await main(process.argv);
