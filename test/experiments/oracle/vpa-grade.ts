/**
 * Grades a VPA oracle result against the case's `expected` as ../shared/oracle/vpa/README.md
 * specifies: exact for integers, booleans, strings and null; floats within a relative 1e-9 (or
 * the case's `tolerance`: relative, absolute, perKey); lists under `tolerance.unordered` keys
 * and under `annotations.*` compared as multisets; nested objects must have exactly the
 * expected keys.
 */
export interface Tolerance {
  relative?: number;
  absolute?: number;
  perKey?: Record<string, { relative?: number; absolute?: number }>;
  unordered?: string[];
}

/** Returns the first difference as a path and reason, or null when the result matches. */
export function gradeVpaResult(expected: unknown, result: unknown, tolerance: Tolerance = {}): string | null {
  return diff(expected, result, "", null, tolerance, false);
}

function floatTolerance(key: string | null, t: Tolerance): { relative: number; absolute: number } {
  const per = key === null ? undefined : t.perKey?.[key];
  return { relative: per?.relative ?? t.relative ?? 1e-9, absolute: per?.absolute ?? t.absolute ?? 0 };
}

function diff(e: unknown, r: unknown, path: string, key: string | null, t: Tolerance, unordered: boolean): string | null {
  if (typeof e === "number" && typeof r === "number") {
    if (Number.isInteger(e) && Number.isInteger(r) && t.relative === undefined && t.absolute === undefined && t.perKey === undefined) {
      return e === r ? null : `${path}: expected ${e}, got ${r}`;
    }
    const { relative, absolute } = floatTolerance(key, t);
    const ok = e === r || Math.abs(e - r) <= absolute || Math.abs(e - r) <= relative * Math.max(Math.abs(e), Math.abs(r));
    return ok ? null : `${path}: expected ${e}, got ${r}`;
  }
  if (Array.isArray(e)) {
    if (!Array.isArray(r)) return `${path}: expected a list, got ${JSON.stringify(r)}`;
    if (e.length !== r.length) return `${path}: expected ${e.length} items, got ${r.length}`;
    if (!unordered) {
      for (let i = 0; i < e.length; i++) {
        const d = diff(e[i], r[i], `${path}[${i}]`, key, t, false);
        if (d !== null) return d;
      }
      return null;
    }
    const left = [...r];
    for (const item of e) {
      const j = left.findIndex((x) => diff(item, x, path, key, t, false) === null);
      if (j < 0) return `${path}: no match for ${JSON.stringify(item)} in ${JSON.stringify(r)}`;
      left.splice(j, 1);
    }
    return null;
  }
  if (typeof e === "object" && e !== null) {
    if (typeof r !== "object" || r === null || Array.isArray(r)) return `${path}: expected an object, got ${JSON.stringify(r)}`;
    const ek = Object.keys(e).sort();
    const rk = Object.keys(r).sort();
    if (JSON.stringify(ek) !== JSON.stringify(rk)) return `${path}: expected keys ${JSON.stringify(ek)}, got ${JSON.stringify(rk)}`;
    for (const k of ek) {
      const underAnnotations = path === ".annotations";
      const d = diff((e as Record<string, unknown>)[k], (r as Record<string, unknown>)[k], `${path}.${k}`, k, t, underAnnotations || (t.unordered ?? []).includes(k));
      if (d !== null) return d;
    }
    return null;
  }
  return e === r ? null : `${path}: expected ${JSON.stringify(e)}, got ${JSON.stringify(r)}`;
}
