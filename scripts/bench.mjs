#!/usr/bin/env node
// `npm run bench -- NAME`: builds dist/ (tsc, as `npm run build` does) and runs
// dist/experiments/bench/NAME.js, the compiled code `npx kubesim` runs. Not through tsx: tsx
// compiles each module to CommonJS whose imports are getter calls, which costs the hot loops
// up to 2.7× (docs/PERFORMANCE.md, "Measuring a change").
import { spawnSync } from "node:child_process";
import fs from "node:fs";

const name = process.argv[2];
const file = `experiments/bench/${name}.ts`;
if (!name || !fs.existsSync(file)) {
  const available = fs.readdirSync("experiments/bench").filter((f) => f.endsWith(".ts") && !f.includes("mm1") && !["fleet.ts", "lockstep.ts", "lockstep-half.ts", "yardstick.ts", "valgrind.ts"].includes(f)).map((f) => f.slice(0, -3));
  process.stderr.write(`usage: npm run bench -- <${available.join("|")}>\n`);
  process.exit(2);
}
const build = spawnSync("npm", ["run", "--silent", "build"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);
const result = spawnSync(process.execPath, [`dist/experiments/bench/${name}.js`, ...process.argv.slice(3)], { stdio: "inherit" });
process.exit(result.status ?? 1);
