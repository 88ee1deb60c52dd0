/**
 * ingress-nginx canary routing (balancer.lua route_to_alternative_balancer): per-request routing
 * of 100,000 requests with math.random drawn from a named seeded stream, and the fluid split the
 * simulation uses, which is that routing's expectation.
 */
import t from "tap";
import { RngRegistry } from "../../../engine/index.js";
import { CANARY_ANNOTATIONS as A, canaryProbability, parseCanary, routeToCanary, type RequestClass, type TrafficShapingPolicy } from "../../../models/ingress/canary.js";
import { canaryShare, requestClasses, type RequestMix } from "../../../models/ingress/router.js";
import { resolveRoute } from "../../../models/ingress/routing.js";
import type { Ingress } from "../../../models/ingress/types.js";

function policy(annotations: Record<string, string>): TrafficShapingPolicy {
  const { policy, problems } = parseCanary({ [A.canary]: "true", ...annotations });
  if (policy === null || problems.some((p) => p.severity === "error")) throw new Error(JSON.stringify(problems));
  return policy;
}

const plain: RequestClass = { headers: {}, cookies: {} };

/** Routes `n` requests one by one; `classOf(i)` is request i's headers/cookies. Returns canary counts. */
function routeEach(p: TrafficShapingPolicy, n: number, classOf: (i: number, u: number) => RequestClass) {
  const rolls = new RngRegistry(42).stream("ingress/default/web-canary/weight");
  const pick = new RngRegistry(42).stream("load/classes");
  let canary = 0;
  let matchingToCanary = 0;
  let matching = 0;
  for (let i = 0; i < n; i++) {
    const c = classOf(i, pick.random());
    const isMatching = Object.keys(c.headers).length > 0;
    const toCanary = routeToCanary(p, c, rolls.integer(1, p.weightTotal));
    if (toCanary) canary++;
    if (isMatching) {
      matching++;
      if (toCanary) matchingToCanary++;
    }
  }
  return { canary, matching, matchingToCanary };
}

t.test("canary-weight 10 sends 10 % ± 1 % of 100,000 requests to the canary", async (t) => {
  const p = policy({ [A.weight]: "10" });
  const { canary } = routeEach(p, 100_000, () => plain);
  t.ok(Math.abs(canary / 100_000 - 0.1) <= 0.01, `per-request: ${canary} of 100,000 to the canary`);
  // The fluid split is the exact expectation.
  t.equal(canaryProbability(p, plain), 0.1);
  t.equal(canaryShare(route(p), [{ fraction: 1, ...plain }]), 0.1);
});

t.test("canary-weight-total: weight 1 of 1000 is 0.1 %; totals ≤ 100 are ignored", async (t) => {
  t.equal(canaryProbability(policy({ [A.weight]: "1", [A.weightTotal]: "1000" }), plain), 0.001);
  const ignored = parseCanary({ [A.canary]: "true", [A.weight]: "5", [A.weightTotal]: "50" });
  t.equal(ignored.policy!.weightTotal, 100);
  t.match(ignored.problems, [{ annotation: A.weightTotal, severity: "warning" }]);
});

t.test("a header canary routes every matching request and none of the rest", async (t) => {
  const p = policy({ [A.header]: "X-Canary", [A.headerValue]: "beta" });
  // 30 % of requests carry the header with the value, 20 % with another value, the rest none.
  const classOf = (_i: number, u: number): RequestClass =>
    u < 0.3 ? { headers: { "x-canary": "beta" }, cookies: {} } : u < 0.5 ? { headers: { "x-canary": "stable" }, cookies: {} } : plain;
  const { canary, matching, matchingToCanary } = routeEach(p, 100_000, (i, u) => classOf(i, u));
  const withValue = routeEach(p, 100_000, (i, u) => (u < 0.3 ? classOf(i, u) : plain));
  t.equal(withValue.matchingToCanary, withValue.matching, "every request with the value goes to the canary");
  t.equal(withValue.canary, withValue.matching, "no other request does");
  t.ok(matching > 0 && matchingToCanary < matching, "a header with another value falls through to the weight (0 here)");
  t.equal(canary, withValue.canary);
  const mixes: RequestMix[] = [
    { fraction: 0.3, headers: { "x-canary": "beta" }, cookies: {} },
    { fraction: 0.2, headers: { "x-canary": "stable" }, cookies: {} },
  ];
  t.equal(canaryShare(route(p), mixes), 0.3, "fluid: exactly the matching fraction");
  t.same(requestClasses(mixes).map((c) => c.fraction), [0.3, 0.2, 0.5]);
});

t.test("precedence: header > cookie > weight (balancer.lua)", async (t) => {
  const p = policy({ [A.header]: "X-Canary", [A.cookie]: "canary", [A.weight]: "50" });
  const cases: [string, RequestClass, number][] = [
    ["header always", { headers: { "x-canary": "always" }, cookies: { canary: "never" } }, 1],
    ["header never beats cookie always", { headers: { "x-canary": "never" }, cookies: { canary: "always" } }, 0],
    ["other header value falls to the cookie", { headers: { "x-canary": "maybe" }, cookies: { canary: "always" } }, 1],
    ["cookie never beats weight", { headers: {}, cookies: { canary: "never" } }, 0],
    ["other cookie value falls to the weight", { headers: {}, cookies: { canary: "x" } }, 0.5],
    ["nothing: the weight", plain, 0.5],
  ];
  for (const [name, c, want] of cases) t.equal(canaryProbability(p, c), want, name);
  const pattern = policy({ [A.header]: "X-Region", [A.headerPattern]: "^eu-" });
  t.equal(canaryProbability(pattern, { headers: { "x-region": "eu-west" }, cookies: {} }), 1);
  t.equal(canaryProbability(pattern, { headers: { "x-region": "us-east" }, cookies: {} }), 0);
});

t.test("annotation problems: weight 150, not enabled, not an integer", async (t) => {
  const over = parseCanary({ [A.canary]: "true", [A.weight]: "150" });
  t.match(over.problems, [{ annotation: A.weight, severity: "warning", message: /Invalid value: 150: must be between 0 and the canary weight total \(100\)/ }]);
  t.equal(canaryProbability(over.policy!, plain), 1, "upstream sends every request to the canary");
  t.match(parseCanary({ [A.weight]: "10" }).problems, [{ annotation: A.canary, severity: "error" }]);
  t.match(parseCanary({ [A.canary]: "true", [A.weight]: "ten" }).problems, [{ annotation: A.weight, severity: "error" }]);
});

function ingress(name: string, rules: Ingress["spec"]["rules"], annotations: Record<string, string> = {}, defaultBackend?: string): Ingress {
  return {
    kind: "Ingress",
    metadata: { name, namespace: "default", uid: name, labels: {}, annotations, ownerReferences: [], creationTimestamp_ms: 0, deletionTimestamp_ms: null, resourceVersion: 1 },
    spec: { ingressClassName: "nginx", defaultBackend: defaultBackend === undefined ? null : { service: { name: defaultBackend, port: 80 } }, rules },
  };
}

const path = (p: string, pathType: "Exact" | "Prefix" | "ImplementationSpecific", service: string) => ({ path: p, pathType, backend: { service: { name: service, port: 80 } } });

function route(p: TrafficShapingPolicy) {
  return { ingress: ingress("x", []), service: { namespace: "default", name: "web" }, canary: { ingress: ingress("y", []), service: { namespace: "default", name: "web-canary" }, policy: p } };
}

t.test("host and path routing: exact first, then the longest prefix; wildcard and catch-all hosts", async (t) => {
  const ingresses = [
    ingress("a", [
      { host: "shop.example.com", paths: [path("/", "Prefix", "front"), path("/api", "Prefix", "api"), path("/api/v2/health", "Exact", "health"), path("/static", "ImplementationSpecific", "static"), path("/cart/", "Prefix", "cart")] },
      { host: "*.example.com", paths: [path("/", "Prefix", "wild")] },
      { host: "", paths: [path("/", "Prefix", "any")] },
    ]),
    ingress("b", [{ host: "shop.example.com", paths: [path("/api", "Prefix", "api-v2")] }]),
    ingress("canary", [{ host: "shop.example.com", paths: [path("/api", "Prefix", "api-canary"), path("/cart/", "Prefix", "cart-canary")] }], { [A.canary]: "true", [A.weight]: "20" }),
  ];
  const cases: [string, string, string | null][] = [
    ["shop.example.com", "/api/v2/health", "health"],
    ["shop.example.com", "/api/v2/health/x", "api"],
    ["shop.example.com", "/api", "api"],
    ["shop.example.com", "/api/users", "api"],
    ["shop.example.com", "/apix", "front"], // Prefix matches by path element
    ["shop.example.com", "/staticfiles", "static"], // ImplementationSpecific is a plain nginx prefix
    ["Shop.Example.com", "/", "front"],
    ["shop.example.com", "/cart", "cart"], // a Prefix with a trailing slash matches without it
    ["shop.example.com", "/cart/items", "cart"],
    ["shop.example.com", "/carts", "front"],
    ["blog.example.com", "/x", "wild"],
    ["a.b.example.com", "/x", "wild"], // nginx's wildcard covers several labels
    ["other.org", "/", "any"],
  ];
  for (const [host, p, want] of cases) t.equal(resolveRoute(ingresses, host, p)?.service.name ?? null, want, `${host}${p}`);
  const api = resolveRoute(ingresses, "shop.example.com", "/api/users")!;
  t.equal(api.ingress.metadata.name, "a", "the first Ingress (creation order) keeps a location");
  t.equal(api.canary?.service.name, "api-canary");
  t.equal(resolveRoute(ingresses, "shop.example.com", "/cart")?.canary?.service.name, "cart-canary", "the exact /cart of a /cart/ Prefix has its canary too");
  t.equal(resolveRoute(ingresses, "shop.example.com", "/")?.canary, null, "a canary attaches to its own host and path only");
  t.equal(resolveRoute([ingresses[0]].map((i) => ({ ...i, spec: { ...i.spec, rules: i.spec.rules.slice(0, 1) } })), "other.org", "/"), null, "no rule: default backend 404");
  t.equal(resolveRoute([ingress("d", [], {}, "fallback")], "x.org", "/y")?.service.name, "fallback");
});
