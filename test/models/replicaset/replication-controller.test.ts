/**
 * ReplicationControllers (the guestbook's redis-master shape), loaded from a manifest and run on
 * the whole cluster: upstream's replication manager is the ReplicaSet controller run for the
 * ReplicationController kind, so the pods are owned by the RC, named <rc>-<random>, replaced
 * when deleted, and the RC's scale subresource is what an HPA scales.
 */
import t from "tap";
import { loadManifestText } from "../../../experiments/manifests/decode.js";
import type { Pod, ReplicationController } from "../../../models/cluster/types.js";
import { cluster } from "../statefulset/fixtures.js";

const RC = `apiVersion: v1
kind: ReplicationController
metadata: {name: redis}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers:
      - {name: redis, image: redis, resources: {requests: {cpu: 100m}}}
`;

const HPA = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: redis}
spec:
  scaleTargetRef: {apiVersion: v1, kind: ReplicationController, name: redis}
  minReplicas: 4
  maxReplicas: 6
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}]
`;

function load(text: string) {
  const r = loadManifestText(text, "rc.yaml");
  if (r.errors.length > 0) throw new Error(JSON.stringify(r.errors));
  return r.objects;
}

t.test("an RC keeps its replicas running and replaces a deleted pod", (t) => {
  const c = cluster(load(RC));
  c.run(60_000);
  const pods = () => c.store.list<Pod>("Pod");
  t.equal(pods().length, 2);
  for (const p of pods()) {
    t.match(p.metadata.name, /^redis-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    t.same(p.metadata.ownerReferences.map((r) => r.kind), ["ReplicationController"]);
  }
  const rc = c.store.get<ReplicationController>("ReplicationController", "default", "redis")!;
  t.equal(rc.status.readyReplicas, 2);
  t.equal(c.events.count("replication-controller", "Normal", "SuccessfulCreate"), 2);
  const victim = pods()[0];
  victim.metadata.deletionTimestamp_ms = c.sim.now_ms;
  c.store.update(victim);
  c.run(c.sim.now_ms + 60_000);
  t.equal(pods().length, 2, "replaced");
  t.notOk(pods().some((p) => p.metadata.uid === victim.metadata.uid));
  t.equal(c.events.count("replication-controller", "Normal", "SuccessfulCreate"), 3);
  t.end();
});

t.test("an HPA scales an RC through its scale subresource", (t) => {
  const c = cluster([...load(RC), ...load(HPA)]);
  c.run(300_000);
  t.equal(c.store.get<ReplicationController>("ReplicationController", "default", "redis")!.spec.replicas, 4);
  t.equal(c.store.list<Pod>("Pod").length, 4);
  t.end();
});
