// Every error of a file at once, with file:line and the field path in YAML terms; warnings for
// what kubesim does not model; upstream wording for API validation errors.
import t from "tap";
import os from "node:os";
import path from "node:path";
import { formatDiagnostic, loadManifestFile, loadManifestText } from "../../../experiments/manifests/decode.js";

const errorsOf = (text: string, file = "php-apache.yaml") => loadManifestText(text, file).errors.map(formatDiagnostic);

const RFC1123_SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

const MANY_ERRORS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: php-apache
spec:
  replicas: 1.5
  selector:
    matchLabels:
      run: php-apache
  template:
    metadata:
      labels:
        run: apache
    spec:
      containers:
      - name: php-apache
        image: registry.k8s.io/hpa-example
        resources:
          requests:
            cpu: 2 cores
            memory: 1Gi
          limits:
            memory: 512Mi
      - name: Sidecar
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: php-apache
spec:
  scaleTargetRef:
    kind: Deployment
  minReplicas: 0
  maxReplicas: -3
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 50
        averageValue: 100m
`;

t.test("all errors of a file, in line order, with exact paths and lines", async (t) => {
  t.strictSame(errorsOf(MANY_ERRORS), [
    "php-apache.yaml:6 spec.replicas: expected an integer ≥ 0, got 1.5",
    'php-apache.yaml:12 spec.template.metadata.labels: Invalid value: {"run":"apache"}: `selector` does not match template `labels`',
    'php-apache.yaml:20 spec.template.spec.containers[0].resources.requests.cpu: expected a quantity such as 500m, 2, 1.5Gi or 128Mi, got "2 cores"',
    "php-apache.yaml:24 spec.template.spec.containers[1].name: Invalid value: \"Sidecar\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    // A missing key is reported at its parent's line.
    "php-apache.yaml:24 spec.template.spec.containers[1].image: Required value",
    // scaleTargetRef.name is missing: the line of scaleTargetRef.
    "php-apache.yaml:31 spec.scaleTargetRef.name: Required value",
    "php-apache.yaml:34 spec.maxReplicas: expected an integer ≥ 1, got -3",
    // minReplicas 0 decodes (the HPAScaleToZero gate is the scenario's to check), but only with an Object or External metric.
    "php-apache.yaml:35 spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas",
    "php-apache.yaml:42 spec.metrics[0].resource.target.averageValue: Forbidden: may not set both a target raw value and a target utilization",
  ]);
});

t.test("the walkthrough HPA with a negative maxReplicas", async (t) => {
  const text = `# kubectl autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10
# with a typo in the maximum.
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: php-apache
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: php-apache
  minReplicas: 1
  targetCPUUtilizationPercentage: 50
  maxReplicas: -3
`;
  t.strictSame(errorsOf(text), ["php-apache.yaml:14 spec.maxReplicas: expected an integer ≥ 1, got -3"]);
});

t.test("maxReplicas below minReplicas uses the API server's message", async (t) => {
  const text = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {kind: Deployment, name: web}
  minReplicas: 5
  maxReplicas: 3
`;
  t.strictSame(errorsOf(text, "hpa.yaml"), ["hpa.yaml:7 spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`"]);
});

t.test("object names are validated as the API server does, per kind", async (t) => {
  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: PHP_Apache
spec:
  selector: {matchLabels: {run: x}}
  template:
    metadata: {labels: {run: x}}
    spec: {containers: [{name: c, image: i}]}
`;
  t.strictSame(errorsOf(deployment), [`php-apache.yaml:4 metadata.name: Invalid value: "PHP_Apache": ${RFC1123_SUBDOMAIN}`]);
  // Service names are DNS-1035 labels: a leading digit or a dot is a valid subdomain but not a Service name.
  const service = (name: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  ports: [{port: 80}]\n`;
  t.strictSame(errorsOf(service("1php"), "svc.yaml"), [
    `svc.yaml:4 metadata.name: Invalid value: "1php": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
  ]);
  t.strictSame(errorsOf(service("php-apache"), "svc.yaml"), []);
  t.strictSame(errorsOf(service("x".repeat(64)), "svc.yaml").length, 1);
  t.match(errorsOf(service("x".repeat(64)), "svc.yaml")[0], /must be no more than 63 characters$/);
  // A missing name.
  t.strictSame(errorsOf("apiVersion: v1\nkind: Service\nmetadata:\n  labels: {a: b}\nspec:\n  ports: [{port: 80}]\n", "svc.yaml"), [
    "svc.yaml:3 metadata.name: Required value: name or generateName is required",
  ]);
});

t.test("label keys and values", async (t) => {
  const text = `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels:
    app.kubernetes.io/name: web
    tier: "-front"
    version: 2
spec:
  containers: [{name: c, image: i}]
`;
  t.strictSame(errorsOf(text, "pod.yaml"), [
    `pod.yaml:7 metadata.labels.tier: Invalid value: "-front": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    "pod.yaml:8 metadata.labels.version: expected a string, got 2 (quote it in YAML)",
  ]);
});

t.test("YAML syntax errors carry the line", async (t) => {
  const text = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports: [{port: 80}
  selector: {app: web}
`;
  const errors = errorsOf(text, "bad.yaml");
  t.equal(errors.length, 1);
  t.match(errors[0], /^bad\.yaml:\d+: YAML syntax error: /);
  const tab = errorsOf("apiVersion: v1\nkind: Service\nmetadata:\n\tname: web\n", "tab.yaml");
  t.match(tab[0], /^tab\.yaml:4: YAML syntax error: /);
  // The other documents of the file are still decoded.
  const mixed = loadManifestText(`apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80}]}\n---\nkey: [unclosed\n`, "mixed.yaml");
  t.equal(mixed.objects.length, 1);
  t.match(mixed.errors.map(formatDiagnostic), [/^mixed\.yaml:\d+: YAML syntax error/]);
});

t.test("unmodelled fields warn at every occurrence (printing summarises them); unknown fields warn with a hint", async (t) => {
  const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      securityContext: {runAsNonRoot: true}
      volumes: [{name: data, emptyDir: {}}]
      containers:
      - name: web
        image: nginx
        env: [{name: A, value: b}]
        livenessProbe: {httpGet: {path: /, port: 80}}
        imagePullPolicy: Always
      - name: log
        image: busybox
        env: [{name: A, value: b}]
        resource: {requests: {cpu: 1}}
`;
  const r = loadManifestText(text, "web.yaml");
  t.strictSame(r.errors, []);
  t.strictSame(r.warnings.map(formatDiagnostic), [
    "web.yaml:9 spec.template.spec.securityContext: field is not modelled; ignored",
    "web.yaml:10 spec.template.spec.volumes: field is not modelled; ignored",
    "web.yaml:14 spec.template.spec.containers[0].env: field is not modelled; ignored",
    "web.yaml:15 spec.template.spec.containers[0].livenessProbe: field is not modelled; ignored",
    "web.yaml:16 spec.template.spec.containers[0].imagePullPolicy: field is not modelled; ignored",
    "web.yaml:19 spec.template.spec.containers[1].env: field is not modelled; ignored",
    'web.yaml:20 spec.template.spec.containers[1].resource: unknown field "resource", not a Kubernetes field (did you mean "resources"?); ignored',
  ]);
});

t.test("kinds kubesim does not model yet: a warning per object, no error", async (t) => {
  const text = ["NetworkPolicy", "PriorityClass", "NetworkPolicy"]
    .map((kind, i) => `apiVersion: v1\nkind: ${kind}\nmetadata: {name: o${i}}\n`)
    .join("---\n");
  const r = loadManifestText(text, "kinds.yaml");
  t.strictSame(r.errors, []);
  t.strictSame(r.objects, []);
  t.strictSame(r.warnings.map(formatDiagnostic), [
    "kinds.yaml:2 kind: kind NetworkPolicy is not modelled yet; ignored",
    "kinds.yaml:6 kind: kind PriorityClass is not modelled yet; ignored",
    "kinds.yaml:10 kind: kind NetworkPolicy is not modelled yet; ignored",
  ]);
});

t.test("ConfigMaps, Secrets, ServiceAccounts and RBAC: stored as the API server stores them, their content accepted without a warning", async (t) => {
  const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {level: debug}
---
apiVersion: v1
kind: Secret
metadata: {name: token}
type: Opaque
stringData: {key: value}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: app}
automountServiceAccountToken: false
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app}
subjects: [{kind: ServiceAccount, name: app}]
roleRef: {kind: Role, name: app, apiGroup: rbac.authorization.k8s.io}
`;
  const r = loadManifestText(text, "config.yaml");
  t.strictSame(r.errors, []);
  t.strictSame(r.warnings, []);
  t.strictSame(r.objects.map((o) => [o.kind, o.metadata.name]), [["ConfigMap", "settings"], ["Secret", "token"], ["ServiceAccount", "app"], ["RoleBinding", "app"]]);
  const bad = loadManifestText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n", "bad.yaml");
  t.equal(bad.errors.length, 1, "the name is still validated");
});

t.test("removed API versions, missing kind, non-objects, duplicates", async (t) => {
  const text = `apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: old}
---
apiVersion: v1
metadata: {name: nokind}
---
- just
- a list
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {ports: [{port: 81}]}
`;
  t.strictSame(errorsOf(text, "m.yaml"), [
    'm.yaml:1 apiVersion: no matches for kind "Deployment" in version "extensions/v1beta1" (kubesim reads apps/v1)',
    "m.yaml:5 kind: Required value",
    "m.yaml:8: expected a Kubernetes object (a map with apiVersion and kind), got a list",
    'm.yaml:18 metadata.name: Duplicate value: Service "default/web" is already defined at line 13',
  ]);
});

t.test("an unreadable file is one error naming it", async (t) => {
  const missing = path.join(os.tmpdir(), "kubesim-no-such-manifest.yaml");
  const r = loadManifestFile(missing);
  t.strictSame(r.objects, []);
  t.strictSame(r.errors.map(formatDiagnostic), [`${missing}: cannot read manifest file: no such file`]);
});

t.test("empty files and empty documents are fine", async (t) => {
  t.strictSame(loadManifestText("", "e.yaml"), { objects: [], warnings: [], errors: [] });
  t.strictSame(loadManifestText("# only a comment\n---\n---\n", "e.yaml"), { objects: [], warnings: [], errors: [] });
});

t.test("pod spec checks: probe handlers, duplicate names, tolerations, affinity, request above limit", async (t) => {
  const text = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    image: i
    readinessProbe: {periodSeconds: 5}
    resources:
      requests: {cpu: 600m}
      limits: {cpu: 500m}
  - name: c
    image: j
    readinessProbe:
      exec: {command: [cat, /tmp/ready]}
      grpc: {port: 9000}
  tolerations:
  - {key: a, operator: Exists, value: x}
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: []}
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 101
        preference: {matchExpressions: [{key: zone, operator: In}]}
`;
  t.strictSame(errorsOf(text, "pod.yaml"), [
    "pod.yaml:8 spec.containers[0].readinessProbe: Required value: must specify a handler type",
    'pod.yaml:10 spec.containers[0].resources.requests.cpu: Invalid value: "600m": must be less than or equal to cpu limit of 500m',
    'pod.yaml:12 spec.containers[1].name: Duplicate value: "c"',
    "pod.yaml:16 spec.containers[1].readinessProbe.grpc: Forbidden: may not specify more than 1 handler type",
    "pod.yaml:18 spec.tolerations[0].operator: Invalid value: \"x\": value must be empty when `operator` is 'Exists'",
    "pod.yaml:21 spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term",
    "pod.yaml:23 spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: expected an integer between 1 and 100, got 101",
    "pod.yaml:24 spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
  ]);
});

t.test("Deployment checks: empty selector, Never restart policy, strategy", async (t) => {
  const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {}
  strategy:
    type: Recreate
    rollingUpdate: {maxSurge: 1}
  minReadySeconds: 700
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: i}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web2}
spec:
  selector: {matchLabels: {a: b}}
  strategy:
    rollingUpdate: {maxSurge: 0, maxUnavailable: 0%}
  template:
    metadata: {labels: {a: b}}
    spec:
      containers: [{name: c, image: i}]
`;
  t.strictSame(errorsOf(text, "d.yaml"), [
    // progressDeadlineSeconds is the defaulted 600, absent from the file: the line of spec.
    "d.yaml:4 spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds",
    "d.yaml:5 spec.selector: Invalid value: {}: empty selector is invalid for deployment",
    "d.yaml:8 spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    'd.yaml:12 spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    'd.yaml:21 spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0',
  ]);
});

t.test("quantities: bad syntax, negative, absurdly large", async (t) => {
  const pod = (cpu: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: i\n    resources:\n      requests: {cpu: "${cpu}"}\n`;
  t.strictSame(errorsOf(pod("500mi"), "q.yaml"), ['q.yaml:9 spec.containers[0].resources.requests.cpu: expected a quantity such as 500m, 2, 1.5Gi or 128Mi, got "500mi"']);
  t.strictSame(errorsOf(pod("-1"), "q.yaml"), ['q.yaml:9 spec.containers[0].resources.requests.cpu: Invalid value: "-1": must be greater than or equal to 0']);
  t.strictSame(errorsOf(pod("1e400"), "q.yaml"), ['q.yaml:9 spec.containers[0].resources.requests.cpu: expected a quantity such as 500m, 2, 1.5Gi or 128Mi, got "1e400"']);
});
