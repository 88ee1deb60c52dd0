/**
 * Pod storage, table-driven: each case stores a sequence of scrapes and checks what GetPodMetrics
 * returns afterwards. Cases marked "upstream" port kubernetes-sigs/metrics-server
 * pkg/storage/pod_test.go with the same numbers.
 */
import t from "tap";
import { MetricsStorage } from "../../../models/metrics-server/storage.js";
import { GoTime, type NodeScrape, type PodMetrics } from "../../../models/metrics-server/types.js";
import { container, MIB, point, pod, scrape } from "./fixtures.js";

interface Want {
  timestamp_ms: number;
  window_ms: number;
  /** [name, cpu_nanocores, memory_bytes] per container, in order. */
  containers: [string, number, number][];
}

interface Case {
  name: string;
  resolution_s?: number;
  scrapes: NodeScrape[][];
  /** null = pod1 not returned. */
  want: Want | null;
  ready?: boolean;
}

const c1 = (start_s: number, ts_s: number, cpu: number, mem: number) => container("container1", point(start_s, ts_s, cpu, mem));
const c2 = (start_s: number, ts_s: number, cpu: number, mem: number) => container("container2", point(start_s, ts_s, cpu, mem));

const cases: Case[] = [
  {
    name: "upstream: rate from two points",
    scrapes: [scrape(pod("pod1", c1(0, 120, 1, 4 * MIB))), scrape(pod("pod1", c1(0, 125, 6, 5 * MIB)))],
    want: { timestamp_ms: 125_000, window_ms: 5_000, containers: [["container1", 1e9, 5 * MIB]] },
    ready: true,
  },
  {
    name: "upstream: one scrape of a long-running container is not enough",
    scrapes: [scrape(pod("pod1", c1(0, 120, 1, 4 * MIB)))],
    want: null,
    ready: false,
  },
  {
    name: "upstream: a scrape without the pod forgets it",
    scrapes: [scrape(pod("pod1", c1(0, 120, 1, 4 * MIB))), scrape(pod("pod1", c1(0, 125, 6, 5 * MIB))), scrape()],
    want: null,
    ready: false,
  },
  {
    name: "upstream: timestamp and window of the container with the earliest last timestamp",
    scrapes: [
      scrape(pod("pod1", c1(0, 110, 1, 4 * MIB), c2(0, 115, 2, 5 * MIB))),
      scrape(pod("pod1", c1(0, 120, 6, 6 * MIB), c2(0, 125, 7, 7 * MIB))),
    ],
    want: { timestamp_ms: 120_000, window_ms: 10_000, containers: [["container1", 5e8, 6 * MIB], ["container2", 5e8, 7 * MIB]] },
  },
  {
    name: "earliest timestamp wins even when it is the second container",
    scrapes: [
      scrape(pod("pod1", c1(0, 110, 1, 4 * MIB), c2(0, 100, 2, 5 * MIB))),
      scrape(pod("pod1", c1(0, 125, 4, 6 * MIB), c2(0, 120, 4, 7 * MIB))),
    ],
    want: { timestamp_ms: 120_000, window_ms: 20_000, containers: [["container1", 2e8, 6 * MIB], ["container2", 1e8, 7 * MIB]] },
  },
  {
    name: "upstream: the same point twice does not make a prev",
    scrapes: [scrape(pod("pod1", c1(0, 110, 1, 4 * MIB))), scrape(pod("pod1", c1(0, 110, 1, 4 * MIB)))],
    want: null,
    ready: false,
  },
  {
    name: "an equal timestamp keeps the stored prev (prev does not move)",
    scrapes: [
      scrape(pod("pod1", c1(0, 110, 1, 4 * MIB))),
      scrape(pod("pod1", c1(0, 120, 6, 4 * MIB))),
      scrape(pod("pod1", c1(0, 120, 6, 9 * MIB))),
    ],
    want: { timestamp_ms: 120_000, window_ms: 10_000, containers: [["container1", 5e8, 9 * MIB]] },
  },
  {
    name: "upstream: prev.ts < new.ts < last.ts keeps prev, new point becomes last",
    scrapes: [
      scrape(pod("pod1", c1(0, 115, 10, 4 * MIB))),
      scrape(pod("pod1", c1(0, 125, 50, 5 * MIB))),
      scrape(pod("pod1", c1(0, 120, 35, 5 * MIB))),
    ],
    want: { timestamp_ms: 120_000, window_ms: 5_000, containers: [["container1", 5e9, 5 * MIB]] },
  },
  {
    name: "upstream: a point older than prev drops prev",
    scrapes: [
      scrape(pod("pod1", c1(0, 1115, 20, 4 * MIB))),
      scrape(pod("pod1", c1(0, 1125, 40, 4 * MIB))),
      scrape(pod("pod1", c1(0, 115, 10, 4 * MIB))),
    ],
    want: null,
  },
  {
    name: "a point at prev's timestamp drops prev too (strict Before)",
    scrapes: [
      scrape(pod("pod1", c1(0, 115, 20, 4 * MIB))),
      scrape(pod("pod1", c1(0, 125, 40, 4 * MIB))),
      scrape(pod("pod1", c1(0, 115, 20, 4 * MIB))),
    ],
    want: null,
  },
  {
    name: "upstream: decreased CPU returns the pod without the container",
    scrapes: [scrape(pod("pod1", c1(0, 110, 20, 4 * MIB))), scrape(pod("pod1", c1(0, 120, 10, 4 * MIB)))],
    want: { timestamp_ms: GoTime.ZeroTime_ms, window_ms: 0, containers: [] },
  },
  {
    name: "upstream: restart detected, fresh rule measures from the new start time",
    scrapes: [scrape(pod("pod1", c1(0, 10, 1, 4 * MIB))), scrape(pod("pod1", c1(15, 25, 5, 5 * MIB)))],
    want: { timestamp_ms: 25_000, window_ms: 10_000, containers: [["container1", 5e8, 5 * MIB]] },
  },
  {
    name: "restart (start at or after the stored point) resets the series",
    resolution_s: 15,
    scrapes: [
      scrape(pod("pod1", c1(0, 100, 10, 4 * MIB))),
      scrape(pod("pod1", c1(0, 115, 25, 4 * MIB))),
      scrape(pod("pod1", c1(115, 140, 3, 4 * MIB))),
    ],
    want: null,
  },
  {
    name: "after a restart the next newer point gives a rate again",
    resolution_s: 15,
    scrapes: [
      scrape(pod("pod1", c1(0, 100, 10, 4 * MIB))),
      scrape(pod("pod1", c1(0, 115, 25, 4 * MIB))),
      scrape(pod("pod1", c1(115, 140, 3, 4 * MIB))),
      scrape(pod("pod1", c1(115, 155, 6, 4 * MIB))),
    ],
    want: { timestamp_ms: 155_000, window_ms: 15_000, containers: [["container1", 2e8, 4 * MIB]] },
  },
  {
    name: "a start time just before the stored timestamp is not a restart",
    resolution_s: 15,
    scrapes: [scrape(pod("pod1", c1(0, 100, 10, 4 * MIB))), scrape(pod("pod1", c1(99.999, 115, 25, 4 * MIB)))],
    want: { timestamp_ms: 115_000, window_ms: 15_000, containers: [["container1", 1e9, 4 * MIB]] },
  },
  {
    name: "upstream: not all containers have two points: pod left out",
    scrapes: [
      scrape(pod("pod1", c1(0, 110, 1, 4 * MIB))),
      scrape(pod("pod1", c1(0, 120, 6, 6 * MIB), c2(0, 120, 8, 5 * MIB))),
    ],
    want: null,
    ready: true,
  },
  {
    name: "a container missing from a scrape is dropped; the pod is served without it",
    scrapes: [
      scrape(pod("pod1", c1(0, 110, 1, 4 * MIB), c2(0, 110, 1, 4 * MIB))),
      scrape(pod("pod1", c1(0, 120, 6, 6 * MIB), c2(0, 120, 2, 4 * MIB))),
      scrape(pod("pod1", c1(0, 130, 11, 6 * MIB))),
    ],
    want: { timestamp_ms: 130_000, window_ms: 10_000, containers: [["container1", 5e8, 6 * MIB]] },
  },
  {
    name: "a dropped container that comes back starts over",
    scrapes: [
      scrape(pod("pod1", c1(0, 110, 1, 4 * MIB), c2(0, 110, 1, 4 * MIB))),
      scrape(pod("pod1", c1(0, 120, 6, 6 * MIB))),
      scrape(pod("pod1", c1(0, 130, 11, 6 * MIB), c2(0, 130, 3, 4 * MIB))),
    ],
    want: null,
  },
  {
    name: "decode: a container with zero CPU drops the whole pod (and its history)",
    scrapes: [
      scrape(pod("pod1", c1(0, 110, 1, 4 * MIB), c2(0, 110, 1, 4 * MIB))),
      scrape(pod("pod1", c1(0, 120, 6, 6 * MIB), c2(0, 120, 0, 4 * MIB))),
      scrape(pod("pod1", c1(0, 130, 11, 6 * MIB), c2(0, 130, 3, 4 * MIB))),
    ],
    want: null,
  },
  {
    name: "decode: zero memory drops the pod",
    scrapes: [scrape(pod("pod1", c1(0, 110, 1, 4 * MIB))), scrape(pod("pod1", c1(0, 120, 6, 0)))],
    want: null,
    ready: false,
  },
  {
    name: "decode: a duplicate container name keeps the later point",
    scrapes: [
      scrape(pod("pod1", c1(0, 110, 1, 4 * MIB))),
      scrape(pod("pod1", c1(0, 120, 0, 0), c1(0, 120, 6, 7 * MIB))),
    ],
    want: { timestamp_ms: 120_000, window_ms: 10_000, containers: [["container1", 5e8, 7 * MIB]] },
  },
  {
    // The pod had a prev (container1), container2 had none, and container2's new point is not
    // newer than its last: upstream reads the zero MetricsPoint from the prev map and keeps it.
    name: "quirk: zero-value prev gives a saturated window and ~0 CPU",
    scrapes: [
      scrape(pod("pod1", c1(0, 110, 1, 4 * MIB))),
      scrape(pod("pod1", c1(0, 120, 6, 6 * MIB), c2(0, 120, 2, 5 * MIB))),
      scrape(pod("pod1", c1(0, 135, 9, 6 * MIB), c2(0, 120, 2, 5 * MIB))),
    ],
    want: { timestamp_ms: 120_000, window_ms: GoTime.MaxDuration_ms, containers: [["container1", 2e8, 6 * MIB], ["container2", 0, 5 * MIB]] },
  },
  {
    name: "quirk needs the pod in prev: without it the container just has no prev",
    scrapes: [
      scrape(pod("pod1", c1(0, 110, 1, 4 * MIB), c2(0, 110, 2, 5 * MIB))),
      scrape(pod("pod1", c1(0, 110, 1, 4 * MIB), c2(0, 110, 2, 5 * MIB))),
    ],
    want: null,
  },
];

t.test("pod storage scenarios", async (t) => {
  for (const c of cases) {
    const s = new MetricsStorage((c.resolution_s ?? 60) * 1000);
    for (const sc of c.scrapes) s.store(sc);
    const got = s.getPodMetrics("ns1", ["pod1"]);
    const want: PodMetrics[] =
      c.want === null
        ? []
        : [
            {
              name: "pod1",
              namespace: "ns1",
              timestamp_ms: c.want.timestamp_ms,
              window_ms: c.want.window_ms,
              containers: c.want.containers.map(([name, cpu_nanocores, memory_bytes]) => ({
                name,
                usage: { cpu_nanocores, cpu_mcores: Math.ceil(cpu_nanocores / 1e6), memory_bytes },
              })),
            },
          ];
    t.same(got, want, c.name);
    if (c.ready !== undefined) t.equal(s.podReady(), c.ready, `${c.name}: podReady`);
  }
});

t.test("fresh-container rule boundaries: 10 s <= last - start < metricResolution", async (t) => {
  const rows: { name: string; resolution_s: number; start_ms: number; ts_ms: number; fresh: boolean }[] = [
    { name: "9.999 s old", resolution_s: 60, start_ms: 0, ts_ms: 9_999, fresh: false },
    { name: "exactly 10 s old", resolution_s: 60, start_ms: 0, ts_ms: 10_000, fresh: true },
    { name: "59.999 s old, resolution 60 s", resolution_s: 60, start_ms: 0, ts_ms: 59_999, fresh: true },
    { name: "exactly the resolution (60 s)", resolution_s: 60, start_ms: 0, ts_ms: 60_000, fresh: false },
    { name: "14.999 s, resolution 15 s", resolution_s: 15, start_ms: 5_000, ts_ms: 19_999, fresh: true },
    { name: "15 s, resolution 15 s", resolution_s: 15, start_ms: 5_000, ts_ms: 20_000, fresh: false },
    { name: "resolution 10 s leaves no fresh window", resolution_s: 10, start_ms: 0, ts_ms: 10_000, fresh: false },
    { name: "upstream: start after timestamp", resolution_s: 60, start_ms: 10_000, ts_ms: 0, fresh: false },
    { name: "upstream: 9 s old", resolution_s: 60, start_ms: 0, ts_ms: 9_000, fresh: false },
  ];
  for (const r of rows) {
    const s = new MetricsStorage(r.resolution_s * 1000);
    const p = { startTime_ms: r.start_ms, timestamp_ms: r.ts_ms, cumulativeCpuUsed_mcore_ms: 10_000_000, memoryWorkingSet_bytes: 4 * MIB };
    s.store(scrape(pod("pod1", container("container1", p))));
    const got = s.getPodMetrics("ns1", ["pod1"]);
    t.equal(got.length, r.fresh ? 1 : 0, r.name);
    t.equal(s.podReady(), r.fresh, `${r.name}: ready`);
    if (r.fresh) {
      const window_ms = r.ts_ms - r.start_ms;
      t.equal(got[0].window_ms, window_ms, `${r.name}: window = age`);
      t.equal(got[0].timestamp_ms, r.ts_ms, `${r.name}: timestamp`);
      t.equal(got[0].containers[0].usage.cpu_nanocores, Math.trunc(10e9 / (window_ms / 1000)), `${r.name}: rate from (start, 0)`);
    }
  }
});

t.test("the fresh rule applies on every scrape while the container is young", async (t) => {
  // With the binary default of 60 s, a container scraped at 15, 30, 45 s is measured from its
  // start each time (window = age), not between scrapes.
  const s = new MetricsStorage(60_000);
  const rows = [
    { ts_s: 15, cpu: 1.5, window_ms: 15_000, nanocores: 1e8 },
    { ts_s: 30, cpu: 6, window_ms: 30_000, nanocores: 2e8 },
    { ts_s: 45, cpu: 6, window_ms: 45_000, nanocores: 133333333 },
    { ts_s: 75, cpu: 9, window_ms: 30_000, nanocores: 1e8 },
  ];
  for (const r of rows) {
    s.store(scrape(pod("pod1", c1(0, r.ts_s, r.cpu, MIB))));
    const [m] = s.getPodMetrics("ns1", ["pod1"]);
    t.equal(m.window_ms, r.window_ms, `t=${r.ts_s}s window`);
    t.equal(m.containers[0].usage.cpu_nanocores, r.nanocores, `t=${r.ts_s}s nanocores`);
  }
});

t.test("CPU rounding: nanocores truncate, millicores round up as Quantity.MilliValue", async (t) => {
  const rows = [
    { name: "1 µs of CPU over 15 s", delta_mcore_ms: 1, window_s: 15, nanocores: 66, mcores: 1 },
    { name: "exactly 1 core", delta_mcore_ms: 10_000_000, window_s: 10, nanocores: 1e9, mcores: 1000 },
    { name: "1 core + 100 nanocores reads 1001 m", delta_mcore_ms: 10_000_001, window_s: 10, nanocores: 1_000_000_100, mcores: 1001 },
    { name: "a third of a core over 15 s", delta_mcore_ms: 5_000_000, window_s: 15, nanocores: 333333333, mcores: 334 },
    { name: "idle container", delta_mcore_ms: 0, window_s: 15, nanocores: 0, mcores: 0 },
  ];
  for (const r of rows) {
    const s = new MetricsStorage(15_000);
    const base = 1_000_000;
    s.store(scrape(pod("pod1", container("c", { startTime_ms: 0, timestamp_ms: 100_000, cumulativeCpuUsed_mcore_ms: base, memoryWorkingSet_bytes: 1 }))));
    s.store(
      scrape(
        pod(
          "pod1",
          container("c", {
            startTime_ms: 0,
            timestamp_ms: 100_000 + r.window_s * 1000,
            cumulativeCpuUsed_mcore_ms: base + r.delta_mcore_ms,
            memoryWorkingSet_bytes: 1,
          }),
        ),
      ),
    );
    const [m] = s.getPodMetrics("ns1", ["pod1"]);
    t.same(m.containers[0].usage, { cpu_nanocores: r.nanocores, cpu_mcores: r.mcores, memory_bytes: 1 }, r.name);
  }
});

t.test("scrape merging: failed node, duplicate pod, order of results", async (t) => {
  const s = new MetricsStorage(15_000);
  const a = (ts_s: number, cpu: number) => pod("a", c1(0, ts_s, cpu, MIB));
  const b = (ts_s: number, cpu: number) => pod("b", c1(0, ts_s, cpu, MIB));
  const two = (ts_s: number, cpu: number): NodeScrape[] => [
    { nodeName: "n1", node: null, pods: [a(ts_s, cpu)] },
    { nodeName: "n2", node: null, pods: [b(ts_s, cpu), a(ts_s, cpu + 100)] },
  ];
  s.store(two(100, 1));
  let sum = s.store(two(115, 4));
  t.same({ ...sum }, { nodesStored: 0, nodesDropped: 2, podsStored: 2, podsDropped: 1 }, "duplicate pod a on n2 ignored, nodes incomplete");
  t.same(
    s.getPodMetrics("ns1", ["b", "a", "missing"]).map((m) => [m.name, m.containers[0].usage.cpu_nanocores]),
    [
      ["b", 2e8],
      ["a", 2e8],
    ],
    "results follow the asked order; the first point of a duplicate wins",
  );
  t.same(s.getPodMetrics("other", ["a"]), [], "namespace matters");
  // n2's scrape fails: pod b disappears from storage and must start over.
  sum = s.store([{ nodeName: "n1", node: null, pods: [a(130, 7)] }]);
  t.equal(sum.podsStored, 1);
  t.same(s.getPodMetrics("ns1", ["a", "b"]).map((m) => m.name), ["a"], "b forgotten with its node");
  s.store(two(145, 10));
  t.same(s.getPodMetrics("ns1", ["a", "b"]).map((m) => m.name), ["a"], "b needs two points again");
  t.equal(s.containerPointsStored(), 1);
});

t.test("storage reuses records: 5,000 pods over many scrapes", async (t) => {
  const s = new MetricsStorage(15_000);
  const pods = Array.from({ length: 5000 }, (_, i) => pod(`p${i}`, container("app", { startTime_ms: 0, timestamp_ms: 0, cumulativeCpuUsed_mcore_ms: 1, memoryWorkingSet_bytes: MIB })));
  const batch: NodeScrape[] = [{ nodeName: "n", node: null, pods }];
  const names = pods.map((p) => p.name);
  for (let k = 1; k <= 20; k++) {
    // The producer mutates its samples in place between scrapes; storage must copy the numbers.
    for (const p of pods) {
      const c = p.containers[0] as { timestamp_ms: number; cumulativeCpuUsed_mcore_ms: number };
      c.timestamp_ms = 100_000 + k * 15_000;
      c.cumulativeCpuUsed_mcore_ms += 3_000_000; // 200 mcores over 15 s
    }
    s.store(batch);
  }
  const got = s.getPodMetrics("ns1", names);
  t.equal(got.length, 5000);
  t.ok(got.every((m) => m.containers[0].usage.cpu_mcores === 200 && m.window_ms === 15_000), "all pods at 200 m over 15 s");
});
