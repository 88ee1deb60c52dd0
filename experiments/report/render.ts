/**
 * Spec -> SVG (vega-lite compile, then vega's headless SVG renderer) and SVG -> PNG (resvg with
 * the DejaVu Sans files shipped by the npm package dejavu-fonts-ttf, never the system's fonts,
 * so the same spec gives the same PNG bytes on every machine).
 */
import { createRequire } from "node:module";
import path from "node:path";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

const require = createRequire(import.meta.url);

/** The TTF files resvg draws text with: regular for labels, bold for titles. */
export function fontFiles(): string[] {
  const dir = path.dirname(require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"));
  return [path.join(dir, "DejaVuSans.ttf"), path.join(dir, "DejaVuSans-Bold.ttf")];
}

export interface Compiled {
  vega: vega.Spec;
  /** vega-lite's warnings (e.g. an encoding it dropped); the report's own specs have none. */
  warnings: string[];
}

/** vega-lite -> vega, collecting warnings instead of printing them to the console. */
export function compileSpec(spec: TopLevelSpec): Compiled {
  const warnings: string[] = [];
  const logger = {
    level(): number {
      return 2;
    },
    error(...args: unknown[]) {
      warnings.push(`error: ${args.map(String).join(" ")}`);
      return this;
    },
    warn(...args: unknown[]) {
      warnings.push(args.map(String).join(" "));
      return this;
    },
    info() {
      return this;
    },
    debug() {
      return this;
    },
  };
  // compile() mutates nothing we pass it, but the spec may be shared: give it a copy anyway.
  const out = compile(structuredClone(spec), { logger: logger as never });
  return { vega: out.spec as vega.Spec, warnings };
}

/**
 * Renames the ids vega's SVG renderer draws from process-wide counters (`clip1`, `gradient_0`),
 * which would differ between two renders of the same spec, to `<prefix>-clip-<n>` numbered in
 * order of appearance. The prefix also keeps ids unique when several SVGs share one HTML page
 * (a duplicate id would make one chart clip by another's rectangle).
 */
export function stableIds(svg: string, prefix: string): string {
  const safe = prefix.replace(/[^A-Za-z0-9_-]/g, "_");
  const ids = new Map<string, string>();
  const rename = (id: string): string => {
    let r = ids.get(id);
    if (r === undefined) ids.set(id, (r = `${safe}-${id.replace(/\d+$/, "").replace(/_$/, "")}-${ids.size + 1}`));
    return r;
  };
  // First pass assigns names in order of the definitions, second rewrites the references.
  const defined = svg.replace(/ id="((?:p_)?(?:clip|gradient_)\d+)"/g, (_m, id: string) => ` id="${rename(id)}"`);
  return defined.replace(/url\(#((?:p_)?(?:clip|gradient_)\d+)\)/g, (m, id: string) => {
    const r = ids.get(id);
    return r === undefined ? m : `url(#${r})`;
  });
}

/** Renders a vega-lite spec to SVG text. `idPrefix` names the chart's clip ids (see stableIds). */
export async function renderSvg(spec: TopLevelSpec, idPrefix = "chart"): Promise<string> {
  const { vega: vgSpec, warnings } = compileSpec(spec);
  if (warnings.some((w) => w.startsWith("error:"))) throw new Error(`vega-lite: ${warnings.join("; ")}`);
  // renderer "none": no canvas or DOM; toSVG() builds the markup from the scenegraph.
  const view = new vega.View(vega.parse(vgSpec), { renderer: "none", logLevel: vega.Warn });
  try {
    const svg = await view.toSVG();
    return stableIds(svg, idPrefix);
  } finally {
    view.finalize();
  }
}

/** Renders SVG text to PNG bytes at `scale` times the SVG's size (2 = sharp on print and HiDPI). */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    font: {
      fontFiles: fontFiles(),
      loadSystemFonts: false,
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
    },
  });
  return new Uint8Array(resvg.render().asPng());
}
