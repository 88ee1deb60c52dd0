import t from "tap";
import {
  checkContainerMetrics,
  decodeCumulativeCpu_ns,
  decodeMemory_bytes,
  isCompleteNodePoint,
  isServableSample,
  sampleValuesError,
} from "../../../models/metrics-server/decode.js";
import { MetricsStorage } from "../../../models/metrics-server/storage.js";
import { durationSeconds, GoTime, nanocoresToMilliValue, resourceUsage, newUsageResult } from "../../../models/metrics-server/types.js";
import type { NodeScrape, ResourceSample } from "../../../models/metrics-server/types.js";
import { container, MIB, point, pod } from "./fixtures.js";

t.test("decode: CPU survives the float-seconds round trip as upstream does", async (t) => {
  const rows = [
    { mcore_ms: 0, ns: 0 },
    { mcore_ms: 1_000_000, ns: 1e9 },
    { mcore_ms: 1.5e6, ns: 1.5e9 },
    // kubelet: float64(260000)/1e9 = 0.00026; decode.go: uint64(0.00026 * 1e9) = 259999.
    { mcore_ms: 260, ns: 259_999 },
    { mcore_ms: 1009, ns: 1_008_999 },
    // A fraction of a ns is below the cgroup counter's resolution.
    { mcore_ms: 0.0009, ns: 0 },
  ];
  for (const r of rows) t.equal(decodeCumulativeCpu_ns(r.mcore_ms), r.ns, `${r.mcore_ms} mcore·ms`);
  t.equal(decodeMemory_bytes(1234.9), 1234, "memory truncates like uint64(value)");
});

t.test("decode: completeness checks", async (t) => {
  const p = (cpu: number, mem: number): ResourceSample => ({ startTime_ms: 0, timestamp_ms: 1, cumulativeCpuUsed_mcore_ms: cpu, memoryWorkingSet_bytes: mem });
  const rows: { name: string; got: boolean; want: boolean }[] = [
    { name: "node null", got: isCompleteNodePoint(null), want: false },
    { name: "node ok", got: isCompleteNodePoint(p(1, 1)), want: true },
    { name: "node zero cpu", got: isCompleteNodePoint(p(0, 1)), want: false },
    { name: "node cpu below 1 ns", got: isCompleteNodePoint(p(0.0001, 1)), want: false },
    { name: "node zero memory", got: isCompleteNodePoint(p(1, 0)), want: false },
    { name: "pod ok", got: checkContainerMetrics(pod("x", container("a", p(1, 1)), container("b", p(2, 2)))), want: true },
    { name: "pod one container zero cpu", got: checkContainerMetrics(pod("x", container("a", p(1, 1)), container("b", p(0, 2)))), want: false },
    { name: "pod one container zero memory", got: checkContainerMetrics(pod("x", container("a", p(1, 0)))), want: false },
    { name: "pod without containers", got: checkContainerMetrics(pod("x")), want: false },
    { name: "shadowed zero point ignored", got: checkContainerMetrics(pod("x", container("a", p(0, 0)), container("a", p(1, 1)))), want: true },
  ];
  for (const r of rows) t.equal(r.got, r.want, r.name);
});

t.test("decode: invalid samples are a simulator bug and throw", async (t) => {
  const s = new MetricsStorage(15_000);
  const bad = (over: Partial<ResourceSample>): NodeScrape[] => [
    { nodeName: "n", node: null, pods: [pod("p", container("c", { ...point(0, 10, 1, MIB), ...over }))] },
  ];
  t.throws(() => s.store(bad({ timestamp_ms: 1.5 })), RangeError);
  t.throws(() => s.store(bad({ startTime_ms: Number.NaN })), RangeError);
  t.throws(() => s.store(bad({ cumulativeCpuUsed_mcore_ms: -1 })), RangeError);
  t.throws(() => s.store(bad({ memoryWorkingSet_bytes: Infinity })), /memoryWorkingSet_bytes/);
  t.throws(() => new MetricsStorage(0), RangeError);
});

t.test("decode: which samples a kubelet could serve (isServableSample, sampleValuesError)", async (t) => {
  // Each field through a value, the others fixed at a good sample: times must be safe integers,
  // CPU and memory finite and >= 0; sampleValuesError names what is wrong exactly when
  // isServableSample says no.
  const good = [1_000, 20_000, 5e6, 64 * MIB];
  const rows: { value: number; time: boolean; amount: boolean }[] = [
    { value: 0, time: true, amount: true },
    { value: -0, time: true, amount: true },
    { value: 1, time: true, amount: true },
    { value: -1, time: true, amount: false },
    { value: 0.5, time: false, amount: true },
    { value: 2 ** 53 - 1, time: true, amount: true },
    { value: 2 ** 53, time: false, amount: true },
    { value: 1e300, time: false, amount: true },
    { value: NaN, time: false, amount: false },
    { value: Infinity, time: false, amount: false },
    { value: -Infinity, time: false, amount: false },
  ];
  const fields = ["startTime_ms", "timestamp_ms", "cumulativeCpuUsed_mcore_ms", "memoryWorkingSet_bytes"];
  for (let field = 0; field < good.length; field++) {
    for (const r of rows) {
      const s = [...good];
      s[field] = r.value;
      const [start, ts, cpu, mem] = s;
      const want = field < 2 ? r.time : r.amount;
      const message = sampleValuesError(start, ts, cpu, mem);
      t.equal(isServableSample(start, ts, cpu, mem), want, `${fields[field]} = ${r.value}`);
      if (want) t.equal(message, null, `${fields[field]} = ${r.value}: no message`);
      else t.match(message, fields[field], `${fields[field]} = ${r.value}: ${message}`);
    }
  }
});

t.test("Go arithmetic helpers", async (t) => {
  const rows: { name: string; got: number; want: number }[] = [
    { name: "Seconds of 15 s", got: durationSeconds(15_000), want: 15 },
    { name: "Seconds of 59.999 s = 59 + 0.999", got: durationSeconds(59_999), want: 59 + 999e6 / 1e9 },
    { name: "Seconds of maxDuration", got: durationSeconds(GoTime.MaxDuration_ms), want: 9223372036.854775807 },
    { name: "MilliValue of 0", got: nanocoresToMilliValue(0), want: 0 },
    { name: "MilliValue of 1 n rounds up", got: nanocoresToMilliValue(1), want: 1 },
    { name: "MilliValue of exactly 1 m", got: nanocoresToMilliValue(1e6), want: 1 },
    { name: "MilliValue of 1 m + 1 n", got: nanocoresToMilliValue(1e6 + 1), want: 2 },
    { name: "MilliValue of 250.5 m", got: nanocoresToMilliValue(250_500_000), want: 251 },
  ];
  for (const r of rows) t.equal(r.got, r.want, r.name);
});

t.test("resourceUsage errors (types.go)", async (t) => {
  const out = newUsageResult();
  t.equal(resourceUsage(5, 20, 10, 1, 6, 0, 10, out), "unexpected decrease in startTime of node/container");
  t.equal(resourceUsage(5, 20, 10, 1, 5, 11, 10, out), "unexpected decrease in cumulative CPU usage value");
  t.equal(resourceUsage(5, 20_000, 2e9, 7, 5, 1e9, 10_000, out), null);
  t.same(out, { cpu_nanocores: 1e8, memory_bytes: 7, timestamp_ms: 20_000, window_ms: 10_000 });
  t.throws(() => resourceUsage(5, 20, 10, 1, 5, 0, 0, out), /non-positive window/);
});

t.test("node storage (node.go)", async (t) => {
  interface Row {
    name: string;
    points: (ResourceSample | null)[];
    want: { timestamp_ms: number; window_ms: number; cpu_nanocores: number; memory_bytes: number } | null;
  }
  const rows: Row[] = [
    { name: "one point is not enough", points: [point(0, 10, 1, MIB)], want: null },
    { name: "rate from two points", points: [point(0, 10, 1, MIB), point(0, 25, 4, 2 * MIB)], want: { timestamp_ms: 25_000, window_ms: 15_000, cpu_nanocores: 2e8, memory_bytes: 2 * MIB } },
    { name: "no fresh rule for nodes", points: [point(0, 12, 1, MIB)], want: null },
    { name: "equal timestamp keeps prev", points: [point(0, 10, 1, MIB), point(0, 25, 4, MIB), point(0, 25, 4, 3 * MIB)], want: { timestamp_ms: 25_000, window_ms: 15_000, cpu_nanocores: 2e8, memory_bytes: 3 * MIB } },
    { name: "same point twice: no prev", points: [point(0, 10, 1, MIB), point(0, 10, 1, MIB)], want: null },
    { name: "older than prev drops prev", points: [point(0, 10, 1, MIB), point(0, 25, 4, MIB), point(0, 5, 0.5, MIB)], want: null },
    { name: "between prev and last", points: [point(0, 10, 1, MIB), point(0, 25, 4, MIB), point(0, 20, 3, MIB)], want: { timestamp_ms: 20_000, window_ms: 10_000, cpu_nanocores: 2e8, memory_bytes: MIB } },
    { name: "no restart detection: a reboot is a decreasing counter, skipped", points: [point(0, 10, 5, MIB), point(20, 25, 1, MIB)], want: null },
    { name: "incomplete point forgets the node", points: [point(0, 10, 1, MIB), point(0, 25, 4, 0), point(0, 40, 7, MIB)], want: null },
    { name: "missing node point forgets the node", points: [point(0, 10, 1, MIB), null, point(0, 40, 7, MIB)], want: null },
  ];
  for (const r of rows) {
    const s = new MetricsStorage(15_000);
    for (const p of r.points) s.store([{ nodeName: "n1", node: p, pods: [] }]);
    const got = s.getNodeMetrics(["n1"]);
    const want =
      r.want === null
        ? []
        : [{ name: "n1", timestamp_ms: r.want.timestamp_ms, window_ms: r.want.window_ms, usage: { cpu_nanocores: r.want.cpu_nanocores, cpu_mcores: nanocoresToMilliValue(r.want.cpu_nanocores), memory_bytes: r.want.memory_bytes } }];
    t.same(got, want, r.name);
  }
});

t.test("readiness follows storage.go: both kinds need a prev", async (t) => {
  const s = new MetricsStorage(15_000);
  const sc = (ts_s: number, cpu: number): NodeScrape[] => [
    { nodeName: "n1", node: point(0, ts_s, cpu * 10, MIB), pods: [pod("p", container("c", point(0, ts_s, cpu, MIB)))] },
  ];
  s.store(sc(100, 1));
  t.same([s.nodeReady(), s.podReady(), s.ready()], [false, false, false]);
  s.store(sc(115, 2));
  t.same([s.nodeReady(), s.podReady(), s.ready()], [true, true, true]);
  s.store([{ nodeName: "n1", node: point(0, 130, 30, MIB), pods: [] }]);
  t.same([s.nodeReady(), s.podReady(), s.ready()], [true, false, false]);
  t.same(s.getNodeMetrics(["n1", "n2"]).map((m) => m.usage.cpu_mcores), [667], "node rate: 10 core-s over 15 s = 666666666 n, read as 667 m");
});
