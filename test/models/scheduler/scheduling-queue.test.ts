/** Ports of backend/queue backoff_queue_test.go / scheduling_queue_test.go behaviour. */
import t from "tap";
import {
  calculateBackoffDuration,
  EVENT_ASSIGNED_POD_DELETE,
  EVENT_NODE_ADD,
  SchedulingQueue,
  type QueuedPodInfo,
} from "../../../models/scheduler/scheduling-queue.js";
import { makePod } from "./fixtures.js";

const FIT = new Set(["NodeResourcesFit"]);

t.test("calculateBackoffDuration: 1 s doubling to 10 s", async (t) => {
  const cases = [
    { count: 0, want: 0 },
    { count: 1, want: 1_000 },
    { count: 2, want: 2_000 },
    { count: 3, want: 4_000 },
    { count: 4, want: 8_000 },
    { count: 5, want: 10_000 },
    { count: 6, want: 10_000 },
    { count: 1_000, want: 10_000 },
  ];
  for (const c of cases) t.equal(calculateBackoffDuration(c.count, 1_000, 10_000), c.want, `count ${c.count}`);
  // backoff_queue_test.go TestBackoffQueue_calculateBackoffDuration "overflow_32bit"/"overflow_64bit":
  // the doubling never overflows, it caps.
  t.equal(calculateBackoffDuration(1_000_000, 1, Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
  t.equal(calculateBackoffDuration(6, 1, 32), 32);
  t.equal(calculateBackoffDuration(7, 1, 32), 32);
});

t.test("activeQ: priority first, then FIFO by timestamp, then insertion", async (t) => {
  const q = new SchedulingQueue();
  q.add(makePod("low-early"), 0);
  q.add(makePod("high-late", { priority: 1000 }), 50);
  q.add(makePod("low-late"), 50);
  q.add(makePod("low-late-2"), 50);
  q.add(makePod("high-early", { priority: 1000 }), 10);
  t.same(q.podsInActiveQ(), ["default/high-early", "default/high-late", "default/low-early", "default/low-late", "default/low-late-2"]);
  const order: string[] = [];
  for (let p = q.pop(); p !== undefined; p = q.pop()) order.push(p.pod.metadata.name);
  t.same(order, ["high-early", "high-late", "low-early", "low-late", "low-late-2"]);
  t.equal(q.schedulingCycle(), 5);
  t.throws(() => {
    q.add(makePod("x"), 0);
    q.add(makePod("x"), 0);
  }, /already queued/);
});

t.test("rejected pod: unschedulablePods, event moves it to backoffQ, backoff completes into activeQ", async (t) => {
  const q = new SchedulingQueue({ popFromBackoffQ: false });
  q.add(makePod("p"), 0);
  const p = q.pop()!;
  t.equal(p.attempts, 1);
  t.equal(q.addUnschedulableIfNotPresent(p, FIT, q.schedulingCycle(), 100), null);
  t.equal(q.where(p.key), "unschedulable");
  t.equal(p.unschedulableCount, 1);
  t.equal(q.getBackoffTime(p), 1_100, "timestamp refreshed to 100, backoff 1 s");

  t.equal(q.moveAllToActiveOrBackoffQueue(EVENT_NODE_ADD, 500), 1);
  t.equal(q.where(p.key), "backoff", "still backing off at 500");
  t.equal(q.nextBackoffExpiry_ms(), 1_100);
  t.equal(q.flushBackoffQCompleted(1_099), 0);
  t.equal(q.pop(), undefined, "nothing active while backing off (PopFromBackoffQ off)");
  t.equal(q.flushBackoffQCompleted(1_100), 1);
  t.equal(q.where(p.key), "active");

  const again = q.pop()!;
  t.equal(again.attempts, 2);
  q.addUnschedulableIfNotPresent(again, FIT, q.schedulingCycle(), 2_000);
  t.equal(q.getBackoffTime(again), 4_000, "second rejection: 2 s");
  t.equal(q.moveAllToActiveOrBackoffQueue(EVENT_ASSIGNED_POD_DELETE, 4_000), 1);
  t.equal(q.where(again.key), "active", "backoff already over: straight to activeQ");
  t.match(q.addUnschedulableIfNotPresent(again, FIT, q.schedulingCycle(), 4_000) ?? "", /already present in the active queue/);
});

t.test("a move request during the attempt sends the pod to backoffQ, not unschedulablePods", async (t) => {
  const q = new SchedulingQueue();
  q.add(makePod("p"), 0);
  const p = q.pop()!;
  const cycle = q.schedulingCycle();
  q.moveAllToActiveOrBackoffQueue(EVENT_NODE_ADD, 10); // a node arrives while p is in flight
  q.addUnschedulableIfNotPresent(p, FIT, cycle, 20);
  t.equal(q.where(p.key), "backoff");
  // The next attempt began after that event: a new rejection parks the pod.
  q.flushBackoffQCompleted(1_020);
  const p2 = q.pop()!;
  q.addUnschedulableIfNotPresent(p2, FIT, q.schedulingCycle(), 1_030);
  t.equal(q.where(p2.key), "unschedulable");
});

t.test("errors go to the error backoff queue and count separately", async (t) => {
  const q = new SchedulingQueue();
  q.add(makePod("p"), 0);
  const p = q.pop()!;
  q.addUnschedulableIfNotPresent(p, new Set(), q.schedulingCycle(), 0);
  t.equal(p.consecutiveErrorsCount, 1);
  t.equal(p.unschedulableCount, 0);
  t.equal(q.where(p.key), "backoff");
  t.equal(q.pop(), undefined, "PopFromBackoffQ never pops the error queue");
  t.equal(q.flushBackoffQCompleted(1_000), 1);
  const p2 = q.pop()!;
  q.addUnschedulableIfNotPresent(p2, FIT, q.schedulingCycle(), 1_000);
  t.equal(p2.consecutiveErrorsCount, 0, "a rejection resets the error count");
  t.equal(p2.unschedulableCount, 1);
});

t.test("PopFromBackoffQ: an idle activeQ pops the head of podBackoffQ", async (t) => {
  const q = new SchedulingQueue();
  q.add(makePod("a"), 0);
  q.add(makePod("b"), 0);
  const a = q.pop()!;
  const b = q.pop()!;
  q.addUnschedulableIfNotPresent(a, FIT, q.schedulingCycle(), 10);
  q.addUnschedulableIfNotPresent(b, FIT, q.schedulingCycle(), 5);
  q.moveAllToActiveOrBackoffQueue(EVENT_NODE_ADD, 20);
  t.same(q.podsInBackoffQ(), ["default/b", "default/a"], "ordered by backoff expiry");
  t.equal(q.pop()?.pod.metadata.name, "b");
  q.add(makePod("c"), 30);
  t.equal(q.pop()?.pod.metadata.name, "c", "activeQ first");
  t.equal(q.pop()?.pod.metadata.name, "a");
});

t.test("flushUnschedulablePodsLeftover: after more than 5 minutes", async (t) => {
  const q = new SchedulingQueue();
  q.add(makePod("p"), 0);
  const p = q.pop()!;
  q.addUnschedulableIfNotPresent(p, FIT, q.schedulingCycle(), 0);
  t.equal(q.flushUnschedulablePodsLeftover(300_000), 0, "exactly 5 min: not yet (strictly greater)");
  t.equal(q.flushUnschedulablePodsLeftover(300_001), 1);
  t.equal(q.where(p.key), "active", "backoff long over");
});

t.test("queueing hints and preCheck filter who moves; the timeout ignores hints", async (t) => {
  const q = new SchedulingQueue();
  const names = ["a", "b", "c"];
  for (const n of names) q.add(makePod(n), 0);
  const popped: QueuedPodInfo[] = [q.pop()!, q.pop()!, q.pop()!];
  for (const p of popped) q.addUnschedulableIfNotPresent(p, p.pod.metadata.name === "c" ? new Set(["TaintToleration"]) : FIT, q.schedulingCycle(), 0);
  t.same(q.unschedulablePodKeys(), ["default/a", "default/b", "default/c"], "insertion order");
  const fitOnly = (pInfo: QueuedPodInfo) => pInfo.unschedulablePlugins.has("NodeResourcesFit");
  t.equal(q.moveAllToActiveOrBackoffQueue(EVENT_ASSIGNED_POD_DELETE, 5_000, (pod) => pod.metadata.name !== "b", fitOnly), 1);
  t.same(q.unschedulablePodKeys(), ["default/b", "default/c"]);
  t.equal(q.flushUnschedulablePodsLeftover(400_000), 2);
  t.equal(q.unschedulableLength, 0);
});

t.test("update and delete", async (t) => {
  const q = new SchedulingQueue();
  q.add(makePod("p"), 0);
  const p = q.pop()!;
  q.addUnschedulableIfNotPresent(p, FIT, q.schedulingCycle(), 0);
  q.update(makePod("p", { containers: [{ cpu_mcores: 1 }] }), 100);
  t.equal(q.where(p.key), "backoff", "a changed unschedulable pod moves on (still backing off)");
  t.equal(p.pod.spec.containers.length, 1, "newest object kept");
  t.ok(q.delete(p.pod));
  t.equal(q.where(p.key), null);
  t.notOk(q.delete(p.pod));
  q.update(makePod("new"), 200);
  t.equal(q.where("default/new"), "active", "unknown pod: added");
});
