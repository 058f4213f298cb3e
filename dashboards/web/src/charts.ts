import { BarChart, LineChart, PieChart } from 'echarts/charts';
import {
  AriaComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { axisTime } from './format.ts';

// Only the pieces used here are registered, which keeps ECharts' share of the bundle small.
echarts.use([
  BarChart,
  LineChart,
  PieChart,
  AriaComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;
export type Chart = echarts.ECharts;

/** Colours come from CSS custom properties, so charts follow the light or dark theme. */
export function palette(): {
  text: string;
  muted: string;
  grid: string;
  pos: string;
  neu: string;
  neg: string;
  unscored: string;
  accent: string;
  surface: string;
} {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string): string => css.getPropertyValue(name).trim();
  return {
    text: v('--text'),
    muted: v('--muted'),
    grid: v('--grid'),
    pos: v('--pos'),
    neu: v('--neu'),
    neg: v('--neg'),
    unscored: v('--unscored'),
    accent: v('--accent'),
    surface: v('--surface'),
  };
}

const live = new Set<Chart>();
/** Each live chart's first complete render (see `chartsSettled`). */
const rendered = new Map<Chart, Promise<void>>();
/** Print view: no animation, so a chart is final at its first render. */
let still = false;
export function setStillCharts(on: boolean): void {
  still = on;
}

/**
 * Resolves when every chart mounted so far has finished its first render (ECharts' `finished`
 * event): the print view's ready marker waits for this, not for a guessed delay. A chart that
 * cannot render (no size) does not hold the page for ever: after `maxMs` it is let go.
 */
export async function chartsSettled(maxMs = 5_000): Promise<void> {
  const all = Promise.all(rendered.values()).then(() => undefined);
  await Promise.race([all, new Promise<void>((r) => window.setTimeout(r, maxMs))]);
}
const observer =
  typeof ResizeObserver === 'undefined'
    ? null
    : new ResizeObserver(() => {
        for (const c of live) c.resize();
      });

/**
 * Mounts a chart into `el` (which needs a height from CSS). `label` describes the chart for
 * screen readers (ECharts' aria module adds a generated summary of the data after it).
 */
export function mountChart(el: HTMLElement, option: ChartOption, label: string): Chart {
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', label);
  const chart = echarts.init(el, null, { renderer: 'canvas' });
  const p = palette();
  rendered.set(chart, new Promise<void>((resolve) => chart.on('finished', () => resolve())));
  chart.setOption({
    aria: { enabled: true, label: { description: label } },
    textStyle: { color: p.text, fontFamily: 'inherit' },
    animationDuration: 300,
    ...(still ? { animation: false } : {}),
    ...option,
  });
  live.add(chart);
  observer?.observe(el);
  el.dataset.chart = 'ready';
  // How many data points were drawn: lets a person (and the browser tests) tell an empty chart
  // from a populated one without reading pixels.
  el.dataset.points = String(countPoints(option));
  return chart;
}

/** Disposes every chart (called before a page re-renders). */
export function disposeCharts(): void {
  for (const c of live) {
    observer?.unobserve(c.getDom());
    c.dispose();
  }
  live.clear();
  rendered.clear();
}

export function axisStyle(): Record<string, unknown> {
  const p = palette();
  return {
    axisLine: { lineStyle: { color: p.grid } },
    axisLabel: { color: p.muted },
    splitLine: { lineStyle: { color: p.grid } },
  };
}

/** The time x-axis every chart uses: labels fitted to the span shown, no vertical grid. */
export function timeAxis(spanMs: number): Record<string, unknown> {
  const p = palette();
  return {
    type: 'time',
    ...axisStyle(),
    axisLabel: { color: p.muted, hideOverlap: true, formatter: (v: number) => axisTime(v, spanMs) },
    splitLine: { show: false },
  };
}

export function tooltipStyle(): Record<string, unknown> {
  const p = palette();
  return {
    backgroundColor: p.surface,
    borderColor: p.grid,
    textStyle: { color: p.text },
  };
}

function countPoints(option: ChartOption): number {
  const series = (option as { series?: unknown }).series;
  const list = Array.isArray(series) ? series : series ? [series] : [];
  let n = 0;
  for (const s of list) {
    const data = (s as { data?: unknown }).data;
    if (Array.isArray(data))
      n += data.filter((d) => {
        const v: unknown = Array.isArray(d)
          ? d[1]
          : typeof d === 'object' && d !== null
            ? (d as { value?: unknown }).value
            : d;
        return typeof v === 'number' && Number.isFinite(v);
      }).length;
  }
  return n;
}
