import t from "tap";
import { generateMetricInMili, getMetricTargetMili, normalizeString } from "../../../models/keda/metrics.js";
import { cronMetricSpec, cronMetricsAndActivity, parseCronMetadata, parseCronTimeFormat } from "../../../models/keda/scalers/cron.js";
import { buildScaler } from "../../../models/keda/scalers/index.js";
import { getTotalLag, kafkaMetricsAndActivity, parseKafkaMetadata, parsePartitionLimitation, type PartitionOffsets } from "../../../models/keda/scalers/kafka.js";
import { executePromQuery, parsePrometheusMetadata } from "../../../models/keda/scalers/prometheus.js";
import { parseRedisMetadata } from "../../../models/keda/scalers/redis.js";
import { KedaConfigError } from "../../../models/keda/types.js";

t.test("metric values are %.3f milli-quantities; negative, NaN and Inf become 0", async (t) => {
  const rows: Array<[number, number]> = [
    [1, 1000],
    [0.0125, 13],
    [2.0005, 2001],
    [0.0004, 0],
    [-1, 0],
    [NaN, 0],
    [Infinity, 0],
    [123456.789, 123456789],
    // exact binary ties: Go's %.3f rounds half to even
    [0.0625, 62],
    [0.1875, 188],
    [1.0625, 1062],
  ];
  for (const [v, milli] of rows) t.equal(generateMetricInMili(v), milli, `${v}`);
  t.same(getMetricTargetMili("Value", 2.5), { type: "Value", valueMilli: 2500 });
  t.throws(() => getMetricTargetMili("Utilization", 1), KedaConfigError, "Utilization is only for cpu/memory");
  t.equal(normalizeString("a/b.c:d%e(f)"), "a-b-c-d-e-f-");
});

const partitions = (lags: number[], previous?: number[]): PartitionOffsets[] =>
  lags.map((lag, id) => ({ id, consumerOffset: 100, latestOffset: 100 + lag, ...(previous ? { previousOffset: previous[id] } : {}) }));

t.test("kafka: partition limitation, even distribution and persistent lag", async (t) => {
  const meta = (extra: Record<string, string>) => parseKafkaMetadata({ type: "kafka", metadata: { bootstrapServers: "b:9092", consumerGroup: "g", topic: "t", lagThreshold: "10", ...extra } });
  // Only partitions 0 and 2 count: lag 5 + 7, cap 2 × 10 not reached.
  t.same(getTotalLag(meta({ partitionLimitation: "0,2" }), partitions([5, 100, 7])), [12, 12]);
  // 6 partitions, lag 25 → 3 consumers (the next divisor of 6 covering 25/10) → metric 30.
  t.same(getTotalLag(meta({ ensureEvenDistributionOfPartitions: "true" }), partitions([25, 0, 0, 0, 0, 0])), [30, 25]);
  // A partition whose committed offset did not move since the last poll: out of the metric, kept for activity.
  const stuck = kafkaMetricsAndActivity(meta({ excludePersistentLag: "true", activationLagThreshold: "5" }), partitions([8, 0], [100, 90]));
  t.same(stuck, { metricValueMilli: 0, isActive: true });
  // A partition missing from the broker's answer neither adds lag nor counts for the cap (2 × 10).
  t.same(getTotalLag(meta({}), [...partitions([30, 30]), { id: 2, consumerOffset: 0, latestOffset: null }]), [20, 60]);
  // ensureEvenDistributionOfPartitions and limitToPartitionsWithLag exclude each other (Validate).
  t.throws(() => meta({ ensureEvenDistributionOfPartitions: "true", limitToPartitionsWithLag: "true" }), /cannot both be true/);
  // limitToPartitionsWithLag caps at partitions with lag (1) × threshold.
  t.same(getTotalLag(meta({ limitToPartitionsWithLag: "true" }), partitions([50, 0, 0])), [10, 50]);
  t.throws(() => parsePartitionLimitation("4-2"), KedaConfigError, "a backwards range is an error");
  t.throws(() => meta({ lagThreshold: "0" }), /lagThreshold" must be positive/);
});

t.test("redis needs an address or a host and a port; prometheus key=value lists and null samples", async (t) => {
  t.throws(() => parseRedisMetadata({ type: "redis", metadata: { listName: "q", host: "h" } }), /no address or host and port/);
  t.equal(parseRedisMetadata({ type: "redis", metadata: { listName: "q", host: "h", port: "1" } }).address, "h:1");
  t.throws(() => parsePrometheusMetadata({ type: "prometheus", metadata: { serverAddress: "s", query: "q" } }), /missing required parameter "threshold"/);
  const meta = { ignoreNullValues: true, query: "q" };
  t.same(executePromQuery(meta, 200, '{"data":{"result":[{"value":[1, null]}]}}'), { value: -1, error: null }, "a null sample leaves -1 without an error");
  t.match(executePromQuery(meta, 200, '{"data":{"result":[{"value":[1,"1"]},{"value":[1,"2"]}]}}'), { value: -1, error: /multiple elements/ });
  t.match(executePromQuery(meta, 200, "not json"), { value: -1, error: /cannot decode/ });
});

t.test("cron: metric names, time zones and the weekday-only end", async (t) => {
  t.equal(parseCronTimeFormat("*/5 ? * * 1,3"), "xSl5Qmxx1Cm3");
  const meta = parseCronMetadata({ type: "cron", metadata: { timezone: "Europe/Berlin", start: "0 8 * * *", end: "0 9 * * *", desiredReplicas: "3" } });
  t.equal(cronMetricSpec(meta, 1).metricName, "s1-cron-Europe-Berlin-08xxx-09xxx");
  t.same(cronMetricSpec(meta, 1).target, { type: "AverageValue", averageValueMilli: 1000 });
  // 2024-07-01 06:30 UTC = 08:30 CEST (inside), 07:30 UTC = 09:30 CEST (outside).
  t.same(cronMetricsAndActivity(meta, Date.UTC(2024, 6, 1, 6, 30) / 1000), { metricValueMilli: 3000, isActive: true });
  t.same(cronMetricsAndActivity(meta, Date.UTC(2024, 6, 1, 7, 30) / 1000), { metricValueMilli: 0, isActive: false });
  t.throws(() => parseCronMetadata({ type: "cron", metadata: { timezone: "Mars/Olympus", start: "0 8 * * *", end: "0 9 * * *", desiredReplicas: "3" } }), /unknown time zone/);
});

t.test("an unknown trigger type names the known ones", async (t) => {
  t.throws(() => buildScaler({ type: "rabbitmq", metadata: {} }), /unknown trigger type "rabbitmq"; known: redis, kafka, prometheus, cron, cpu, memory/);
});
