#!/usr/bin/env node
/**
 * The kubesim command line. Each command lives in experiments/commands/ and registers itself on
 * the commander program (experiments/program.ts); this file only runs it and exits with its code.
 */
import { runCli } from "./program.js";

// A reader that stops early (`kubesim schema | head`) closes the pipe: that ends the output, it
// is not an error worth a stack trace.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

// On success the process ends by itself once its work is done (as before: nothing cut short);
// on an error it exits at once with the code, as a failed command should.
const code = await runCli(process.argv);
if (code !== 0) process.exit(code);
