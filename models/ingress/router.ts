/**
 * The ingress-nginx controller's data path above the Services: load sources that send requests
 * to an Ingress host and path are split, by routing.ts and the canary policy (canary.ts), into
 * per-Service load, which ServiceTraffic (models/service/traffic.ts) then spreads over each
 * Service's endpoints as for a load aimed at the Service directly.
 *
 * Every Service that an Ingress of the run may send to (and any Service with a direct load of
 * its own) gets one combined profile: Σ over sources of (source's rate × the share of its
 * requests routed there). Shares are exact expectations (fluid): a request class decided by a
 * canary header or cookie goes all one way; the rest go to the canary with probability
 * weight / weightTotal. With `poisson` arrivals ServiceTraffic draws each Service's count from the
 * combined rate on the Service's own seeded stream, which is the per-request Bernoulli routing of
 * a Poisson stream (thinning: the split streams are independent Poisson streams with those rates).
 * Shares are recomputed whenever an Ingress changes (a rollout moving the canary weight).
 * A Service fed by several sources takes its arrivals, interval and spread from the first (a
 * direct load before ingress loads). Requests no rule routes (the default backend's 404) reach
 * no Service; the loader refuses a load that no rule routes at the start, and a route lost at
 * run time is a NoRoute warning event.
 */
import type { Simulation } from "../../engine/index.js";
import type { EventLog } from "../cluster/events.js";
import type { ClusterStore } from "../cluster/store.js";
import type { Arrivals, TrafficSource } from "../service/traffic.js";
import type { LoadProfile } from "../workload/load-profiles.js";
import { canaryProbability, type RequestClass } from "./canary.js";
import { resolveRoute, type Route, type ServiceRef } from "./routing.js";
import type { Ingress } from "./types.js";

/** A share of a source's requests that carries given headers and cookies. */
export interface RequestMix extends RequestClass {
  fraction: number;
}

export interface IngressTrafficSource {
  host: string;
  path: string;
  /** Request classes; the remaining fraction carries no header or cookie. */
  requests: RequestMix[];
  profile: LoadProfile;
  arrivals: Arrivals;
  interval_ms: number;
  spread: "round-robin" | "random";
}

/** What ServiceTraffic needs to re-read a rate that changed without its profile announcing it. */
export interface RateReader {
  reapply(namespace: string, name: string, now_ms: number): void;
}

/** The rate of one Service: Σ share × source rate. Shares change only through the router. */
class RoutedProfile implements LoadProfile {
  readonly terms: { profile: LoadProfile; share: number }[] = [];

  rateAt(t_ms: number): number {
    let rate = 0;
    for (const term of this.terms) if (term.share > 0) rate += term.share * term.profile.rateAt(t_ms);
    return rate;
  }

  nextChangeAfter(t_ms: number): number {
    let next = Infinity;
    for (const term of this.terms) next = Math.min(next, term.profile.nextChangeAfter(t_ms));
    return next;
  }
}

/** The classes of a source's requests with their fractions, the header-less rest last. */
export function requestClasses(mixes: readonly RequestMix[]): RequestMix[] {
  const given = mixes.reduce((sum, m) => sum + m.fraction, 0);
  const rest = Math.max(0, 1 - given);
  return rest > 0 ? [...mixes, { fraction: rest, headers: {}, cookies: {} }] : [...mixes];
}

/** The fraction of a source's requests its route sends to the canary. */
export function canaryShare(route: Route, mixes: readonly RequestMix[]): number {
  if (route.canary === null) return 0;
  let share = 0;
  for (const c of requestClasses(mixes)) share += c.fraction * canaryProbability(route.canary.policy, c);
  return share;
}

const keyOf = (r: ServiceRef) => `${r.namespace}/${r.name}`;

export class IngressRouter {
  /** One source per Service, for ServiceTraffic: direct sources untouched, routed ones combined. */
  readonly sources: TrafficSource[] = [];
  private readonly profiles = new Map<string, RoutedProfile>();
  /** Per ingress source: its term in each Service's profile. */
  private readonly terms: Map<string, { share: number }>[] = [];
  private readonly routes: (Route | null)[];
  private reader: RateReader | null = null;

  /**
   * `backends`: every Service an Ingress of the run names (routing.ts ingressBackends); only
   * these can receive routed traffic.
   */
  constructor(
    sim: Simulation,
    private readonly store: ClusterStore,
    private readonly events: EventLog,
    private readonly ingressSources: readonly IngressTrafficSource[],
    direct: readonly TrafficSource[],
    backends: readonly ServiceRef[],
  ) {
    this.routes = ingressSources.map(() => null);
    const routed = new Set(ingressSources.length > 0 ? backends.map(keyOf) : []);
    const settings = new Map<string, Omit<TrafficSource, "namespace" | "service" | "profile">>();
    for (const d of direct) {
      if (!routed.has(`${d.namespace}/${d.service}`)) {
        this.sources.push(d);
        continue;
      }
      const profile = this.profileOf(d.namespace, d.service);
      profile.terms.push({ profile: d.profile, share: 1 });
      settings.set(`${d.namespace}/${d.service}`, d);
    }
    for (const s of ingressSources) {
      const mine = new Map<string, { share: number }>();
      for (const b of backends) {
        const term = { profile: s.profile, share: 0 };
        this.profileOf(b.namespace, b.name).terms.push(term);
        mine.set(keyOf(b), term);
        if (!settings.has(keyOf(b))) settings.set(keyOf(b), s);
      }
      this.terms.push(mine);
    }
    for (const [key, profile] of this.profiles) {
      const [namespace, service] = key.split("/");
      const { arrivals, interval_ms, spread } = settings.get(key)!;
      this.sources.push({ namespace, service, profile, arrivals, interval_ms, spread });
    }
    if (ingressSources.length > 0) store.watch<Ingress>("Ingress", () => this.reroute(sim.now_ms));
  }

  /** ServiceTraffic, once built: told when a share changes. */
  connect(reader: RateReader): void {
    this.reader = reader;
  }

  /** The current route of ingress source i (null: answered 404 by the default backend). */
  route(i: number): Route | null {
    return this.routes[i];
  }

  private profileOf(namespace: string, name: string): RoutedProfile {
    const key = `${namespace}/${name}`;
    let p = this.profiles.get(key);
    if (p === undefined) this.profiles.set(key, (p = new RoutedProfile()));
    return p;
  }

  private reroute(now_ms: number): void {
    const ingresses = this.store.list<Ingress>("Ingress");
    const changed = new Set<string>();
    this.ingressSources.forEach((source, i) => {
      const route = resolveRoute(ingresses, source.host, source.path);
      if (route === null && this.routes[i] !== null) {
        this.events.emit(now_ms, "ingress-nginx", "Ingress", this.routes[i]!.ingress.metadata.name, "Warning", "NoRoute",
          `no Ingress rule routes ${source.host}${source.path} any more: its requests get the default backend's 404`);
      }
      this.routes[i] = route;
      const canary = route === null ? 0 : canaryShare(route, source.requests);
      const want = new Map<string, number>();
      if (route !== null) {
        want.set(keyOf(route.service), 1 - canary);
        if (route.canary !== null) want.set(keyOf(route.canary.service), (want.get(keyOf(route.canary.service)) ?? 0) + canary);
      }
      for (const [key, term] of this.terms[i]) {
        const share = want.get(key) ?? 0;
        if (term.share === share) continue;
        term.share = share;
        changed.add(key);
      }
    });
    if (this.reader === null) return;
    for (const key of [...changed].sort()) {
      const [namespace, name] = key.split("/");
      this.reader.reapply(namespace, name, now_ms);
    }
  }
}
