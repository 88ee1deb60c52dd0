// Scenario fixtures in a fresh temp folder, with paths written the way diagnostics print them.
import fs from "node:fs";
import path from "node:path";
import { tempDir } from "../../temp-dir.js";

/** A run output file's whole text (the CSVs stream as chunks). */
export function outputText(files: Record<string, string | Iterable<string>>, name: string): string {
  const file = files[name];
  return file === undefined ? "" : typeof file === "string" ? file : [...file].join("");
}

export function fixture(files: Record<string, string>): { dir: string; file: (name: string) => string } {
  const dir = tempDir("kubesim-scenario-");
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return { dir, file: (name) => path.join(dir, name) };
}

/** A Deployment whose one container requests 500m / 128Mi with a 1-core limit. */
export const deploymentYaml = (name: string, replicas: number, image = "nginx") => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: ${name}
        image: ${image}
        resources: {requests: {cpu: 500m, memory: 128Mi}, limits: {cpu: "1"}}
`;

export const WEB_MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
        resources:
          requests: {cpu: 250m, memory: 128Mi}
          limits: {cpu: 500m}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}
`;

export const HEADER = `apiVersion: kubesim.io/v1alpha1
kind: Scenario
`;
