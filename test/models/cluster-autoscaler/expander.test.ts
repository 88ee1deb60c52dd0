import t from "tap";
import { RngRegistry } from "../../../engine/rng.js";
import {
  chainBestOption,
  leastNodes,
  leastWaste,
  mostPods,
  parseExpanderChain,
  preferredNodeCpuMilli,
  priceBased,
  priorityFilter,
  simpleNodeUnfitness,
  type ExpansionOption,
  type PricingModel,
} from "../../../models/cluster-autoscaler/expander/expander.js";
import { GiB, node, pod } from "./helpers.js";

const option = (nodeGroup: string, nodeCount: number, pods: number, cpuMilli = 500, memoryBytes = GiB): ExpansionOption => ({
  nodeGroup,
  nodeCount,
  pods: Array.from({ length: pods }, (_, i) => pod(`${nodeGroup}-${i}`, cpuMilli, memoryBytes)),
  exists: true,
});
const names = (os: readonly ExpansionOption[]) => os.map((o) => o.nodeGroup);
const firstIndex = () => 0;

t.test("most-pods keeps every option with the most pods; zero pods tie at zero", async (t) => {
  t.same(names(mostPods([option("a", 1, 2), option("b", 1, 3), option("c", 2, 3)])), ["b", "c"]);
  t.same(names(mostPods([option("a", 1, 0), option("b", 1, 0)])), ["a", "b"]);
});

t.test("least-nodes ignores options with no nodes", async (t) => {
  t.same(names(leastNodes([option("a", 0, 1), option("b", 2, 1), option("c", 2, 1), option("d", 3, 1)])), ["b", "c"]);
  t.same(leastNodes([]), []);
});

t.test("least-waste compares against capacity, not allocatable", async (t) => {
  // Same allocatable, but "big" has twice the capacity: more idle capacity, more waste.
  const small = node("small", 2000, 8 * GiB);
  const big = { ...node("big", 2000, 8 * GiB), capacity: { ...small.capacity, cpuMilli: 4000, memoryBytes: 16 * GiB } };
  const templates = new Map([
    ["small", small],
    ["big", big],
  ]);
  t.same(names(leastWaste([option("big", 1, 2), option("small", 1, 2)], templates)), ["small"]);
});

t.test("priority: unanchored regexes, highest priority wins, no match keeps everything", async (t) => {
  const prio = new Map([
    [10, [/ng-1/]],
    [5, [/.*/]],
  ]);
  const opts = [option("ng-10", 1, 1), option("ng-2", 1, 1), option("ng-1", 1, 1)];
  t.same(names(priorityFilter(prio)(opts, new Map())), ["ng-10", "ng-1"], "ng-1 matches ng-10 too");
  t.same(names(priorityFilter(new Map([[3, [/^none$/]]]))(opts, new Map())), ["ng-10", "ng-2", "ng-1"]);
  t.same(names(priorityFilter(null)(opts, new Map())), ["ng-10", "ng-2", "ng-1"], "no ConfigMap");
});

t.test("price: cheaper per pod wins; the preferred node size damps the choice; a new group costs double", async (t) => {
  const templates = new Map([
    ["a", node("a", 2000, 8 * GiB)],
    ["b", node("b", 8000, 32 * GiB)],
  ]);
  const pricing = (a: number, b: number): PricingModel => ({
    nodePrice: (g) => (g === "a" ? a : g === "b" ? b : undefined),
    podPrice: () => 1,
    stabilizationPodPrice: () => 1,
  });
  const opts = [option("a", 2, 4), option("b", 1, 4)];
  t.same(names(priceBased(pricing(10, 100), 2000)(opts, templates)), ["a"]);
  t.same(names(priceBased(pricing(10, 15), 8000)(opts, templates)), ["b"], "b matches the preferred 8-core node");
  const notYet = [{ ...option("a", 2, 4), exists: false }, option("b", 1, 4)];
  // a: (20 + 1) / (4 + 1) = 4.2 x unfitness 1 = 4.2, doubled = 8.4; b: (7 + 1) / 5 = 1.6 x unfitness 4 damped = 6.4
  t.same(names(priceBased(pricing(10, 7), 2000)(notYet, templates)), ["b"]);
  t.equal(simpleNodeUnfitness(2000, 8000), 4);
  t.same([1, 2, 3, 6, 7, 20, 21, 60, 61, 200, 201].map(preferredNodeCpuMilli), [1000, 1000, 2000, 2000, 4000, 4000, 8000, 8000, 16000, 16000, 32000]);
});

t.test("a chain stops at the first filter leaving one option, else the random fallback picks", async (t) => {
  const opts = [option("a", 2, 4), option("b", 1, 4), option("c", 1, 4)];
  const settled = chainBestOption(parseExpanderChain("most-pods,least-nodes,least-waste"), opts, new Map(), { pick: firstIndex });
  // least-nodes leaves b and c; least-waste cannot price them (no templates) and returns none.
  t.equal(settled.best, null);
  const tie = chainBestOption(parseExpanderChain("least-nodes"), opts, new Map(), { pick: (n) => n - 1 });
  t.same(names(tie.candidates), ["b", "c"]);
  t.equal(tie.best?.nodeGroup, "c");
  t.equal(tie.decidedBy, "random");
  const one = chainBestOption(parseExpanderChain("most-pods,least-nodes"), [option("a", 2, 5), option("b", 1, 4)], new Map(), { pick: firstIndex });
  t.equal(one.best?.nodeGroup, "a");
  t.equal(one.decidedBy, "most-pods");
  t.throws(() => parseExpanderChain("least-waste,cheapest"), /unknown expander "cheapest"/);
});

t.test("the random expander draws from its seeded stream: same seed, same choices", async (t) => {
  const opts = ["a", "b", "c", "d"].map((g) => option(g, 1, 1));
  const draws = (seed: string) => {
    const stream = new RngRegistry(seed).stream("ca/expander");
    const pick = (n: number) => stream.integer(0, n - 1);
    return Array.from({ length: 20 }, () => chainBestOption(["random"], opts, new Map(), { pick }).best?.nodeGroup);
  };
  t.same(draws("s1"), draws("s1"));
  t.ok(new Set(draws("s1")).size > 1, "more than one group gets picked over 20 draws");
});
