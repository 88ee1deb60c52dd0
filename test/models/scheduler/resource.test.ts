import t from "tap";
import {
  calculatePodResourceRequest,
  calculateResource,
  computePodResourceRequest,
  DEFAULT_MEMORY_REQUEST_BYTES,
  DEFAULT_MILLI_CPU_REQUEST,
  podRequests,
} from "../../../models/scheduler/resource.js";
import { makePod } from "./fixtures.js";

const G = 1_000_000_000;

t.test("computePodResourceRequest: max(sum of containers, each init container), fit.go's example", async (t) => {
  // fit.go computePodResourceRequest doc comment: IC1 2/1G, IC2 2/3G, C1 2/1G, C2 1/1G -> 3, 3G.
  const pod = makePod("p", {
    initContainers: [{ cpu_mcores: 2000, memory_bytes: 1 * G }, { cpu_mcores: 2000, memory_bytes: 3 * G }],
    containers: [{ cpu_mcores: 2000, memory_bytes: 1 * G }, { cpu_mcores: 1000, memory_bytes: 1 * G }],
  });
  t.same(computePodResourceRequest(pod), { cpu_mcores: 3000, memory_bytes: 3 * G });
});

t.test("podRequests with restartable sidecars (component-helpers PodRequests, KEP-753)", async (t) => {
  const cases = [
    {
      name: "sidecar adds to containers",
      init: [{ cpu_mcores: 100, sidecar: true }],
      containers: [{ cpu_mcores: 500 }],
      want: { cpu_mcores: 600 },
    },
    {
      name: "init container after a sidecar runs beside it",
      init: [{ cpu_mcores: 200, sidecar: true }, { cpu_mcores: 1000 }],
      containers: [{ cpu_mcores: 500 }],
      // steady state 500+200 = 700; init step 2: 1000 + 200 = 1200.
      want: { cpu_mcores: 1200 },
    },
    {
      name: "init container before a sidecar does not see it",
      init: [{ cpu_mcores: 1000 }, { cpu_mcores: 200, sidecar: true }],
      containers: [{ cpu_mcores: 500 }],
      want: { cpu_mcores: 1000 },
    },
    {
      name: "steady state wins over init",
      init: [{ cpu_mcores: 100, sidecar: true }, { cpu_mcores: 300 }, { cpu_mcores: 150, sidecar: true }],
      containers: [{ cpu_mcores: 500 }],
      // steady: 500+100+150 = 750; init: 300+100 = 400; sidecar steps 100, 250.
      want: { cpu_mcores: 750 },
    },
    { name: "no containers, no keys", init: [], containers: [], want: {} },
    { name: "explicit zero keeps the key", init: [], containers: [{ cpu_mcores: 0 }], want: { cpu_mcores: 0 } },
  ];
  for (const c of cases) {
    t.same(podRequests(makePod("p", { initContainers: c.init, containers: c.containers })), c.want, c.name);
  }
});

t.test("pod-level requests override the aggregate per resource", async (t) => {
  const pod = makePod("p", { containers: [{ cpu_mcores: 100, memory_bytes: 1000 }], podLevel: { cpu_mcores: 2000 } });
  t.same(podRequests(pod), { cpu_mcores: 2000, memory_bytes: 1000 });
  t.same(podRequests(pod, { skipPodLevelResources: true }), { cpu_mcores: 100, memory_bytes: 1000 });
});

t.test("non-zero requests: missing requests count 100m / 200 MiB, explicit zeros stay zero", async (t) => {
  t.equal(DEFAULT_MILLI_CPU_REQUEST, 100);
  t.equal(DEFAULT_MEMORY_REQUEST_BYTES, 209715200);
  const cases = [
    { name: "no containers", pod: makePod("p"), want: { cpu_mcores: 0, memory_bytes: 0, nonZeroCpu_mcores: 0, nonZeroMemory_bytes: 0 } },
    {
      name: "two best-effort containers",
      pod: makePod("p", { containers: [{}, {}] }),
      want: { cpu_mcores: 0, memory_bytes: 0, nonZeroCpu_mcores: 200, nonZeroMemory_bytes: 2 * 209715200 },
    },
    {
      name: "explicit zero memory is not defaulted",
      pod: makePod("p", { containers: [{ cpu_mcores: 3000, memory_bytes: 0 }] }),
      want: { cpu_mcores: 3000, memory_bytes: 0, nonZeroCpu_mcores: 3000, nonZeroMemory_bytes: 0 },
    },
    {
      name: "one container missing cpu",
      pod: makePod("p", { containers: [{ cpu_mcores: 250, memory_bytes: 10 }, { memory_bytes: 10 }] }),
      want: { cpu_mcores: 250, memory_bytes: 20, nonZeroCpu_mcores: 350, nonZeroMemory_bytes: 20 },
    },
    {
      name: "pod-level cpu, no memory anywhere: memory defaulted per container",
      pod: makePod("p", { containers: [{}, {}], podLevel: { cpu_mcores: 1000 } }),
      want: { cpu_mcores: 1000, memory_bytes: 0, nonZeroCpu_mcores: 1000, nonZeroMemory_bytes: 2 * 209715200 },
    },
  ];
  for (const c of cases) t.same(calculateResource(c.pod), c.want, c.name);
});

t.test("calculatePodResourceRequest: scoring's view of the incoming pod", async (t) => {
  const pod = makePod("p", { containers: [{ cpu_mcores: 1000 }, {}] });
  t.same(calculatePodResourceRequest(pod, false), { cpu_mcores: 1100, memory_bytes: 2 * 209715200 });
  t.same(calculatePodResourceRequest(pod, true), { cpu_mcores: 1000, memory_bytes: 0 });
});
