/**
 * The pod-template hash that names a Deployment's ReplicaSets: port of
 * pkg/controller/controller_utils.go ComputeHash and k8s.io/apimachinery pkg/util/rand
 * SafeEncodeString.
 *
 * Upstream feeds a go-spew dump of the PodTemplateSpec into FNV-32a; kubesim feeds a canonical
 * JSON (object keys sorted, arrays in order) of its own template instead, so the hash is stable
 * across runs and machines but does not equal the hash a real cluster would print. The collision
 * count and the encoding of the decimal sum are as upstream.
 */
import type { PodTemplateSpec } from "../cluster/types.js";

const FNV32_OFFSET_BASIS = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

/** FNV-1a, 32 bit, over bytes, continuing from `hash` (hash/fnv New32a + Write). */
export function fnv32a(bytes: Uint8Array, hash: number = FNV32_OFFSET_BASIS): number {
  let h = hash >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, FNV32_PRIME) >>> 0;
  }
  return h;
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0; // keys of one object are distinct: never 0 for two keys
}

/**
 * JSON with every object's keys sorted (by UTF-16 code units) at every depth; undefined
 * properties are dropped as JSON.stringify drops them. The serialisation the hash is taken over.
 */
export function canonicalJSON(value: unknown): string {
  if (value === null || typeof value !== "object") {
    const s = JSON.stringify(value);
    if (s === undefined) throw new TypeError(`canonicalJSON: cannot serialise ${typeof value}`);
    return s;
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJSON(v))).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort(compareKeys)) {
    if (obj[key] === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJSON(obj[key])}`);
  }
  return `{${parts.join(",")}}`;
}

// rand.go alphanums: no vowels, so hashes never spell words.
const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/** rand.go SafeEncodeString: each character mapped to ALPHANUMS[codePoint % 27]. */
export function safeEncodeString(s: string): string {
  let out = "";
  for (const ch of s) out += ALPHANUMS[ch.codePointAt(0)! % ALPHANUMS.length];
  return out;
}

const encoder = new TextEncoder();

/**
 * controller_utils.go ComputeHash: FNV-32a of the template (canonical JSON, see above), then,
 * if the Deployment has a collisionCount, its value as 8 little-endian bytes (uint32 in the low
 * four, as upstream writes an 8-byte buffer), and the decimal sum safe-encoded.
 */
export function computeHash(template: PodTemplateSpec, collisionCount: number | null): string {
  let h = fnv32a(encoder.encode(canonicalJSON(template)));
  if (collisionCount !== null) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}
