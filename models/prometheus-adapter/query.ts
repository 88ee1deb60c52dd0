/**
 * PromQL query text, as a client such as KEDA's prometheus scaler sends it to /api/v1/query: the
 * subset kubesim's Prometheus evaluates, parsed into the pieces promql.ts computes.
 *
 *   query     := aggregate | function | selector
 *   aggregate := (sum | avg | min | max | count) [by (labels)] "(" query ")" [by (labels)]
 *   function  := (rate | increase) "(" selector "[" duration "]" ")"
 *   selector  := metric [ "{" label op "value", ... "}" ]      op: = != =~ !~
 *
 * Metrics are the series the scrape produces (prometheus.ts EXPOSED_METRICS), labels namespace,
 * pod and service; durations are Prometheus' (`30s`, `2m`, `1h30m`). Anything else is an error
 * naming what is supported, so a scenario learns at load time that its query is out of reach.
 */
import type { LabelMatcher, LabelName, MatchOp } from "./promql.js";

export type AggregateOp = "sum" | "avg" | "min" | "max" | "count";

export type Query =
  | { kind: "aggregate"; op: AggregateOp; by: LabelName[]; inner: Query }
  | { kind: "rate"; fn: "rate" | "increase"; metric: string; matchers: LabelMatcher[]; window_ms: number }
  | { kind: "selector"; metric: string; matchers: LabelMatcher[] };

const AGGREGATES: readonly string[] = ["sum", "avg", "min", "max", "count"];
const LABELS: readonly string[] = ["namespace", "pod", "service"];
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

export const SUPPORTED_QUERIES = "sum/avg/min/max/count [by (namespace|pod|service)] over rate(...) or increase(...) of metric{matchers}[window], or over metric{matchers}";

class Parser {
  private i = 0;

  constructor(private readonly text: string) {}

  parse(known: ReadonlySet<string>): Query {
    const q = this.query(known);
    this.space();
    if (this.i < this.text.length) this.fail(`unexpected ${JSON.stringify(this.text.slice(this.i, this.i + 12))}`);
    return q;
  }

  private query(known: ReadonlySet<string>): Query {
    const word = this.identifier();
    if (AGGREGATES.includes(word)) {
      let by = this.byClause();
      this.expect("(");
      const inner = this.query(known);
      this.expect(")");
      if (by === null) by = this.byClause();
      return { kind: "aggregate", op: word as AggregateOp, by: by ?? [], inner };
    }
    if (word === "rate" || word === "increase") {
      this.expect("(");
      const metric = this.metric(this.identifier(), known);
      const matchers = this.matchers();
      this.expect("[");
      const window_ms = this.duration();
      this.expect("]");
      this.expect(")");
      return { kind: "rate", fn: word, metric, matchers, window_ms };
    }
    if (this.peek() === "(") this.fail(`function or aggregation ${word}() is not evaluated`);
    return { kind: "selector", metric: this.metric(word, known), matchers: this.matchers() };
  }

  private metric(name: string, known: ReadonlySet<string>): string {
    if (!known.has(name)) this.fail(`no series ${JSON.stringify(name)} is scraped (kubesim's series: ${[...known].join(", ")})`);
    return name;
  }

  private byClause(): LabelName[] | null {
    this.space();
    if (!this.text.startsWith("by", this.i) || /[A-Za-z0-9_]/.test(this.text[this.i + 2] ?? "")) return null;
    this.i += 2;
    this.expect("(");
    const labels: LabelName[] = [];
    while (this.peek() !== ")") {
      const label = this.identifier();
      if (!LABELS.includes(label)) this.fail(`label ${JSON.stringify(label)}: kubesim's series carry only ${LABELS.join(", ")}`);
      labels.push(label as LabelName);
      if (this.peek() === ",") this.i++;
    }
    this.expect(")");
    return labels;
  }

  private matchers(): LabelMatcher[] {
    const out: LabelMatcher[] = [];
    if (this.peek() !== "{") return out;
    this.i++;
    while (this.peek() !== "}") {
      const name = this.identifier();
      this.space();
      const op = (["=~", "!~", "!=", "="] as const).find((o) => this.text.startsWith(o, this.i));
      if (op === undefined) this.fail(`expected a matcher operator after ${name}`);
      this.i += op!.length;
      out.push({ name, op: op as MatchOp, value: this.string() });
      if (this.peek() === ",") this.i++;
      else if (this.peek() !== "}") this.fail("expected , or } in the label matchers");
    }
    this.i++;
    return out;
  }

  private string(): string {
    this.space();
    const quote = this.text[this.i];
    if (quote !== '"' && quote !== "'") this.fail("expected a quoted label value");
    let out = "";
    for (this.i++; this.i < this.text.length; this.i++) {
      const c = this.text[this.i];
      if (c === quote) {
        this.i++;
        return out;
      }
      if (c === "\\") {
        this.i++;
        const e = this.text[this.i];
        out += e === "n" ? "\n" : e === "t" ? "\t" : e;
      } else {
        out += c;
      }
    }
    return this.fail("unterminated label value");
  }

  /** Prometheus durations: one or more `<int><unit>`, largest unit first. */
  private duration(): number {
    this.space();
    const m = /^(?:\d+(?:ms|s|m|h|d|w|y))+/.exec(this.text.slice(this.i));
    if (m === null) this.fail("expected a duration such as 30s, 2m or 1h30m");
    this.i += m![0].length;
    let total = 0;
    for (const [, n, unit] of m![0].matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(n) * DURATION_UNITS[unit];
    if (!(total > 0)) this.fail("a range must be longer than 0");
    return total;
  }

  private identifier(): string {
    this.space();
    const m = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(this.text.slice(this.i));
    if (m === null) this.fail(this.i >= this.text.length ? "unexpected end of the query" : `unexpected ${JSON.stringify(this.text[this.i])}`);
    this.i += m![0].length;
    return m![0];
  }

  private expect(c: string): void {
    if (this.peek() !== c) this.fail(`expected ${JSON.stringify(c)}`);
    this.i++;
  }

  private peek(): string | undefined {
    this.space();
    return this.text[this.i];
  }

  private space(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i])) this.i++;
  }

  private fail(message: string): never {
    throw new QueryError(`${message} (at character ${this.i + 1}); kubesim evaluates ${SUPPORTED_QUERIES}`);
  }
}

export class QueryError extends Error {
  override readonly name = "QueryError";
}

/** Parses a query over the `known` series; a QueryError says what is wrong and what is supported. */
export function parseQuery(text: string, known: ReadonlySet<string>): Query {
  return new Parser(text).parse(known);
}
