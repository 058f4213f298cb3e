/**
 * Small static SVG charts for the printed report: stacked bars over time, horizontal bars, and
 * lines per brand. Drawn on the server so the HTML report needs no script and prints the same
 * in any browser (the dashboard's ECharts is a build-time dependency of the web UI, not of the
 * server); only what a page of paper needs: no interaction, no animation.
 */

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface Series {
  name: string;
  color: string;
  values: number[];
}

const W = 720;
const PAD = { left: 44, right: 12, top: 12, bottom: 28 };

function niceMax(x: number): number {
  if (x <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  const m = x / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

function axis(max: number, h: number, fmt: (v: number) => string): string {
  const ticks = [0, max / 2, max];
  return ticks
    .map((v) => {
      const y = PAD.top + (h - PAD.top - PAD.bottom) * (1 - v / max);
      return `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" stroke="#d8dce4" stroke-width="1"/><text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end" font-size="10" fill="#596274">${escapeHtml(fmt(v))}</text>`;
    })
    .join('');
}

function xLabels(labels: string[], h: number, step: number): string {
  const every = Math.max(1, Math.ceil(labels.length / 8));
  return labels
    .map((l, i) =>
      i % every === 0
        ? `<text x="${PAD.left + step * (i + 0.5)}" y="${h - 10}" text-anchor="middle" font-size="10" fill="#596274">${escapeHtml(l)}</text>`
        : '',
    )
    .join('');
}

function legend(series: Series[]): string {
  return `<div class="legend">${series
    .map(
      (s) => `<span><i style="background:${escapeHtml(s.color)}"></i>${escapeHtml(s.name)}</span>`,
    )
    .join('')}</div>`;
}

/** Stacked bars, one per bucket (volume by sentiment over time). */
export function stackedBars(
  labels: string[],
  series: Series[],
  title: string,
  fmt: (v: number) => string,
  h = 220,
): string {
  const totals = labels.map((_, i) => series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const plotH = h - PAD.top - PAD.bottom;
  const step = (W - PAD.left - PAD.right) / Math.max(1, labels.length);
  const bars = labels
    .map((_, i) => {
      let y = PAD.top + plotH;
      return series
        .map((s) => {
          const v = s.values[i] ?? 0;
          const bh = (plotH * v) / max;
          y -= bh;
          return v > 0
            ? `<rect x="${PAD.left + step * i + step * 0.1}" y="${y}" width="${step * 0.8}" height="${bh}" fill="${escapeHtml(s.color)}"/>`
            : '';
        })
        .join('');
    })
    .join('');
  return `<figure><svg viewBox="0 0 ${W} ${h}" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg">${axis(max, h, fmt)}${bars}${xLabels(labels, h, step)}</svg>${legend(series)}</figure>`;
}

/** Lines, one per series (share of voice per brand over time); `max` fixes the scale. */
export function lines(
  labels: string[],
  series: Series[],
  title: string,
  fmt: (v: number) => string,
  max?: number,
  h = 220,
): string {
  const top = max ?? niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const plotH = h - PAD.top - PAD.bottom;
  const step = (W - PAD.left - PAD.right) / Math.max(1, labels.length);
  const paths = series
    .map((s) => {
      const pts = s.values.map(
        (v, i) => `${PAD.left + step * (i + 0.5)},${PAD.top + plotH * (1 - (v ?? 0) / top)}`,
      );
      return `<polyline fill="none" stroke="${escapeHtml(s.color)}" stroke-width="2" points="${pts.join(' ')}"/>`;
    })
    .join('');
  return `<figure><svg viewBox="0 0 ${W} ${h}" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg">${axis(top, h, fmt)}${paths}${xLabels(labels, h, step)}</svg>${legend(series)}</figure>`;
}

/** Horizontal bars with their values (sources, languages). */
export function hbars(
  items: Array<{ label: string; value: number }>,
  title: string,
  color: string,
  fmt: (v: number) => string,
): string {
  const rowH = 20;
  const h = items.length * rowH + 8;
  const labelW = 150;
  const max = Math.max(1, ...items.map((i) => i.value));
  const body = items
    .map((it, i) => {
      const y = 4 + i * rowH;
      const bw = ((W / 2 - labelW - 60) * it.value) / max;
      return `<text x="${labelW - 6}" y="${y + 13}" text-anchor="end" font-size="11" fill="#1a1f2e">${escapeHtml(it.label)}</text><rect x="${labelW}" y="${y + 3}" width="${bw}" height="${rowH - 6}" fill="${escapeHtml(color)}"/><text x="${labelW + bw + 4}" y="${y + 13}" font-size="10" fill="#596274">${escapeHtml(fmt(it.value))}</text>`;
    })
    .join('');
  return `<figure><svg viewBox="0 0 ${W / 2} ${h}" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg">${body}</svg></figure>`;
}
