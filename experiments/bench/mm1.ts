/**
 * M/M/1 queue on the kernel: Poisson arrivals, one FIFO server with exponential service.
 * Used by `npm run bench:kernel` (against the same model on SimPy) and by the kernel tests,
 * which check its statistics against the closed-form M/M/1 results.
 *
 * Times are drawn in seconds and scheduled in integer milliseconds (rounded), so at the rates
 * used here (means around 1 s) the discretisation shifts the mean wait by well under 0.1 %.
 */
import { Simulation } from "../../engine/index.js";

export interface Mm1Result {
  customers: number;
  /** Mean time from arrival to start of service, seconds. */
  mean_wait_s: number;
  /** Mean wait of each of `batches` consecutive groups of customers (for batch-means CIs). */
  batch_means_s: number[];
  /** Mean time from arrival to departure, seconds. */
  mean_sojourn_s: number;
  /** Kernel events executed (one arrival and one departure per customer). */
  events: number;
}

/** Closed-form M/M/1 mean wait in queue Wq = rho / (mu - lambda). */
export function mm1MeanWait_s(arrival_rate: number, service_rate: number): number {
  return arrival_rate / service_rate / (service_rate - arrival_rate);
}

export function runMm1(
  customers: number,
  arrival_rate: number,
  service_rate: number,
  seed: number | string,
  batches = 20,
): Mm1Result {
  const sim = new Simulation({ seed });
  const arrivals = sim.rng.stream("mm1/arrivals");
  const services = sim.rng.stream("mm1/service");
  const toMs = (seconds: number) => Math.round(seconds * 1000);

  // FIFO of arrival times of customers waiting or in service (ring buffer, grown on demand).
  let queue = new Float64Array(1024);
  let head = 0;
  let length = 0;
  let arrived = 0;
  let departed = 0;
  let started = 0;
  const batch_size = Math.floor(customers / batches);
  const batch_wait_ms = new Float64Array(batches);
  let total_sojourn_ms = 0;

  const startService = (now_ms: number) => {
    // Service starts in arrival order (FIFO), so `started` is the customer's index.
    const batch = Math.floor(started++ / batch_size);
    if (batch < batches) batch_wait_ms[batch] += now_ms - queue[head];
    sim.schedule(toMs(services.exponential(service_rate)), depart);
  };
  const depart = (now_ms: number) => {
    total_sojourn_ms += now_ms - queue[head];
    head = (head + 1) & (queue.length - 1);
    length--;
    departed++;
    if (length > 0) startService(now_ms);
  };
  const arrive = (now_ms: number) => {
    if (length === queue.length) {
      const grown = new Float64Array(queue.length * 2);
      for (let i = 0; i < length; i++) grown[i] = queue[(head + i) & (queue.length - 1)];
      queue = grown;
      head = 0;
    }
    queue[(head + length) & (queue.length - 1)] = now_ms;
    length++;
    arrived++;
    if (length === 1) startService(now_ms);
    if (arrived < customers) sim.schedule(toMs(arrivals.exponential(arrival_rate)), arrive);
  };

  sim.schedule(toMs(arrivals.exponential(arrival_rate)), arrive);
  sim.run();
  return {
    customers: departed,
    mean_wait_s: batch_wait_ms.reduce((a, b) => a + b, 0) / (batch_size * batches) / 1000,
    batch_means_s: Array.from(batch_wait_ms, (w) => w / batch_size / 1000),
    mean_sojourn_s: total_sojourn_ms / departed / 1000,
    events: sim.events_processed,
  };
}
