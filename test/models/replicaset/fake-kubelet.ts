/**
 * A minimal scheduler + kubelet for controller tests: binds every new pod to one node after
 * `bind_ms`, runs it `start_ms` later (Ready at once unless `neverReady` says otherwise), and on
 * graceful deletion removes it `terminate_ms` after the deletionTimestamp is set. Fixed delays
 * keep the expected timelines easy to compute by hand.
 */
import type { Simulation } from "../../../engine/index.js";
import type { ClusterStore } from "../../../models/cluster/store.js";
import type { Pod } from "../../../models/cluster/types.js";
import { setPodCondition } from "../../../models/kubelet/pod-status.js";

export interface FakeKubeletOptions {
  nodeName: string;
  bind_ms: number;
  start_ms: number;
  terminate_ms: number;
  /** Pods for which this returns true run but never turn Ready. */
  neverReady: (pod: Pod) => boolean;
}

export const DEFAULT_FAKE_KUBELET: FakeKubeletOptions = {
  nodeName: "node-1",
  bind_ms: 500,
  start_ms: 2_000,
  terminate_ms: 1_000,
  neverReady: () => false,
};

export class FakeKubelet {
  private readonly terminating = new Set<string>();
  readonly options: FakeKubeletOptions;

  constructor(
    private readonly sim: Simulation,
    private readonly store: ClusterStore,
    options: Partial<FakeKubeletOptions> = {},
  ) {
    this.options = { ...DEFAULT_FAKE_KUBELET, ...options };
    store.watch<Pod>("Pod", (type, pod) => {
      if (type === "DELETED") {
        this.terminating.delete(pod.metadata.uid);
        return;
      }
      if (!this.live(pod)) return;
      if (pod.metadata.deletionTimestamp_ms !== null) {
        this.terminate(pod);
        return;
      }
      if (type === "ADDED" && pod.spec.nodeName === "") this.sim.schedule(this.options.bind_ms, (t) => this.bind(pod, t));
    });
  }

  private live(pod: Pod): boolean {
    return this.store.get("Pod", pod.metadata.namespace, pod.metadata.name) === pod;
  }

  private bind(pod: Pod, now_ms: number): void {
    if (!this.live(pod) || pod.metadata.deletionTimestamp_ms !== null) return;
    pod.spec.nodeName = this.options.nodeName;
    setPodCondition(pod, "PodScheduled", "True", now_ms);
    this.store.update(pod);
    this.sim.schedule(this.options.start_ms, (t) => this.start(pod, t));
  }

  private start(pod: Pod, now_ms: number): void {
    if (!this.live(pod) || pod.metadata.deletionTimestamp_ms !== null) return;
    pod.status.phase = "Running";
    pod.status.startTime_ms = now_ms;
    const ready = !this.options.neverReady(pod);
    setPodCondition(pod, "ContainersReady", ready ? "True" : "False", now_ms);
    setPodCondition(pod, "Ready", ready ? "True" : "False", now_ms);
    this.store.update(pod);
  }

  private terminate(pod: Pod): void {
    if (this.terminating.has(pod.metadata.uid)) return;
    this.terminating.add(pod.metadata.uid);
    this.sim.schedule(this.options.terminate_ms, () => {
      if (this.live(pod)) this.store.delete("Pod", pod.metadata.namespace, pod.metadata.name);
    });
  }
}
