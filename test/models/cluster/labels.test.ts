import t from "tap";
import {
  cloneSelectorAndAddLabel,
  labelSelectorIsEmpty,
  labelSelectorMatches,
  setSelectorMatches,
  validateLabelSelector,
} from "../../../models/cluster/labels.js";
import type { LabelSelector, LabelSelectorRequirement } from "../../../models/cluster/types.js";

const sel = (matchLabels: Record<string, string>, matchExpressions: LabelSelectorRequirement[] = []): LabelSelector => ({
  matchLabels,
  matchExpressions,
});

t.test("LabelSelector matching (matchLabels AND matchExpressions)", async (t) => {
  const labels = { app: "web", tier: "frontend", env: "prod" };
  const cases: { name: string; selector: LabelSelector; want: boolean }[] = [
    { name: "empty selector matches everything", selector: sel({}), want: true },
    { name: "matchLabels subset", selector: sel({ app: "web" }), want: true },
    { name: "matchLabels wrong value", selector: sel({ app: "api" }), want: false },
    { name: "matchLabels missing key", selector: sel({ team: "a" }), want: false },
    { name: "In hit", selector: sel({}, [{ key: "env", operator: "In", values: ["staging", "prod"] }]), want: true },
    { name: "In miss", selector: sel({}, [{ key: "env", operator: "In", values: ["staging"] }]), want: false },
    { name: "In on absent key", selector: sel({}, [{ key: "zone", operator: "In", values: ["a"] }]), want: false },
    { name: "NotIn hit", selector: sel({}, [{ key: "env", operator: "NotIn", values: ["prod"] }]), want: false },
    { name: "NotIn miss", selector: sel({}, [{ key: "env", operator: "NotIn", values: ["dev"] }]), want: true },
    { name: "NotIn on absent key matches", selector: sel({}, [{ key: "zone", operator: "NotIn", values: ["a"] }]), want: true },
    { name: "Exists", selector: sel({}, [{ key: "tier", operator: "Exists", values: [] }]), want: true },
    { name: "Exists absent", selector: sel({}, [{ key: "zone", operator: "Exists", values: [] }]), want: false },
    { name: "DoesNotExist", selector: sel({}, [{ key: "zone", operator: "DoesNotExist", values: [] }]), want: true },
    { name: "DoesNotExist present", selector: sel({}, [{ key: "app", operator: "DoesNotExist", values: [] }]), want: false },
    {
      name: "labels and expressions are ANDed",
      selector: sel({ app: "web" }, [{ key: "env", operator: "In", values: ["dev"] }]),
      want: false,
    },
    { name: "invalid: In without values matches nothing", selector: sel({}, [{ key: "env", operator: "In", values: [] }]), want: false },
    { name: "invalid: Exists with values matches nothing", selector: sel({}, [{ key: "env", operator: "Exists", values: ["x"] }]), want: false },
  ];
  for (const c of cases) t.equal(labelSelectorMatches(c.selector, labels), c.want, c.name);
  t.equal(validateLabelSelector(sel({}, [{ key: "k", operator: "NotIn", values: [] }])), "for 'NotIn' operator, values set can't be empty");
  t.equal(validateLabelSelector(sel({ a: "b" })), null);
});

t.test("set selectors, emptiness and the hash label helpers", async (t) => {
  t.ok(setSelectorMatches({}, { a: "1" }));
  t.ok(setSelectorMatches({ a: "1" }, { a: "1", b: "2" }));
  t.notOk(setSelectorMatches({ a: "1", c: "3" }, { a: "1", b: "2" }));
  t.ok(labelSelectorIsEmpty(sel({})));
  t.notOk(labelSelectorIsEmpty(sel({}, [{ key: "a", operator: "Exists", values: [] }])));
  const base = sel({ app: "web" }, [{ key: "env", operator: "In", values: ["prod"] }]);
  const withHash = cloneSelectorAndAddLabel(base, "pod-template-hash", "abc");
  t.same(withHash.matchLabels, { app: "web", "pod-template-hash": "abc" });
  t.same(base.matchLabels, { app: "web" }, "input untouched");
  t.not(withHash.matchExpressions[0].values, base.matchExpressions[0].values, "deep copy");
});
