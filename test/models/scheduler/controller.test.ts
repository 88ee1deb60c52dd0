/**
 * The scheduler controller on a real kernel and store: binding, conservation, FitError handling,
 * retry timing (backoff and the 5-minute unschedulable flush), latency, determinism and ties.
 */
import t from "tap";
import { Simulation } from "../../../engine/index.js";
import { EventLog } from "../../../models/cluster/events.js";
import { ClusterStore } from "../../../models/cluster/store.js";
import type { Node, Pod } from "../../../models/cluster/types.js";
import { getPodCondition } from "../../../models/cluster/types.js";
import { SchedulerController } from "../../../models/scheduler/controller.js";
import { createNode, createPod, eventRows, GiB, harness } from "./controller-fixtures.js";

const MIN_MS = 60_000;

t.test("pods are bound to feasible nodes with PodScheduled=True and a Scheduled event", async (t) => {
  const h = harness(1);
  for (const n of ["n1", "n2", "n3"]) createNode(h.store, n, { cpu_mcores: 4000, memory_bytes: 8 * GiB });
  const pods: Pod[] = [];
  for (let i = 0; i < 6; i++) pods.push(createPod(h.store, `p${i}`, { containers: [{ cpu_mcores: 1000, memory_bytes: GiB }] }));
  h.sim.run(10_000);
  for (const pod of pods) {
    t.ok(["n1", "n2", "n3"].includes(pod.spec.nodeName), `${pod.metadata.name} bound to ${pod.spec.nodeName}`);
    const c = getPodCondition(pod, "PodScheduled");
    t.equal(c?.status, "True");
  }
  const scheduled = eventRows(h.events, "Scheduled");
  t.equal(scheduled.length, 6);
  t.equal(scheduled[0].message, `Successfully assigned default/p0 to ${pods[0].spec.nodeName}`);
  t.equal(h.events.count("default-scheduler", "Normal", "Scheduled"), 6);
  t.equal(h.scheduler.stats.bindings, 6);
  // LeastAllocated spreads equal pods: two per node.
  const perNode = new Map<string, number>();
  for (const pod of pods) perNode.set(pod.spec.nodeName, (perNode.get(pod.spec.nodeName) ?? 0) + 1);
  t.same([...perNode.values()].sort(), [2, 2, 2]);
});

t.test("conservation: requests never exceed allocatable; a pod is bound once and never moves", async (t) => {
  const h = harness(7, { schedulingLatency_ms: 5 });
  const rng = h.sim.rng.stream("test/workload");
  for (let i = 0; i < 8; i++) createNode(h.store, `n${i}`, { cpu_mcores: 4000, memory_bytes: 16 * GiB, pods: 12 });
  const firstNode = new Map<string, string>();
  let violations = 0;
  h.store.watch<Pod>("Pod", (_type, pod) => {
    if (pod.spec.nodeName === "") return;
    const prev = firstNode.get(pod.metadata.uid);
    if (prev === undefined) firstNode.set(pod.metadata.uid, pod.spec.nodeName);
    else if (prev !== pod.spec.nodeName) violations++;
  });
  let bindCount = 0;
  h.scheduler.onBound = () => bindCount++;
  // Pods arrive over 20 minutes; some bound pods are deleted again, freeing room.
  let seq = 0;
  h.sim.every(3_000, () => {
    for (let k = 0; k < 3; k++) {
      const cpu = 100 * (1 + Math.floor(rng.random() * 15));
      createPod(h.store, `p${seq++}`, { containers: [{ cpu_mcores: cpu, memory_bytes: Math.floor(rng.random() * 4) * GiB }] });
    }
    const bound = h.store.list<Pod>("Pod").filter((p) => p.spec.nodeName !== "");
    if (bound.length > 0 && rng.random() < 0.5) {
      const victim = bound[Math.floor(rng.random() * bound.length)];
      h.store.delete("Pod", victim.metadata.namespace, victim.metadata.name);
    }
  });
  const check = (): void => {
    for (const node of h.store.list<Node>("Node")) {
      let cpu = 0;
      let mem = 0;
      let n = 0;
      for (const p of h.store.list<Pod>("Pod")) {
        if (p.spec.nodeName !== node.metadata.name) continue;
        n++;
        for (const c of p.spec.containers) {
          cpu += c.resources.requests.cpu_mcores ?? 0;
          mem += c.resources.requests.memory_bytes ?? 0;
        }
      }
      if (cpu > node.status.allocatable.cpu_mcores || mem > node.status.allocatable.memory_bytes || n > node.status.allocatable.pods) violations++;
      // The scheduler's cache agrees with the store (assumed pods are bound at once here).
      const ni = h.scheduler.nodeInfo(node.metadata.name)!;
      if (ni.requested_mcores !== cpu || ni.podCount !== n) violations++;
    }
  };
  h.sim.every(1_000, check, { phase_ms: 500 });
  h.sim.run(20 * MIN_MS);
  t.equal(violations, 0, "no overcommit, no rebinding, cache consistent");
  t.ok(bindCount > 100, `many bindings (${bindCount})`);
  t.ok(h.scheduler.stats.failures > 0, "the cluster filled up at times");
  t.equal(h.scheduler.stats.bindings, bindCount);
});

t.test("a pod too big for every node: Unschedulable with the upstream message, retried when a fitting node joins", async (t) => {
  const h = harness(3);
  for (const n of ["n1", "n2", "n3"]) createNode(h.store, n, { cpu_mcores: 4000, memory_bytes: 8 * GiB });
  const big = createPod(h.store, "big", { containers: [{ cpu_mcores: 8000, memory_bytes: GiB }] });
  h.sim.run(MIN_MS);
  const c = getPodCondition(big, "PodScheduled");
  t.equal(big.spec.nodeName, "");
  t.equal(big.status.phase, "Pending");
  t.equal(c?.status, "False");
  t.equal(c?.reason, "Unschedulable");
  t.equal(c?.message, "0/3 nodes are available: 3 Insufficient cpu.");
  t.equal(c?.lastTransitionTime_ms, 10);
  const failed = eventRows(h.events, "FailedScheduling");
  t.same(failed, [{ time_s: 0.01, name: "big", message: "0/3 nodes are available: 3 Insufficient cpu." }]);
  t.equal(h.events.count("default-scheduler", "Warning", "FailedScheduling"), 1);

  // A node that cannot hold it either is not worth a retry (NodeResourcesFit's queueing hint).
  h.sim.scheduleAt(90_000, () => createNode(h.store, "small", { cpu_mcores: 2000, memory_bytes: 8 * GiB }));
  h.sim.run(2 * MIN_MS);
  t.equal(eventRows(h.events, "FailedScheduling").length, 1, "no retry for a node that does not fit");

  h.sim.scheduleAt(150_000, () => createNode(h.store, "huge", { cpu_mcores: 16_000, memory_bytes: 64 * GiB }));
  h.sim.run(3 * MIN_MS);
  t.equal(big.spec.nodeName, "huge");
  t.same(h.bindings, [{ pod: "big", node: "huge", time_ms: 150_010 }], "bound one scheduling latency after the node add");
  t.equal(getPodCondition(big, "PodScheduled")?.status, "True");
  t.equal(getPodCondition(big, "PodScheduled")?.lastTransitionTime_ms, 150_010);
});

t.test("no cluster event: retried by the unschedulable-pods flush on the 30 s grid after 5 min; cheap over 24 h", async (t) => {
  const h = harness(3);
  for (const n of ["n1", "n2", "n3"]) createNode(h.store, n, { cpu_mcores: 4000, memory_bytes: 8 * GiB });
  createPod(h.store, "big", { containers: [{ cpu_mcores: 8000 }] });
  h.sim.run(12 * MIN_MS);
  // Fails at 10 ms (timestamp 10); the flush at 300 s sees 299.99 s (not > 5 min), the one at
  // 330 s moves it; the retry fails at 330.01 s, and so on.
  t.same(eventRows(h.events, "FailedScheduling").map((e) => e.time_s), [0.01, 330.01, 660.01]);
  t.equal(h.scheduler.queue.where("default/big"), "unschedulable");
  const before = h.sim.events_processed;
  h.sim.run(24 * 60 * MIN_MS);
  const attempts = eventRows(h.events, "FailedScheduling").length;
  // One retry every 330 s: 24 h / 330 s ≈ 262 attempts, about two kernel events each.
  t.ok(attempts > 250 && attempts < 270, `${attempts} attempts in 24 h`);
  t.ok(h.sim.events_processed - before < 3 * attempts, `${h.sim.events_processed - before} kernel events`);
});

t.test("an idle scheduler costs no events", async (t) => {
  const h = harness(3);
  createNode(h.store, "n1", { cpu_mcores: 4000, memory_bytes: 8 * GiB });
  createPod(h.store, "p", { containers: [{ cpu_mcores: 100 }] });
  h.sim.run(24 * 60 * MIN_MS);
  t.ok(h.sim.events_processed < 10, `${h.sim.events_processed} events in 24 h`);
  t.equal(h.sim.pending, 0);
});

t.test("backoff: a pod failing while a node joined during its cycle is retried after 1 s, on the 1 s grid", async (t) => {
  // popFromBackoffQ off, so the retry waits for flushBackoffQCompleted.
  const h = harness(3, { schedulingLatency_ms: 300, popFromBackoffQ: false });
  createNode(h.store, "n1", { cpu_mcores: 1000, memory_bytes: 8 * GiB });
  createPod(h.store, "big", { containers: [{ cpu_mcores: 2000 }] });
  // The pod is popped at 0 and decided at 300. A node joins at 100, during the cycle; it does
  // not fit either, but the move request it raised sends the failed pod to backoffQ rather than
  // unschedulablePods (AddUnschedulableIfNotPresent's moveRequestCycle check).
  h.sim.scheduleAt(100, () => createNode(h.store, "n2", { cpu_mcores: 1500, memory_bytes: 8 * GiB }));
  h.sim.run(20_000);
  // Attempt 1 fails at 300 → backoffQ, expiry 1300 → flush tick 2000 → fails at 2300 →
  // unschedulablePods (no event since).
  t.same(eventRows(h.events, "FailedScheduling").map((e) => e.time_s), [0.3, 2.3]);
  t.equal(h.scheduler.queue.where("default/big"), "unschedulable");
});

t.test("with SchedulerPopFromBackoffQ (default) an idle scheduler takes a backing-off pod at once", async (t) => {
  const h = harness(3, { schedulingLatency_ms: 300 });
  createNode(h.store, "n1", { cpu_mcores: 1000, memory_bytes: 8 * GiB });
  createPod(h.store, "big", { containers: [{ cpu_mcores: 2000 }] });
  h.sim.scheduleAt(100, () => createNode(h.store, "n2", { cpu_mcores: 1500, memory_bytes: 8 * GiB }));
  h.sim.run(20_000);
  t.same(eventRows(h.events, "FailedScheduling").map((e) => e.time_s), [0.3, 0.6]);
});

t.test("scheduling latency spaces consecutive bindings; binding latency delays each", async (t) => {
  const h = harness(1, { schedulingLatency_ms: 25 });
  createNode(h.store, "n1", { cpu_mcores: 64_000, memory_bytes: 64 * GiB });
  for (let i = 0; i < 5; i++) createPod(h.store, `p${i}`, { containers: [{ cpu_mcores: 100 }] });
  h.sim.run(10_000);
  t.same(h.bindings.map((b) => b.time_ms), [25, 50, 75, 100, 125]);
  t.same(h.bindings.map((b) => b.pod), ["p0", "p1", "p2", "p3", "p4"], "FIFO at equal priority");

  const h2 = harness(1, { schedulingLatency_ms: 25, bindingLatency_ms: 40 });
  createNode(h2.store, "n1", { cpu_mcores: 64_000, memory_bytes: 64 * GiB });
  for (let i = 0; i < 5; i++) createPod(h2.store, `p${i}`, { containers: [{ cpu_mcores: 100 }] });
  h2.sim.run(10_000);
  t.same(h2.bindings.map((b) => b.time_ms), [65, 90, 115, 140, 165], "binding does not hold up the next cycle");
});

t.test("priority orders the activeQ", async (t) => {
  const h = harness(1, { schedulingLatency_ms: 10 });
  createNode(h.store, "n1", { cpu_mcores: 64_000, memory_bytes: 64 * GiB });
  createPod(h.store, "first", { containers: [{ cpu_mcores: 100 }] });
  createPod(h.store, "low", { containers: [{ cpu_mcores: 100 }] });
  createPod(h.store, "high", { containers: [{ cpu_mcores: 100 }], priority: 1000 });
  h.sim.run(1_000);
  t.same(h.bindings.map((b) => b.pod), ["first", "high", "low"], "the first was popped before the others arrived");
});

t.test("deleting a bound pod frees room for a waiting one; a deleted pending pod is forgotten", async (t) => {
  const h = harness(1);
  createNode(h.store, "n1", { cpu_mcores: 4000, memory_bytes: 8 * GiB });
  createPod(h.store, "a", { containers: [{ cpu_mcores: 3000 }] });
  const b = createPod(h.store, "b", { containers: [{ cpu_mcores: 3000 }] });
  createPod(h.store, "c", { containers: [{ cpu_mcores: 3500 }] });
  h.sim.run(MIN_MS);
  t.equal(b.spec.nodeName, "");
  t.equal(h.scheduler.queue.unschedulableLength, 2);
  h.store.delete("Pod", "default", "c");
  h.sim.scheduleAt(100_000, () => h.store.delete("Pod", "default", "a"));
  h.sim.run(11 * MIN_MS);
  t.equal(b.spec.nodeName, "n1");
  t.same(h.bindings.map((x) => [x.pod, x.time_ms]), [["a", 10], ["b", 100_010]]);
  t.same(eventRows(h.events, "FailedScheduling").map((e) => e.name), ["b", "c"], "c never retried after deletion");
  t.equal(h.scheduler.nodeInfo("n1")!.requested_mcores, 3000);
  t.equal(h.sim.pending, 0, "nothing left armed");
});

t.test("no nodes: 'no nodes available' and error backoff, then bound once a node exists", async (t) => {
  const h = harness(1);
  const p = createPod(h.store, "p", { containers: [{ cpu_mcores: 100 }] });
  h.sim.run(30_000);
  const c = getPodCondition(p, "PodScheduled");
  t.equal(c?.reason, "Unschedulable");
  t.equal(c?.message, "no nodes available to schedule pods");
  const fails = eventRows(h.events, "FailedScheduling").length;
  t.ok(fails >= 3 && fails <= 6, `retried with growing backoff (${fails} attempts in 30 s)`);
  createNode(h.store, "n1", { cpu_mcores: 4000, memory_bytes: 8 * GiB });
  h.sim.run(45_000);
  t.equal(p.spec.nodeName, "n1");
  t.ok(h.bindings[0].time_ms <= 41_000, `bound at ${h.bindings[0].time_ms} ms, within the 10 s max backoff`);
});

t.test("pre-bound pods are counted; nodes already in the store are picked up", async (t) => {
  // Objects first, scheduler after (a scheduler started on an existing cluster).
  const sim = new Simulation({ seed: 1 });
  const store = new ClusterStore(sim);
  const events = new EventLog();
  createNode(store, "n1", { cpu_mcores: 2000, memory_bytes: 8 * GiB });
  createPod(store, "ds", { containers: [{ cpu_mcores: 1500 }], nodeName: "n1" });
  sim.run(1);
  const scheduler = new SchedulerController(sim, store, events);
  const p = createPod(store, "p", { containers: [{ cpu_mcores: 1000 }] });
  sim.run(MIN_MS);
  t.equal(scheduler.nodeInfo("n1")!.requested_mcores, 1500);
  t.equal(p.spec.nodeName, "");
  t.equal(getPodCondition(p, "PodScheduled")?.message, "0/1 nodes are available: 1 Insufficient cpu.");
});

function placements(seed: number): string[] {
  const h = harness(seed, { schedulingLatency_ms: 1 });
  for (let i = 0; i < 10; i++) createNode(h.store, `n${i}`, { cpu_mcores: 8000, memory_bytes: 32 * GiB });
  for (let i = 0; i < 60; i++) createPod(h.store, `p${i}`, { containers: [{ cpu_mcores: 100 * (1 + (i % 7)), memory_bytes: GiB }] });
  h.sim.run(MIN_MS);
  return h.bindings.map((b) => `${b.pod}@${b.node}@${b.time_ms}`);
}

t.test("same seed, same placements", async (t) => {
  const a = placements(42);
  t.equal(a.length, 60);
  t.same(placements(42), a);
});

t.test("ties between identical nodes are broken from the seeded stream", async (t) => {
  const chosen = new Set<string>();
  for (let seed = 1; seed <= 20; seed++) {
    const h = harness(seed);
    createNode(h.store, "a", { cpu_mcores: 4000, memory_bytes: 8 * GiB });
    createNode(h.store, "b", { cpu_mcores: 4000, memory_bytes: 8 * GiB });
    createPod(h.store, "p", { containers: [{ cpu_mcores: 500, memory_bytes: GiB }] });
    h.sim.run(1_000);
    chosen.add(h.bindings[0].node);
  }
  t.same([...chosen].sort(), ["a", "b"]);
});

t.test("5,000 pods on 200 nodes", async (t) => {
  const h = harness(5, { schedulingLatency_ms: 2 });
  for (let i = 0; i < 200; i++) createNode(h.store, `n${i}`, { cpu_mcores: 32_000, memory_bytes: 128 * GiB });
  for (let i = 0; i < 5_000; i++) createPod(h.store, `p${i}`, { containers: [{ cpu_mcores: 1000, memory_bytes: 2 * GiB }] });
  const start = process.hrtime.bigint();
  h.sim.run(60 * MIN_MS);
  const elapsed_ms = Number(process.hrtime.bigint() - start) / 1e6;
  t.equal(h.bindings.length, 5_000);
  t.equal(h.bindings.at(-1)!.time_ms, 10_000);
  t.ok(elapsed_ms < 10_000, `took ${elapsed_ms.toFixed(0)} ms`);
  t.comment(`5,000 pods / 200 nodes: ${elapsed_ms.toFixed(0)} ms, ${h.sim.events_processed} events`);
});
