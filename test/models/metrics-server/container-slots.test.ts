/**
 * Container slots (container-points.ts): pods and containers come and go, so rows are freed and
 * reused and pods' container lists are relinked. With strictly increasing timestamps and no
 * fresh containers, a storage's points depend only on its last two scrapes, so a storage with a
 * long history of churn must answer like a fresh one fed only those two. Only the containers'
 * order may differ (it is first-seen order, which is history), so both answers are compared with
 * containers sorted by name; with no fresh container, every container of a pod has the same
 * window, so the order does not change the pod's timestamp and window.
 */
import t from "tap";
import { MetricsStorage } from "../../../models/metrics-server/storage.js";
import type { ContainerSample, NodeScrape, PodMetrics, PodSample } from "../../../models/metrics-server/types.js";

t.test("a storage with churned slots equals a fresh one fed its last two scrapes", async (t) => {
  let seed = 11;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T,>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  const podNames = ["a", "b", "c", "d", "e", "f", "g"];
  const nss = ["ns1", "ns2"];
  const cnames = ["c1", "c2", "c3", "c4"];
  let mismatches = 0;
  let returned = 0;
  let checks = 0;
  for (let run = 0; run < 60; run++) {
    const churned = new MetricsStorage(15_000);
    const cpu = new Map<string, number>();
    let prevScrape: NodeScrape[] | null = null;
    let now_ms = 1_000_000;
    for (let step = 0; step < 40; step++) {
      now_ms += pick([5_000, 15_000, 30_000]);
      const pods: PodSample[] = [];
      for (const ns of nss) {
        for (const name of podNames) {
          if (rnd() < 0.25) continue; // pod absent from this scrape: swept, slots freed
          const containers: ContainerSample[] = [];
          const n = 1 + Math.floor(rnd() * 3);
          for (let k = 0; k < n; k++) {
            const cname = rnd() < 0.7 ? cnames[k] : pick(cnames); // sometimes reordered or duplicated
            const key = `${ns}/${name}/${cname}`;
            const used = (cpu.get(key) ?? 1) + Math.floor(rnd() * 1e6);
            cpu.set(key, used);
            const start_ms = rnd() < 0.05 ? now_ms - pick([0, 3_000, 40_000]) : 0; // never fresh (10-15 s old)
            containers.push({ name: cname, startTime_ms: start_ms, timestamp_ms: now_ms, cumulativeCpuUsed_mcore_ms: used, memoryWorkingSet_bytes: 1 + Math.floor(rnd() * 1e6) });
          }
          pods.push({ namespace: ns, name, containers });
        }
      }
      const scrape: NodeScrape[] = [{ nodeName: "n1", node: null, pods }];
      churned.store(scrape);
      if (prevScrape !== null) {
        const fresh = new MetricsStorage(churned.metricResolution_ms);
        fresh.store(prevScrape);
        fresh.store(scrape);
        checks++;
        const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
        const sorted = (ms: PodMetrics[]) => ms.map((m) => ({ ...m, containers: [...m.containers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) }));
        let ok = same(churned.ready(), fresh.ready()) && same(churned.containerPointsStored(), fresh.containerPointsStored());
        for (const ns of nss) {
          const got = churned.getPodMetrics(ns, podNames);
          returned += got.length;
          ok = ok && same(sorted(got), sorted(fresh.getPodMetrics(ns, podNames)));
        }
        if (!ok && mismatches++ < 3) t.fail(`run ${run} step ${step} differs`);
      }
      prevScrape = scrape;
    }
  }
  t.equal(mismatches, 0, `${checks} checks, no difference`);
  t.ok(returned > checks, `pods were returned (${returned})`);
});
