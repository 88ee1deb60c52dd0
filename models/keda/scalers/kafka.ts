/**
 * The Kafka consumer-group lag scaler: pkg/scalers/kafka_scaler.go (parseKafkaMetadata + Validate,
 * parsePartitionLimitation, getLagForPartition, getTotalLag, FindFactors,
 * getNextFactorThatBalancesConsumersToTopicPartitions, GetMetricSpecForScaling, GetMetricsAndActivity).
 */
import { generateMetricInMili, generateMetricNameWithIndex, getMetricTargetMili, normalizeString, optBool, optInt, optString, reqString } from "../metrics.js";
import { KedaConfigError, type ExternalMetricSpec, type MetricsAndActivity, type ScaleTriggers } from "../types.js";

export type OffsetResetPolicy = "latest" | "earliest";

export interface KafkaMetadata {
  bootstrapServers: string[];
  consumerGroup: string;
  /** "" = every topic of the consumer group. */
  topic: string;
  /** null = every partition. */
  partitionLimitation: number[] | null;
  lagThreshold: number;
  activationLagThreshold: number;
  offsetResetPolicy: OffsetResetPolicy;
  allowIdleConsumers: boolean;
  excludePersistentLag: boolean;
  limitToPartitionsWithLag: boolean;
  ensureEvenDistributionOfPartitions: boolean;
  scaleToZeroOnInvalidOffset: boolean;
  fullMetadata: boolean;
}

/** sarama.OffsetNewest/invalid: no offset committed by the group. */
export const INVALID_OFFSET = -1;
const DEFAULT_LAG_THRESHOLD = 10;
/** sarama ParseKafkaVersion: "0.a.b.c" or "a.b.c". */
const KAFKA_VERSION = /^0\.\d+\.\d+\.\d+$|^\d+\.\d+\.\d+$/;

function atoi(text: string, what: string): number {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) throw new KedaConfigError(`error parsing ${what}: ${JSON.stringify(text)} is not an integer`);
  return Number(t);
}

/** kafka_scaler.go parsePartitionLimitation: "1,2,5-7" → [1,2,5,6,7]; blanks around items allowed. */
export function parsePartitionLimitation(input: string): number[] {
  const out: number[] = [];
  for (const item of input.split(",")) {
    if (item.includes("-")) {
      const parts = item.split("-");
      if (parts.length !== 2) throw new KedaConfigError(`invalid partition range ${JSON.stringify(item)}: expected start-end`);
      const start = atoi(parts[0], "partitionLimitation range start");
      const end = atoi(parts[1], "partitionLimitation range end");
      if (start > end) throw new KedaConfigError(`invalid partition range ${JSON.stringify(item)}: start is after end`);
      for (let p = start; p <= end; p++) out.push(p);
    } else {
      out.push(atoi(item, "partitionLimitation"));
    }
  }
  return out;
}

/** kafka_scaler.go parseKafkaMetadata + kafkaMetadata.Validate. */
export function parseKafkaMetadata(trigger: ScaleTriggers): KafkaMetadata {
  const meta = trigger.metadata;
  const bootstrapServers = reqString(meta, "bootstrapServers", trigger.authParams).split(",").map((s) => s.trim());
  const consumerGroup = reqString(meta, "consumerGroup");
  const topic = optString(meta, "topic") ?? "";
  const limitationText = optString(meta, "partitionLimitation");
  // A blank limitation means "all partitions"; without a topic a parsed one is dropped (Validate).
  const parsedLimitation = limitationText !== undefined && limitationText.trim() !== "" ? parsePartitionLimitation(limitationText) : null;
  const partitionLimitation = topic === "" ? null : parsedLimitation;
  const offsetResetPolicy = optString(meta, "offsetResetPolicy") ?? "latest";
  if (offsetResetPolicy !== "latest" && offsetResetPolicy !== "earliest") throw new KedaConfigError(`err offsetResetPolicy policy ${JSON.stringify(offsetResetPolicy)} given (use "latest" or "earliest")`);
  const lagThreshold = optInt(meta, "lagThreshold", DEFAULT_LAG_THRESHOLD);
  if (lagThreshold <= 0) throw new KedaConfigError(`"lagThreshold" must be positive, got ${lagThreshold}`);
  const activationLagThreshold = optInt(meta, "activationLagThreshold", 0);
  if (activationLagThreshold < 0) throw new KedaConfigError(`"activationLagThreshold" must not be negative, got ${activationLagThreshold}`);
  const allowIdleConsumers = optBool(meta, "allowIdleConsumers", false);
  const limitToPartitionsWithLag = optBool(meta, "limitToPartitionsWithLag", false);
  if (allowIdleConsumers && limitToPartitionsWithLag) throw new KedaConfigError('"allowIdleConsumers" and "limitToPartitionsWithLag" cannot both be true');
  if (limitToPartitionsWithLag && topic === "") throw new KedaConfigError('"limitToPartitionsWithLag" needs a "topic"');
  const ensureEvenDistributionOfPartitions = optBool(meta, "ensureEvenDistributionOfPartitions", false);
  if (limitToPartitionsWithLag && ensureEvenDistributionOfPartitions) throw new KedaConfigError('"limitToPartitionsWithLag" and "ensureEvenDistributionOfPartitions" cannot both be true');
  if (ensureEvenDistributionOfPartitions && topic === "") throw new KedaConfigError('"ensureEvenDistributionOfPartitions" needs a "topic"');
  const fullMetadata = optBool(meta, "fullMetadata", true);
  if (!fullMetadata && topic === "") throw new KedaConfigError('"fullMetadata" false needs a "topic"');
  const version = optString(meta, "version");
  if (version !== undefined && !KAFKA_VERSION.test(version)) throw new KedaConfigError(`error parsing kafka version ${JSON.stringify(version)}`);
  return {
    bootstrapServers,
    consumerGroup,
    topic,
    partitionLimitation,
    lagThreshold,
    activationLagThreshold,
    offsetResetPolicy,
    allowIdleConsumers,
    excludePersistentLag: optBool(meta, "excludePersistentLag", false),
    limitToPartitionsWithLag,
    ensureEvenDistributionOfPartitions,
    scaleToZeroOnInvalidOffset: optBool(meta, "scaleToZeroOnInvalidOffset", false),
    fullMetadata,
  };
}

/** kafka_scaler.go GetMetricSpecForScaling: "s<i>-kafka-<topic>", or "s<i>-kafka-<group>-topics" without a topic. */
export function kafkaMetricSpec(meta: KafkaMetadata, triggerIndex: number, metricType?: string): ExternalMetricSpec {
  const name = meta.topic !== "" ? `kafka-${meta.topic}` : `kafka-${meta.consumerGroup}-topics`;
  return { metricName: generateMetricNameWithIndex(triggerIndex, normalizeString(name)), target: getMetricTargetMili(metricType, meta.lagThreshold) };
}

/** One partition as the scaler sees it: the group's committed offset and the broker's newest offset. */
export interface PartitionOffsets {
  id: number;
  /** INVALID_OFFSET (-1) = nothing committed. */
  consumerOffset: number;
  /** null = the partition is missing from the broker's offset response. */
  latestOffset: number | null;
  /** The committed offset at the previous poll (excludePersistentLag's memory), if any. */
  previousOffset?: number;
}

/** getLagForPartition: [lag used for the metric, lag including persistent lag (for activity)]. */
export function getLagForPartition(meta: Pick<KafkaMetadata, "offsetResetPolicy" | "scaleToZeroOnInvalidOffset" | "excludePersistentLag">, p: PartitionOffsets): [number, number] {
  if (p.consumerOffset === INVALID_OFFSET && meta.offsetResetPolicy === "latest") {
    const lag = meta.scaleToZeroOnInvalidOffset ? 0 : 1;
    return [lag, lag];
  }
  if (p.latestOffset === null) return [0, 0];
  if (p.consumerOffset === INVALID_OFFSET) {
    // earliest: the group will read the whole log.
    return meta.scaleToZeroOnInvalidOffset ? [0, 0] : [p.latestOffset, p.latestOffset];
  }
  const lag = p.latestOffset - p.consumerOffset;
  // Same committed offset as the previous poll: the consumer may be stuck on this item; its lag
  // is not scaled on, but still counts for activity.
  if (meta.excludePersistentLag && p.previousOffset !== undefined && p.previousOffset === p.consumerOffset) return [0, lag];
  return [lag, lag];
}

/** FindFactors: the divisors of n, ascending. */
export function findFactors(n: number): number[] {
  if (n < 1) return [];
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 1; i * i <= n; i++) {
    if (n % i !== 0) continue;
    small.push(i);
    if (i !== n / i) large.unshift(n / i);
  }
  return [...small, ...large];
}

/** getNextFactorThatBalancesConsumersToTopicPartitions: the least divisor of the partition count whose capacity covers the lag. */
export function getNextFactorThatBalancesConsumersToTopicPartitions(totalLag: number, totalTopicPartitions: number, lagThreshold: number): number {
  for (const factor of findFactors(totalTopicPartitions)) if (factor * lagThreshold >= totalLag) return factor;
  return totalTopicPartitions;
}

/**
 * getTotalLag over the topic's partitions (limited to partitionLimitation): [metric lag, activity
 * lag]. Unless idle consumers are allowed (and neither limitToPartitionsWithLag nor
 * ensureEvenDistributionOfPartitions is set), the metric lag is capped at partitions × lagThreshold
 * (or partitions with lag × lagThreshold) — with Go's integer division in the comparison.
 */
export function getTotalLag(meta: KafkaMetadata, partitions: readonly PartitionOffsets[]): [number, number] {
  const limit = meta.partitionLimitation;
  // Upstream walks the broker's latest-offset answer, so a partition missing from it neither adds
  // lag nor counts towards the partition cap.
  const selected = partitions.filter((p) => p.latestOffset !== null && (limit === null || limit.includes(p.id)));
  let totalLag = 0;
  let totalLagWithPersistent = 0;
  let partitionsWithLag = 0;
  for (const p of selected) {
    const [lag, lagWithPersistent] = getLagForPartition(meta, p);
    totalLag += lag;
    totalLagWithPersistent += lagWithPersistent;
    if (lag > 0) partitionsWithLag++;
  }
  const totalTopicPartitions = selected.length;
  if (!meta.allowIdleConsumers || meta.limitToPartitionsWithLag || meta.ensureEvenDistributionOfPartitions) {
    let upperBound = totalTopicPartitions;
    if (meta.ensureEvenDistributionOfPartitions) {
      totalLag = getNextFactorThatBalancesConsumersToTopicPartitions(totalLag, totalTopicPartitions, meta.lagThreshold) * meta.lagThreshold;
    }
    if (meta.limitToPartitionsWithLag) upperBound = partitionsWithLag;
    if (Math.trunc(totalLag / meta.lagThreshold) > upperBound) totalLag = upperBound * meta.lagThreshold;
  }
  return [totalLag, totalLagWithPersistent];
}

/** kafka_scaler.go GetMetricsAndActivity: the capped lag as the metric; active iff the uncapped lag > activationLagThreshold. */
export function kafkaMetricsAndActivity(meta: KafkaMetadata, partitions: readonly PartitionOffsets[]): MetricsAndActivity {
  const [totalLag, totalLagWithPersistent] = getTotalLag(meta, partitions);
  return { metricValueMilli: generateMetricInMili(totalLag), isActive: totalLagWithPersistent > meta.activationLagThreshold };
}
