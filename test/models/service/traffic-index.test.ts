/**
 * ServiceTraffic finds the Services a pod event concerns through an index of selectors and of
 * endpoint membership; it must find exactly what scanning every Service finds (same namespace, a
 * selector, and the selector matches or the pod is an endpoint), in the same order, through
 * random Services (empty, one- and two-label selectors, other namespaces), selector changes,
 * Service deletions, and pods that are relabelled, become ready and are deleted.
 */
import t from "tap";
import { RngRegistry } from "../../../engine/index.js";
import { setSelectorMatches } from "../../../models/cluster/labels.js";
import type { Pod, Service } from "../../../models/cluster/types.js";
import type { ServiceState, ServiceTraffic } from "../../../models/service/traffic.js";
import { container, pod, service } from "../pipeline/fixtures.js";
import { newTraffic } from "./fixtures.js";

/** The plain definition: every Service, in order. */
function scan(traffic: ServiceTraffic, p: Pod): string[] {
  return traffic.all()
    .filter((s) => s.service?.spec.selector && s.namespace === p.metadata.namespace &&
      (setSelectorMatches(s.service.spec.selector, p.metadata.labels) || s.endpoints.includes(p)))
    .map((s) => s.key);
}

t.test("a pod event finds the Services a scan of all would find", async (t) => {
  const { sim, store, traffic } = newTraffic();
  const rng = new RngRegistry(5).stream("test/traffic-index");
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rng.uniform(0, xs.length))];
  const namespaces = ["a", "b"];
  const labelSets = (): Record<string, string> =>
    pick<Record<string, string>>([{}, { app: pick(["x", "y", "z"]) }, { app: pick(["x", "y"]), tier: pick(["web", "db"]) }, { tier: "web" }]);
  const servicesOf = (p: Pod) =>
    (traffic as unknown as { servicesOfPod(p: Pod): readonly ServiceState[] }).servicesOfPod(p).map((s) => s.key);
  let mismatches = 0;
  let compared = 0;
  let memberships = 0;
  for (let step = 0; step < 400; step++) {
    const r = rng.uniform(0, 1);
    const ns = pick(namespaces);
    if (r < 0.15) {
      const name = `svc-${Math.floor(rng.uniform(0, 6))}`;
      const existing = store.get<Service>("Service", ns, name);
      if (existing === undefined) store.create({ ...service(name, labelSets()), metadata: { name, namespace: ns } });
      else if (rng.uniform(0, 1) < 0.5) {
        existing.spec.selector = labelSets();
        store.update(existing);
      } else store.delete<Service>("Service", ns, name);
    } else if (r < 0.55) {
      const name = `pod-${Math.floor(rng.uniform(0, 30))}`;
      if (store.get<Pod>("Pod", ns, name) === undefined) {
        const p = { ...pod(name, { ...labelSets(), ...(rng.uniform(0, 1) < 0.5 ? { tier: "web" } : {}) }, [container("app", 100)]) };
        p.metadata = { ...p.metadata, namespace: ns };
        if (rng.uniform(0, 1) < 0.7) {
          p.status = { ...p.status, phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime_ms: 0, reason: "", message: "" }] };
        }
        store.create(p);
      }
    } else {
      const pods = store.list<Pod>("Pod");
      if (pods.length === 0) continue;
      const p = pick(pods);
      if (rng.uniform(0, 1) < 0.3) store.delete<Pod>("Pod", p.metadata.namespace, p.metadata.name);
      else {
        p.metadata.labels = labelSets();
        store.update(p);
      }
    }
    sim.run(sim.now_ms + 1_000);
    for (const p of store.list<Pod>("Pod")) {
      compared++;
      if (traffic.all().some((s) => s.endpoints.includes(p))) memberships++;
      if (JSON.stringify(servicesOf(p)) !== JSON.stringify(scan(traffic, p))) mismatches++;
    }
  }
  t.ok(compared > 2000 && memberships > 500, `${compared} pod checks, ${memberships} of endpoints`);
  t.equal(mismatches, 0, "the index finds what the scan finds, in order");
});
