// A line chart as inline SVG, drawn here so the report needs no library and no network: one
// line per top_p, one point per setting, the suggested default and max marked.
import { escapeHtml } from './html.ts';

export type ChartPoint = { x: number; y: number | null; label: string };
export type ChartSeries = { name: string; points: ChartPoint[] };
export type ChartMarker = { x: number; label: string };

export type ChartSpec = {
  id: string;
  title: string;
  series: ChartSeries[];
  /** Rates and similarities are 0–1; a length picks its own scale. */
  yMax: number | 'auto';
  percent: boolean;
  markers: ChartMarker[];
};

const WIDTH = 440;
const HEIGHT = 250;
const LEFT = 48;
const RIGHT = 16;
const TOP = 16;
const BOTTOM = 40;
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((candidate) => candidate * power >= value) ?? 10;
  return step * power;
}

function round(value: number): string {
  return String(Math.round(value * 10) / 10);
}

export function lineChart(spec: ChartSpec): string {
  const xs = [...new Set(spec.series.flatMap((series) => series.points.map((point) => point.x)))].sort((a, b) => a - b);
  const ys = spec.series.flatMap((series) => series.points.map((point) => point.y)).filter((y) => y !== null);
  const xMin = xs[0] ?? 0;
  const xMax = xs.at(-1) ?? 1;
  const yMax = spec.yMax === 'auto' ? niceMax(Math.max(0, ...ys)) : spec.yMax;
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const sx = (x: number) => LEFT + (xMax === xMin ? plotW / 2 : ((x - xMin) / (xMax - xMin)) * plotW);
  const sy = (y: number) => TOP + plotH - (y / yMax) * plotH;
  const format = (y: number) => (spec.percent ? `${Math.round(y * 100)}%` : yMax <= 1 ? y.toFixed(2) : round(y));

  const parts: string[] = [];
  for (let i = 0; i <= 4; i += 1) {
    const y = (yMax * i) / 4;
    parts.push(`<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${round(sy(y))}" y2="${round(sy(y))}"/>`);
    parts.push(`<text class="tick" x="${LEFT - 6}" y="${round(sy(y) + 4)}" text-anchor="end">${escapeHtml(format(y))}</text>`);
  }
  for (const x of xs) {
    parts.push(`<text class="tick" x="${round(sx(x))}" y="${HEIGHT - BOTTOM + 16}" text-anchor="middle">${x}</text>`);
  }
  parts.push(`<text class="axis" x="${LEFT + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle">temperature</text>`);
  for (const marker of spec.markers) {
    parts.push(`<line class="marker" x1="${round(sx(marker.x))}" x2="${round(sx(marker.x))}" y1="${TOP}" y2="${TOP + plotH}"/>`);
    parts.push(`<text class="marker-label" x="${round(sx(marker.x) + 3)}" y="${TOP + plotH - 4}">${escapeHtml(marker.label)}</text>`);
  }
  spec.series.forEach((series, index) => {
    const color = COLORS[index % COLORS.length] ?? '#2563eb';
    // A missing score (no answer at that setting) breaks the line instead of faking a value.
    let run: string[] = [];
    const flush = () => {
      if (run.length > 1) parts.push(`<polyline class="line" fill="none" stroke="${color}" points="${run.join(' ')}"/>`);
      run = [];
    };
    for (const point of series.points) {
      if (point.y === null) {
        flush();
        continue;
      }
      run.push(`${round(sx(point.x))},${round(sy(point.y))}`);
    }
    flush();
    for (const point of series.points) {
      if (point.y === null) continue;
      parts.push(`<circle class="point" data-series="${escapeHtml(series.name)}" data-x="${point.x}" data-y="${point.y}" cx="${round(sx(point.x))}" cy="${round(sy(point.y))}" r="4" fill="${color}"><title>${escapeHtml(`${point.label}: ${format(point.y)}`)}</title></circle>`);
    }
  });
  const legend = spec.series.length > 1
    ? `<figcaption class="legend">${spec.series.map((series, index) => `<span style="color:${COLORS[index % COLORS.length] ?? '#2563eb'}">● ${escapeHtml(series.name)}</span>`).join(' ')}</figcaption>`
    : '';
  return `<figure class="chart" id="${escapeHtml(spec.id)}" data-score="${escapeHtml(spec.id)}"><h3>${escapeHtml(spec.title)}</h3><svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(spec.title)} against temperature">${parts.join('')}</svg>${legend}</figure>`;
}
