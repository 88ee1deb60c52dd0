/**
 * PodServerPool.memoryLimitCrossing_s against brute force: for random servers, rates and limits,
 * step a copy of the server in 1 ms steps and find the first instant its rounded working set
 * exceeds the limit; the prediction must agree to within one step (and say Infinity exactly when
 * no crossing happens within the horizon, for courses that level off).
 */
import t from "tap";
import { RngRegistry } from "../../../engine/index.js";
import { PodServerPool } from "../../../models/workload/pod-server.js";

t.test("the predicted crossing matches stepping the server", async (t) => {
  const rng = new RngRegistry(5).stream("test/memory-crossing");
  let problems = 0;
  let crossings = 0;
  for (let k = 0; k < 300; k++) {
    const params = {
      cost_mcore_s: rng.uniform(1, 50),
      cap_mcores: rng.uniform(0, 1) < 0.1 ? 0 : rng.uniform(10, 1000),
      queueCapacity_requests: rng.uniform(0, 1) < 0.2 ? Infinity : rng.uniform(5, 200),
      memoryBaseline_bytes: Math.round(rng.uniform(1, 200) * 2 ** 20),
      memoryPerRequest_bytes: rng.uniform(0, 1) < 0.1 ? 0 : Math.round(rng.uniform(1, 4096) * 1024),
    };
    const pool = new PodServerPool(4);
    const id = pool.add(params);
    // A history first, so the queue may not start empty.
    pool.advance(id, Math.round(rng.uniform(0, 5_000)), rng.uniform(0, 2) * (params.cap_mcores / params.cost_mcore_s + 1));
    const rate_rps = rng.uniform(0, 2) * (params.cap_mcores / params.cost_mcore_s + 1);
    const limit_bytes = Math.round(params.memoryBaseline_bytes + rng.uniform(-0.1, 1) * 80 * params.memoryPerRequest_bytes + 2 ** 20 * rng.uniform(0, 1));
    const predicted_ms = pool.memoryLimitCrossing_s(id, rate_rps, limit_bytes) * 1000;
    // Brute force, 1 ms steps for up to 60 s, on a copy.
    const copy = new PodServerPool(4);
    const c = copy.add(params);
    copy.advance(c, 0, 0);
    (copy as unknown as { state: Float64Array }).state.set((pool as unknown as { state: Float64Array }).state.subarray(0, 16), 0);
    let found_ms = Infinity;
    for (let ms = 1; ms <= 60_000; ms++) {
      copy.advance(c, 1, rate_rps);
      if (Math.round(copy.memory_bytes(c)) > limit_bytes) {
        found_ms = ms;
        break;
      }
    }
    if (found_ms !== Infinity) crossings++;
    const agree = found_ms === Infinity ? predicted_ms > 59_999 : Math.abs(predicted_ms - found_ms) <= 1.000001;
    if (!agree) {
      problems++;
      if (problems < 5) t.fail(`case ${k}: predicted ${predicted_ms} ms, stepping found ${found_ms} ms (${JSON.stringify({ params, rate_rps, limit_bytes })})`);
    }
  }
  t.equal(problems, 0, "every prediction within a millisecond of stepping");
  t.ok(crossings > 50, `${crossings} of 300 cases crossed within a minute`);
});
