/**
 * Which Service an ingress-nginx controller sends a request for `host` + `path` to.
 *
 * ingress-nginx renders one nginx `server` per host (rootfs/etc/nginx/template/nginx.tmpl) and
 * one `location` per Ingress path (internal/ingress/controller/template/template.go
 * buildLocation): `Exact` -> `location = /p`; `Prefix` /p -> `location = /p` plus `location /p/`
 * (so /p matches /p and /p/..., never /px); `ImplementationSpecific` -> `location /p` (a plain
 * nginx prefix). nginx picks an exact location first, else the longest matching prefix. A host
 * without a server of its own uses the longest matching wildcard server `*.suffix` (nginx
 * server_name: the `*` may cover several labels, unlike the Ingress API's one-label wording), else the catch-all
 * server "_", which holds the rules without a host and the Ingresses' default backend.
 * Ingresses are read in creation order (the controller sorts them by creation timestamp), so the
 * first Ingress to claim a location keeps it.
 *
 * Canary Ingresses (canary.ts) add no locations: they attach to the stable location with the same
 * host and path (controller.go mergeAlternativeBackends).
 */
import { parseCanary, type TrafficShapingPolicy } from "./canary.js";
import type { Ingress, IngressServiceBackend } from "./types.js";

export interface ServiceRef {
  namespace: string;
  name: string;
}

export interface Route {
  /** The Ingress whose location matched, and its backend. */
  ingress: Ingress;
  service: ServiceRef;
  canary: { ingress: Ingress; service: ServiceRef; policy: TrafficShapingPolicy } | null;
}

interface Location {
  ingress: Ingress;
  host: string;
  /** The path as the Ingress writes it (a canary attaches to the same one). */
  written: string;
  /** The exact path matched (exact locations). */
  path: string;
  exact: boolean;
  /** nginx prefix string (for non-exact locations). */
  prefix: string;
  backend: IngressServiceBackend;
}

// A manifest object not yet stored may leave the namespace unset: "default", as the store does.
const ref = (ingress: Ingress, backend: IngressServiceBackend): ServiceRef => ({ namespace: ingress.metadata.namespace ?? "default", name: backend.name });

function isCanary(ingress: Ingress): boolean {
  return parseCanary(ingress.metadata.annotations).policy !== null;
}

/** The nginx locations of one Ingress's rules. */
function locationsOf(ingress: Ingress): Location[] {
  const out: Location[] = [];
  for (const rule of ingress.spec.rules) {
    for (const p of rule.paths) {
      const base = { ingress, host: rule.host, written: p.path, path: p.path, backend: p.backend.service };
      if (p.pathType === "Exact") out.push({ ...base, exact: true, prefix: "" });
      else if (p.pathType === "Prefix") {
        // /p/ matches /p as well: nginx answers /p with a redirect to the /p/ location.
        const bare = p.path.length > 1 && p.path.endsWith("/") ? p.path.slice(0, -1) : p.path;
        out.push({ ...base, exact: true, prefix: "", path: bare });
        out.push({ ...base, exact: false, prefix: bare === "/" ? "/" : `${bare}/` });
      } else out.push({ ...base, exact: false, prefix: p.path });
    }
  }
  return out;
}

/** The server a request's Host header selects: its own, the wildcard one, else the catch-all "". */
function serverHost(hosts: ReadonlySet<string>, host: string): string {
  const h = host.toLowerCase();
  if (hosts.has(h)) return h;
  // nginx server_name: the longest wildcard `*.suffix` wins, and it may cover several labels.
  for (let dot = h.indexOf("."); dot > 0; dot = h.indexOf(".", dot + 1)) {
    if (hosts.has(`*${h.slice(dot)}`)) return `*${h.slice(dot)}`;
  }
  return "";
}

/** The location nginx chooses among `locations` (one server's) for `path`. */
function matchLocation(locations: readonly Location[], path: string): Location | null {
  for (const l of locations) if (l.exact && l.path === path) return l;
  let best: Location | null = null;
  for (const l of locations) {
    if (l.exact || !path.startsWith(l.prefix)) continue;
    if (best === null || l.prefix.length > best.prefix.length) best = l;
  }
  return best;
}

/**
 * The route of a request, or null when ingress-nginx would answer from its default backend
 * (404). `ingresses` in creation order (ClusterStore.list order).
 */
export function resolveRoute(ingresses: readonly Ingress[], host: string, path: string): Route | null {
  const stable = ingresses.filter((i) => !isCanary(i));
  const locations = stable.flatMap(locationsOf);
  const hosts = new Set(locations.map((l) => l.host));
  const server = serverHost(hosts, host);
  const chosen = matchLocation(locations.filter((l) => l.host === server), path);
  if (chosen === null) {
    if (server !== "") return null;
    const withDefault = stable.find((i) => i.spec.defaultBackend !== null);
    return withDefault === undefined ? null : { ingress: withDefault, service: ref(withDefault, withDefault.spec.defaultBackend!.service), canary: null };
  }
  return { ingress: chosen.ingress, service: ref(chosen.ingress, chosen.backend), canary: canaryOf(ingresses, chosen) };
}

/** The first canary Ingress with a rule for the location's host and path (the one upstream merges). */
function canaryOf(ingresses: readonly Ingress[], location: Location): Route["canary"] {
  for (const ingress of ingresses) {
    const { policy } = parseCanary(ingress.metadata.annotations);
    if (policy === null || ingress.metadata.namespace !== location.ingress.metadata.namespace) continue;
    for (const rule of ingress.spec.rules) {
      if (rule.host !== location.host) continue;
      const p = rule.paths.find((x) => x.path === location.written);
      if (p !== undefined) return { ingress, service: ref(ingress, p.backend.service), policy };
    }
  }
  return null;
}

/** Every Service an Ingress sends to (rules and default backends), deduplicated, in order. */
export function ingressBackends(ingresses: readonly Ingress[]): ServiceRef[] {
  const seen = new Map<string, ServiceRef>();
  const add = (i: Ingress, b: IngressServiceBackend) => {
    const r = ref(i, b);
    if (!seen.has(`${r.namespace}/${r.name}`)) seen.set(`${r.namespace}/${r.name}`, r);
  };
  for (const i of ingresses) {
    if (i.spec.defaultBackend !== null) add(i, i.spec.defaultBackend.service);
    for (const rule of i.spec.rules) for (const p of rule.paths) add(i, p.backend.service);
  }
  return [...seen.values()];
}
