/**
 * IntOrString scaling for maxSurge / maxUnavailable: port of k8s.io/apimachinery
 * pkg/util/intstr/intstr.go GetScaledValueFromIntOrPercent (with getIntOrPercentValueSafely
 * and ValueOrDefault).
 */

/** An API IntOrString: an absolute count or a percent string such as "25%". */
export type IntOrString = number | string;

/**
 * intstr.go GetScaledValueFromIntOrPercent: a number is returned as is; "N%" becomes
 * ceil(N * total / 100) when roundUp, else floor. A string without a trailing "%" or with a
 * non-integer number throws, as upstream returns an error.
 * (N * total / 100 in float64, as upstream; exact for any realistic replica count.)
 */
export function getScaledValueFromIntOrPercent(intOrPercent: IntOrString, total: number, roundUp: boolean): number {
  if (typeof intOrPercent === "number") {
    if (!Number.isInteger(intOrPercent)) throw new RangeError(`invalid value for IntOrString: ${intOrPercent} is not an integer`);
    return intOrPercent;
  }
  if (!intOrPercent.endsWith("%")) {
    throw new RangeError(`invalid value for IntOrString: invalid type: string is not a percentage (${JSON.stringify(intOrPercent)})`);
  }
  const digits = intOrPercent.slice(0, -1);
  // strconv.Atoi: optional sign, decimal digits.
  if (!/^[+-]?[0-9]+$/.test(digits)) {
    throw new RangeError(`invalid value for IntOrString: invalid value ${JSON.stringify(intOrPercent)}`);
  }
  const value = Number(digits);
  return roundUp ? Math.ceil((value * total) / 100) : Math.floor((value * total) / 100);
}

/** intstr.go ValueOrDefault: Go's nil pointer is null/undefined here. */
export function valueOrDefault(intOrPercent: IntOrString | null | undefined, defaultValue: IntOrString): IntOrString {
  return intOrPercent === null || intOrPercent === undefined ? defaultValue : intOrPercent;
}
