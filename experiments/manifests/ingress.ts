/**
 * networking.k8s.io/v1 Ingress codec, and the ingress-nginx canary annotations on it. Checks from
 * pkg/apis/networking/validation/validation.go ValidateIngressSpec (pathType required, Exact and
 * Prefix paths absolute, a backend per path, rules or a default backend) and from ingress-nginx's
 * canary annotation parser (models/ingress/canary.ts parseCanary): a weight outside
 * 0..weight-total is a warning (ingress-nginx accepts it and routes everything, or nothing, by
 * weight), a non-integer weight or canary settings without `canary: "true"` an error.
 */
import type { NewObject } from "../../models/cluster/store.js";
import { parseCanary } from "../../models/ingress/canary.js";
import type { HTTPIngressPath, Ingress, IngressRule, IngressServiceBackend } from "../../models/ingress/types.js";
import { array, bad, describe, int, leaf, ok, oneOf, opt, req, str, struct, type Codec } from "./codec.js";
import { objectMeta } from "./common.js";
import { isDNS1035Label, isDNS1123Subdomain } from "./validation.js";

const port: Codec<number | string> = struct(
  "ServiceBackendPort",
  { number: opt(int(1, 65535)), name: opt(str) },
  {
    build: (f, ctx) => {
      // ValidateIngressBackend: exactly one of port.name and port.number.
      if ((f.number === undefined) === (f.name === undefined)) ctx.error([], "Required value: exactly one of port.name or port.number");
      return f.number ?? f.name ?? 0;
    },
  },
);

const serviceBackend: Codec<IngressServiceBackend> = struct(
  "IngressServiceBackend",
  { name: req(leaf("Service name", (u) => (typeof u === "string" && u !== "" && isDNS1035Label(u).length === 0 ? ok(u) : bad(`Invalid value: ${describe(u)}: a Service name (DNS-1035 label)`)))), port: req(port) },
  { build: (f) => ({ name: f.name, port: f.port }) },
);

const backend: Codec<{ service: IngressServiceBackend }> = struct(
  "IngressBackend",
  { service: req(serviceBackend, "Required value: kubesim routes only to Service backends") },
  { unmodelled: ["resource"], build: (f) => ({ service: f.service }) },
);

const httpPath: Codec<HTTPIngressPath> = struct(
  "HTTPIngressPath",
  { path: opt(str), pathType: req(oneOf(["Exact", "Prefix", "ImplementationSpecific"] as const), "Required value: pathType must be specified"), backend: req(backend) },
  {
    build: (f, ctx) => {
      const path = f.path ?? "";
      if (f.pathType !== "ImplementationSpecific" && !path.startsWith("/")) ctx.error(["path"], `Invalid value: ${JSON.stringify(path)}: must be an absolute path`);
      // An ImplementationSpecific path with use-regex is a regular expression kubesim does not run.
      if (/[\^$*+?()[\]{}|\\]/.test(path)) ctx.warn(["path"], `regular-expression paths (nginx.ingress.kubernetes.io/use-regex) are not modelled; ${JSON.stringify(path)} is matched as a prefix`);
      return { path: path === "" ? "/" : path, pathType: f.pathType, backend: f.backend };
    },
  },
);

const http = struct("HTTPIngressRuleValue", { paths: req(array(httpPath)) }, { build: (f) => f.paths });

const rule: Codec<IngressRule> = struct(
  "IngressRule",
  { host: opt(str), http: opt(http) },
  {
    build: (f, ctx) => {
      const host = (f.host ?? "").toLowerCase();
      const bare = host.startsWith("*.") ? host.slice(2) : host;
      if (host !== "" && isDNS1123Subdomain(bare).length > 0) ctx.error(["host"], `Invalid value: ${JSON.stringify(f.host)}: a lowercase RFC 1123 subdomain, optionally with a leading "*."`);
      return { host, paths: f.http ?? [] };
    },
  },
);

const spec = struct(
  "IngressSpec",
  { ingressClassName: opt(str), defaultBackend: opt(backend), rules: opt(array(rule)) },
  {
    unmodelled: ["tls"],
    build: (f, ctx) => {
      const rules = f.rules ?? [];
      if (rules.length === 0 && f.defaultBackend === undefined) ctx.error(["rules"], "Required value: either `defaultBackend` or `rules` must be specified");
      return { ingressClassName: f.ingressClassName ?? null, defaultBackend: f.defaultBackend ?? null, rules };
    },
  },
);

export const ingressCodec: Codec<NewObject<Ingress>> = struct(
  "Ingress",
  { metadata: req(objectMeta(isDNS1123Subdomain)), spec: req(spec) },
  {
    accepted: ["apiVersion", "kind"],
    unmodelled: ["status"],
    build: (f, ctx) => {
      const legacyClass = f.metadata.annotations["kubernetes.io/ingress.class"];
      const cls = f.spec.ingressClassName ?? legacyClass;
      if (cls !== undefined && cls !== null && cls !== "nginx") {
        const at = f.spec.ingressClassName !== null ? ["spec", "ingressClassName"] : ["metadata", "annotations", "kubernetes.io/ingress.class"];
        ctx.warn(at, `ingress class ${JSON.stringify(cls)}: kubesim routes every Ingress as ingress-nginx (class "nginx") would`);
      }
      for (const p of parseCanary(f.metadata.annotations).problems) {
        if (p.severity === "error") ctx.error(["metadata", "annotations", p.annotation], p.message);
        else ctx.warn(["metadata", "annotations", p.annotation], p.message);
      }
      return { kind: "Ingress" as const, metadata: f.metadata, spec: f.spec };
    },
  },
);
