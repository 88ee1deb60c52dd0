/**
 * The HPA's resource metrics client over metrics-server: the streamed conversion
 * (PodStorage.visitMetrics -> ResourceMetricsCollector) must answer exactly what converting the
 * PodMetrics list does (metrics/client.go getPodMetrics / getContainerMetrics), on every storage
 * state the port distinguishes: several pods and containers, a container whose rate errs, a pod
 * whose every container errs (returned, but with no containers), a pod without a prev.
 */
import t from "tap";
import type { MetricsServer } from "../../../models/metrics-server/controller.js";
import { MetricsStorage } from "../../../models/metrics-server/storage.js";
import { metricsClientFactory, toPodMetricsItems } from "../../../models/hpa/metrics-apis.js";
import { StaticMetricsClient, type MetricsClient } from "../../../models/hpa/metrics-client.js";
import { container, MIB, point, pod, scrape } from "../metrics-server/fixtures.js";

const noCustom = { error: "none" };

function clients(storage: MetricsStorage, podNames: string[]): { streamed: MetricsClient; converted: MetricsClient } {
  const server = {
    getPodMetrics: (ns: string, names: readonly string[]) => storage.getPodMetrics(ns, names),
    visitPodMetrics: (ns: string, names: readonly string[], v: Parameters<MetricsStorage["visitPodMetrics"]>[2]) => storage.visitPodMetrics(ns, names, v),
  } as unknown as MetricsServer;
  return {
    streamed: metricsClientFactory(server)("ns1", podNames),
    converted: new StaticMetricsClient({
      resource: toPodMetricsItems(storage.getPodMetrics("ns1", podNames)),
      pods: () => noCustom,
      object: () => noCustom,
      external: () => noCustom,
    }),
  };
}

const cases: { name: string; podNames: string[]; scrapes: ReturnType<typeof scrape>[] }[] = [
  {
    name: "two pods, two containers each",
    podNames: ["a", "b"],
    scrapes: [
      scrape(pod("a", container("c1", point(0, 100, 1, 10 * MIB)), container("c2", point(0, 100, 2, 20 * MIB))),
        pod("b", container("c1", point(0, 100, 3, 30 * MIB)), container("c2", point(0, 100, 4, 40 * MIB)))),
      scrape(pod("a", container("c1", point(0, 115, 2.5, 11 * MIB)), container("c2", point(0, 112, 2.7, 21 * MIB))),
        pod("b", container("c1", point(0, 115, 3.1, 31 * MIB)), container("c2", point(0, 115, 7, 41 * MIB)))),
    ],
  },
  {
    name: "a container whose CPU counter went down is skipped; a pod whose only container errs is returned empty",
    podNames: ["bad", "a", "gone"],
    scrapes: [
      scrape(pod("bad", container("c1", point(0, 100, 5, 10 * MIB))),
        pod("a", container("c1", point(0, 100, 1, 10 * MIB)), container("c2", point(0, 100, 9, 20 * MIB)))),
      scrape(pod("bad", container("c1", point(0, 115, 4, 10 * MIB))),
        pod("a", container("c1", point(0, 115, 2, 12 * MIB)), container("c2", point(0, 115, 8, 20 * MIB)))),
    ],
  },
  {
    name: "pods leave and come back; a new pod reuses a freed row",
    podNames: ["a", "b", "c"],
    scrapes: [
      scrape(pod("a", container("c1", point(0, 100, 1, 10 * MIB))), pod("b", container("c1", point(0, 100, 1, 20 * MIB)))),
      scrape(pod("a", container("c1", point(0, 115, 2, 11 * MIB))), pod("b", container("c1", point(0, 115, 4, 21 * MIB)))),
      scrape(pod("c", container("c1", point(0, 130, 1, 30 * MIB))), pod("b", container("c1", point(0, 130, 5, 22 * MIB)))),
      scrape(pod("c", container("c1", point(0, 145, 3, 31 * MIB))), pod("a", container("c1", point(120, 145, 1, 12 * MIB)))),
      scrape(pod("c", container("c1", point(0, 160, 4, 32 * MIB))), pod("a", container("c1", point(120, 160, 2, 13 * MIB)))),
    ],
  },
  {
    name: "a pod without a prev is not returned; nothing returned at all",
    podNames: ["new"],
    scrapes: [scrape(pod("new", container("c1", point(0, 100, 1, 10 * MIB))))],
  },
];

t.test("streamed resource metrics equal the converted PodMetrics list", async (t) => {
  for (const c of cases) {
    const storage = new MetricsStorage(15_000);
    // The same name list throughout, as an HPA whose pods did not change passes it: the pod
    // totals' slot hints are then reused across stores (and must follow pods that come and go).
    const podNames = [...c.podNames];
    c.scrapes.forEach((s, i) => {
      storage.store(s);
      for (let call = 0; call < 2; call++) {
        const { streamed, converted } = clients(storage, podNames);
        for (const resource of ["cpu", "memory"] as const) {
          for (const name of ["", "c1", "c2", "absent"]) {
            const a = streamed.getResourceMetric(resource, name);
            const b = converted.getResourceMetric(resource, name);
            const flat = (r: typeof a) => (r.ok ? { ok: true, timestamp_ms: r.timestamp_ms, value: [...r.value] } : r);
            t.same(flat(a), flat(b), `${c.name}, after scrape ${i + 1}, call ${call + 1}: ${resource} container "${name}"`);
          }
        }
      }
    });
  }
  // The cases do reach each branch.
  const storage = new MetricsStorage(15_000);
  for (const s of cases[1].scrapes) storage.store(s);
  const got = clients(storage, cases[1].podNames).streamed.getResourceMetric("cpu", "");
  t.ok(got.ok && !got.value.has("bad") && got.value.get("a")?.value_milli === 67, "bad pod missing; a has c1 only: 1 core-s / 15 s = 67m");
  const none = new MetricsStorage(15_000);
  for (const s of cases[cases.length - 1].scrapes) none.store(s);
  t.same(clients(none, ["new"]).streamed.getResourceMetric("cpu", ""), { ok: false, error: "no metrics returned from resource metrics API" });
});
