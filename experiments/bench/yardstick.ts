/**
 * Where the SimPy yardstick (../shared/yardsticks/fleet_simpy.py) can run: a Python with SimPy 3
 * (or 4) importable, from SIMPY3_SRC (a SimPy 3 source tree's `src/`, see the yardstick's
 * README) or an installed `simpy`. Debian's python3-simpy is SimPy 2, which the script cannot use.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const YARDSTICK_SCRIPT = "../shared/yardsticks/fleet_simpy.py";

export type Yardstick =
  /** `python`: the real interpreter (not a pyenv shim), to run with `env`. */
  | { ok: true; python: string; env: NodeJS.ProcessEnv }
  | { ok: false; why: string };

export function findYardstick(): Yardstick {
  const env = { ...process.env, PYTHONPATH: [process.env.SIMPY3_SRC, process.env.PYTHONPATH].filter(Boolean).join(":") };
  if (!existsSync(YARDSTICK_SCRIPT)) return { ok: false, why: `${YARDSTICK_SCRIPT} not found` };
  const probe = spawnSync("python3", ["-c", "import simpy, sys; sys.exit(3) if simpy.__version__.split('.')[0] not in ('3', '4') else print(sys.executable)"], { env, encoding: "utf8" });
  if (probe.error) return { ok: false, why: "python3 not found" };
  if (probe.status !== 0) return { ok: false, why: "SimPy 3 not found" };
  return { ok: true, python: probe.stdout.trim(), env };
}

export type YardstickRun =
  /** `stdout`: the yardstick's own lines (its last: `simpy-fleet-5k … wall_s=…`). */
  | { ok: true; wall_s: number; stdout: string }
  /** `why`: a line that says why there is no figure. */
  | { ok: false; why: string };

/** Runs the yardstick for `hours` simulated hours, when it can run (see findYardstick). */
export function runYardstick(hours: number): YardstickRun {
  const yardstick = findYardstick();
  if (!yardstick.ok) return { ok: false, why: `skipped: ${yardstick.why} (set SIMPY3_SRC=<SimPy 3 source tree>/src; see ../shared/yardsticks/README.md)` };
  const run = spawnSync(yardstick.python, [YARDSTICK_SCRIPT, String(hours), "--quiet"], { env: yardstick.env, encoding: "utf8" });
  const wall_s = Number(/wall_s=([0-9.]+)/.exec(run.stdout ?? "")?.[1]);
  if (run.status !== 0 || !Number.isFinite(wall_s)) {
    return { ok: false, why: `failed: the yardstick exited ${run.status}: ${(run.stderr ?? "").trim().split("\n").slice(-1)[0] ?? ""}` };
  }
  return { ok: true, wall_s, stdout: run.stdout };
}
