/**
 * The kubesim command line as a function: `runCli(argv)` parses, runs the command and returns the
 * exit code, turning every error into one clear line (a UserError's message and hint; anything
 * else is an internal error, exit 70). experiments/cli.ts calls it and exits; tests call it
 * in-process.
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
import { registerSchema } from "./commands/schema.js";

/** Exit code of an internal error (BSD sysexits EX_SOFTWARE): a kubesim bug, not a user mistake. */
export const EXIT_INTERNAL_ERROR = 70;

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
  registerSchema(program);
  registerOracle(program);
  registerDemo(program);
  return program;
}

function fail(message: string, hint: string): void {
  process.stderr.write(`kubesim: ${message}\n`);
  if (hint) process.stderr.write(`hint: ${hint}\n`);
}

/** Runs one command line (`argv` as process.argv: node, script, args...); returns its exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (err) {
    // commander already printed its message (help, version, or a usage error).
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof UserError) {
      fail(err.message, err.hint);
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    if (process.env.KUBESIM_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    fail(`internal error: ${message}`, "this is a kubesim bug; rerun with KUBESIM_DEBUG=1 for a stack trace");
    return EXIT_INTERNAL_ERROR;
  }
}
