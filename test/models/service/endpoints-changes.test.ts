/**
 * The endpoints follow only the pod changes that concern them (traffic.ts podEndpointsChanged,
 * after endpointslice's podEndpointsChanged): through random pod writes that change readiness,
 * labels (replaced or edited in place), deletion, phase, or nothing an endpoint depends on, every
 * Service's endpoints equal a fresh listing (the selected serving pods in the index's order)
 * once the writes have been delivered; and the endpoints delay runs from the change that
 * matters, not from an unrelated write to another pod before it.
 */
import t from "tap";
import { RngRegistry } from "../../../engine/index.js";
import { selectPodsBySet } from "../../../models/cluster/pod-index.js";
import type { Pod, PodCondition } from "../../../models/cluster/types.js";
import { isPodServing } from "../../../models/kubelet/pod-status.js";
import { container, pod, service } from "../pipeline/fixtures.js";
import { newTraffic } from "./fixtures.js";

function readyCondition(ready: boolean, at_ms: number): PodCondition {
  return { type: "Ready", status: ready ? "True" : "False", lastTransitionTime_ms: at_ms, reason: "", message: "" };
}

function setReady(p: Pod, ready: boolean, at_ms: number): void {
  p.status.phase = "Running";
  p.status.conditions = [readyCondition(ready, at_ms)];
}

t.test("endpoints equal a fresh listing after every batch of random pod writes", async (t) => {
  const { sim, store, traffic } = newTraffic();
  const rng = new RngRegistry(7).stream("test/endpoints-changes");
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rng.uniform(0, xs.length))];
  const selectors: Record<string, string>[] = [{ app: "x" }, { app: "y" }, { tier: "web" }, { app: "x", tier: "web" }];
  selectors.forEach((selector, i) => store.create(service(`svc-${i}`, selector)));
  let writes = 0;
  let skipped = 0;
  let mismatches = 0;
  let endpointsSeen = 0;
  for (let step = 0; step < 300; step++) {
    for (let w = 0; w < 5; w++) {
      const r = rng.uniform(0, 1);
      const pods = store.list<Pod>("Pod");
      if (r < 0.2 || pods.length < 5) {
        const name = `pod-${step}-${w}`;
        store.create(pod(name, { app: pick(["x", "y", "z"]), ...(rng.uniform(0, 1) < 0.5 ? { tier: "web" } : {}) }, [container("app", 100)]));
        writes++;
        continue;
      }
      const p = pick(pods);
      writes++;
      if (r < 0.45) setReady(p, rng.uniform(0, 1) < 0.7, sim.now_ms);
      else if (r < 0.55) p.metadata.labels = { ...p.metadata.labels, app: pick(["x", "y", "z"]) };
      else if (r < 0.62) p.metadata.labels.tier = pick(["web", "db"]); // edited in place
      else if (r < 0.67) p.metadata.deletionTimestamp_ms = sim.now_ms;
      else if (r < 0.72) {
        store.delete<Pod>("Pod", p.metadata.namespace, p.metadata.name);
        continue;
      } else {
        // A write that changes nothing an endpoint depends on (a restart count, an annotation).
        p.metadata.annotations = { ...p.metadata.annotations, touched: String(step) };
        skipped++;
      }
      store.update(p);
    }
    sim.run(sim.now_ms + 1_000);
    for (const state of traffic.all()) {
      const want = selectPodsBySet(store, state.namespace, state.service!.spec.selector).filter(isPodServing);
      endpointsSeen += want.length;
      if (want.length !== state.endpoints.length || want.some((p, i) => state.endpoints[i] !== p)) mismatches++;
    }
  }
  t.ok(writes > 1000 && skipped > 300 && endpointsSeen > 1000, `${writes} writes, ${skipped} irrelevant, ${endpointsSeen} endpoints compared`);
  t.equal(mismatches, 0, "every Service's endpoints are the fresh listing, in order");
});

t.test("the endpoints delay runs from the readiness change, not from an earlier unrelated write", async (t) => {
  const { sim, store, traffic } = newTraffic({ endpointsDelay_ms: 1_000 });
  store.create(service("web", { app: "web" }));
  const a = store.create(pod("a", { app: "web" }, [container("app", 100)]));
  const b = store.create(pod("b", { app: "web" }, [container("app", 100)]));
  sim.run(10_000);
  const web = traffic.get("default", "web")!;
  t.equal(web.endpoints.length, 0);
  // t = 10 s: an unrelated write to b (it stays not ready); t = 10.5 s: a turns ready.
  sim.schedule(0, () => {
    b.metadata.annotations = { note: "status write" };
    store.update(b);
  });
  sim.schedule(500, (now_ms) => {
    setReady(a, true, now_ms);
    store.update(a);
  });
  sim.run(11_400);
  t.equal(web.endpoints.length, 0, "not yet at 11.4 s: the delay counts from 10.5 s");
  sim.run(11_500);
  t.same(web.endpoints, [a], "a is an endpoint 1 s after it turned ready");
});
