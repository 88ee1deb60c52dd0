/**
 * v1 Service codec: kubesim models a Service as a selector over Ready endpoints (ClusterIP
 * semantics). Defaults from pkg/apis/core/v1/defaults.go SetDefaults_Service; checks from
 * pkg/apis/core/validation/validation.go ValidateService.
 */
import type { NewObject } from "../../models/cluster/store.js";
import type { Service, ServicePort } from "../../models/cluster/types.js";
import { array, bad, def, describe, int, leaf, ok, oneOf, opt, req, str, stringMap, struct, type Codec } from "./codec.js";
import { objectMeta } from "./common.js";
import { isDNS1035Label, isDNS1123Label, isLabelKey, isLabelValue } from "./validation.js";

/** intstr targetPort: a port number, or a named container port (IANA_SVC_NAME). */
const targetPort: Codec<number | string> = leaf("targetPort", (u) => {
  if (typeof u === "number" && Number.isInteger(u) && u >= 0 && u <= 65535) return ok(u);
  if (typeof u === "string" && u !== "") return ok(u);
  return bad(`expected a port number between 1 and 65535 or a port name, got ${describe(u)}`);
});

interface DecodedPort extends ServicePort {
  protocol: string;
}

const servicePort: Codec<DecodedPort> = struct(
  "ServicePort",
  {
    name: def(str, () => ""),
    protocol: def(oneOf(["TCP", "UDP", "SCTP"] as const), () => "TCP" as const),
    port: req(int(1, 65535)),
    targetPort: opt(targetPort),
  },
  {
    unmodelled: ["nodePort", "appProtocol"],
    build: (f, ctx) => {
      if (f.name !== "") for (const m of isDNS1123Label(f.name)) ctx.error(["name"], `Invalid value: ${JSON.stringify(f.name)}: ${m}`);
      let target = f.port; // SetDefaults_Service: an unset (0 or "") targetPort is the port.
      if (typeof f.targetPort === "number" && f.targetPort !== 0) target = f.targetPort;
      if (typeof f.targetPort === "string") {
        // A named port resolves per pod against its containers' ports, which kubesim does not model.
        ctx.warn(["targetPort"], `named targetPort ${JSON.stringify(f.targetPort)} is not modelled; using port ${f.port}`);
      }
      return { name: f.name, port: f.port, targetPort: target, protocol: f.protocol };
    },
  },
);

const SERVICE_SPEC_UNMODELLED = [
  "clusterIPs", "externalIPs", "sessionAffinity", "loadBalancerIP", "loadBalancerSourceRanges", "externalName",
  "externalTrafficPolicy", "healthCheckNodePort", "publishNotReadyAddresses", "sessionAffinityConfig", "ipFamilies",
  "ipFamilyPolicy", "allocateLoadBalancerNodePorts", "loadBalancerClass", "internalTrafficPolicy", "trafficDistribution",
];

const serviceSpec: Codec<Service["spec"]> = struct(
  "ServiceSpec",
  {
    selector: def(stringMap("selector", isLabelKey, isLabelValue), () => ({})),
    ports: def(array(servicePort), () => []),
    type: def(oneOf(["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"] as const), () => "ClusterIP" as const),
    clusterIP: opt(str),
  },
  {
    unmodelled: SERVICE_SPEC_UNMODELLED,
    build: (f, ctx) => {
      if (f.type !== "ClusterIP") ctx.warn(["type"], `type ${f.type} is not modelled; the Service is simulated as ClusterIP`);
      // ValidateService: ports are required except for headless and ExternalName Services.
      if (f.ports.length === 0 && f.clusterIP !== "None" && f.type !== "ExternalName") ctx.error(["ports"], "Required value");
      const names = new Set<string>();
      f.ports.forEach((p, i) => {
        if (f.ports.length > 1 && p.name === "") ctx.error(["ports", i, "name"], "Required value");
        else if (names.has(p.name)) ctx.error(["ports", i, "name"], `Duplicate value: ${JSON.stringify(p.name)}`);
        names.add(p.name);
        if (p.protocol !== "TCP") ctx.warn(["ports", i, "protocol"], `protocol ${p.protocol} is not modelled; traffic is simulated the same way`);
      });
      return { selector: f.selector, ports: f.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort })) };
    },
  },
);

/** v1 Service (ValidateServiceName = NameIsDNS1035Label). */
export const serviceCodec: Codec<NewObject<Service>> = struct(
  "Service",
  { metadata: req(objectMeta(isDNS1035Label)), spec: req(serviceSpec) },
  {
    accepted: ["apiVersion", "kind"],
    unmodelled: ["status"],
    build: (f) => ({ kind: "Service" as const, metadata: f.metadata, spec: f.spec }),
  },
);

