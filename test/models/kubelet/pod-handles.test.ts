/**
 * The pod handle table (models/kubelet/pod-handles.ts): what every component's per-pod columns
 * rely on. Positive space: a current handle is current and keeps its index. Negative space: a
 * retired handle is never current again, even when its index is reused; PodHandle.None never is.
 */
import t from "tap";
import { RngRegistry } from "../../../engine/index.js";
import { containerIdFor, handleGeneration, handleIndex, handleOfContainerId, PodHandle, PodHandles } from "../../../models/kubelet/pod-handles.js";

t.test("issue, retire and reuse: the reused index gets a new generation; the old handle stays stale", async (t) => {
  const handles = new PodHandles();
  const a = handles.issue(0);
  t.equal(handleIndex(a), 0);
  t.equal(handleGeneration(a), 1);
  t.ok(handles.isCurrent(a));
  t.equal(handles.at(0), a);
  handles.retire(a);
  t.notOk(handles.isCurrent(a), "retired");
  t.equal(handles.at(0), PodHandle.None);
  const b = handles.issue(0);
  t.equal(handleIndex(b), 0, "the node's freed index is reused first");
  t.equal(handleGeneration(b), 2, "under the next generation");
  t.not(a, b);
  t.notOk(handles.isCurrent(a), "the old handle does not pass for the new pod");
  t.notOk(handles.isCurrent(PodHandle.None));
  t.notOk(handles.isCurrent(5 * PodHandle.IndexSpace + 10 ** 6), "an index past the table");
  t.throws(() => handles.retire(a), /not current/, "retiring twice is a bug");
  t.throws(() => handles.indexOfCurrent(a), /not current/);
  t.throws(() => handles.issue(-1), /node index/);
});

t.test("nodes get chunks of their own: a node's indices are never another node's", async (t) => {
  const handles = new PodHandles();
  const n0 = Array.from({ length: 20 }, () => handleIndex(handles.issue(0)));
  const n1 = Array.from({ length: 3 }, () => handleIndex(handles.issue(1)));
  t.same(n0.slice(0, 16), Array.from({ length: 16 }, (_, i) => i), "the first chunk, in order");
  t.same(n1, [32, 33, 34], "node 1's chunk comes after node 0's second");
  t.same(n0.slice(16), [16, 17, 18, 19]);
  t.ok(handles.capacity >= 48);
});

t.test("property: random issue/retire never aliases and `at` always names the live handle", async (t) => {
  const rng = new RngRegistry(7).stream("test/pod-handles");
  const handles = new PodHandles();
  const live: { handle: number; node: number }[] = [];
  const retired: number[] = [];
  const nodeOfIndex = new Map<number, number>();
  let problems = 0;
  for (let step = 0; step < 20_000; step++) {
    if (live.length === 0 || rng.uniform(0, 1) < 0.55) {
      const node = Math.floor(rng.uniform(0, 7));
      const handle = handles.issue(node);
      const index = handleIndex(handle);
      if (live.some((l) => handleIndex(l.handle) === index)) problems++; // two live pods at one index
      const owner = nodeOfIndex.get(index);
      if (owner !== undefined && owner !== node) problems++; // an index moved to another node
      nodeOfIndex.set(index, node);
      live.push({ handle, node });
    } else {
      const k = Math.floor(rng.uniform(0, live.length));
      const [gone] = live.splice(k, 1);
      handles.retire(gone.handle);
      retired.push(gone.handle);
    }
    if (step % 500 === 0) {
      for (const l of live) if (!handles.isCurrent(l.handle) || handles.at(handleIndex(l.handle)) !== l.handle) problems++;
      for (const h of retired) if (handles.isCurrent(h)) problems++;
    }
  }
  t.equal(handles.size, live.length);
  t.equal(problems, 0, "no aliasing, no stale handle current, indices stay with their node");
  t.ok(retired.length > 5_000);
});

t.test("ContainerIDs carry the pod handle", async (t) => {
  const handle = 3 * PodHandle.IndexSpace + 17;
  t.equal(containerIdFor(handle, "app"), `kubesim://${handle}/app`);
  t.equal(handleOfContainerId(containerIdFor(handle, "app")), handle);
  for (const id of ["", "containerd://abc", "kubesim://", "kubesim://x/app", "kubesim://-4/app", "kubesim://0/app"]) {
    t.equal(handleOfContainerId(id), PodHandle.None, JSON.stringify(id));
  }
});
