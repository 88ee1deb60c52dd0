import t from "tap";
import type { LabelSelector, LabelSelectorRequirement, Pod } from "../../../models/cluster/types.js";
import { AmbiguityCheck, formatLabelSelector, HpaSelectors, selectorsDisjoint } from "../../../models/hpa/hpa-selectors.js";
import { fakePod } from "./fixtures.js";

const sel = (matchLabels: Record<string, string>, matchExpressions: LabelSelectorRequirement[] = []): LabelSelector => ({ matchLabels, matchExpressions });
const podWith = (name: string, labels: Record<string, string>): Pod => {
  const p = fakePod(name);
  return { ...p, metadata: { ...p.metadata, labels } };
};

t.test("formatLabelSelector prints labels.Selector.String() of LabelSelectorAsSelector", async (t) => {
  const cases: [LabelSelector, string][] = [
    [sel({ app: "backend" }), "app=backend"],
    [sel({ tier: "web", app: "shop" }), "app=shop,tier=web"],
    [sel({}, [{ key: "env", operator: "In", values: ["prod", "dev"] }]), "env in (dev,prod)"],
    [sel({ app: "a" }, [{ key: "track", operator: "NotIn", values: ["canary"] }, { key: "beta", operator: "Exists", values: [] }]), "app=a,beta,track notin (canary)"],
    [sel({}, [{ key: "legacy", operator: "DoesNotExist", values: [] }]), "!legacy"],
    [sel({}), ""],
  ];
  for (const [selector, text] of cases) t.equal(formatLabelSelector(selector), text, text || "empty");
});

t.test("selectorsDisjoint: only selectors no label set satisfies together", async (t) => {
  const cases: [string, LabelSelector, LabelSelector, boolean][] = [
    ["same selector", sel({ app: "a" }), sel({ app: "a" }), false],
    ["different values of one key", sel({ app: "a" }), sel({ app: "b" }), true],
    ["one is narrower", sel({ app: "a" }), sel({ app: "a", track: "canary" }), false],
    ["different keys", sel({ app: "a" }), sel({ tier: "web" }), false],
    ["In excludes the value", sel({ app: "a" }), sel({}, [{ key: "app", operator: "In", values: ["b", "c"] }]), true],
    ["In admits the value", sel({ app: "a" }), sel({}, [{ key: "app", operator: "In", values: ["a"] }]), false],
    ["NotIn excludes the value", sel({}, [{ key: "app", operator: "NotIn", values: ["a"] }]), sel({ app: "a" }), true],
    ["DoesNotExist excludes the key", sel({ app: "a" }), sel({}, [{ key: "app", operator: "DoesNotExist", values: [] }]), true],
    ["an invalid selector selects nothing", sel({ app: "a" }), sel({}, [{ key: "app", operator: "In", values: [] }]), true],
    ["expressions only: not decided, so kept", sel({}, [{ key: "x", operator: "Exists", values: [] }]), sel({}, [{ key: "x", operator: "DoesNotExist", values: [] }]), false],
  ];
  for (const [name, a, b, disjoint] of cases) {
    t.equal(selectorsDisjoint(a, b), disjoint, name);
    t.equal(selectorsDisjoint(b, a), disjoint, `${name} (swapped)`);
  }
});

t.test("HpaSelectors: registration, selector updates and deletes move the namespace's version only on change", async (t) => {
  const m = new HpaSelectors();
  const s = sel({ app: "a" });
  m.putSelector("ns/h1", "ns", null);
  t.ok(m.selectorExists("ns/h1"), "registered with Nothing");
  const v = m.version("ns");
  m.putSelector("ns/h1", "ns", s);
  t.equal(m.version("ns"), v + 1, "the real selector");
  m.putSelector("ns/h1", "ns", s);
  t.equal(m.version("ns"), v + 1, "the same selector again: no change");
  m.putSelector("ns/h2", "ns", null);
  t.same(m.overlapping("ns/h2", "ns", s), [["ns/h1", s]], "a Nothing-registered HPA is not in the map, h1 is");
  t.same(m.overlapping("ns/h1", "ns", s), [], "an HPA does not overlap itself");
  t.same(m.overlapping("other/h", "other", s), [], "other namespaces are separate");
  m.deleteSelector("ns/h1", "ns");
  t.notOk(m.selectorExists("ns/h1"));
  t.same(m.overlapping("ns/h2", "ns", s), [], "gone after delete");
  const after = m.version("ns");
  m.deleteSelector("ns/h1", "ns");
  t.equal(m.version("ns"), after, "deleting twice changes nothing");
});

t.test("AmbiguityCheck: no pod is read when no other selector overlaps; answers are kept while nothing changed", async (t) => {
  const m = new HpaSelectors();
  const web = sel({ app: "web" });
  m.putSelector("ns/web", "ns", web);
  m.putSelector("ns/api", "ns", sel({ app: "api" }));
  const check = new AmbiguityCheck("ns/web", "ns");
  const untouchable = new Proxy([] as Pod[], {
    get(target, prop) {
      if (prop === Symbol.iterator || prop === "length") throw new Error("pods read");
      return Reflect.get(target, prop);
    },
  });
  t.equal(check.multipleControllers(m, web, untouchable), null, "disjoint selectors: answered without the pods");

  m.putSelector("ns/canary", "ns", sel({ app: "web", track: "canary" }));
  const stablePods = [podWith("p1", { app: "web" })];
  t.equal(check.multipleControllers(m, web, stablePods), null, "overlapping selector, but none of these pods carries track=canary");
  const withCanary = [...stablePods, podWith("p2", { app: "web", track: "canary" })];
  const answer = check.multipleControllers(m, web, withCanary);
  t.same(answer, ["ns/canary", "ns/web"], "a canary pod: two HPAs control these pods");
  t.equal(check.multipleControllers(m, web, withCanary), answer, "same pods, same map: the same answer object");
  t.equal(check.multipleControllers(m, web, []), null, "no pods: no HPA controls them");
  m.deleteSelector("ns/canary", "ns");
  t.equal(check.multipleControllers(m, web, withCanary), null, "the other HPA deleted");
});
