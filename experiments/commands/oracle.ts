/** `kubesim oracle FILE...`: replays upstream test vectors (HPA, Cluster Autoscaler, VPA, KEDA) through the real models. */
import type { Command } from "commander";
import { formatOracleResult, runOracleFiles } from "../oracle.js";

export function registerOracle(program: Command): void {
  program
    .command("oracle")
    .description(
      "Replay oracle cases (upstream test vectors: HPA, Cluster Autoscaler, VPA, KEDA) through kubesim's models and print one JSON result per case",
    )
    .argument("<files...>", "oracle case files (JSON arrays of cases)")
    .addHelpText(
      "after",
      `
Each output line is {"id":...,"result":{...}} with the keys of the case's "expected"
(an expected "errorContains" becomes "error"). int64 values beyond 2^53 print as strings.
Exits 0 when every case was computed, even if a result differs from expected.
VPA cases (../shared/oracle/vpa/*.json) are recognised by their "family" and replayed
through the VPA model (models/vpa/), e.g. kubesim oracle ../shared/oracle/vpa/*.json
KEDA cases (../shared/oracle/keda/*.json, families keda.*) are replayed through the KEDA
model (models/keda/), e.g. kubesim oracle ../shared/oracle/keda/*.json

Example:
  $ kubesim oracle ../shared/oracle/hpa_k8s_cases.json ../shared/oracle/hpa_behavior_cases.json
  {"id":"rc-001","result":{"desiredReplicas":5,"utilization":50,"rawValueMilli":1000}}
  $ kubesim oracle ../shared/oracle/cluster-autoscaler/*.json`,
    )
    .action((files: string[]) => {
      // Compute everything first so a bad later file does not leave half the output behind.
      const results = runOracleFiles(files);
      process.stdout.write(results.map((r) => formatOracleResult(r) + "\n").join(""));
    });
}
