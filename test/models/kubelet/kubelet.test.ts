/**
 * Kubelet pod lifecycle against upstream semantics: startTime at admission, serialized image
 * pulls with a per-node cache, readiness probe timing (worker ticks from pod add, a manual probe
 * at container start, initialDelaySeconds, thresholds), PodReady lastTransitionTime, OOM kills
 * at the moment the working set crosses the limit, with CrashLoopBackOff, graceful termination.
 */
import t from "tap";
import { containerIdFor, handleOfContainerId } from "../../../models/kubelet/pod-handles.js";
import { Simulation } from "../../../engine/index.js";
import { ClusterStore } from "../../../models/cluster/store.js";
import { EventLog } from "../../../models/cluster/events.js";
import type { Pod } from "../../../models/cluster/types.js";
import { getPodCondition } from "../../../models/cluster/types.js";
import { Kubelets, DEFAULT_KUBELET_CONFIG } from "../../../models/kubelet/kubelet.js";
import { PodRuntime } from "../../../models/kubelet/container-runtime.js";
import { AppCatalog, APP_ANNOTATION } from "../../../models/workload/app-profile.js";
import { node, pod, container } from "../pipeline/fixtures.js";

const APP = {
  name: "app", cpuPerRequest_mcore_s: 10, baselineCpu_mcores: 1, memoryBaseline_bytes: 64 * 2 ** 20,
  memoryPerInflight_bytes: 1024, queueCapacity_requests: 100, warmup_ms: 12_000, shutdown_ms: 2_000,
};

function harness(app = APP) {
  const sim = new Simulation({ seed: 1 });
  const store = new ClusterStore(sim);
  const events = new EventLog();
  const apps = new AppCatalog([app]);
  const runtime = new PodRuntime(apps);
  const kubelets = new Kubelets(sim, store, events, apps, runtime, {
    ...DEFAULT_KUBELET_CONFIG, defaultImagePull_ms: 3_000, containerStartMin_ms: 1_000, containerStartMax_ms: 1_000,
  });
  runtime.killOnOom(sim, (p, c, now) => kubelets.oomKill(p, c, now));
  store.create(node("n1", 4000));
  runtime.addNode("n1", 4000);
  return { sim, store, events, runtime, kubelets };
}

function probedPod(name: string, image = "img:1") {
  const c = container("app", 100);
  c.image = image;
  c.readinessProbe = { initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 };
  return pod(name, { app: "x" }, [c], "n1", { [APP_ANNOTATION]: "app" });
}

t.test("startTime, image pull, container start and readiness probe timing", async (t) => {
  const h = harness();
  const p = h.store.create<Pod>(probedPod("p1"));
  const readyAt: number[] = [];
  h.store.watch<Pod>("Pod", (_type, obj) => {
    if (getPodCondition(obj, "Ready")?.status === "True" && readyAt.length === 0) readyAt.push(h.sim.now_ms);
  });
  h.sim.run(3_999);
  t.equal(p.status.startTime_ms, 0, "startTime is set at admission, before the image pull");
  t.equal(p.status.phase, "Pending", "pulling (3 s) then starting (1 s)");
  h.sim.run(4_000);
  t.equal(p.status.phase, "Running", "containers running at 4 s");
  // Probe worker ticks at 10, 20, 30 s from pod add; the manual probe at 4 s is inside
  // initialDelaySeconds; at 10 s the app (warm at 4 + 12 = 16 s) still fails; at 20 s it passes.
  h.sim.run(19_999);
  t.equal(getPodCondition(p, "Ready")?.status, "False");
  h.sim.run(20_000);
  t.equal(getPodCondition(p, "Ready")?.status, "True", "Ready at the 20 s tick");
  t.equal(getPodCondition(p, "Ready")?.lastTransitionTime_ms, 20_000, "PodReady lastTransitionTime = the probe that passed");
  t.equal(getPodCondition(p, "ContainersReady")?.status, "True");
  t.same(readyAt, [20_000]);
});

t.test("images: a cached image is not pulled again; pulls on a node are serialized", async (t) => {
  const h = harness({ ...APP, warmup_ms: 0 });
  const running = new Map<string, number>();
  h.store.watch<Pod>("Pod", (_type, obj) => {
    if (obj.status.phase === "Running" && !running.has(obj.metadata.name)) running.set(obj.metadata.name, h.sim.now_ms);
  });
  h.store.create<Pod>(probedPod("a", "img:1"));
  h.store.create<Pod>(probedPod("b", "img:2"));
  h.sim.run(10_000);
  h.store.create<Pod>(probedPod("c", "img:1"));
  h.sim.run(20_000);
  t.equal(running.get("a"), 4_000, "a: 3 s pull + 1 s start");
  t.equal(running.get("b"), 7_000, "b: its pull waits for a's (serializeImagePulls), then 3 s + 1 s");
  t.equal(running.get("c"), 11_000, "cached image: only the 1 s container start");
  t.equal(h.events.count("kubelet", "Pulling", "Pulling"), 2, "two pulls for two images, none for the cached one");
});

t.test("OOMKilled restarts after CrashLoopBackOff 10 s, then 20 s", async (t) => {
  const h = harness({ ...APP, warmup_ms: 0 });
  const p = h.store.create<Pod>(pod("p", { app: "x" }, [container("app", 100)], "n1", { [APP_ANNOTATION]: "app" }));
  h.sim.run(5_000);
  t.equal(getPodCondition(p, "Ready")?.status, "True");
  const first = h.runtime.get(p.metadata.uid)!.handle;
  t.equal(p.status.containerStatuses[0].containerID, containerIdFor(first, "app"), "the running container's ID names its pod handle");
  h.kubelets.oomKill(p, "app", h.sim.now_ms);
  h.sim.run(5_000);
  t.equal(p.status.containerStatuses[0].containerID, "", "no container runs while backing off");
  t.equal(p.status.containerStatuses[0].restartCount, 1);
  t.equal(p.status.containerStatuses[0].reason, "CrashLoopBackOff");
  t.equal(getPodCondition(p, "Ready")?.status, "False", "not ready while backing off");
  t.equal(h.runtime.get(p.metadata.uid), undefined, "the container stopped using resources");
  h.sim.run(15_999);
  t.equal(p.status.containerStatuses[0].state, "waiting", "still backing off at 15.999 s");
  h.sim.run(16_000);
  t.equal(getPodCondition(p, "Ready")?.status, "True", "restarted after 10 s + 1 s start");
  const second = handleOfContainerId(p.status.containerStatuses[0].containerID);
  t.ok(second !== first && second === h.runtime.get(p.metadata.uid)!.handle, "the restarted container has the new pod handle");
  h.kubelets.oomKill(p, "app", h.sim.now_ms);
  h.sim.run(16_000 + 20_999);
  t.equal(getPodCondition(p, "Ready")?.status, "False");
  h.sim.run(16_000 + 21_000);
  t.equal(getPodCondition(p, "Ready")?.status, "True", "second back-off is 20 s");
  t.equal(p.status.containerStatuses[0].restartCount, 2);
  t.equal(h.events.count("kubelet", "Killing", "OOMKilled"), 2);
});

t.test("a working set above the memory limit from the start is OOM-killed as the container starts, no sample needed", async (t) => {
  const h = harness({ ...APP, warmup_ms: 0, memoryBaseline_bytes: 300 * 2 ** 20 });
  const p = h.store.create<Pod>(pod("p", { app: "x" }, [container("app", 100, undefined, 256 * 2 ** 20)], "n1", { [APP_ANNOTATION]: "app" }));
  h.sim.run(3_999);
  t.equal(p.status.containerStatuses[0].restartCount, 0, "not started before 4 s (3 s pull + 1 s start)");
  h.sim.run(4_000);
  t.equal(p.status.containerStatuses[0].restartCount, 1, "300Mi working set > 256Mi limit: killed at 4 s");
  t.equal(h.events.count("kubelet", "Killing", "OOMKilled"), 1);
});

// A pod whose queue grows: limit 100m CPU less 1m of baseline serves μ = 99/10 = 9.9 rps, each
// request in service for s = 10/99 s (μ·s = 1 in service); at 19.9 rps the queue grows by 10
// requests a second. Baseline 64Mi + 1Mi per request in flight crosses a 100Mi limit when 36
// are in flight (the rounded working set exceeds 100Mi just above it), a queue of 35: 3.5 s
// after the rate rises.
const GROWING_APP = { ...APP, warmup_ms: 0, memoryBaseline_bytes: 64 * 2 ** 20, memoryPerInflight_bytes: 2 ** 20 };

function growingPod(h: ReturnType<typeof harness>): Pod {
  return h.store.create<Pod>(pod("p", { app: "x" }, [container("app", 100, 100, 100 * 2 ** 20)], "n1", { [APP_ANNOTATION]: "app" }));
}

t.test("a growing queue is OOM-killed the moment its working set crosses the limit", async (t) => {
  const h = harness(GROWING_APP);
  const p = growingPod(h);
  h.sim.run(10_000);
  h.runtime.setArrivalRate(p.metadata.uid, 19.9, -1, h.sim.now_ms);
  h.sim.run(13_499);
  t.ok(h.runtime.get(p.metadata.uid), "still running 3.499 s later (no cAdvisor here: nothing samples)");
  h.sim.run(13_501);
  t.equal(h.runtime.get(p.metadata.uid), undefined, "killed by 3.501 s, as the queue reaches 35");
  t.equal(p.status.containerStatuses[0].restartCount, 1);
});

t.test("a queue that stops growing before the limit is not killed", async (t) => {
  const h = harness(GROWING_APP);
  const p = growingPod(h);
  h.sim.run(10_000);
  h.runtime.setArrivalRate(p.metadata.uid, 19.9, -1, h.sim.now_ms);
  h.sim.run(12_000);
  h.runtime.setArrivalRate(p.metadata.uid, 5, -1, h.sim.now_ms); // below μ: the queue drains
  h.sim.run(120_000);
  t.ok(h.runtime.get(p.metadata.uid), "still running");
  t.equal(p.status.containerStatuses[0].restartCount, 0);
  t.equal(h.events.count("kubelet", "Killing", "OOMKilled"), 0);
});

t.test("graceful termination: traffic stops at once, the pod goes after the app's shutdown", async (t) => {
  const h = harness({ ...APP, warmup_ms: 0 });
  const p = h.store.create<Pod>(pod("p", { app: "x" }, [container("app", 100)], "n1", { [APP_ANNOTATION]: "app" }));
  h.sim.run(10_000);
  p.metadata.deletionTimestamp_ms = 10_000 + 30_000;
  h.store.update(p);
  h.sim.run(11_999);
  t.ok(h.store.get("Pod", "default", "p"), "still there during the 2 s shutdown");
  h.sim.run(12_000);
  t.equal(h.store.get("Pod", "default", "p"), undefined, "removed when the app has exited");
  t.equal(h.runtime.runningPods, 0);
});
