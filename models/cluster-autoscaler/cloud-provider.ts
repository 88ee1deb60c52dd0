/**
 * The simulated cloud provider behind the Cluster Autoscaler: one managed instance group (an ASG,
 * a MIG, a VMSS) per autoscaled node group, with a target size, instances that boot, register
 * their kubelet and turn Ready after a delay (or never, when provisioning fails), and billing.
 *
 * It is the part of the world CA talks to through cloudprovider.NodeGroup (TargetSize,
 * IncreaseSize, DeleteNodes, DecreaseTargetSize); the Node objects it creates and deletes go
 * through `NodeLifecycle` (the simulator: store + container runtime + cAdvisor + metrics-server).
 *
 * Instance lifecycle (cluster-autoscaler/FAQ "How fast is Cluster Autoscaler"; EKS and GKE report
 * about one minute from API call to a Ready node):
 *   requested --provisioning delay--> registered (Node object, Ready=False, not-ready taint)
 *             --ready delay--> Ready (taint removed: the scheduler may bind pods)
 *   or, with the group's failure probability, requested and never registered: CA notices after
 *   max-node-provision-time and gives the instance back (DecreaseTargetSize).
 * Billing runs from the request until the instance is gone, as a cloud bills a VM.
 */
import type { RandomStream, ScheduledEvent, Simulation } from "../../engine/index.js";

export interface ProvisioningSpec {
  /** VM boot + kubelet registration: uniform in [min, max]. */
  delayMin_ms: number;
  delayMax_ms: number;
  /** Registration → Ready (CNI and node-lifecycle taint removal). */
  readyDelay_ms: number;
  /** Probability that an instance never registers. */
  failureProbability: number;
}

/**
 * Default provisioning: uniform 50-80 s to registration plus 10 s to Ready, i.e. a Ready node
 * 60-90 s after the scale-up, the EKS managed node group figure of the course walkthrough
 * (../shared/oracle/cluster-autoscaler/walkthrough.md "node boot"); GKE documents a similar
 * "about a minute" for a node pool resize.
 */
export const DEFAULT_PROVISIONING: Readonly<ProvisioningSpec> = Object.freeze({
  delayMin_ms: 50_000,
  delayMax_ms: 80_000,
  readyDelay_ms: 10_000,
  failureProbability: 0,
});

export interface CloudNodeGroupSpec {
  name: string;
  min: number;
  max: number;
  /** Instances at start (registered and Ready at time 0). */
  initial: number;
  price_usd_per_h: number;
  provisioning: ProvisioningSpec;
}

/** What the simulator does with Node objects (store writes and the metrics data path). */
export interface NodeLifecycle {
  /** Creates the Node object of an instance that registered; NotReady (tainted not-ready) unless `ready`. */
  register(group: string, name: string, ready: boolean): void;
  markReady(name: string): void;
  /** Deletes the Node object (and the pods still bound to it, as pod GC would) and forgets the node. */
  remove(name: string): void;
}

export type InstanceState = "provisioning" | "registered" | "failed";

export interface Instance {
  name: string;
  group: string;
  state: InstanceState;
  requested_ms: number;
  event: ScheduledEvent | null;
}

interface GroupState {
  spec: CloudNodeGroupSpec;
  target: number;
  instances: Map<string, Instance>;
  nextIndex: number;
  rng: RandomStream;
  /** Cost integral: instance-milliseconds up to `since_ms`. */
  instance_ms: number;
  since_ms: number;
}

export class CloudProvider {
  private readonly groups = new Map<string, GroupState>();

  constructor(
    private readonly sim: Simulation,
    private readonly lifecycle: NodeLifecycle,
    specs: readonly CloudNodeGroupSpec[],
  ) {
    for (const spec of specs) {
      const g: GroupState = {
        spec,
        target: 0,
        instances: new Map(),
        nextIndex: 0,
        rng: sim.rng.stream(`cloud/${spec.name}`),
        instance_ms: 0,
        since_ms: sim.now_ms,
      };
      this.groups.set(spec.name, g);
      for (let i = 0; i < spec.initial; i++) {
        const inst = this.newInstance(g);
        inst.state = "registered";
        lifecycle.register(spec.name, inst.name, true);
      }
    }
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  spec(group: string): CloudNodeGroupSpec {
    return this.state(group).spec;
  }

  /** NodeGroup.TargetSize. */
  targetSize(group: string): number {
    return this.state(group).target;
  }

  /** Instances requested and not registered (provisioning, or failed and not yet given back). */
  unregistered(group: string): Instance[] {
    return [...this.state(group).instances.values()].filter((i) => i.state !== "registered");
  }

  /** NodeGroup.IncreaseSize: `delta` new instances start booting. */
  increaseSize(group: string, delta: number): void {
    const g = this.state(group);
    if (delta <= 0) throw new Error(`increaseSize: delta must be positive, got ${delta}`);
    if (g.target + delta > g.spec.max) throw new Error(`increaseSize: ${group} would exceed max ${g.spec.max}`);
    this.accrue(g);
    const p = g.spec.provisioning;
    for (let i = 0; i < delta; i++) {
      const inst = this.newInstance(g);
      // Draw both numbers for every instance, so one group's failures do not shift its delays.
      const delay_ms = Math.round(g.rng.uniform(p.delayMin_ms, p.delayMax_ms));
      const fails = g.rng.uniform(0, 1) < p.failureProbability;
      if (fails) {
        inst.state = "failed";
        continue;
      }
      inst.event = this.sim.schedule(delay_ms, () => {
        inst.state = "registered";
        this.lifecycle.register(group, inst.name, false);
        inst.event = this.sim.schedule(p.readyDelay_ms, () => {
          inst.event = null;
          this.lifecycle.markReady(inst.name);
        });
      });
    }
  }

  /** NodeGroup.DeleteNodes: the instances go and the target shrinks with them. */
  deleteNodes(group: string, names: readonly string[]): void {
    const g = this.state(group);
    this.accrue(g);
    for (const name of names) {
      const inst = g.instances.get(name);
      if (inst === undefined) throw new Error(`deleteNodes: ${name} is not an instance of ${group}`);
      this.removeInstance(g, inst);
    }
  }

  /** NodeGroup.DecreaseTargetSize: gives back instances that never registered. */
  decreaseTargetSize(group: string, names: readonly string[]): void {
    const g = this.state(group);
    this.accrue(g);
    for (const name of names) {
      const inst = g.instances.get(name);
      if (inst === undefined || inst.state === "registered") throw new Error(`decreaseTargetSize: ${name} is not an unregistered instance of ${group}`);
      this.removeInstance(g, inst);
    }
  }

  /** Instances billed now (requested and not yet deleted). */
  billedInstances(group: string): number {
    return this.state(group).instances.size;
  }

  /** Instance-hours of the group up to now. */
  instanceHours(group: string): number {
    const g = this.state(group);
    this.accrue(g);
    return g.instance_ms / 3_600_000;
  }

  private newInstance(g: GroupState): Instance {
    const inst: Instance = { name: `${g.spec.name}-${g.nextIndex++}`, group: g.spec.name, state: "provisioning", requested_ms: this.sim.now_ms, event: null };
    g.instances.set(inst.name, inst);
    g.target++;
    return inst;
  }

  private removeInstance(g: GroupState, inst: Instance): void {
    if (inst.event !== null) this.sim.cancel(inst.event);
    inst.event = null;
    g.instances.delete(inst.name);
    g.target--;
    if (inst.state === "registered") this.lifecycle.remove(inst.name);
  }

  private accrue(g: GroupState): void {
    const now_ms = this.sim.now_ms;
    g.instance_ms += g.instances.size * (now_ms - g.since_ms);
    g.since_ms = now_ms;
  }

  private state(group: string): GroupState {
    const g = this.groups.get(group);
    if (g === undefined) throw new Error(`unknown node group ${group}`);
    return g;
  }
}
