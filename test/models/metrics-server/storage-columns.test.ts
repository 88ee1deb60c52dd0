/**
 * Columns and objects: a storage fed a producer's columns (cAdvisor's form, with pod handles) of
 * reused, mutated samples must behave exactly like one fed fresh plain copies — through renames
 * and namespace moves (a new pod, so a new handle), container changes, restarts (a new handle),
 * counters going down, duplicate pods in one scrape, and a second storage storing the same
 * samples. Reads by handle answer what reads by name answer, for any handle the named pod ever
 * had (current, stale, or at an index reused since) and for none: the HPA passes each pod's own
 * handle, from its ContainerID, so a handle never names another pod.
 */
import t from "tap";
import { MetricsStorage, type StoreSummary } from "../../../models/metrics-server/storage.js";
import { type PodSampleColumns, Sample } from "../../../models/metrics-server/types.js";
import type { PodMetricsVisitor } from "../../../models/metrics-server/pod.js";
import { PodHandle } from "../../../models/kubelet/pod-handles.js";

type CS = { name: string; startTime_ms: number; timestamp_ms: number; cumulativeCpuUsed_mcore_ms: number; memoryWorkingSet_bytes: number; };
type PS = { namespace: string; name: string; containers: CS[]; handle: number };

/** Handles as the runtime issues them: few indices, each reused under a new generation. */
let generation = 0;
const newHandle = (index: number) => ++generation * PodHandle.IndexSpace + index;
/** Every handle each namespace/name has had. */
const history = new Map<string, number[]>();
const remember = (p: PS) => {
  const key = `${p.namespace}/${p.name}`;
  if (!history.has(key)) history.set(key, []);
  history.get(key)!.push(p.handle);
};

/** What visitMetrics streams, as plain data. */
function visited(storage: MetricsStorage, ns: string, names: string[], handles?: number[]): unknown[] {
  const out: unknown[] = [];
  const visitor: PodMetricsVisitor = {
    container: (name, cpu_nanocores, memory_bytes) => out.push([name, cpu_nanocores, memory_bytes]),
    pod: (namespace, name, index, ts, w) => out.push([namespace, name, index, ts, w]),
  };
  storage.visitPodMetrics(ns, names, visitor, handles);
  return out;
}

/** Stores each node's pods as a producer keeping columns does. */
function storeColumns(storage: MetricsStorage, split: PS[][]): StoreSummary {
  const scrape = split.map((pods, k) => {
    const columns: PodSampleColumns = {
      count: pods.length,
      namespaces: pods.map((p) => p.namespace),
      names: pods.map((p) => p.name),
      containerNames: pods.map((p) => p.containers.map((c) => c.name)),
      values: new Float64Array(pods.reduce((n, p) => n + p.containers.length, 0) * Sample.Fields),
      offsets: new Int32Array(pods.length),
      handles: Float64Array.from(pods, (p) => p.handle),
    };
    let o = 0;
    pods.forEach((p, i) => {
      columns.offsets[i] = o;
      for (const c of p.containers) {
        columns.values.set([c.startTime_ms, c.timestamp_ms, c.cumulativeCpuUsed_mcore_ms, c.memoryWorkingSet_bytes], o);
        o += Sample.Fields;
      }
    });
    return { nodeName: `n${k + 1}`, node: null, pods, columns };
  });
  return { ...storage.store(scrape) };
}

t.test("a storage fed columns of reused samples equals one fed plain copies", async (t) => {
let seed = 1;
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const pick = <T,>(a: T[]) => a[Math.floor(rnd() * a.length)];
const names = ["a", "b", "c", "d", "e"], nss = ["ns1", "ns2"], cnames = ["c1", "c2", "c3"];
let mismatches = 0, stores = 0, handleReads = 0;
for (let run = 0; run < 150; run++) {
  const A = new MetricsStorage(15_000), B = new MetricsStorage(15_000), C = new MetricsStorage(15_000);
  const pool: PS[] = [];
  for (let i = 0; i < 8; i++) pool.push({ namespace: pick(nss), name: pick(names), containers: [{ name: "c1", startTime_ms: 0, timestamp_ms: 0, cumulativeCpuUsed_mcore_ms: 0, memoryWorkingSet_bytes: 1 }], handle: newHandle(i % 6) });
  let now_ms = 0;
  for (let step = 0; step < 40; step++) {
    now_ms += pick([0, 5_000, 10_000, 15_000]);
    // mutate samples in place
    for (const p of pool) {
      // Another pod (renamed or moved) or a restart: a new handle, often at a reused index.
      if (rnd() < 0.1) { p.name = pick(names); p.handle = newHandle(Math.floor(rnd() * 6)); }
      if (rnd() < 0.05) { p.namespace = pick(nss); p.handle = newHandle(Math.floor(rnd() * 6)); }
      if (rnd() < 0.05) p.handle = newHandle(Math.floor(rnd() * 6));
      if (rnd() < 0.1) { const n = 1 + Math.floor(rnd() * 3); p.containers = Array.from({ length: n }, () => ({ name: pick(cnames), startTime_ms: 0, timestamp_ms: 0, cumulativeCpuUsed_mcore_ms: 0, memoryWorkingSet_bytes: 1 })); }
      for (const c of p.containers) {
        if (rnd() < 0.1) c.startTime_ms = now_ms - pick([0, 5_000, 11_000, 20_000]);
        if (c.startTime_ms > now_ms) c.startTime_ms = now_ms;
        c.timestamp_ms = rnd() < 0.8 ? now_ms : Math.max(0, now_ms - 5_000);
        c.cumulativeCpuUsed_mcore_ms += rnd() < 0.9 ? Math.floor(rnd() * 1e6) : 0;
        if (rnd() < 0.05) c.cumulativeCpuUsed_mcore_ms = Math.floor(rnd() * 1e6);
        c.memoryWorkingSet_bytes = rnd() < 0.05 ? 0 : 1 + Math.floor(rnd() * 100);
      }
    }
    const chosen = pool.filter(() => rnd() < 0.8);
    if (rnd() < 0.2 && chosen.length) chosen.push(pick(chosen)); // duplicate object
    const split = [chosen.slice(0, 4), chosen.slice(4)];
    const plain = split.map((pods, k) => ({ nodeName: `n${k + 1}`, node: null, pods: pods.map((p) => ({ namespace: p.namespace, name: p.name, containers: p.containers.map((c) => ({ ...c })) })) }));
    const sa = { ...storeColumns(A, split) };
    if (rnd() < 0.5) storeColumns(C, split); // another storage storing the same samples
    const sb = { ...B.store(plain) };
    stores++;
    const check = (x: unknown, y: unknown, what: string) => { if (JSON.stringify(x) !== JSON.stringify(y)) { mismatches++; if (mismatches < 5) t.fail(`run ${run} step ${step} ${what}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`); } };
    check(sa, sb, "summary");
    check(A.ready(), B.ready(), "ready");
    check(A.containerPointsStored(), B.containerPointsStored(), "points");
    for (const ns of nss) check(A.getPodMetrics(ns, names), B.getPodMetrics(ns, names), "metrics " + ns);
    // Reads by handle: one the pod has or had, or none.
    for (const p of pool) remember(p);
    const handleOf = (ns: string, name: string) => {
      const had = history.get(`${ns}/${name}`) ?? [];
      return had.length === 0 || rnd() < 0.2 ? PodHandle.None : pick(had);
    };
    for (const ns of nss) {
      const handles = names.map((n) => handleOf(ns, n));
      check(visited(A, ns, names, handles), visited(B, ns, names), "visit by handle " + ns);
      handleReads += handles.filter((h) => h !== PodHandle.None).length;
    }
  }
}
t.equal(mismatches, 0, `${stores} stores, no difference`);
t.ok(handleReads > stores, `reads by handle were exercised (${handleReads})`);
});
