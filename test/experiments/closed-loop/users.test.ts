/**
 * Closed-loop users (Locust semantics): each user waits for its simulated response before
 * thinking and sending the next request, so the offered rate is users / (think + response) —
 * Little's law on the user loop — and falls when latency rises.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";
import { parse } from "csv-parse/sync";
import { runScenario } from "../../../experiments/runner.js";
import { loadScenario } from "../../../experiments/scenario/index.js";
import type { SimulationConfig } from "../../../experiments/simulator.js";
import { users } from "../../../models/workload/load-profiles.js";
import { outputText } from "../scenario/helpers.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const loaded = loadScenario(path.join(ROOT, "experiments/scenarios/php-apache/scenario.yaml"));
const base = loaded.config!;

function series(config: SimulationConfig, metric: string): Map<number, number> {
  const output = runScenario(config, { name: "php-apache", description: "", sloLatencyP95_ms: 2000, files: loaded.scenario.files });
  const text = outputText(output.files, "timeseries.csv");
  const rows = parse(text, { columns: true }) as Record<string, string>[];
  const out = new Map<number, number>();
  for (const r of rows) if (r.kind === "Service" && r.metric === metric && r.value !== "") out.set(Number(r.time_s), Number(r.value));
  return out;
}

t.test("php-apache's load generator as one closed-loop user: 1 / (15 ms + 426 ms) = 2.27 requests/s", async (t) => {
  // One serial client (`while sleep 0.01; do wget ...`): think 15 ms, and each request waits
  // for the pod's 426 ms of work. Nothing else sets its rate. The pods see the users' requests
  // as Poisson arrivals, so the response includes the small random wait such arrivals would
  // meet (one user's own requests never queue: an exact closed network would give 2.27): 6 %.
  const profile = users({ users: 1, spawnRate_users_per_s: 1, thinkTime_s: 0.015, responseTime_s: 0, start_ms: 60_000 });
  const config = { ...base, duration_ms: 600_000, traffic: [{ ...base.traffic[0], profile }] };
  const offered = series(config, "rps_offered");
  // From 150 s: the HPA has scaled out (at one replica the pod is busy 97 % of the time and the
  // Poisson wait is larger).
  const at = [...offered.entries()].filter(([time]) => time >= 150);
  t.ok(at.length > 10);
  for (const [time, rps] of at) t.ok(Math.abs(rps / (1 / (0.015 + 0.4264)) - 1) < 0.06, `${time} s: ${rps} rps`);
});

t.test("more users than one pod can serve: offered load falls as latency rises (Little's law)", async (t) => {
  // 20 users thinking 2 s; the HPA held at one replica, so the pod (2.35 requests/s at most)
  // saturates: the open-loop rate would be 20 / 2 s = 10 requests/s.
  const profile = users({ users: 20, spawnRate_users_per_s: 20, thinkTime_s: 2, responseTime_s: 0, start_ms: 60_000 });
  const config: SimulationConfig = {
    ...base,
    duration_ms: 900_000,
    traffic: [{ ...base.traffic[0], profile }],
    objects: base.objects.map((o) => (o.kind === "HorizontalPodAutoscaler" ? { ...o, spec: { ...(o as any).spec, maxReplicas: 1 } } : o)) as SimulationConfig["objects"],
  };
  const offered = series(config, "rps_offered");
  const p50 = series(config, "latency_p50_ms");
  const late = [...offered.keys()].filter((time) => time >= 600);
  t.ok(late.length > 10);
  for (const time of late) {
    const rps = offered.get(time)!;
    t.ok(rps < 2.5, `${time} s: offered ${rps} rps, held near the pod's capacity, not the open loop's 10`);
  }
  // Little's law on the users' loop: users = rate × (think + response).
  const time = late[late.length - 1];
  const rps = offered.get(time)!;
  const response_s = 20 / rps - 2;
  t.ok(response_s > 5, `the response time that balances the loop: ${response_s.toFixed(2)} s`);
  t.ok(Math.abs(p50.get(time)! / 1000 - response_s) / response_s < 0.35, `the simulated p50 ${p50.get(time)} ms is near it`);
});
