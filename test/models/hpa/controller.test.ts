/**
 * The HPA controller's own failure paths (horizontal.go reconcileAutoscaler's FailedGetScale
 * steps and validateAndParseSelector), each checked for the condition type/status/reason/message,
 * the Warning events and the decision-log row, against the upstream texts.
 */
import t from "tap";
import { Simulation } from "../../../engine/index.js";
import { EventLog } from "../../../models/cluster/events.js";
import { ClusterStore, type StoredObject } from "../../../models/cluster/store.js";
import type { LabelSelector, Labels } from "../../../models/cluster/types.js";
import {
  DEFAULT_HPA_CONTROLLER_CONFIG,
  HorizontalController,
  type StoredHorizontalPodAutoscaler,
} from "../../../models/hpa/controller.js";
import { emptyMetricTarget } from "../../../models/hpa/types.js";
import { cpuMetrics, fakePod, resourceOnlyClient } from "./fixtures.js";

interface Workload {
  kind: string;
  name: string;
  selector: LabelSelector;
  /** Pod labels, one pod each. */
  pods: Labels[];
}

interface Hpa {
  name: string;
  kind?: string;
  apiVersion?: string;
  target: string;
}

function run(workloads: Workload[], hpas: Hpa[], until_ms = 20_000) {
  const sim = new Simulation({ seed: 1 });
  const store = new ClusterStore(sim);
  const events = new EventLog();
  const podNames: string[] = [];
  for (const w of workloads) {
    store.create({
      kind: w.kind,
      metadata: { name: w.name, namespace: "ns" },
      spec: { replicas: w.pods.length, selector: w.selector },
      status: { replicas: w.pods.length },
    } as never);
    w.pods.forEach((labels, i) => {
      const pod = fakePod(`${w.name}-${i}`);
      podNames.push(pod.metadata.name);
      store.create({ ...pod, metadata: { ...pod.metadata, labels } } as never);
    });
  }
  // Status writes per HPA, as a watcher sees them (MODIFIED notifications).
  const writes = new Map<string, number>();
  store.watch<StoredHorizontalPodAutoscaler>("HorizontalPodAutoscaler", (type, h) => {
    if (type === "MODIFIED") writes.set(h.metadata.name, (writes.get(h.metadata.name) ?? 0) + 1);
  });
  const metrics = resourceOnlyClient(cpuMetrics(Object.fromEntries(podNames.map((n) => [n, 500]))));
  const controller = new HorizontalController(sim, store, events, () => metrics, { ...DEFAULT_HPA_CONTROLLER_CONFIG, firstSyncDelay_ms: 1_000 });
  for (const h of hpas) {
    store.create<StoredHorizontalPodAutoscaler>({
      kind: "HorizontalPodAutoscaler",
      metadata: { name: h.name, namespace: "ns" },
      spec: {
        scaleTargetRef: { kind: h.kind ?? "Deployment", name: h.target, apiVersion: h.apiVersion ?? "apps/v1" },
        minReplicas: 1,
        maxReplicas: 10,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { ...emptyMetricTarget(), type: "Utilization", averageUtilization_percent: 50 } } }],
        behavior: null,
      },
      status: { currentReplicas: 0, desiredReplicas: 0, lastScaleTime_ms: null, currentMetrics: [], conditions: [] },
    });
  }
  sim.run(until_ms);
  const hpa = (name: string) => store.get<StoredHorizontalPodAutoscaler & StoredObject>("HorizontalPodAutoscaler", "ns", name)!;
  return {
    conditions: (name: string) => hpa(name).status.conditions.map((c) => [c.type, c.status, c.reason, c.message]),
    /** The HPA's events at its last sync (16 s): [type, reason, message]. */
    lastEvents: (name: string) =>
      events.recorder.all().filter((e) => e[0] === 16 && e[3] === name).map((e) => [e[4], e[5], e[6]]),
    decisions: (name: string) => controller.decisions.all().filter((r) => r[1] === `ns/${name}`),
    writes: (name: string) => writes.get(name) ?? 0,
  };
}

const web: Workload = { kind: "Deployment", name: "web", selector: { matchLabels: { app: "web" }, matchExpressions: [] }, pods: [{ app: "web" }, { app: "web" }] };
const GOT_SCALE = ["AbleToScale", "True", "SucceededGetScale", "the HPA controller was able to get the target's current scale"];
const failedGetScale = (error: string) => ({
  conditions: [["AbleToScale", "False", "FailedGetScale", `the HPA controller was unable to get the target's current scale: ${error}`]],
  events: [["Warning", "FailedGetScale", error]],
  path: "FailedGetScale",
});
const refused = (eventReason: string, error: string, conditionReason: string, conditionMessage: string) => ({
  conditions: [GOT_SCALE, ["ScalingActive", "False", conditionReason, conditionMessage]],
  events: [["Warning", eventReason, error], ["Warning", "FailedComputeMetricsReplicas", error]],
  path: conditionReason,
});

t.test("FailedGetScale, InvalidSelector and AmbiguousSelector as upstream reports them", async (t) => {
  const cases: {
    name: string;
    workloads: Workload[];
    hpas: Hpa[];
    check: string;
    want: { conditions: string[][]; events: string[][]; path: string };
  }[] = [
    {
      name: "target Deployment missing: the API server's NotFound",
      workloads: [],
      hpas: [{ name: "h", target: "web" }],
      check: "h",
      want: failedGetScale('deployments.apps "web" not found'),
    },
    {
      name: "target kind without a scale subresource",
      workloads: [{ ...web, kind: "Service" }],
      hpas: [{ name: "h", kind: "Service", apiVersion: "v1", target: "web" }],
      check: "h",
      want: failedGetScale("the server could not find the requested resource"),
    },
    {
      name: "target kind the RESTMapper does not know",
      workloads: [],
      hpas: [{ name: "h", kind: "Rollout", apiVersion: "argoproj.io/v1alpha1", target: "web" }],
      check: "h",
      want: failedGetScale('no matches for kind "Rollout" in group "argoproj.io"'),
    },
    {
      name: "empty target selector: the scale's status.selector is \"\"",
      workloads: [{ ...web, selector: { matchLabels: {}, matchExpressions: [] } }],
      hpas: [{ name: "h", target: "web" }],
      check: "h",
      want: refused("SelectorRequired", "selector is required", "InvalidSelector", "the HPA target's scale is missing a selector"),
    },
    {
      name: "two HPAs on one Deployment",
      workloads: [web],
      // "a" syncs second, so it is refused from its first sync on (see the last test).
      hpas: [{ name: "b", target: "web" }, { name: "a", target: "web" }],
      check: "a",
      want: refused("AmbiguousSelector", "pods by selector app=web are controlled by multiple HPAs: [ns/a ns/b]", "AmbiguousSelector",
        "pods by selector app=web are controlled by multiple HPAs: [ns/a ns/b]"),
    },
    {
      name: "a canary Deployment whose pods the stable HPA's broader selector also claims",
      workloads: [
        web,
        {
          kind: "Deployment",
          name: "canary",
          selector: { matchLabels: { track: "canary", app: "web" }, matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db", "cache"] }] },
          pods: [{ app: "web", track: "canary" }],
        },
      ],
      hpas: [{ name: "stable", target: "web" }, { name: "canary", target: "canary" }],
      check: "canary",
      want: refused("AmbiguousSelector", "pods by selector app=web,tier notin (cache,db),track=canary are controlled by multiple HPAs: [ns/canary ns/stable]",
        "AmbiguousSelector", "pods by selector app=web,tier notin (cache,db),track=canary are controlled by multiple HPAs: [ns/canary ns/stable]"),
    },
  ];
  for (const c of cases) {
    const r = run(c.workloads, c.hpas);
    t.same(r.conditions(c.check), c.want.conditions, `${c.name}: conditions`);
    t.same(r.lastEvents(c.check), c.want.events, `${c.name}: events`);
    const rows = r.decisions(c.check);
    t.equal(rows.length, 2, `${c.name}: a decision row per sync`);
    t.equal(rows[1][9], c.want.path, `${c.name}: decision path`);
    t.equal(rows[1][8], "false", `${c.name}: no rescale`);
  }
});

t.test("HPAs over disjoint pods are not ambiguous", async (t) => {
  const api = { kind: "Deployment", name: "api", selector: { matchLabels: { app: "api" }, matchExpressions: [] }, pods: [{ app: "api" }] };
  // Both selectors require key "app", with different values: no pod can match both.
  const r = run([web, api], [{ name: "web", target: "web" }, { name: "api", target: "api" }]);
  for (const name of ["web", "api"]) {
    t.same(r.conditions(name)[1].slice(0, 3), ["ScalingActive", "True", "ValidMetricFound"], `${name}: metrics read`);
    t.notOk(r.decisions(name).some((d) => d[9] === "AmbiguousSelector"), `${name}: never ambiguous`);
  }
});

t.test("the first HPA to sync finds the second still registered with labels.Nothing()", async (t) => {
  const r = run([web], [{ name: "b", target: "web" }, { name: "a", target: "web" }]);
  // Both sync at 1 s, "b" first (created first): "a" has no selector in the map yet.
  t.same(r.decisions("b").map((d) => d[9]), ["Metrics", "AmbiguousSelector"]);
  t.same(r.decisions("a").map((d) => d[9]), ["AmbiguousSelector", "AmbiguousSelector"]);
});

t.test("updateStatusIfNeeded: a sync whose status is unchanged writes nothing", async (t) => {
  // Syncs at 1, 16, 31, 46 and 61 s; the pods' metrics never change.
  const scaled: Workload = { ...web, name: "steady" };
  const r = run([scaled], [{ name: "missing", target: "nothing" }, { name: "steady", target: "steady" }], 62_000);
  t.equal(r.decisions("missing").length, 5, "five syncs of each");
  t.equal(r.writes("missing"), 1, "FailedGetScale: only the first sync changed the conditions");
  t.equal(r.decisions("steady").length, 5);
  const steady = r.writes("steady");
  t.ok(steady >= 1 && steady < 5, `the steady HPA's status was written ${steady} times, not at every sync`);
  const early = run([scaled], [{ name: "steady", target: "steady" }], 32_000).writes("steady");
  t.equal(steady, early, "nothing written after the status settled");
});
