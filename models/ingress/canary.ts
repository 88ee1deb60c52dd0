/**
 * ingress-nginx canaries. An Ingress annotated `nginx.ingress.kubernetes.io/canary: "true"`
 * serves no traffic of its own: its backends become the "alternative backend" of the stable
 * Ingress's location with the same host and path (internal/ingress/controller/controller.go
 * mergeAlternativeBackends), and each request is sent there or not by the traffic shaping policy
 * the canary annotations give (internal/ingress/annotations/canary/main.go Parse), applied by
 * rootfs/etc/nginx/lua/balancer.lua route_to_alternative_balancer:
 *
 *   1. header `canary-by-header` present:  equal to `canary-by-header-value` (when set) -> canary;
 *      else matching `canary-by-header-pattern` (when set) -> canary; else (neither set) "always"
 *      -> canary, "never" -> stable. Any other value falls through.
 *   2. cookie `canary-by-cookie` present: "always" -> canary, "never" -> stable; else falls through.
 *   3. weight: canary when math.random(weightTotal) <= weight, weightTotal being
 *      `canary-weight-total` when above 100, else 100.
 *
 * So header beats cookie beats weight, and a request the header/cookie rules do not decide goes to
 * the canary with probability weight / weightTotal.
 */
export const ANNOTATION_PREFIX = "nginx.ingress.kubernetes.io/";

export const CANARY_ANNOTATIONS = {
  canary: `${ANNOTATION_PREFIX}canary`,
  weight: `${ANNOTATION_PREFIX}canary-weight`,
  weightTotal: `${ANNOTATION_PREFIX}canary-weight-total`,
  header: `${ANNOTATION_PREFIX}canary-by-header`,
  headerValue: `${ANNOTATION_PREFIX}canary-by-header-value`,
  headerPattern: `${ANNOTATION_PREFIX}canary-by-header-pattern`,
  cookie: `${ANNOTATION_PREFIX}canary-by-cookie`,
} as const;

export interface TrafficShapingPolicy {
  weight: number;
  weightTotal: number;
  /** Header name, lower-cased (nginx's $http_ variables ignore case); "" = none. */
  header: string;
  headerValue: string;
  headerPattern: RegExp | null;
  cookie: string;
}

/** One kind of request a load source sends: the headers and cookies it carries. */
export interface RequestClass {
  /** Header names lower-cased. */
  headers: Readonly<Record<string, string>>;
  cookies: Readonly<Record<string, string>>;
}

export interface CanaryAnnotationProblem {
  annotation: string;
  message: string;
  severity: "error" | "warning";
}

/**
 * The policy of a canary Ingress's annotations (null when `canary` is not "true"), and what is
 * wrong with them. canary/main.go parses weights with strconv.Atoi; it rejects canary settings
 * on an Ingress without `canary: "true"` ("configured but not enabled").
 */
export function parseCanary(annotations: Readonly<Record<string, string>>): { policy: TrafficShapingPolicy | null; problems: CanaryAnnotationProblem[] } {
  const problems: CanaryAnnotationProblem[] = [];
  const a = CANARY_ANNOTATIONS;
  const enabled = annotations[a.canary] === "true";
  const int = (key: string, fallback: number): number => {
    const text = annotations[key];
    if (text === undefined) return fallback;
    if (!/^[+-]?\d+$/.test(text.trim())) {
      problems.push({ annotation: key, severity: "error", message: `Invalid value: ${JSON.stringify(text)}: must be an integer` });
      return fallback;
    }
    return Number(text.trim());
  };
  const weight = int(a.weight, 0);
  const givenTotal = int(a.weightTotal, 100);
  // balancer.lua: a total of 100 or less is ignored.
  const weightTotal = givenTotal > 100 ? givenTotal : 100;
  const header = (annotations[a.header] ?? "").toLowerCase();
  const headerValue = annotations[a.headerValue] ?? "";
  const patternText = annotations[a.headerPattern] ?? "";
  const cookie = annotations[a.cookie] ?? "";
  let headerPattern: RegExp | null = null;
  if (patternText !== "") {
    try {
      headerPattern = new RegExp(patternText);
    } catch (e) {
      problems.push({ annotation: a.headerPattern, severity: "error", message: `Invalid value: ${JSON.stringify(patternText)}: ${(e as Error).message}` });
    }
  }
  const configured = annotations[a.weight] !== undefined || header !== "" || headerValue !== "" || patternText !== "" || cookie !== "";
  if (!enabled) {
    if (configured) problems.push({ annotation: a.canary, severity: "error", message: `Invalid value: canary annotations are configured but ${a.canary} is not "true"` });
    return { policy: null, problems };
  }
  if (weight < 0 || weight > weightTotal) {
    const fate = weight < 0 ? "no request" : "every request";
    problems.push({ annotation: a.weight, severity: "warning", message: `Invalid value: ${weight}: must be between 0 and the canary weight total (${weightTotal}); ingress-nginx sends ${fate} to the canary by weight` });
  }
  if (givenTotal !== weightTotal && annotations[a.weightTotal] !== undefined) {
    problems.push({ annotation: a.weightTotal, severity: "warning", message: `Invalid value: ${givenTotal}: totals of 100 or less are ignored; 100 is used` });
  }
  return { policy: { weight, weightTotal, header, headerValue, headerPattern, cookie }, problems };
}

/** Whether the header/cookie rules decide a request: true/false, or null when weight decides. */
export function canaryByRequest(policy: TrafficShapingPolicy, request: RequestClass): boolean | null {
  if (policy.header !== "") {
    const value = request.headers[policy.header];
    if (value !== undefined) {
      if (policy.headerValue !== "") {
        if (value === policy.headerValue) return true;
      } else if (policy.headerPattern !== null) {
        if (policy.headerPattern.test(value)) return true;
      } else if (value === "always") return true;
      else if (value === "never") return false;
    }
  }
  if (policy.cookie !== "") {
    const value = request.cookies[policy.cookie];
    if (value === "always") return true;
    if (value === "never") return false;
  }
  return null;
}

/**
 * One request's routing: `roll` is math.random(weightTotal), an integer in 1..weightTotal.
 * True = the canary.
 */
export function routeToCanary(policy: TrafficShapingPolicy, request: RequestClass, roll: number): boolean {
  const decided = canaryByRequest(policy, request);
  return decided ?? roll <= policy.weight;
}

/** The probability that a request of `request` goes to the canary (the fluid split). */
export function canaryProbability(policy: TrafficShapingPolicy, request: RequestClass): number {
  const decided = canaryByRequest(policy, request);
  if (decided !== null) return decided ? 1 : 0;
  // P(uniform integer in 1..total <= weight).
  return Math.min(Math.max(policy.weight, 0), policy.weightTotal) / policy.weightTotal;
}
