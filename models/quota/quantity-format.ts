/**
 * Quantities as the API server prints them in admission messages (resource.Quantity String in
 * canonical form): cpu as whole cores or millicores ("1", "200m"), memory with the largest
 * binary suffix that divides it exactly ("64Mi", "1Gi"), else a decimal one, else bytes; counts
 * as integers.
 */
const BINARY = [["Ei", 2 ** 60], ["Pi", 2 ** 50], ["Ti", 2 ** 40], ["Gi", 2 ** 30], ["Mi", 2 ** 20], ["Ki", 2 ** 10]] as const;
const DECIMAL = [["E", 1e18], ["P", 1e15], ["T", 1e12], ["G", 1e9], ["M", 1e6], ["k", 1e3]] as const;

export function formatCpu(mcores: number): string {
  return mcores % 1000 === 0 ? String(mcores / 1000) : `${mcores}m`;
}

export function formatMemory(bytes: number): string {
  if (bytes === 0) return "0";
  for (const [suffix, size] of BINARY) if (bytes % size === 0) return `${bytes / size}${suffix}`;
  for (const [suffix, size] of DECIMAL) if (bytes % size === 0) return `${bytes / size}${suffix}`;
  return String(bytes);
}

export function formatQuantity(unit: "cpu" | "memory" | "count", value: number): string {
  return unit === "cpu" ? formatCpu(value) : unit === "memory" ? formatMemory(value) : String(value);
}
