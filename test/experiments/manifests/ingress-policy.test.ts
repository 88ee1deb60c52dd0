/**
 * The Ingress, Namespace, ResourceQuota and LimitRange manifest codecs: what they keep, the API
 * server's defaults, and their errors and warnings at file:line.
 */
import t from "tap";
import { formatDiagnostic, loadManifestText } from "../../../experiments/manifests/decode.js";

t.test("Ingress: rules, default pathType checks, class warning", async (t) => {
  const r = loadManifestText(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  ingressClassName: traefik
  rules:
  - host: Shop.example.com
    http:
      paths:
      - {path: api, pathType: Exact, backend: {service: {name: web, port: {number: 80}}}}
      - {path: /x, backend: {service: {name: web, port: {name: http}}}}
`, "i.yaml");
  t.same(r.errors.map(formatDiagnostic), [
    "i.yaml:10 spec.rules[0].http.paths[0].path: Invalid value: \"api\": must be an absolute path",
    "i.yaml:11 spec.rules[0].http.paths[1].pathType: Required value: pathType must be specified",
  ]);
  const other = loadManifestText(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  ingressClassName: traefik
  defaultBackend: {service: {name: web, port: {number: 80}}}
`, "i.yaml");
  t.same(other.errors, []);
  t.same(other.warnings.map(formatDiagnostic), ['i.yaml:5 spec.ingressClassName: ingress class "traefik": kubesim routes every Ingress as ingress-nginx (class "nginx") would']);
});

t.test("LimitRange: SetDefaults_LimitRangeItem and ValidateLimitRange", async (t) => {
  const ok = loadManifestText(`apiVersion: v1
kind: LimitRange
metadata: {name: lr}
spec:
  limits:
  - {type: Container, max: {cpu: "1"}, min: {memory: 64Mi}}
`, "lr.yaml");
  t.same(ok.errors, []);
  t.same((ok.objects[0] as unknown as { spec: { limits: unknown[] } }).spec.limits, [
    { type: "Container", max: { cpu_mcores: 1000 }, min: { memory_bytes: 64 * 1024 * 1024 }, default: { cpu_mcores: 1000 }, defaultRequest: { cpu_mcores: 1000, memory_bytes: 64 * 1024 * 1024 }, maxLimitRequestRatio: {} },
  ], "default <- max, defaultRequest <- default, else min");
  const bad = loadManifestText(`apiVersion: v1
kind: LimitRange
metadata: {name: lr}
spec:
  limits:
  - {type: Container, max: {cpu: 500m}, default: {cpu: "1"}}
  - {type: Pod, default: {cpu: "1"}}
`, "lr.yaml");
  t.same(bad.errors.map(formatDiagnostic), [
    "lr.yaml:6 spec.limits[0].defaultRequest.cpu: Invalid value: default request value 1 is greater than max value 500m",
    "lr.yaml:6 spec.limits[0].default.cpu: Invalid value: default value 1 is greater than max value 500m",
    "lr.yaml:7 spec.limits[1].default: Forbidden: may not be specified when `type` is 'Pod'",
  ]);
});

t.test("ResourceQuota and Namespace", async (t) => {
  const r = loadManifestText(`apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: q, namespace: team}
spec:
  hard: {requests.cpu: "2", limits.memory: 4Gi, pods: "1.5"}
`, "q.yaml");
  t.same(r.errors.map(formatDiagnostic), ["q.yaml:9 spec.hard.pods: Invalid value: 1.5: must be an integer"]);
  t.same(r.objects.map((o) => [o.kind, o.metadata.namespace]), [["Namespace", ""]]);
});
