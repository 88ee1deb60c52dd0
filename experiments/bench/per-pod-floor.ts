/**
 * `npm run bench -- per-pod-floor`: not a simulation. It times only the arithmetic fleet-5k's
 * per-pod pipeline must do in a day (200 nodes, 5,000 pods, 100 HPAs, 24 hours), hand-fused
 * into typed arrays with no checks, no Go round trips, no readiness or status bookkeeping:
 * - every 10 s per node (cAdvisor): advance each pod's fluid queue, take its CPU and memory sample;
 * - every 15 s per node (metrics-server): keep the last two points, compute the two-point rate;
 * - every 15 s per HPA: sum its pods' rates and propose a replica count;
 * - every 60 s: new arrival rates.
 * It is the lower bound the README's "where the time goes" compares the simulator with, in two
 * layouts: `compact` (one 8-byte column per field, pods in node order) and `wide` (each pod's
 * fields 64 bytes apart, pods in shuffled order), as a rewrite's tables would fall between them.
 * Prints `per-pod-floor compact_s=<x> wide_s=<y> pod_steps=<n>`.
 */

const NODES = 200;
const PODS = 5_000;
const HPAS = 100;
const DAY_MS = 24 * 3_600_000;
const PODS_PER_NODE = PODS / NODES;
const CAP_MCORES = 1_000;
const COST_MCORE_S = 20;
const QUEUE_CAP_REQUESTS = 100;

// Event kinds of the fused loop.
const HOUSEKEEP = 0;
const SCRAPE = 1;
const HPA_SYNC = 2;
const LOAD = 3;

/** A binary heap of (time, kind, index) in typed arrays. */
class EventHeap {
  private time = new Float64Array(1_024);
  private kind = new Int32Array(1_024);
  private index = new Int32Array(1_024);
  size = 0;
  top_ms = 0;
  topKind = 0;
  topIndex = 0;

  push(t_ms: number, kind: number, index: number): void {
    let j = this.size++;
    while (j > 0) {
      const p = (j - 1) >> 1;
      if (this.time[p] <= t_ms) break;
      this.set(j, this.time[p], this.kind[p], this.index[p]);
      j = p;
    }
    this.set(j, t_ms, kind, index);
  }

  /** Removes the earliest event into top_ms / topKind / topIndex. */
  pop(): void {
    this.top_ms = this.time[0];
    this.topKind = this.kind[0];
    this.topIndex = this.index[0];
    const n = --this.size;
    const t = this.time[n];
    const k = this.kind[n];
    const i = this.index[n];
    let j = 0;
    for (;;) {
      let c = 2 * j + 1;
      if (c >= n) break;
      if (c + 1 < n && this.time[c + 1] < this.time[c]) c++;
      if (this.time[c] >= t) break;
      this.set(j, this.time[c], this.kind[c], this.index[c]);
      j = c;
    }
    this.set(j, t, k, i);
  }

  private set(j: number, t: number, k: number, i: number): void {
    this.time[j] = t;
    this.kind[j] = k;
    this.index[j] = i;
  }
}

/** Runs the day; `stride` spaces each pod's fields (1 = columns), `shuffled` scatters node order. */
function day(stride: number, shuffled: boolean): { wall_s: number; steps: number; check: number } {
  const column = () => new Float64Array(PODS * stride);
  const [rate, queue, cpuUsed, advanced, sampleTs, sampleCpu, sampleMem] = Array.from({ length: 7 }, column);
  const [lastTs, lastCpu, prevTs, prevCpu, lastMem, usage] = Array.from({ length: 6 }, column);
  const order = new Int32Array(PODS).map((_, i) => i);
  if (shuffled) {
    let x = 12_345;
    for (let i = PODS - 1; i > 0; i--) {
      x = (x * 1_103_515_245 + 12_345) & 0x7fffffff;
      const j = x % (i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
  }
  const heap = new EventHeap();
  for (let n = 0; n < NODES; n++) {
    heap.push((n * 37) % 10_000, HOUSEKEEP, n);
    heap.push((n * 53) % 15_000, SCRAPE, n);
  }
  for (let h = 0; h < HPAS; h++) heap.push((h * 71) % 15_000, HPA_SYNC, h);
  heap.push(0, LOAD, 0);

  let steps = 0;
  let check = 0;
  const started = process.hrtime.bigint();
  while (heap.size > 0) {
    heap.pop();
    const t = heap.top_ms;
    if (t > DAY_MS) break;
    const first = heap.topIndex * PODS_PER_NODE;
    if (heap.topKind === HOUSEKEEP) {
      for (let k = first; k < first + PODS_PER_NODE; k++) {
        const i = order[k] * stride;
        const T_s = (t - advanced[i]) / 1000;
        advanced[i] = t;
        const mu = CAP_MCORES / COST_MCORE_S;
        let q = queue[i] + (rate[i] - mu) * T_s;
        let served = mu * T_s;
        if (q < 0) {
          served = queue[i] + rate[i] * T_s;
          q = 0;
        }
        queue[i] = Math.min(q, QUEUE_CAP_REQUESTS);
        cpuUsed[i] += served * COST_MCORE_S * 1000;
        sampleTs[i] = t;
        sampleCpu[i] = Math.floor(cpuUsed[i] + 50 * t);
        sampleMem[i] = Math.round(1e8 + q * 1e6);
      }
      steps += PODS_PER_NODE;
      heap.push(t + 10_000, HOUSEKEEP, heap.topIndex);
    } else if (heap.topKind === SCRAPE) {
      for (let k = first; k < first + PODS_PER_NODE; k++) {
        const i = order[k] * stride;
        if (sampleTs[i] > lastTs[i]) {
          prevTs[i] = lastTs[i];
          prevCpu[i] = lastCpu[i];
          lastTs[i] = sampleTs[i];
          lastCpu[i] = sampleCpu[i];
          lastMem[i] = sampleMem[i];
        }
        const window_ms = lastTs[i] - prevTs[i];
        usage[i] = window_ms > 0 ? Math.round((lastCpu[i] - prevCpu[i]) / window_ms) : -1;
      }
      steps += PODS_PER_NODE;
      heap.push(t + 15_000, SCRAPE, heap.topIndex);
    } else if (heap.topKind === HPA_SYNC) {
      let sum = 0;
      let pods = 0;
      for (let p = heap.topIndex; p < PODS; p += HPAS) {
        const u = usage[p * stride];
        if (u >= 0) {
          sum += u;
          pods++;
        }
      }
      steps += PODS / HPAS;
      check += pods > 0 ? Math.ceil(sum / 500) : 0;
      heap.push(t + 15_000, HPA_SYNC, heap.topIndex);
    } else {
      const level = 30 + 20 * Math.sin((t / DAY_MS) * 2 * Math.PI);
      for (let p = 0; p < PODS; p++) rate[p * stride] = level * (1 + (p % 7) / 10);
      heap.push(t + 60_000, LOAD, 0);
    }
  }
  return { wall_s: Number(process.hrtime.bigint() - started) / 1e9, steps, check };
}

const compact = day(1, false);
const wide = day(8, true);
// The checks are printed so that no loop can be optimised away.
process.stdout.write(
  `per-pod-floor compact_s=${compact.wall_s.toFixed(2)} wide_s=${wide.wall_s.toFixed(2)} pod_steps=${compact.steps} check=${compact.check + wide.check}\n`,
);
