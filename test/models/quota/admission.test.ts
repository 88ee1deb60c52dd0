/**
 * Pod admission through the whole cluster (ClusterSimulation): a Deployment scaled past a
 * ResourceQuota stops at the quota, its ReplicaSet reporting the API server's refusal as
 * FailedCreate; LimitRange defaults appear in the pods' requests and limits; a LimitRange max
 * refuses a pod with LimitRanger's message.
 */
import t from "tap";
import { deployment } from "../../../experiments/builders.js";
import { ClusterSimulation, type SimulationConfig } from "../../../experiments/simulator.js";
import type { NewObject, StoredObject } from "../../../models/cluster/store.js";
import type { Pod } from "../../../models/cluster/types.js";
import type { LimitRange, ResourceQuota } from "../../../models/quota/types.js";
import { LIMIT_RANGER_ANNOTATION } from "../../../models/quota/limit-ranger.js";

const MI = 1024 * 1024;

function quota(hard: ResourceQuota["spec"]["hard"]): NewObject<ResourceQuota> {
  return { kind: "ResourceQuota", metadata: { name: "compute", namespace: "team" }, spec: { hard }, status: { hard: {}, used: {} } };
}

function limitRange(item: Partial<LimitRange["spec"]["limits"][number]>): NewObject<LimitRange> {
  return {
    kind: "LimitRange",
    metadata: { name: "defaults", namespace: "team" },
    spec: { limits: [{ type: "Container", max: {}, min: {}, default: {}, defaultRequest: {}, maxLimitRequestRatio: {}, ...item }] },
  };
}

function config(objects: NewObject<StoredObject>[], updates: SimulationConfig["updates"] = []): SimulationConfig {
  return {
    seed: 1,
    duration_ms: 600_000,
    nodeGroups: [{ name: "pool", count: 4, cpu_mcores: 4000, memory_bytes: 16 * 1024 * MI }],
    objects,
    apps: [],
    traffic: [],
    updates,
    sampleInterval_ms: 15_000,
    components: {},
  };
}

const pods = (sim: ClusterSimulation) => sim.store.list<Pod>("Pod", "team").filter((p) => p.metadata.deletionTimestamp_ms === null);
const failedCreates = (sim: ClusterSimulation) => sim.events.recorder.all().filter((r) => r[5] === "FailedCreate").map((r) => String(r[6]));

t.test("a Deployment scaled past its namespace's quota stops at the quota, with upstream's FailedCreate", async (t) => {
  const web = deployment({ name: "web", namespace: "team", replicas: 3, containers: [{ request_mcores: 200, limit_mcores: 400, requestMemory_bytes: 64 * MI }] });
  const scaled = structuredClone(web);
  scaled.spec.replicas = 8;
  const down = structuredClone(web);
  down.spec.replicas = 2;
  const sim = new ClusterSimulation(config([quota({ "requests.cpu": 1000, pods: 10, "requests.memory": 1024 * MI }), web], [
    { at_ms: 60_000, object: scaled },
    { at_ms: 400_000, object: down },
  ]));
  sim.run(59_000);
  t.equal(pods(sim).length, 3, "3 replicas fit");
  t.same(failedCreates(sim), []);
  sim.run(399_000);
  t.equal(pods(sim).length, 5, "1 core of requests.cpu holds 5 pods of 200m");
  const messages = failedCreates(sim);
  t.ok(messages.length >= 2, `the ReplicaSet keeps retrying with backoff (${messages.length} FailedCreate events)`);
  for (const m of messages) {
    t.match(m, /^Error creating: pods "web-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: compute, requested: requests\.cpu=200m, used: requests\.cpu=1, limited: requests\.cpu=1$/);
  }
  const q = sim.store.get<ResourceQuota>("ResourceQuota", "team", "compute")!;
  t.same(q.status.used, { "requests.cpu": 1000, pods: 5, "requests.memory": 320 * MI }, "status.used as the quota controller recomputes it");
  t.same(q.status.hard, q.spec.hard);
  sim.run(600_000);
  t.same(q.status.used, { "requests.cpu": 400, pods: 2, "requests.memory": 128 * MI }, "scaled down: the deleted pods' usage is replenished");
});

t.test("a quota on limits refuses pods whose containers state none", async (t) => {
  const web = deployment({ name: "web", namespace: "team", replicas: 1, containers: [{ request_mcores: 200 }] });
  const sim = new ClusterSimulation(config([quota({ "limits.cpu": 2000 }), web]));
  sim.run(30_000);
  t.equal(pods(sim).length, 0);
  t.match(failedCreates(sim)[0], /is forbidden: failed quota: compute: must specify limits\.cpu for: app$/);
});

t.test("LimitRange defaults appear in the pods' requests and limits", async (t) => {
  const web = deployment({ name: "web", namespace: "team", replicas: 2, containers: [{ request_mcores: 0 }] });
  web.spec.template.spec.containers[0].resources = { requests: {}, limits: {} };
  const sim = new ClusterSimulation(config([
    limitRange({ default: { cpu_mcores: 500, memory_bytes: 256 * MI }, defaultRequest: { cpu_mcores: 250, memory_bytes: 128 * MI } }),
    web,
  ]));
  sim.run(30_000);
  const created = pods(sim);
  t.equal(created.length, 2);
  for (const pod of created) {
    t.same(pod.spec.containers[0].resources, { requests: { cpu_mcores: 250, memory_bytes: 128 * MI }, limits: { cpu_mcores: 500, memory_bytes: 256 * MI } });
    t.equal(pod.metadata.annotations[LIMIT_RANGER_ANNOTATION], "LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app");
  }
  t.same(sim.store.get<{ kind: string; spec: { template: { spec: Pod["spec"] } } } & StoredObject>("Deployment", "team", "web")!.spec.template.spec.containers[0].resources, { requests: {}, limits: {} }, "the template is untouched");
});

t.test("a LimitRange max refuses a pod with LimitRanger's message", async (t) => {
  const web = deployment({ name: "web", namespace: "team", replicas: 1, containers: [{ request_mcores: 500, limit_mcores: 2000 }] });
  const sim = new ClusterSimulation(config([limitRange({ max: { cpu_mcores: 1000 } }), web]));
  sim.run(30_000);
  t.equal(pods(sim).length, 0);
  t.match(failedCreates(sim)[0], /is forbidden: maximum cpu usage per Container is 1, but limit is 2$/);
});

t.test("maxLimitRequestRatio and several violations at once (upstream's aggregate)", async (t) => {
  const web = deployment({ name: "web", namespace: "team", replicas: 1, containers: [{ request_mcores: 100, limit_mcores: 2000 }] });
  const sim = new ClusterSimulation(config([limitRange({ max: { cpu_mcores: 1000 }, maxLimitRequestRatio: { cpu: 4 } }), web]));
  sim.run(30_000);
  t.match(failedCreates(sim)[0], /is forbidden: \[maximum cpu usage per Container is 1, but limit is 2, cpu max limit to request ratio per Container is 4, but provided ratio is 20\.000000\]$/);
});

t.test("defaults then quota: a defaulted request is what the quota charges", async (t) => {
  const web = deployment({ name: "web", namespace: "team", replicas: 4, containers: [{ request_mcores: 0 }] });
  web.spec.template.spec.containers[0].resources = { requests: {}, limits: {} };
  const sim = new ClusterSimulation(config([limitRange({ defaultRequest: { cpu_mcores: 300 } }), quota({ "requests.cpu": 1000 }), web]));
  sim.run(120_000);
  t.equal(pods(sim).length, 3, "3 × 300m ≤ 1 core < 4 × 300m");
  t.match(failedCreates(sim)[0], /exceeded quota: compute, requested: requests\.cpu=300m, used: requests\.cpu=900m, limited: requests\.cpu=1$/);
});

t.test("a bare Pod of the manifests refused by a LimitRange is reported, not a crash", async (t) => {
  const web = deployment({ name: "web", namespace: "team", replicas: 1, containers: [{ request_mcores: 500, limit_mcores: 2000 }] });
  const pod = { kind: "Pod", metadata: { name: "bare", namespace: "team" }, spec: structuredClone(web.spec.template.spec), status: { phase: "Pending", conditions: [], startTime_ms: null, containerStatuses: [] } } as unknown as NewObject<StoredObject>;
  const sim = new ClusterSimulation(config([limitRange({ max: { cpu_mcores: 1000 } }), pod]));
  t.equal(sim.store.get("Pod", "team", "bare"), undefined);
  t.same(sim.events.recorder.all().filter((r) => r[5] === "FailedCreate").map((r) => String(r[6])), [
    `Error from server (Forbidden): pods "bare" is forbidden: maximum cpu usage per Container is 1, but limit is 2`,
  ]);
});
