/**
 * A ReplicaSet sync reads its status counts from the controller-uid index's flag counts when
 * nothing needs walking (controller.ts countsWithoutWalking). The property that makes that exact:
 * at every event boundary, for every ReplicaSet, the counts equal a walk over its pods with
 * upstream's predicates (IsPodActive, the selector, IsPodReady). Checked every simulated second
 * through a fleet that scales up and down, and through a relabelled pod, which must send the
 * sync down the walk (release and replace) and leave no stale count behind.
 */
import t from "tap";
import { fleetConfig } from "../../../experiments/bench/fleet.js";
import { ClusterSimulation } from "../../../experiments/simulator.js";
import { labelSelectorMatches } from "../../../models/cluster/labels.js";
import type { ClusterStore } from "../../../models/cluster/store.js";
import type { Pod, ReplicaSet } from "../../../models/cluster/types.js";
import { CONTROLLER_UID_INDEX } from "../../../models/replicaset/controller.js";
import { isPodActive, isPodReady } from "../../../models/replicaset/podutil.js";

// [active, claimed, claimed and ready] by walking the ReplicaSet's pods.
function walked(store: ClusterStore, rs: ReplicaSet): number[] {
  let active = 0;
  let claimed = 0;
  let ready = 0;
  for (const pod of store.byIndex<Pod>("Pod", CONTROLLER_UID_INDEX, rs.metadata.uid)) {
    if (!isPodActive(pod)) continue;
    active++;
    if (!labelSelectorMatches(rs.spec.selector, pod.metadata.labels)) continue;
    claimed++;
    if (isPodReady(pod)) ready++;
  }
  return [active, claimed, ready];
}

function mismatches(store: ClusterStore): string[] {
  const out: string[] = [];
  for (const rs of store.list<ReplicaSet>("ReplicaSet")) {
    const counts = store.indexFlagCounts("Pod", CONTROLLER_UID_INDEX, rs.metadata.uid);
    const want = walked(store, rs);
    const got = [counts[0], counts[1], counts[2]];
    if (want.join() !== got.join()) out.push(`${rs.metadata.name} at ${store.now_ms} ms: counted ${got}, walked ${want}`);
  }
  return out;
}

t.test("the index's counts equal a walk at every second of a scaling fleet", async (t) => {
  const sim = new ClusterSimulation(fleetConfig(1, 3 * 3_600_000, { deployments: 3, loadScale: 1 }));
  const bad: string[] = [];
  let checks = 0;
  const replicasSeen = new Set<number>();
  sim.sim.every(1_000, () => {
    checks++;
    for (const rs of sim.store.list<ReplicaSet>("ReplicaSet")) replicasSeen.add(rs.spec.replicas);
    if (bad.length < 5) bad.push(...mismatches(sim.store));
  });
  sim.run();
  t.same(bad, [], "no ReplicaSet's counts differ from the walk");
  t.ok(checks >= 3 * 3600, "checked every second");
  t.ok(replicasSeen.size >= 5, `the fleet scaled (${[...replicasSeen].sort((a, b) => a - b)} replicas), so pods were created and deleted`);
});

t.test("a pod relabelled out of the selector is released and replaced; counts stay exact", async (t) => {
  const sim = new ClusterSimulation(fleetConfig(1, 600_000, { deployments: 1, loadScale: 1 }));
  sim.run(300_000);
  const rs = sim.store.list<ReplicaSet>("ReplicaSet")[0];
  const before = rs.status.replicas;
  const victim = [...sim.store.byIndex<Pod>("Pod", CONTROLLER_UID_INDEX, rs.metadata.uid)].find(isPodReady)!;
  sim.sim.schedule(0, () => {
    victim.metadata.labels = { ...victim.metadata.labels, app: "elsewhere" };
    sim.store.update(victim);
  });
  const bad: string[] = [];
  sim.sim.every(1_000, () => bad.push(...mismatches(sim.store)));
  sim.run();
  t.same(bad, []);
  t.equal(victim.metadata.ownerReferences.length, 0, "the relabelled pod was released");
  t.equal(rs.status.replicas, before, "and replaced");
});
