#!/usr/bin/env node
// `npm run notebooks`: executes every notebooks/*.ipynb (TypeScript, tslab kernel) headless with
// Jupyter's nbconvert and fails when a cell fails (each notebook checks its figure and numbers
// against the README's). Installs what it needs: Debian's nbconvert and ipykernel (apt-get, when
// missing), tslab in .notebooks/ (beside the project's node_modules, whose TypeScript tslab's own
// would shadow), and kubesim's build (the notebooks import dist/).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const prefix = path.join(root, ".notebooks");
const TSLAB = "tslab@1.0.22";
const DEBIAN = ["jupyter-nbconvert", "python3-ipykernel", "jupyter-client"];

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: root, ...options });
  if (r.status !== 0) {
    console.error(`notebooks: ${cmd} ${args.join(" ")} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

if (!fs.existsSync("/usr/bin/jupyter-nbconvert")) {
  console.log(`notebooks: installing ${DEBIAN.join(", ")} (Debian)`);
  run("apt-get", ["update", "-qq"]);
  run("apt-get", ["install", "-y", "-qq", ...DEBIAN], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}
const tslab = path.join(prefix, "node_modules", ".bin", "tslab");
if (!fs.existsSync(tslab)) {
  fs.mkdirSync(prefix, { recursive: true });
  fs.writeFileSync(path.join(prefix, "package.json"), JSON.stringify({ private: true, allowScripts: { zeromq: false } }, null, 2) + "\n");
  run("npm", ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--no-save", TSLAB]);
}
const jupyterPath = path.join(prefix, "jupyter");
run(tslab, ["install", "--python", "/usr/bin/python3", "--binary", tslab, "--prefix", jupyterPath]);
run("npm", ["run", "-s", "build"]);

const out = path.join(root, "results", "notebooks");
fs.mkdirSync(out, { recursive: true });
const notebooks = fs.readdirSync(path.join(root, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();
let failed = 0;
for (const nb of notebooks) {
  const started = Date.now();
  const r = spawnSync("/usr/bin/jupyter", ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=900", "--output-dir", out, path.join("notebooks", nb)], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, JUPYTER_PATH: path.join(jupyterPath, "share", "jupyter") },
  });
  const ok = r.status === 0;
  if (!ok) failed++;
  console.log(`${ok ? "ok" : "FAILED"} ${nb} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (!ok) console.log(r.stderr.split("\n").filter((l) => !/MissingIDFieldWarning|validate\(nb\)/.test(l)).slice(-40).join("\n"));
}
console.log(`${notebooks.length - failed} notebooks passed, ${failed} failed (executed copies with outputs: results/notebooks/)`);
process.exit(failed > 0 ? 1 : 0);
