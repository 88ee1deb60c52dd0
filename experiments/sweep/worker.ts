/** Worker thread: runs the units the pool sends, one at a time, and reports each result. */
import { parentPort, threadId } from "node:worker_threads";
import { runUnit, type UnitTask } from "./unit.js";

if (parentPort === null) throw new Error("experiments/sweep/worker must run in a worker thread");
const port = parentPort;
port.on("message", (task: UnitTask) => {
  try {
    port.postMessage({ ok: true, result: runUnit(task, `${process.pid}-${threadId}`) });
  } catch (e) {
    port.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? (e.stack ?? "") : "" });
  }
});
