import t from "tap";
import { calculateStatus, minReadyRequeueAfter_ms } from "../../../models/replicaset/status.js";
import { isPodActive, isPodAvailable } from "../../../models/replicaset/podutil.js";
import { pod, replicaSet } from "./fixtures.js";

const now_ms = 10_000_000;

t.test("TestCalculateStatus", async (t) => {
  const labelMap = { name: "foo" };
  const fullLabelMap = { name: "foo", type: "production" };
  const notFullyLabelledRS = replicaSet("nfl", 1, { templateLabels: fullLabelMap });
  const fullyLabelledRS = replicaSet("fl", 2, { templateLabels: fullLabelMap });
  const longMinReadySecondsRS = replicaSet("long", 1, { templateLabels: fullLabelMap, minReadySeconds: 3600 });
  // upstream newPod(name, rs, Running, nil, true): labelled with the rs template labels and Ready.
  const running = (name: string, labels: Record<string, string>) => pod(name, { labels, ready: true, readySince_ms: now_ms - 1000 });
  const tests = [
    { name: "1 fully labelled pod", rs: fullyLabelledRS, pods: [running("pod1", fullLabelMap)], want: [1, 1, 1, 1] },
    { name: "1 not fully labelled pod", rs: notFullyLabelledRS, pods: [running("pod1", labelMap)], want: [1, 0, 1, 1] },
    { name: "2 fully labelled pods", rs: fullyLabelledRS, pods: [running("pod1", fullLabelMap), running("pod2", fullLabelMap)], want: [2, 2, 2, 2] },
    { name: "2 not fully labelled pods", rs: notFullyLabelledRS, pods: [running("pod1", labelMap), running("pod2", labelMap)], want: [2, 0, 2, 2] },
    {
      name: "1 fully labelled pod, 1 not fully labelled pod",
      rs: notFullyLabelledRS,
      pods: [running("pod1", labelMap), running("pod2", fullLabelMap)],
      want: [2, 1, 2, 2],
    },
    { name: "1 non-ready pod", rs: fullyLabelledRS, pods: [pod("pod1", { labels: fullLabelMap, phase: "Pending" })], want: [1, 1, 0, 0] },
    { name: "1 ready but non-available pod", rs: longMinReadySecondsRS, pods: [running("pod1", fullLabelMap)], want: [1, 1, 1, 0] },
  ];
  for (const test of tests) {
    const s = calculateStatus(test.rs, test.pods, now_ms);
    t.same([s.replicas, s.fullyLabeledReplicas, s.readyReplicas, s.availableReplicas], test.want, test.name);
  }
});

t.test("IsPodAvailable: minReadySeconds must have fully elapsed (strict)", async (t) => {
  const readyAt = 1_000_000;
  const p = pod("p", { ready: true, readySince_ms: readyAt });
  t.ok(isPodAvailable(p, 0, readyAt), "minReadySeconds 0: available as soon as ready");
  t.notOk(isPodAvailable(p, 10, readyAt + 9_999));
  t.notOk(isPodAvailable(p, 10, readyAt + 10_000), "exactly minReadySeconds later: not yet (time.Before)");
  t.ok(isPodAvailable(p, 10, readyAt + 10_001));
  t.notOk(isPodAvailable(pod("np", { ready: false }), 0, readyAt), "not ready is never available");
});

t.test("FilterActivePods drops terminal and terminating pods", async (t) => {
  const pods = [
    pod("running"),
    pod("pending", { phase: "Pending" }),
    pod("unknown", { phase: "Unknown" }),
    pod("succeeded", { phase: "Succeeded" }),
    pod("failed", { phase: "Failed" }),
    pod("deleting", { deleted_ms: 5 }),
  ];
  t.same(pods.filter(isPodActive).map((p) => p.metadata.name), ["running", "pending", "unknown"]);
});

t.test("minReadySeconds requeue when ready but not yet available", async (t) => {
  const rs = replicaSet("rs", 2, { minReadySeconds: 30 });
  t.equal(minReadyRequeueAfter_ms(rs, { replicas: 2, readyReplicas: 2, availableReplicas: 1 }), 30_000);
  t.equal(minReadyRequeueAfter_ms(rs, { replicas: 2, readyReplicas: 2, availableReplicas: 2 }), null);
  t.equal(minReadyRequeueAfter_ms(rs, { replicas: 2, readyReplicas: 1, availableReplicas: 0 }), null);
});
