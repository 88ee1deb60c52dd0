/**
 * `npm run bench -- diurnal-28d`: the diurnal scenario (experiments/scenarios/diurnal) for 28
 * simulated days through the CLI, exactly as a user runs it (`kubesim run`, report included),
 * in a child process that reports its own peak resident memory as it exits (getrusage's maxrss,
 * through a preloaded module, so the CLI itself is untouched). Prints `diurnal-28d wall_s=<x>
 * rss_mib=<y>`; the target is < 1 GiB peak RSS.
 * `DIURNAL_DAYS=2` runs a shorter variant (same line, e.g. to see how memory grows with days).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";

const days = Number(process.env.DIURNAL_DAYS ?? 28);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kubesim-bench-diurnal-"));
try {
  const scenario = path.join(tmp, "diurnal-long.yaml");
  fs.writeFileSync(
    scenario,
    `apiVersion: kubesim.io/v1alpha1
kind: Scenario
extends: ${path.relative(tmp, path.resolve("experiments/scenarios/diurnal/scenario.yaml"))}
duration: ${days * 24}h
`,
  );
  const rssFile = path.join(tmp, "maxrss");
  const preload = path.join(tmp, "maxrss.mjs");
  fs.writeFileSync(preload, `import fs from "node:fs";\nprocess.on("exit", () => fs.writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`);
  // The CLI as `npx kubesim` runs it (the build), or its source when this runs from source.
  const cli = import.meta.url.endsWith(".ts") ? path.resolve("experiments/cli.ts") : path.resolve("dist/experiments/cli.js");
  const args = [...process.execArgv, "--import", preload, cli, "run", scenario, "--quiet", "--out", path.join(tmp, "run")];
  const started = process.hrtime.bigint();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (status) => resolve(status));
  });
  const wall_s = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) throw new Error(`kubesim run exited with ${code}`);
  const rss_mib = Number(fs.readFileSync(rssFile, "utf8")) / 1024; // maxRSS is in KiB
  const name = days === 28 ? "diurnal-28d" : `diurnal-${days}d`;
  process.stdout.write(`${name} wall_s=${wall_s.toFixed(1)} rss_mib=${Math.round(rss_mib)}\n`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
