import t from "tap";
import type { Deployment, DeploymentCondition, ReplicaSet } from "../../../models/cluster/types.js";
import { getDeploymentCondition } from "../../../models/deployment/conditions.js";
import { requeueStuckDeployment_ms, syncRolloutStatus } from "../../../models/deployment/progress.js";
import { deploymentTimedOut } from "../../../models/deployment/util.js";
import { newDeployment, rs } from "./fixtures.js";

const MAX_INT32 = 2147483647;
const testTime = 1_000_000;
const now_ms = testTime + 3_600_000;

// progress_test.go currentDeployment: Recreate, generation 0 (always observed).
function currentDeployment(
  pds: number | null,
  replicas: number,
  statusReplicas: number,
  updatedReplicas: number,
  availableReplicas: number,
  conditions: DeploymentCondition[],
): Deployment {
  const d = newDeployment("progress-test", replicas, { recreate: true });
  return {
    ...d,
    metadata: { ...d.metadata, generation: 0 },
    spec: { ...d.spec, progressDeadlineSeconds: pds ?? MAX_INT32 },
    status: { ...d.status, replicas: statusReplicas, updatedReplicas, availableReplicas, conditions },
  };
}

const newRSWithAvailable = (name: string, specReplicas: number, statusReplicas: number, availableReplicas: number): ReplicaSet =>
  rs(name, specReplicas, 0, { statusReplicas, available: availableReplicas });

t.test("TestSyncRolloutStatus", async (t) => {
  const pds = 60;
  const failedTimedOut: DeploymentCondition = {
    type: "Progressing",
    status: "False",
    reason: "ProgressDeadlineExceeded",
    message: "",
    lastUpdateTime_ms: 0,
    lastTransitionTime_ms: 0,
  };
  const newRSAvailable: DeploymentCondition = {
    type: "Progressing",
    status: "True",
    reason: "NewReplicaSetAvailable",
    message: "",
    lastUpdateTime_ms: testTime,
    lastTransitionTime_ms: testTime,
  };
  const replicaSetUpdated: DeploymentCondition = { ...newRSAvailable, reason: "ReplicaSetUpdated" };
  const tests: {
    name: string;
    d: Deployment;
    allRSs: ReplicaSet[];
    newRS?: ReplicaSet;
    want?: [string, string];
    lastUpdate?: number;
    lastTransition?: number;
  }[] = [
    {
      name: "General: remove Progressing condition and do not estimate progress if deployment has no Progress Deadline",
      d: currentDeployment(null, 3, 2, 2, 2, [replicaSetUpdated]),
      allRSs: [newRSWithAvailable("bar", 0, 1, 1)],
      newRS: newRSWithAvailable("foo", 3, 2, 2),
    },
    {
      name: "General: do not estimate progress of deployment with only one active ReplicaSet",
      d: currentDeployment(pds, 3, 3, 3, 3, [newRSAvailable]),
      allRSs: [newRSWithAvailable("bar", 3, 3, 3)],
      want: ["True", "NewReplicaSetAvailable"],
      lastUpdate: testTime,
      lastTransition: testTime,
    },
    {
      name: "DeploymentProgressing: dont update lastTransitionTime if deployment already has Progressing=True",
      d: currentDeployment(pds, 3, 2, 2, 2, [replicaSetUpdated]),
      allRSs: [newRSWithAvailable("bar", 0, 1, 1)],
      newRS: newRSWithAvailable("foo", 3, 2, 2),
      want: ["True", "ReplicaSetUpdated"],
      lastUpdate: now_ms,
      lastTransition: testTime,
    },
    {
      name: "DeploymentProgressing: update everything if deployment has Progressing=False",
      d: currentDeployment(pds, 3, 2, 2, 2, [failedTimedOut]),
      allRSs: [newRSWithAvailable("bar", 0, 1, 1)],
      newRS: newRSWithAvailable("foo", 3, 2, 2),
      want: ["True", "ReplicaSetUpdated"],
      lastUpdate: now_ms,
      lastTransition: now_ms,
    },
    {
      name: "DeploymentProgressing: create Progressing condition if it does not exist",
      d: currentDeployment(pds, 3, 2, 2, 2, []),
      allRSs: [newRSWithAvailable("bar", 0, 1, 1)],
      newRS: newRSWithAvailable("foo", 3, 2, 2),
      want: ["True", "ReplicaSetUpdated"],
      lastTransition: now_ms,
    },
    {
      name: "DeploymentComplete: dont update lastTransitionTime if deployment already has Progressing=True",
      d: currentDeployment(pds, 3, 3, 3, 3, [replicaSetUpdated]),
      allRSs: [],
      newRS: newRSWithAvailable("foo", 3, 3, 3),
      want: ["True", "NewReplicaSetAvailable"],
      lastUpdate: now_ms,
      lastTransition: testTime,
    },
    {
      name: "DeploymentComplete: update everything if deployment has Progressing=False",
      d: currentDeployment(pds, 3, 3, 3, 3, [failedTimedOut]),
      allRSs: [],
      newRS: newRSWithAvailable("foo", 3, 3, 3),
      want: ["True", "NewReplicaSetAvailable"],
      lastTransition: now_ms,
    },
    {
      name: "DeploymentComplete: create Progressing condition if it does not exist",
      d: currentDeployment(pds, 3, 3, 3, 3, []),
      allRSs: [],
      newRS: newRSWithAvailable("foo", 3, 3, 3),
      want: ["True", "NewReplicaSetAvailable"],
    },
    {
      name: "DeploymentComplete: defend against NPE when newRS=nil",
      d: currentDeployment(pds, 0, 3, 3, 3, [replicaSetUpdated]),
      allRSs: [newRSWithAvailable("foo", 0, 0, 0)],
      want: ["True", "NewReplicaSetAvailable"],
    },
    {
      name: "DeploymentTimedOut: update status if rollout exceeds Progress Deadline",
      d: currentDeployment(pds, 3, 2, 2, 2, [replicaSetUpdated]),
      allRSs: [],
      newRS: newRSWithAvailable("foo", 3, 2, 2),
      want: ["False", "ProgressDeadlineExceeded"],
      lastUpdate: now_ms,
      lastTransition: now_ms,
    },
    {
      name: "DeploymentTimedOut: do not update status if deployment has existing timedOut condition",
      d: currentDeployment(pds, 3, 2, 2, 2, [failedTimedOut]),
      allRSs: [],
      newRS: newRSWithAvailable("foo", 3, 2, 2),
      want: ["False", "ProgressDeadlineExceeded"],
      lastUpdate: 0,
      lastTransition: 0,
    },
  ];
  for (const test of tests) {
    const allRSs = test.newRS ? [...test.allRSs, test.newRS] : test.allRSs;
    const status = syncRolloutStatus(allRSs, test.newRS ?? null, test.d, now_ms);
    const cond = getDeploymentCondition(status.conditions, "Progressing");
    if (test.want === undefined) {
      t.equal(cond, undefined, `${test.name}: no Progressing condition`);
      continue;
    }
    t.same([cond?.status, cond?.reason], test.want, test.name);
    if (test.lastUpdate !== undefined) t.equal(cond?.lastUpdateTime_ms, test.lastUpdate, `${test.name}: lastUpdateTime`);
    if (test.lastTransition !== undefined) t.equal(cond?.lastTransitionTime_ms, test.lastTransition, `${test.name}: lastTransitionTime`);
  }
});

t.test("DeploymentTimedOut: deadline is strict and measured from lastUpdateTime", async (t) => {
  const cond = (reason: string, lastUpdateTime_ms: number): DeploymentCondition[] => [
    { type: "Progressing", status: "True", reason, message: "", lastUpdateTime_ms, lastTransitionTime_ms: 0 },
  ];
  const d = currentDeployment(600, 3, 2, 2, 2, []);
  t.notOk(deploymentTimedOut(d, cond("ReplicaSetUpdated", 0), 600_000), "exactly at the deadline: not yet");
  t.ok(deploymentTimedOut(d, cond("ReplicaSetUpdated", 0), 600_001));
  t.notOk(deploymentTimedOut(d, cond("NewReplicaSetAvailable", 0), 10_000_000), "complete rollouts never time out");
  t.ok(deploymentTimedOut(d, cond("ProgressDeadlineExceeded", 5), 6), "already timed out");
  t.notOk(deploymentTimedOut(d, [], 10_000_000), "no condition, no estimate");
  t.notOk(deploymentTimedOut(currentDeployment(null, 3, 2, 2, 2, []), cond("ReplicaSetUpdated", 0), 10_000_000), "no deadline");
});

t.test("requeueStuckDeployment", async (t) => {
  const progressing: DeploymentCondition[] = [
    { type: "Progressing", status: "True", reason: "ReplicaSetUpdated", message: "", lastUpdateTime_ms: 10_000, lastTransitionTime_ms: 0 },
  ];
  const d = currentDeployment(60, 3, 2, 2, 2, progressing);
  const incomplete = { ...d.status };
  t.equal(requeueStuckDeployment_ms(d, incomplete, 20_000), 51_000, "50 s left + 1 s");
  t.equal(requeueStuckDeployment_ms(d, incomplete, 69_500), 0, "under a second left: now");
  t.equal(requeueStuckDeployment_ms(d, { ...incomplete, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }, 20_000), null, "complete");
  t.equal(requeueStuckDeployment_ms(currentDeployment(null, 3, 2, 2, 2, progressing), incomplete, 20_000), null, "no deadline");
});
