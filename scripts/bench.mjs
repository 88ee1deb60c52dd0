#!/usr/bin/env node
// `npm run bench -- NAME`: runs experiments/bench/NAME.ts (TypeScript through tsx).
import { spawnSync } from "node:child_process";
import fs from "node:fs";

const name = process.argv[2];
const file = `experiments/bench/${name}.ts`;
if (!name || !fs.existsSync(file)) {
  const available = fs.readdirSync("experiments/bench").filter((f) => f.endsWith(".ts") && !f.includes("mm1")).map((f) => f.slice(0, -3));
  process.stderr.write(`usage: npm run bench -- <${available.join("|")}>\n`);
  process.exit(2);
}
const result = spawnSync(process.execPath, ["--import", "tsx", file, ...process.argv.slice(3)], { stdio: "inherit" });
process.exit(result.status ?? 1);
