/**
 * A fixed pool of worker threads pulling units from one queue. Completion order varies with
 * timing; nothing downstream depends on it (each unit writes its own folder, and the summary is
 * assembled from the folders in cell order).
 */
import { Worker } from "node:worker_threads";
import type { UnitResult, UnitTask } from "./unit.js";

/**
 * The worker entry: built JS (dist) runs worker.js directly; from sources, a .mjs bootstrap
 * registers tsx first (docs: reference/toolchain.md, worker threads).
 */
export function workerUrl(): URL {
  const fromSources = import.meta.url.endsWith(".ts");
  return new URL(fromSources ? "./worker-bootstrap.mjs" : "./worker.js", import.meta.url);
}

/**
 * The worker's Node flags: the parent's, minus a tsx `--import` (the bootstrap registers tsx
 * itself, and two registered loaders make every import go through both: slower start-up).
 */
export function workerExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    if ((argv[i] === "--import" || argv[i] === "--require") && /(^|\/)tsx(\/|$)/.test(argv[i + 1] ?? "")) {
      i++;
      continue;
    }
    if (/^--(import|require)=.*\btsx\b/.test(argv[i])) continue;
    out.push(argv[i]);
  }
  return out;
}

/** A unit whose run threw: its task, the error's message, and its stack (shown with KUBESIM_DEBUG). */
export interface UnitFailure {
  task: UnitTask;
  message: string;
  stack: string;
}

export interface PoolOptions {
  /** Stop handing out units after the first failure (units already running finish). */
  failFast?: boolean;
  onFailed?: (failure: UnitFailure) => void;
}

/**
 * Runs every task; a unit that throws is reported through `onFailed` and the others go on (or,
 * with failFast, no further unit starts). A worker that dies is a bug: the pool rejects.
 */
export async function runPool(
  tasks: readonly UnitTask[],
  workers: number,
  onDone: (task: UnitTask, result: UnitResult) => void,
  options: PoolOptions = {},
): Promise<{ failed: UnitFailure[]; notRun: number }> {
  const failed: UnitFailure[] = [];
  if (tasks.length === 0) return { failed, notRun: 0 };
  const count = Math.max(1, Math.min(workers, tasks.length));
  let next = 0;
  const threads: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      let broken = false;
      const feed = (worker: Worker) => {
        if (broken) return;
        if (next >= tasks.length || (options.failFast && failed.length > 0)) {
          if (running === 0) resolve();
          return;
        }
        const task = tasks[next++];
        running++;
        worker.once("message", (msg: { ok: true; result: UnitResult } | { ok: false; error: string; stack: string }) => {
          running--;
          if (msg.ok) {
            onDone(task, msg.result);
          } else {
            const failure = { task, message: msg.error, stack: msg.stack };
            failed.push(failure);
            options.onFailed?.(failure);
          }
          feed(worker);
        });
        worker.postMessage(task);
      };
      for (let i = 0; i < count; i++) {
        const worker = new Worker(workerUrl(), import.meta.url.endsWith(".ts") ? { execArgv: workerExecArgv() } : {});
        threads.push(worker);
        worker.on("error", (e) => {
          broken = true;
          reject(e);
        });
        worker.on("exit", (code) => {
          if (code !== 0 && !broken) {
            broken = true;
            reject(new Error(`sweep worker exited with code ${code}`));
          }
        });
        feed(worker);
      }
    });
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
  }
  return { failed, notRun: tasks.length - next };
}
