/**
 * networking.k8s.io/v1 Ingress, restricted to what routing needs: rules of host and HTTP paths
 * to Service backends, the default backend, and the annotations (ingress-nginx reads its canary
 * settings from them).
 */
import type { ObjectMeta } from "../cluster/types.js";

export type PathType = "Exact" | "Prefix" | "ImplementationSpecific";

export interface IngressServiceBackend {
  name: string;
  /** port.number, or port.name. */
  port: number | string;
}

export interface HTTPIngressPath {
  path: string;
  pathType: PathType;
  backend: { service: IngressServiceBackend };
}

export interface IngressRule {
  /** "" = every host (ingress-nginx's catch-all server "_"). */
  host: string;
  paths: HTTPIngressPath[];
}

export interface Ingress {
  kind: "Ingress";
  metadata: ObjectMeta;
  spec: {
    ingressClassName: string | null;
    defaultBackend: { service: IngressServiceBackend } | null;
    rules: IngressRule[];
  };
}
