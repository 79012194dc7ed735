// A hand-written SVG line chart of STS calls per second, one panel per scenario, so docs/benchmarks.md can show
// where each cache sends its STS calls without a charting dependency.

export interface Series {
  readonly label: string;
  readonly color: string;
  /** STS calls in each second of the run. */
  readonly perSecond: Uint32Array;
}

export interface Panel {
  readonly title: string;
  readonly series: readonly Series[];
  /** A span to shade, in seconds from the start of the run. */
  readonly shade?: { readonly fromS: number; readonly toS: number; readonly label: string } | undefined;
}

const WIDTH = 960;
const PANEL_HEIGHT = 200;
const MARGIN = { left: 56, right: 16, top: 30, bottom: 34 };
const BIN_S = 30;
const TICKS = [0, 1, 3, 10, 30, 100, 300];
const LEGEND_X = 430;
const LEGEND_STEP = 200;

/**
 * One panel per scenario; x is minutes, y is the most STS calls in any one second of each 30-second bin, on a
 * log(1 + y) scale so a handful of calls per second and an SDK storm of hundreds both stay readable.
 */
export function stsRateChart(panels: readonly Panel[], caption: string): string {
  const height = panels.length * (PANEL_HEIGHT + MARGIN.top + MARGIN.bottom) + 24;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ` +
      `font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    `<text x="${MARGIN.left}" y="16" font-size="13">${escape(caption)}</text>`,
  ];
  panels.forEach((panel, index) => {
    parts.push(renderPanel(panel, 24 + index * (PANEL_HEIGHT + MARGIN.top + MARGIN.bottom)));
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

function renderPanel(panel: Panel, top: number): string {
  const seconds = Math.max(...panel.series.map((s) => s.perSecond.length));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const y0 = top + MARGIN.top + PANEL_HEIGHT;
  const yMax = Math.log1p(Math.max(TICKS.at(-1) ?? 300, ...panel.series.map((s) => Math.max(...s.perSecond))));
  const x = (second: number) => MARGIN.left + (second / seconds) * plotWidth;
  const y = (value: number) => y0 - (Math.log1p(value) / yMax) * PANEL_HEIGHT;
  const out: string[] = [`<text x="${MARGIN.left}" y="${top + MARGIN.top - 8}" font-weight="bold">${escape(panel.title)}</text>`];
  if (panel.shade !== undefined) {
    const { fromS, toS, label } = panel.shade;
    out.push(
      `<rect x="${x(fromS).toFixed(1)}" y="${y0 - PANEL_HEIGHT}" width="${(x(toS) - x(fromS)).toFixed(1)}" ` +
        `height="${PANEL_HEIGHT}" fill="#e6e6e6"/>`,
      `<text x="${(x(toS) + 4).toFixed(1)}" y="${y0 - PANEL_HEIGHT + 12}" fill="#666">${escape(label)}</text>`,
    );
  }
  for (const tick of TICKS) {
    out.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 6}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end">${tick}</text>`,
    );
  }
  for (let minute = 0; minute * 60 <= seconds; minute += 30) {
    out.push(`<text x="${x(minute * 60).toFixed(1)}" y="${y0 + 16}" text-anchor="middle">${minute}</text>`);
  }
  out.push(
    `<text x="${WIDTH - MARGIN.right}" y="${y0 + 30}" text-anchor="end">minutes</text>`,
    `<text x="14" y="${y0 - PANEL_HEIGHT / 2}" transform="rotate(-90 14 ${y0 - PANEL_HEIGHT / 2})" text-anchor="middle">` +
      "STS calls/s (max per 30 s)</text>",
  );
  panel.series.forEach((series, index) => {
    const points: string[] = [];
    for (let bin = 0; bin * BIN_S < series.perSecond.length; bin += 1) {
      let peak = 0;
      for (let s = bin * BIN_S; s < Math.min((bin + 1) * BIN_S, series.perSecond.length); s += 1) {
        peak = Math.max(peak, series.perSecond[s] ?? 0);
      }
      points.push(`${x(bin * BIN_S + BIN_S / 2).toFixed(1)},${y(peak).toFixed(1)}`);
    }
    out.push(
      `<polyline fill="none" stroke="${series.color}" stroke-width="1.4" points="${points.join(" ")}"/>`,
      `<rect x="${LEGEND_X + index * LEGEND_STEP}" y="${top + MARGIN.top - 14}" width="12" height="3" fill="${series.color}"/>`,
      `<text x="${LEGEND_X + index * LEGEND_STEP + 16}" y="${top + MARGIN.top - 9}">${escape(series.label)}</text>`,
    );
  });
  return out.join("\n");
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
