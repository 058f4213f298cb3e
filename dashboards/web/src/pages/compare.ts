import {
  CompareSchema,
  TopicsSchema,
  type Compare,
  type EstimateValue,
  type Topic,
  type VerdictValue,
} from '../api.ts';
import { axisStyle, mountChart, palette, timeAxis, tooltipStyle } from '../charts.ts';
import { brandColor, brandName, type PageContext } from '../context.ts';
import { emptyState, h, panel } from '../dom.ts';
import { downloadGroup, reportButton } from '../downloads.ts';
import { formatCount, formatNet, formatPctChange, formatShare, localeNumber } from '../format.ts';
import { uniqueTopics } from '../metrics.ts';
import { rangeLabel, rangeParams, rangeSpanMs, shortDateTime } from '../period.ts';
import { navigate, toHash } from '../state.ts';
import { verdictBadge } from '../verdicts.ts';
import { loading } from '../widgets.ts';

/** Brands side by side, with the uncertainty the API reports (95 % Wilson intervals). */
export async function comparePage(root: HTMLElement, ctx: PageContext): Promise<void> {
  const { state, brands } = ctx;
  const known = new Set(brands.map((b) => b.id));
  const chosen = state.brands.filter((b) => known.has(b));
  const ids = chosen.length > 0 ? chosen : brands.map((b) => b.id);
  root.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Compare'),
      h('p', { class: 'muted' }, `${rangeLabel(state)} · share of voice is of the brands shown`),
      reportButton(ctx, 'compare', () => ids),
    ),
    h(
      'fieldset',
      { class: 'brand-picker' },
      h('legend', {}, 'Brands'),
      ...brands.map((b) =>
        h(
          'label',
          { style: `--brand:${brandColor(brands, b.id)}` },
          h('input', {
            type: 'checkbox',
            name: 'brand',
            value: b.id,
            checked: ids.includes(b.id),
            onchange: (e: Event) => {
              const on = (e.target as HTMLInputElement).checked;
              const next = on ? [...ids, b.id] : ids.filter((x) => x !== b.id);
              if (next.length === 0) return void ((e.target as HTMLInputElement).checked = true);
              ctx.go({ brands: brands.map((x) => x.id).filter((x) => next.includes(x)) });
            },
          }),
          h('span', { class: 'dot', 'aria-hidden': 'true' }),
          b.name,
        ),
      ),
    ),
  );
  const tableSlot = h('div', {}, loading());
  const notice = h('div', { class: 'coverage-notice' });
  root.append(
    notice,
    panel(
      'compare-table',
      'Side by side',
      tableSlot,
      downloadGroup(ctx, 'compare', () => ids),
    ),
  );
  const range = rangeParams(state);
  const [cmp, ...topics] = await Promise.all([
    ctx.api.get('/v1/compare', { ...range, brands: ids.join(',') }, CompareSchema, ctx.signal),
    ...ids.map((id) =>
      ctx.api.get(
        `/v1/brands/${encodeURIComponent(id)}/topics`,
        { ...range, limit: 20 },
        TopicsSchema,
        ctx.signal,
      ),
    ),
  ]);
  if (!cmp.ok) {
    tableSlot.replaceChildren(emptyState('Comparison is unavailable.', cmp.message));
    return;
  }
  const data = cmp.data;
  tableSlot.replaceChildren(compareTable(data, ctx, state));
  // "Last 7 days" over 3 days of data must say so, or the reader compares against nothing.
  if (data.coverage && !data.coverage.complete)
    notice.replaceChildren(
      h(
        'p',
        { class: 'notice', role: 'note', 'data-since': data.coverage.data_since ?? '' },
        data.coverage.data_since
          ? `Data since ${shortDateTime(data.coverage.data_since)}: the period asked starts before it, so it holds less than it says.`
          : 'No data for these brands yet.',
      ),
    );

  const sovChart = h('div', { class: 'chart chart-tall' });
  const netChart = h('div', { class: 'chart chart-tall' });
  const shareChart = h('div', { class: 'chart' });
  root.append(
    h(
      'div',
      { class: 'two-col' },
      panel('sov-time', 'Share of voice over time', sovChart),
      panel('net-time', 'Net sentiment over time', netChart),
    ),
    panel('shares', 'Positive and negative share (95 % interval)', shareChart),
  );
  const span = rangeSpanMs(state);
  const p = palette();
  const xAxis = timeAxis(span);
  const perBrand = (key: 'share_of_voice' | 'net_sentiment'): Record<string, unknown>[] =>
    data.brands.map((b) => ({
      name: b.name ?? brandName(brands, b.brand),
      type: 'line',
      showSymbol: false,
      smooth: 0.3,
      color: brandColor(brands, b.brand),
      ...(key === 'share_of_voice'
        ? { stack: 'sov', areaStyle: { opacity: 0.55 }, lineStyle: { width: 1 } }
        : { lineStyle: { width: 2 } }),
      data: data.series.map((s) => [Date.parse(s.t), s[key]?.[b.brand] ?? null]),
    }));
  mountChart(
    sovChart,
    {
      tooltip: {
        trigger: 'axis',
        ...tooltipStyle(),
        valueFormatter: (v: number | null) => formatShare(v),
      },
      legend: { top: 0, textStyle: { color: p.text } },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis,
      yAxis: {
        type: 'value',
        min: 0,
        max: 1,
        ...axisStyle(),
        axisLabel: { color: p.muted, formatter: (v: number) => formatShare(v) },
      },
      series: perBrand('share_of_voice'),
    },
    'Share of voice over time, stacked to 100 percent',
  );
  mountChart(
    netChart,
    {
      tooltip: {
        trigger: 'axis',
        ...tooltipStyle(),
        valueFormatter: (v: number | null) => formatNet(v),
      },
      legend: { top: 0, textStyle: { color: p.text } },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis,
      yAxis: { type: 'value', min: -1, max: 1, ...axisStyle() },
      series: perBrand('net_sentiment'),
    },
    'Net sentiment over time, one line per brand',
  );
  // Interval bars: an invisible bar up to the lower bound, then the interval on top of it.
  const names = data.brands.map((b) => b.name ?? brandName(brands, b.brand));
  const ci = (e: EstimateValue | undefined): [number, number] =>
    e?.ci95 ?? [e?.value ?? 0, e?.value ?? 0];
  const rangeBars = (
    label: string,
    key: 'positive_share' | 'negative_share',
    color: string,
  ): Record<string, unknown>[] => [
    {
      name: `${label} lower`,
      type: 'bar',
      stack: key,
      silent: true,
      itemStyle: { color: 'transparent' },
      tooltip: { show: false },
      data: data.brands.map((b) => ci(b[key])[0]),
    },
    {
      name: label,
      type: 'bar',
      stack: key,
      color,
      barMaxWidth: 26,
      label: {
        show: true,
        position: 'right',
        color: palette().text,
        formatter: (x: { dataIndex: number }) =>
          formatShare(data.brands[x.dataIndex]?.[key]?.value ?? null, 1),
      },
      data: data.brands.map((b) => ci(b[key])[1] - ci(b[key])[0]),
    },
  ];
  mountChart(
    shareChart,
    {
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        ...tooltipStyle(),
        formatter: (items: { dataIndex: number }[]) => {
          const b = data.brands[items[0]?.dataIndex ?? 0];
          if (!b) return '';
          return `${b.name ?? b.brand}<br>positive ${estimate(b.positive_share)}<br>negative ${estimate(b.negative_share)}`;
        },
      },
      legend: { top: 0, data: ['Positive', 'Negative'], textStyle: { color: p.text } },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      xAxis: {
        type: 'value',
        min: 0,
        max: 1,
        ...axisStyle(),
        axisLabel: { color: p.muted, formatter: (v: number) => formatShare(v) },
      },
      yAxis: {
        type: 'category',
        data: names,
        inverse: true,
        ...axisStyle(),
        splitLine: { show: false },
      },
      series: [
        ...rangeBars('Positive', 'positive_share', p.pos),
        ...rangeBars('Negative', 'negative_share', p.neg),
      ],
    },
    'Positive and negative share per brand; each bar spans the 95 percent interval',
  );

  const byBrand: Record<string, Topic[]> = {};
  topics.forEach((r, i) => {
    if (r.ok) byBrand[ids[i]!] = r.data.top;
  });
  const unique = uniqueTopics(byBrand);
  const anyTopics = Object.keys(byBrand).length > 0;
  root.append(
    panel(
      'unique-topics',
      'Topics unique to each brand',
      anyTopics
        ? h(
            'div',
            { class: 'columns' },
            ...ids.map((id) =>
              h(
                'div',
                { class: 'column', style: `--brand:${brandColor(brands, id)}`, 'data-brand': id },
                h(
                  'h3',
                  {},
                  h('span', { class: 'dot', 'aria-hidden': 'true' }),
                  brandName(brands, id),
                ),
                (unique[id] ?? []).length
                  ? h(
                      'ul',
                      { class: 'chips' },
                      ...(unique[id] ?? []).slice(0, 12).map((t) =>
                        h(
                          'li',
                          {},
                          h(
                            'a',
                            {
                              class: 'chip',
                              href: toHash({ ...navigate(state, 'brand', id), topic: t.id }),
                            },
                            h('bdi', {}, t.label),
                            h('span', { class: 'muted' }, ` ${formatCount(t.volume)}`),
                          ),
                        ),
                      ),
                    )
                  : h(
                      'p',
                      { class: 'muted' },
                      !byBrand[id]
                        ? 'Topics unavailable.'
                        : byBrand[id].length === 0
                          ? 'No topics in this period.'
                          : 'No topic of its own: it shares all of them with the others.',
                    ),
              ),
            ),
          )
        : emptyState('Topics are not available on this server yet.'),
    ),
  );
}

function estimate(e: EstimateValue | undefined): string {
  if (!e || e.value == null) return '–';
  return e.ci95
    ? `${formatShare(e.value, 1)} (${formatShare(e.ci95[0], 1)}–${formatShare(e.ci95[1], 1)})`
    : formatShare(e.value, 1);
}

/** A share with its interval drawn as a bar, and the numbers in text for screen readers. */
function ciCell(e: EstimateValue | undefined): HTMLElement {
  if (!e || e.value == null) return h('td', { class: 'num' }, '–');
  const [lo, hi] = e.ci95 ?? [e.value, e.value];
  return h(
    'td',
    { class: 'num ci' },
    h(
      'span',
      { class: 'ci-text' },
      formatShare(e.value, 1),
      h('span', { class: 'muted ci-range' }, ` ${formatShare(lo, 1)}–${formatShare(hi, 1)}`),
    ),
    h(
      'span',
      { class: 'ci-bar', 'aria-hidden': 'true' },
      h('span', {
        class: 'ci-span',
        style: `left:${lo * 100}%;width:${Math.max(0.5, (hi - lo) * 100)}%`,
      }),
      h('span', { class: 'ci-dot', style: `left:${e.value * 100}%` }),
    ),
  );
}

type CompareRow = Compare['brands'][number];

/** A metric's cell with its verdicts: against the reference brand and the previous period. */
function withVerdicts(
  cell: HTMLElement,
  b: CompareRow,
  metric: string,
  refName: string,
  changePct?: number | null,
  upIsGood = true,
): HTMLElement {
  const vsRef: VerdictValue | undefined = (
    b.vs_reference as Record<string, VerdictValue | string> | null
  )?.[metric] as VerdictValue | undefined;
  const vsPrev: VerdictValue | undefined = (b.vs_previous as Record<string, VerdictValue>)[metric];
  const lines = [
    vsRef ? verdictBadge(vsRef, refName, upIsGood) : null,
    vsPrev
      ? verdictBadge(
          vsPrev,
          changePct === undefined ? 'previous' : `previous (${formatPctChange(changePct)})`,
          upIsGood,
        )
      : null,
  ].filter((x): x is HTMLElement => x !== null);
  if (lines.length) cell.append(h('span', { class: 'verdicts' }, ...lines));
  return cell;
}

/** Engagement per mention with its 95 % interval in text. */
function meanCell(e: EstimateValue | undefined): HTMLElement {
  if (!e || e.value == null) return h('td', { class: 'num' }, '–');
  return h(
    'td',
    { class: 'num mean', 'data-metric': 'engagement_per_mention' },
    h(
      'span',
      { class: 'ci-text' },
      localeNumber(e.value, 1),
      e.ci95
        ? h(
            'span',
            { class: 'muted ci-range' },
            ` ${localeNumber(e.ci95[0], 1)}–${localeNumber(e.ci95[1], 1)}`,
          )
        : null,
    ),
  );
}

function compareTable(data: Compare, ctx: PageContext, state: PageContext['state']): HTMLElement {
  const refName = brandName(ctx.brands, data.reference ?? data.brands[0]?.brand ?? '');
  const col = (label: string, title?: string): HTMLElement =>
    h('th', { scope: 'col', class: 'num', title }, label);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data compare' },
      h(
        'caption',
        { class: 'visually-hidden' },
        'Brands compared; intervals are 95 % Wilson score intervals',
      ),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Brand'),
          col('Mentions'),
          col('Share of voice', '95 % interval'),
          col('Positive', '95 % interval'),
          col('Negative', '95 % interval'),
          col('Net sentiment'),
          col('Engagement'),
          col('Engagement / mention', '95 % t interval'),
          col('Reach (est.)'),
        ),
      ),
      h(
        'tbody',
        {},
        ...data.brands.map((b) =>
          h(
            'tr',
            { 'data-brand': b.brand, style: `--brand:${brandColor(ctx.brands, b.brand)}` },
            h(
              'th',
              { scope: 'row' },
              h(
                'a',
                { href: toHash(navigate(state, 'brand', b.brand)) },
                h('span', { class: 'dot', 'aria-hidden': 'true' }),
                b.name ?? brandName(ctx.brands, b.brand),
              ),
            ),
            withVerdicts(
              h('td', { class: 'num', 'data-metric': 'volume' }, formatCount(b.volume)),
              b,
              'volume',
              refName,
              b.change?.volume_pct,
            ),
            withVerdicts(ciCell(b.share_of_voice), b, 'share_of_voice', refName),
            withVerdicts(ciCell(b.positive_share), b, 'positive_share', refName),
            withVerdicts(ciCell(b.negative_share), b, 'negative_share', refName, undefined, false),
            h('td', { class: 'num' }, formatNet(b.net_sentiment ?? null)),
            h('td', { class: 'num' }, formatCount(b.engagement ?? null)),
            withVerdicts(
              meanCell(b.engagement_per_mention),
              b,
              'engagement_per_mention',
              refName,
              b.change?.engagement_per_mention_pct,
            ),
            h('td', { class: 'num' }, formatCount(b.reach_estimate ?? null)),
          ),
        ),
      ),
    ),
  );
}
