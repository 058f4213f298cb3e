import { AlertsSchema, HealthSchema, type Health } from '../api.ts';
import { axisStyle, mountChart, palette, timeAxis, tooltipStyle } from '../charts.ts';
import { brandAlertCounts } from '../alert-groups.ts';
import { brandColor, type PageContext } from '../context.ts';
import { emptyState, h, panel } from '../dom.ts';
import {
  formatCount,
  formatNet,
  formatPctChange,
  formatPointsDelta,
  formatShare,
  toneOf,
} from '../format.ts';
import { completeBuckets, pctChange, shareOfVoice, totalsFromSeries } from '../metrics.ts';
import { intervalMs, rangeLabel, rangeParams, rangeSpanMs } from '../period.ts';
import { navigate, toHash } from '../state.ts';
import { changePill, loading, sentimentBar } from '../widgets.ts';

/** Every brand at a glance: is it louder, happier, bigger than its rivals, and is anything on fire. */
export async function overviewPage(root: HTMLElement, ctx: PageContext): Promise<void> {
  const { state, brands } = ctx;
  root.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Overview'),
      h('p', { class: 'muted' }, `${ctx.workspace} · ${rangeLabel(state)} vs the period before`),
    ),
  );
  const grid = h('div', { class: 'cards', role: 'list' }, loading());
  root.append(grid);
  const range = rangeParams(state);
  const [healths, alerts, recent] = await Promise.all([
    Promise.all(
      brands.map((b) =>
        ctx.api.get(
          `/v1/brands/${encodeURIComponent(b.id)}/health`,
          range,
          HealthSchema,
          ctx.signal,
        ),
      ),
    ),
    ctx.api.get('/v1/alerts', { state: 'active' }, AlertsSchema, ctx.signal),
    // The newest alerts, resolved too: one that opened in the period shown (a spike found in
    // past data, a short incident) is named on the card beside the spike it explains.
    ctx.api.get('/v1/alerts', { limit: 200 }, AlertsSchema, ctx.signal),
  ]);
  const spanEnd = state.from && state.to ? Date.parse(state.to) : ctx.now().getTime();
  const spanStart = spanEnd - rangeSpanMs(state);
  const ok = new Map<string, Health>();
  healths.forEach((r, i) => {
    if (r.ok) ok.set(brands[i]!.id, r.data);
  });
  const totals = new Map([...ok].map(([id, hl]) => [id, hl.totals ?? totalsFromSeries(hl.series)]));
  const sov = shareOfVoice(Object.fromEntries([...totals].map(([id, t]) => [id, t.volume])));
  const prevSov = shareOfVoice(
    Object.fromEntries([...ok].map(([id, hl]) => [id, hl.previous?.volume ?? 0])),
  );
  const openAlerts = new Map<string, number>();
  if (alerts.ok)
    for (const a of alerts.data.alerts)
      if (a.brand && a.state !== 'resolved')
        openAlerts.set(a.brand, (openAlerts.get(a.brand) ?? 0) + 1);

  const pending: (() => void)[] = [];
  grid.replaceChildren(
    ...brands.map((b) => {
      const hl = ok.get(b.id);
      const t = totals.get(b.id);
      const href = toHash(navigate(state, 'brand', b.id));
      if (!hl || !t)
        return h(
          'article',
          { class: 'card brand-card', role: 'listitem' },
          h('h2', {}, h('a', { href }, b.name)),
          emptyState('No data for this brand.'),
        );
      const volumePct = hl.change?.volume_pct ?? pctChange(t.volume, hl.previous?.volume);
      const netDelta = hl.change?.net_sentiment_delta ?? null;
      const negDelta = hl.change?.negative_share_delta ?? null;
      const sovDelta = hl.previous ? (sov[b.id] ?? 0) - (prevSov[b.id] ?? 0) : null;
      const nAlerts = openAlerts.get(b.id) ?? 0;
      const nPast = recent.ok
        ? brandAlertCounts(recent.data.alerts, b.id, spanStart, spanEnd).inPeriod
        : 0;
      const spark = h('div', { class: 'sparkline' });
      const card = h(
        'article',
        {
          class: 'card brand-card',
          role: 'listitem',
          'data-brand': b.id,
          style: `--brand:${brandColor(brands, b.id)}`,
        },
        h(
          'header',
          { class: 'card-head' },
          h(
            'h2',
            {},
            h(
              'a',
              { href, class: 'stretched' },
              h('span', { class: 'dot', 'aria-hidden': 'true' }),
              b.name,
            ),
          ),
          nAlerts
            ? h(
                'a',
                {
                  class: 'badge badge-alert',
                  href: toHash({ ...navigate(state, 'alerts') }),
                  title: 'Open alerts',
                },
                `${nAlerts} open alert${nAlerts > 1 ? 's' : ''}`,
              )
            : nPast
              ? h(
                  'a',
                  {
                    class: 'badge badge-past',
                    href: toHash({ ...navigate(state, 'alerts'), alertState: 'all' }),
                    title:
                      'Alerts that opened in this period and are over (resolved or historical)',
                  },
                  `${nPast} alert${nPast > 1 ? 's' : ''} in this period`,
                )
              : alerts.ok
                ? h('span', { class: 'badge badge-ok' }, 'No open alerts')
                : null,
        ),
        h(
          'div',
          { class: 'card-metrics' },
          metric(
            'Mentions',
            formatCount(t.volume),
            volumePct === null
              ? null
              : changePill(
                  formatPctChange(volumePct),
                  toneOf(volumePct, true),
                  'vs previous period',
                ),
            'volume',
            t.volume,
          ),
          metric(
            'Net sentiment',
            formatNet(t.net_sentiment),
            netDelta === null
              ? null
              : changePill(
                  formatNet(netDelta).replace(/^0\.00$/, '±0.00'),
                  toneOf(netDelta, true, 0.005),
                  'vs previous period',
                ),
            'net',
            t.net_sentiment,
          ),
          metric(
            'Share of voice',
            formatShare(sov[b.id] ?? null),
            sovDelta === null
              ? null
              : changePill(
                  formatPointsDelta(sovDelta),
                  toneOf(sovDelta, true, 0.0005),
                  'vs previous period',
                ),
            'sov',
            sov[b.id],
          ),
        ),
        spark,
        sentimentBar(t.positive, t.neutral, t.negative),
        h(
          'p',
          { class: 'card-foot muted' },
          `${formatShare(t.positive_share)} positive · ${formatShare(t.negative_share)} negative`,
          negDelta !== null && Math.abs(negDelta) >= 0.005
            ? h(
                'span',
                { class: `tone-${toneOf(negDelta, false)}` },
                ` (${formatPointsDelta(negDelta)})`,
              )
            : null,
        ),
      );
      pending.push(() => sparkline(spark, hl, brandColor(brands, b.id)));
      return card;
    }),
  );
  for (const mount of pending) mount();
  if (!alerts.ok && alerts.status !== 404)
    root.append(h('p', { class: 'muted' }, `Alerts are unavailable: ${alerts.message}`));

  if (ok.size === 0) {
    root.append(
      emptyState('No brand data for this period.', 'Is the pipeline running? Try a longer period.'),
    );
    return;
  }
  const volumeChart = h('div', { class: 'chart chart-tall' });
  const sovChart = h('div', { class: 'chart chart-tall' });
  root.append(
    h(
      'div',
      { class: 'two-col' },
      panel('volume', 'Mentions over time', volumeChart),
      panel('sov', 'Share of voice', sovChart),
    ),
  );
  const span = rangeSpanMs(state);
  const p = palette();
  mountChart(
    volumeChart,
    {
      tooltip: { trigger: 'axis', ...tooltipStyle() },
      legend: { top: 0, textStyle: { color: p.text } },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: timeAxis(span),
      yAxis: { type: 'value', ...axisStyle() },
      series: [...ok].map(([id, hl]) => ({
        name: brands.find((b) => b.id === id)?.name ?? id,
        type: 'line',
        showSymbol: false,
        smooth: 0.3,
        lineStyle: { width: 2 },
        color: brandColor(brands, id),
        data: completeBuckets(hl.series, intervalMs(hl.interval), hl.to).map((pt) => [
          Date.parse(pt.t),
          pt.volume,
        ]),
      })),
    },
    'Mentions over time, one line per brand',
  );
  mountChart(
    sovChart,
    {
      tooltip: {
        trigger: 'item',
        ...tooltipStyle(),
        valueFormatter: (v: number) => formatCount(v),
      },
      legend: { bottom: 0, textStyle: { color: p.text } },
      series: [
        {
          type: 'pie',
          radius: ['48%', '72%'],
          center: ['50%', '45%'],
          itemStyle: { borderColor: p.surface, borderWidth: 2 },
          // Labels only where there is room for them; the legend names the slices anyway.
          label: { show: sovChart.clientWidth > 480, color: p.text, formatter: '{b} {d}%' },
          data: [...totals].map(([id, t]) => ({
            name: brands.find((b) => b.id === id)?.name ?? id,
            value: t.volume,
            itemStyle: { color: brandColor(brands, id) },
          })),
        },
      ],
    },
    'Share of voice: each brand’s share of all mentions in the period',
  );
}

function metric(
  label: string,
  value: string,
  change: HTMLElement | null,
  id: string,
  raw: number | null | undefined,
): HTMLElement {
  return h(
    'div',
    { class: 'metric', 'data-metric': id },
    h('div', { class: 'metric-label' }, label),
    h('div', { class: 'metric-value', 'data-value': raw ?? undefined }, value),
    change,
  );
}

function sparkline(el: HTMLElement, hl: Health, color: string): void {
  mountChart(
    el,
    {
      grid: { left: 0, right: 0, top: 4, bottom: 0 },
      xAxis: { type: 'time', show: false },
      yAxis: { type: 'value', show: false, min: 0 },
      series: [
        {
          type: 'line',
          showSymbol: false,
          smooth: 0.3,
          color,
          lineStyle: { width: 2 },
          areaStyle: { opacity: 0.15 },
          data: completeBuckets(hl.series, intervalMs(hl.interval), hl.to).map((pt) => [
            Date.parse(pt.t),
            pt.volume,
          ]),
        },
      ],
      animation: false,
    },
    `Mentions of ${hl.brand} over time`,
  );
}
