/**
 * The metrics APIs an HPA reads in the simulation, behind the MetricsClient interface:
 * metrics.k8s.io from metrics-server's storage, and custom.metrics.k8s.io /
 * external.metrics.k8s.io from whatever adapter the run configures (none by default, in which
 * case they answer as an unregistered API group does, and the HPA reports FailedGet*Metric).
 */
import type { MetricsServer } from "../metrics-server/controller.js";
import type { PodMetricsVisitor } from "../metrics-server/pod.js";
import { nanocoresToMilliValue, type PodMetrics } from "../metrics-server/types.js";
import { addInt64, mulInt64, type Int64 } from "./int64.js";
import {
  StaticMetricsClient,
  type ContainerMetricsItem,
  type CustomPodMetricItem,
  type MetricsApiError,
  type MetricsClient,
  type MetricsSnapshot,
  type PodMetricsInfo,
  type PodMetricsItem,
  type ResourceMetricsAnswer,
  type ResourceMetricsCount,
  type TimestampedValue,
} from "./metrics-client.js";
import type { PodMetricRows } from "./pod-metric-rows.js";
import type { CrossVersionObjectReference, ResourceName } from "./types.js";
import type { LabelSelector } from "../cluster/types.js";
import type { MetricsClientFactory } from "./controller.js";
import { sameElements } from "../../engine/arrays.js";

/** A custom/external metrics provider (e.g. the prometheus-adapter model). */
export interface CustomMetricsProvider {
  pods(namespace: string, podNames: readonly string[], metricName: string, metricSelector: LabelSelector | null): readonly CustomPodMetricItem[] | MetricsApiError;
  object(namespace: string, metricName: string, ref: CrossVersionObjectReference, metricSelector: LabelSelector | null): TimestampedValue | MetricsApiError | undefined;
  external(namespace: string, metricName: string, metricSelector: LabelSelector | null): readonly TimestampedValue[] | MetricsApiError;
}

const NO_CUSTOM_METRICS: MetricsApiError = { error: "the server could not find the requested resource (no custom metrics adapter is installed)" };

/**
 * The metrics APIs when another server owns external.metrics.k8s.io (KEDA's metrics server: an
 * API group has one APIService), `custom` (if any) keeping custom.metrics.k8s.io.
 */
export function withExternalMetrics(custom: CustomMetricsProvider | null, external: Pick<CustomMetricsProvider, "external">): CustomMetricsProvider {
  return {
    pods: (namespace, podNames, metricName, selector) => (custom ? custom.pods(namespace, podNames, metricName, selector) : NO_CUSTOM_METRICS),
    object: (namespace, metricName, ref, selector) => (custom ? custom.object(namespace, metricName, ref, selector) : NO_CUSTOM_METRICS),
    external: (namespace, metricName, selector) => external.external(namespace, metricName, selector),
  };
}

export function metricsClientFactory(metricsServer: MetricsServer, custom: CustomMetricsProvider | null = null): MetricsClientFactory {
  return (namespace: string, podNames: readonly string[], podHandles?: Float64Array): MetricsClient =>
    new StaticMetricsClient(new ApiSnapshot(metricsServer, custom, namespace, podNames, podHandles));
}

/**
 * What the metrics APIs answer about one HPA's pods, read when asked (so one serves every sync
 * while the HPA's pods are the same). A class rather than an object of closures.
 */
class ApiSnapshot implements MetricsSnapshot {
  /** resourceMetricRows's collector, reused for each visit. */
  private readonly rowsCollector = new ResourceMetricRowsCollector();
  /** The last list of names resourceMetricRows found equal to `podNames` (lists are not edited once built). */
  private sameNames: readonly string[] | null = null;

  constructor(
    private readonly metricsServer: MetricsServer,
    private readonly custom: CustomMetricsProvider | null,
    private readonly namespace: string,
    private readonly podNames: readonly string[],
    /** The pods' handles (see MetricsClientFactory), which metrics-server finds them by. */
    private readonly podHandles: Float64Array | undefined,
  ) {}

  // Read when asked: an HPA without Resource metrics never touches metrics-server.
  get resource(): PodMetricsItem[] {
    return toPodMetricsItems(this.metricsServer.getPodMetrics(this.namespace, this.podNames));
  }

  // What the client makes of `resource`, converted as the API's PodMetrics stream out.
  resourceMetric(name: ResourceName, container: string): ResourceMetricsAnswer {
    const collector = new ResourceMetricsCollector(name, container);
    this.metricsServer.visitPodMetrics(this.namespace, this.podNames, collector, this.podHandles);
    return collector;
  }

  // resourceMetric's answer written into the calculator's rows: only over this snapshot's own
  // list of pods (the row of each visited pod is its place in that list).
  resourceMetricRows(name: ResourceName, container: string, podNames: readonly string[], rows: PodMetricRows): ResourceMetricsCount | null {
    if (podNames !== this.sameNames) {
      if (!sameElements(podNames, this.podNames)) return null;
      // A calculator passes the same list at every sync while the pods stay the same, and
      // comparing its names again would read every name string (a cache miss each).
      this.sameNames = podNames;
    }
    rows.clear();
    const collector = this.rowsCollector.visitInto(name, container, rows);
    this.metricsServer.visitPodMetrics(this.namespace, this.podNames, collector, this.podHandles);
    return collector;
  }

  // The HPA's metric selector goes through to the adapter, as the metrics clients pass it.
  pods(metricName: string, selector: LabelSelector | null): readonly CustomPodMetricItem[] | MetricsApiError {
    return this.custom ? this.custom.pods(this.namespace, this.podNames, metricName, selector) : NO_CUSTOM_METRICS;
  }

  object(metricName: string, ref: CrossVersionObjectReference, selector: LabelSelector | null): TimestampedValue | MetricsApiError | undefined {
    return this.custom ? this.custom.object(this.namespace, metricName, ref, selector) : NO_CUSTOM_METRICS;
  }

  external(metricName: string, selector: LabelSelector | null): readonly TimestampedValue[] | MetricsApiError {
    return this.custom ? this.custom.external(this.namespace, metricName, selector) : NO_CUSTOM_METRICS;
  }
}

/**
 * metrics.k8s.io PodMetrics as the HPA's client reads them (usage as a ResourceList). Plain loops:
 * this runs for every pod of every HPA sync.
 */
export function toPodMetricsItems(metrics: readonly PodMetrics[]): PodMetricsItem[] {
  const items: PodMetricsItem[] = new Array(metrics.length);
  for (let i = 0; i < metrics.length; i++) {
    const m = metrics[i];
    const containers: ContainerMetricsItem[] = new Array(m.containers.length);
    for (let j = 0; j < m.containers.length; j++) {
      const c = m.containers[j];
      containers[j] = { name: c.name, usage: { cpu_mcores: c.usage.cpu_mcores, memory_bytes: c.usage.memory_bytes } };
    }
    items[i] = { podName: m.name, timestamp_ms: m.timestamp_ms, window_ms: m.window_ms, containers };
  }
  return items;
}

/**
 * metrics/client.go getPodMetrics (sum over a pod's containers) or getContainerMetrics (the named
 * container only) applied to metrics-server's PodMetrics as they stream out of storage: the same
 * PodMetricsInfo as converting `toPodMetricsItems`'s list, without a PodMetricsItem per pod.
 * Every returned pod is counted (`returned`), including one whose containers all failed (it has
 * none, so getPodMetrics leaves it out as missing); each pod's entry goes to `put`.
 */
abstract class ResourceMetricsVisitor implements PodMetricsVisitor, ResourceMetricsCount {
  returned = 0;
  firstTimestamp_ms = 0;
  private podSum_milli: Int64 = 0;
  private podContainers = 0;
  private namedFound = false;

  /**
   * The two comparisons each container would make, made once per visit: the spec's names are not
   * interned strings, so comparing them compares characters.
   */
  private cpu = false;
  private allContainers = true;
  private containerName = "";

  /** Sets what the next visit sums: `resource` of `containerName` ("" = every container). */
  protected begin(resource: ResourceName, containerName: string): void {
    this.cpu = resource === "cpu";
    this.allContainers = containerName === "";
    this.containerName = containerName;
    this.returned = 0;
    this.firstTimestamp_ms = 0;
    this.podSum_milli = 0;
    this.podContainers = 0;
    this.namedFound = false;
  }

  container(name: string, cpu_nanocores: number, memory_bytes: number): void {
    // resourceMilliValue of the usage list toPodMetricsItems builds.
    const milli = this.cpu ? nanocoresToMilliValue(cpu_nanocores) : mulInt64(memory_bytes, 1000);
    this.podContainers++;
    if (this.allContainers) {
      this.podSum_milli = addInt64(this.podSum_milli, milli);
    } else if (!this.namedFound && name === this.containerName) {
      this.namedFound = true;
      this.podSum_milli = milli;
    }
  }

  pod(_namespace: string, name: string, index: number, timestamp_ms: number, window_ms: number): void {
    if (this.returned++ === 0) this.firstTimestamp_ms = timestamp_ms;
    const present = this.allContainers ? this.podContainers > 0 : this.namedFound;
    if (present) this.put(name, index, timestamp_ms, window_ms, this.podSum_milli);
    this.podSum_milli = 0;
    this.podContainers = 0;
    this.namedFound = false;
  }

  /** The pod's entry; `index` is its place in the list of names visited. */
  protected abstract put(name: string, index: number, timestamp_ms: number, window_ms: number, value_milli: Int64): void;
}

/** The answer as a PodMetricsInfo map. */
class ResourceMetricsCollector extends ResourceMetricsVisitor implements ResourceMetricsAnswer {
  readonly value: PodMetricsInfo = new Map();

  constructor(resource: ResourceName, container: string) {
    super();
    this.begin(resource, container);
  }

  protected put(name: string, _index: number, timestamp_ms: number, window_ms: number, value_milli: Int64): void {
    this.value.set(name, { timestamp_ms, window_ms, value_milli });
  }
}

/**
 * The answer into rows: row i is the i-th name of the visited list (names distinct:
 * getResourceMetricRows). One serves every visit of a snapshot (`visitInto`).
 */
class ResourceMetricRowsCollector extends ResourceMetricsVisitor {
  private rows: PodMetricRows | null = null;

  /** Sets the next visit's resource, container and rows. */
  visitInto(resource: ResourceName, container: string, rows: PodMetricRows): this {
    this.begin(resource, container);
    this.rows = rows;
    return this;
  }

  protected put(_name: string, index: number, timestamp_ms: number, window_ms: number, value_milli: Int64): void {
    this.rows!.set(index, timestamp_ms, window_ms, value_milli);
  }
}
