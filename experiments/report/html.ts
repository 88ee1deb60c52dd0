/**
 * report.html: one self-contained page (inline SVG, inline CSS, no scripts, no network) that
 * opens from file:// on a machine with no internet. Every piece of run text (scenario name and
 * description, names, event messages, summary cells) goes through `escapeHtml`: a scenario file
 * is user input and must not be able to run script in whoever opens the report.
 */
import type { ControllerDecisions, DecisionRow, EventRow, RunData } from "./types.js";

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

export interface RenderedChart {
  name: string;
  title: string;
  /** SVG markup from render.ts (vega escapes the text it draws). */
  svg: string;
}

export interface HtmlOptions {
  /** Rows shown in the decisions and events tables (the last N of each). */
  lastRows?: number;
  /** Title of the page if the manifest has no scenario name. */
  fallbackTitle?: string;
}

function table(headers: readonly string[], rows: readonly (readonly unknown[])[], className: string): string {
  const head = `<tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("\n");
  return `<table class="${className}">\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

const cell = (v: number | null): string => (v === null ? "" : String(v));

function decisionsTable(decisions: readonly DecisionRow[], n: number): string {
  const rows = decisions.slice(-n).map((d) => [
    d.time_s,
    d.hpa,
    cell(d.current_replicas),
    d.metrics,
    cell(d.metric_desired_replicas),
    cell(d.stabilized_replicas),
    cell(d.limited_replicas),
    cell(d.desired_replicas),
    d.rescale ? "yes" : "",
    d.path,
    d.stabilization_reason,
    d.limiting_reason,
  ]);
  const headers = ["time (s)", "HPA", "current", "metrics", "metric desired", "stabilized", "limited", "desired", "rescale", "path", "stabilization reason", "limiting reason"];
  return table(headers, rows, "decisions");
}

/** The rescales first (what a reader looks for), then the most recent syncs. */
/**
 * A controller plugin's decisions: with an `action` column, the rows that scaled first (as the
 * HPA's rescales), then the last rows whatever they say.
 */
function controllerSection(c: ControllerDecisions, n: number): string {
  const action = c.columns.indexOf("action");
  const scaled = action < 0 ? [] : c.rows.filter((r) => /^scale/.test(r[action] ?? ""));
  const parts = [`<section id="controller-${escapeHtml(c.name)}">`, `<h2>Controller ${escapeHtml(c.name)}: decisions</h2>`];
  if (c.rows.length === 0) {
    parts.push(`<p class="note">No decisions recorded.</p>`);
  } else {
    if (action >= 0) parts.push(scaled.length === 0 ? `<p class="note">No rescale in this run.</p>` : `${lastNote(scaled.length, n, "rescales")}\n${table(c.columns, scaled.slice(-n), "decisions")}`);
    parts.push(lastNote(c.rows.length, n, "decisions"), table(c.columns, c.rows.slice(-n), "decisions"));
  }
  parts.push("</section>");
  return parts.join("\n");
}

function decisionsSection(decisions: readonly DecisionRow[], n: number): string {
  const rescales = decisions.filter((d) => d.rescale);
  return [
    "<h3>Rescales</h3>",
    rescales.length === 0 ? `<p class="note">No rescale in this run.</p>` : `${lastNote(rescales.length, n, "rescales")}\n${decisionsTable(rescales, n)}`,
    "<h3>Recent syncs</h3>",
    lastNote(decisions.length, n, "decisions"),
    decisionsTable(decisions, n),
  ].join("\n");
}

function eventsTable(events: readonly EventRow[], n: number): string {
  const rows = events.slice(-n).map((e) => [e.time_s, e.component, e.kind, e.name, e.event, e.reason, e.message]);
  return table(["time (s)", "component", "kind", "name", "event", "reason", "message"], rows, "events");
}

function lastNote(total: number, n: number, noun: string): string {
  return total > n ? `<p class="note">The last ${n} of ${total} ${escapeHtml(noun)}.</p>` : "";
}

const STYLE = `
body { font-family: "DejaVu Sans", Verdana, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; }
.description { white-space: pre-wrap; color: #444; }
.meta { color: #666; font-size: 0.9em; }
figure { margin: 1.5em 0; overflow-x: auto; }
figure svg { display: block; }
figcaption { font-size: 0.85em; color: #666; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
td { white-space: pre-wrap; }
.note { color: #666; font-size: 0.85em; }
`;

/** The report page. Pure: run data and rendered charts in, HTML text out. */
export function reportHtml(run: RunData, charts: readonly RenderedChart[], options: HtmlOptions = {}): string {
  const n = options.lastRows ?? 50;
  const scenario = run.manifest.scenario ?? {};
  const name = scenario.name ?? options.fallbackTitle ?? "kubesim run";
  const meta: string[] = [];
  if (run.manifest.seed !== undefined) meta.push(`seed ${escapeHtml(run.manifest.seed)}`);
  if (run.manifest.slo?.latencyP95_ms !== undefined) meta.push(`SLO p95 latency ${escapeHtml(run.manifest.slo.latencyP95_ms)} ms`);

  const summaryKeys = Object.keys(run.summary);
  const summary =
    summaryKeys.length === 0
      ? `<p class="note">No summary.csv.</p>`
      : table(["metric", "value"], summaryKeys.map((k) => [k, run.summary[k]]), "summary");

  const figures = charts
    .map(
      (c) => `<figure id="chart-${escapeHtml(c.name)}" class="chart" data-chart="${escapeHtml(c.name)}">
${c.svg}
<figcaption>${escapeHtml(c.title)} — <a href="charts/${escapeHtml(c.name)}.vl.json">vega-lite spec</a>, <a href="charts/${escapeHtml(c.name)}.png">PNG</a></figcaption>
</figure>`,
    )
    .join("\n");

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(name)} — kubesim report</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(name)}</h1>
${scenario.description !== undefined ? `<p class="description">${escapeHtml(scenario.description)}</p>` : ""}
${meta.length > 0 ? `<p class="meta">${meta.join(" · ")}</p>` : ""}
</header>
<section id="summary">
<h2>Summary</h2>
${summary}
</section>
<section id="charts">
<h2>Charts</h2>
${charts.length === 0 ? `<p class="note">No chart: the run recorded no Deployment, Service or HPA series.</p>` : figures}
</section>
<section id="decisions">
<h2>HPA decisions</h2>
${run.decisions.length === 0 ? `<p class="note">No HPA decisions in this run.</p>` : decisionsSection(run.decisions, n)}
</section>
${run.controllerDecisions.map((c) => controllerSection(c, n)).join("\n")}
<section id="events">
<h2>Events</h2>
${lastNote(run.events.length, n, "events")}
${run.events.length === 0 ? `<p class="note">No events in this run.</p>` : eventsTable(run.events, n)}
</section>
</body>
</html>
`;
}
