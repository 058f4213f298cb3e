import {
  AuthorsSchema,
  HealthSchema,
  TopicsSchema,
  type Author,
  type Health,
  type Topic,
} from '../api.ts';
import { axisStyle, mountChart, palette, timeAxis, tooltipStyle, type Chart } from '../charts.ts';
import { mentionFeed } from '../components/mention-feed.ts';
import { brandColor, brandName, type PageContext } from '../context.ts';
import { emptyState, h, panel } from '../dom.ts';
import { downloadGroup, reportButton } from '../downloads.ts';
import { languageName } from '../languages.ts';
import {
  formatCount,
  formatNet,
  formatPctChange,
  formatPointsDelta,
  formatShare,
  toneOf,
} from '../format.ts';
import { pctChange, totalsFromSeries } from '../metrics.ts';
import { intervalMs, rangeLabel, rangeParams, rangeSpanMs } from '../period.ts';
import { navigate, toHash, type ViewState } from '../state.ts';
import { kpi, loading, unavailable } from '../widgets.ts';
import { PreviewSchema, SourcesSchema } from '../api.ts';

/** One brand in depth, down to the mentions behind a number. */
export async function brandPage(root: HTMLElement, ctx: PageContext): Promise<void> {
  const { state, brands } = ctx;
  const id = state.brand!;
  const brand = brands.find((b) => b.id === id);
  if (!brand) {
    root.append(
      emptyState(`There is no brand “${id}” in this workspace.`),
      h('p', {}, h('a', { href: '#/' }, 'Back to the overview')),
    );
    return;
  }
  const color = brandColor(brands, id);
  root.style.setProperty('--brand', color);
  root.append(
    h(
      'nav',
      { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: toHash(navigate(state, 'overview')) }, 'Overview'),
      ' › ',
      h('span', { 'aria-current': 'page' }, brand.name),
    ),
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, h('span', { class: 'dot', 'aria-hidden': 'true' }), brand.name),
      h(
        'p',
        { class: 'muted' },
        `${rangeLabel(state)} vs the period before`,
        brand.competitors.length ? ' · ' : '',
        brand.competitors.length
          ? h(
              'a',
              {
                href: toHash({ ...navigate(state, 'compare'), brands: [id, ...brand.competitors] }),
              },
              `Compare with ${brand.competitors.map((c) => brandName(brands, c)).join(', ')}`,
            )
          : null,
      ),
      reportButton(ctx, 'brand', () => [id]),
      brand.query
        ? h(
            'p',
            { class: 'brand-query' },
            h('span', { class: 'muted' }, 'Watch query: '),
            h('code', { id: 'brand-query-shown' }, brand.query),
            ' ',
            h(
              'a',
              { href: toHash(navigate(state, 'settings')) },
              brand.origin === 'api' ? 'edit' : 'settings',
            ),
          )
        : null,
    ),
  );
  const base = `/v1/brands/${encodeURIComponent(id)}`;
  const range = rangeParams(state);
  const kpis = h('div', { class: 'kpis' }, loading());
  root.append(kpis);
  const [health, topics, authors] = await Promise.all([
    ctx.api.get(`${base}/health`, range, HealthSchema, ctx.signal),
    ctx.api.get(`${base}/topics`, { ...range, limit: 10 }, TopicsSchema, ctx.signal),
    ctx.api.get(`${base}/authors`, { ...range, limit: 10 }, AuthorsSchema, ctx.signal),
  ]);
  if (!health.ok) {
    kpis.replaceChildren(emptyState('Brand health is unavailable.', health.message));
    return;
  }
  const hl = health.data;
  kpis.replaceChildren(...kpiTiles(hl));
  if ((hl.totals?.volume ?? 0) === 0) kpis.before(await noMentionsYet(ctx, id));

  // Volume and sentiment over time; a click on a bar drills the feed into that bucket.
  const timeChart = h('div', { class: 'chart chart-tall' });
  const drillNote = h(
    'p',
    { class: 'muted hint' },
    'Click a bar (or its column) to read the mentions behind it.',
  );
  root.append(
    panel(
      'timeline',
      'Volume and sentiment over time',
      timeChart,
      drillNote,
      downloadGroup(ctx, 'series'),
    ),
  );

  const mix = h('div', { class: 'two-col' });
  root.append(mix);
  const sourcesChart = h('div', { class: 'chart chart-short' });
  const langChart = h('div', { class: 'chart chart-short' });
  mix.append(
    panel(
      'sources',
      'Sources',
      hl.mix?.sources.length ? sourcesChart : emptyState('No source breakdown from the API yet.'),
    ),
    panel(
      'languages',
      'Languages',
      hl.mix?.languages.length ? langChart : emptyState('No language breakdown from the API yet.'),
    ),
  );

  const topicRow = h('div', { class: 'two-col' });
  root.append(topicRow);
  topicRow.append(
    panel(
      'top-topics',
      'Top topics',
      topics.ok
        ? topicList(topics.data.top, 'top', (t) => void feed.set({ topic: t.id }))
        : unavailable(topics),
    ),
    panel(
      'trending-topics',
      'Trending topics',
      topics.ok
        ? topicList(topics.data.trending, 'trending', (t) => void feed.set({ topic: t.id }))
        : unavailable(topics),
    ),
  );
  root.append(
    panel(
      'authors',
      'Top authors',
      authors.ok ? authorTable(authors.data.authors) : unavailable(authors),
    ),
  );

  const feedPanel = panel('mentions', 'Mentions', downloadGroup(ctx, 'mentions'));
  root.append(feedPanel);
  const feed = mentionFeed(feedPanel, ctx, base, hl, topics.ok ? topics.data.top : []);

  const chart = timelineChart(timeChart, hl, state, color);
  const interval =
    intervalMs(hl.interval) ?? Math.max(60_000, rangeSpanMs(state) / Math.max(1, hl.series.length));
  const markSelected = (): void => {
    const s = feed.state();
    chart.setOption({
      series: [
        {
          id: 'positive',
          markArea: {
            silent: true,
            itemStyle: { color: 'rgba(127,127,127,0.18)' },
            data:
              s.feedFrom && s.feedTo
                ? [[{ xAxis: Date.parse(s.feedFrom) }, { xAxis: Date.parse(s.feedTo) }]]
                : [],
          },
        },
      ],
    });
  };
  // Anywhere in a bucket's column counts, not only on its bars: a quiet hour's bar can be a
  // few pixels tall next to a spike.
  const firstBucket = hl.series.length > 0 ? Date.parse(hl.series[0]!.t) : NaN;
  chart.getZr().on('click', (event: { offsetX: number; offsetY: number }) => {
    const point = [event.offsetX, event.offsetY];
    if (!Number.isFinite(firstBucket) || !chart.containPixel({ gridIndex: 0 }, point)) return;
    const at = Number(chart.convertFromPixel({ gridIndex: 0 }, point)[0]);
    // Bars are centred on their bucket's start: the nearest start is the bucket clicked.
    const index = Math.round((at - firstBucket) / interval);
    if (!Number.isFinite(index) || index < 0 || index >= hl.series.length) return;
    const t = firstBucket + index * interval;
    void feed.set({
      feedFrom: new Date(t).toISOString(),
      feedTo: new Date(t + interval).toISOString(),
    });
    feedPanel.scrollIntoView({ behavior: 'smooth', block: 'start' });
  });
  feed.onChange(markSelected);
  markSelected();

  if (hl.mix?.sources.length)
    hbar(
      sourcesChart,
      hl.mix.sources.slice(0, 10).map((s) => ({ name: s.source, value: s.volume })),
      'Mentions by source',
      color,
    );
  if (hl.mix?.languages.length)
    hbar(
      langChart,
      hl.mix.languages.slice(0, 10).map((l) => ({ name: languageName(l.lang), value: l.volume })),
      'Mentions by detected language',
      color,
    );
  await feed.ready;
}

function kpiTiles(hl: Health): HTMLElement[] {
  const t = hl.totals ?? {
    ...totalsFromSeries(hl.series),
    engagement: null,
    reach_estimate: null,
    unique_authors: null,
  };
  const prev = hl.previous;
  const vs = 'vs previous period';
  const volumePct = hl.change?.volume_pct ?? pctChange(t.volume, prev?.volume);
  const tiles = [
    kpi(
      'Mentions',
      formatCount(t.volume),
      volumePct === null && !prev
        ? undefined
        : { text: formatPctChange(volumePct), tone: toneOf(volumePct, true), title: vs },
      'volume',
      t.volume,
    ),
    kpi(
      'Net sentiment',
      formatNet(t.net_sentiment),
      hl.change?.net_sentiment_delta == null
        ? undefined
        : {
            text: formatNet(hl.change.net_sentiment_delta),
            tone: toneOf(hl.change.net_sentiment_delta, true, 0.005),
            title: vs,
          },
      'net',
    ),
    kpi(
      'Positive',
      formatShare(t.positive_share),
      prev?.positive_share == null || t.positive_share == null
        ? undefined
        : {
            text: formatPointsDelta(t.positive_share - prev.positive_share),
            tone: toneOf(t.positive_share - prev.positive_share, true, 0.0005),
            title: vs,
          },
      'positive',
    ),
    kpi(
      'Negative',
      formatShare(t.negative_share),
      hl.change?.negative_share_delta == null
        ? undefined
        : {
            text: formatPointsDelta(hl.change.negative_share_delta),
            tone: toneOf(hl.change.negative_share_delta, false, 0.0005),
            title: vs,
          },
      'negative',
    ),
  ];
  const extra = (
    label: string,
    key: 'engagement' | 'reach_estimate' | 'unique_authors',
    id: string,
    title?: string,
  ): void => {
    const v = (t as Record<string, unknown>)[key];
    if (typeof v !== 'number') return;
    const p = prev?.[key];
    const pct = pctChange(v, p);
    const tile = kpi(
      label,
      formatCount(v),
      p == null ? undefined : { text: formatPctChange(pct), tone: toneOf(pct, true), title: vs },
      id,
    );
    if (title) tile.title = title;
    tiles.push(tile);
  };
  extra('Engagement', 'engagement', 'engagement', 'likes + reposts + replies');
  extra(
    'Reach (est.)',
    'reach_estimate',
    'reach',
    'sum of author followers where known: an upper bound',
  );
  extra('Authors', 'unique_authors', 'authors');
  return tiles;
}

function timelineChart(el: HTMLElement, hl: Health, state: ViewState, color: string): Chart {
  const p = palette();
  const span = rangeSpanMs(state);
  const pts = hl.series.map((s) => Date.parse(s.t));
  const bar = (
    name: string,
    id: string,
    key: 'positive' | 'neutral' | 'negative' | 'unscored',
    c: string,
  ): Record<string, unknown> => ({
    id,
    name,
    type: 'bar',
    stack: 'volume',
    color: c,
    barMaxWidth: 28,
    emphasis: { focus: 'series' },
    data: hl.series.map((s, i) => [pts[i], s[key] ?? 0]),
  });
  const hasUnscored = hl.series.some((s) => (s.unscored ?? 0) > 0);
  return mountChart(
    el,
    {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, ...tooltipStyle() },
      legend: { top: 0, textStyle: { color: p.text } },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      xAxis: timeAxis(span),
      yAxis: [
        { type: 'value', ...axisStyle() },
        { type: 'value', min: -1, max: 1, ...axisStyle(), splitLine: { show: false } },
      ],
      series: [
        bar('Positive', 'positive', 'positive', p.pos),
        bar('Neutral', 'neutral', 'neutral', p.neu),
        bar('Negative', 'negative', 'negative', p.neg),
        ...(hasUnscored ? [bar('Unscored', 'unscored', 'unscored', p.unscored)] : []),
        {
          id: 'net',
          name: 'Net sentiment',
          type: 'line',
          yAxisIndex: 1,
          color,
          smooth: 0.3,
          showSymbol: false,
          lineStyle: { width: 2.5 },
          data: hl.series.map((s, i) => [pts[i], s.net_sentiment ?? null]),
        },
      ],
    },
    'Mentions per interval, stacked by sentiment, with the net sentiment line',
  );
}

function hbar(
  el: HTMLElement,
  data: { name: string; value: number }[],
  label: string,
  color: string,
): void {
  // As tall as its bars: one source should not fill a panel.
  el.style.height = `${Math.max(110, 48 + data.length * 26)}px`;
  mountChart(
    el,
    {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, ...tooltipStyle() },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', ...axisStyle() },
      yAxis: {
        type: 'category',
        inverse: true,
        data: data.map((d) => d.name),
        ...axisStyle(),
        splitLine: { show: false },
      },
      series: [{ type: 'bar', color, barMaxWidth: 18, data: data.map((d) => d.value) }],
    },
    label,
  );
}

/** " (English, German, Greek)" for a topic in several languages; "" for one in one. */
function topicLanguages(t: Topic): string {
  const langs = t.langs ?? [];
  return langs.length > 1 ? ` (${langs.map((l) => languageName(l)).join(', ')})` : '';
}

function topicList(
  topics: Topic[],
  kind: 'top' | 'trending',
  onPick: (t: Topic) => void,
): HTMLElement {
  if (topics.length === 0)
    return emptyState(
      kind === 'top' ? 'No topics in this period.' : 'Nothing is growing fast right now.',
    );
  const max = Math.max(...topics.map((t) => t.volume), 1);
  return h(
    'ol',
    { class: 'topic-list', 'data-topics': kind },
    ...topics.map((t) =>
      h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            onclick: () => onPick(t),
            title: `Show mentions about ${t.label}${topicLanguages(t)}`,
          },
          h('bdi', {}, t.label),
          // One story told in several languages is one topic: say which.
          (t.langs?.length ?? 0) > 1
            ? h(
                'span',
                { class: 'muted topic-langs', 'data-langs': t.langs!.join(' ') },
                ` · ${t.langs!.length} languages`,
              )
            : null,
        ),
        h(
          'span',
          { class: 'topic-bar', 'aria-hidden': 'true' },
          h('span', { style: `width:${(t.volume / max) * 100}%` }),
        ),
        h(
          'span',
          { class: 'topic-num' },
          formatCount(t.volume),
          // `growth` is a percentage against the previous period; from nothing it is simply new.
          kind === 'trending' && t.growth != null
            ? h(
                'span',
                {
                  class: 'tone-good',
                  title:
                    t.previous_volume != null
                      ? `${formatCount(t.previous_volume)} in the previous period`
                      : undefined,
                },
                ` ${t.previous_volume === 0 ? 'new' : formatPctChange(t.growth)}`,
              )
            : null,
          kind === 'top' && t.negative_share != null
            ? h(
                'span',
                { class: t.negative_share > 0.35 ? 'tone-bad' : 'muted' },
                ` · ${formatShare(t.negative_share)} neg`,
              )
            : null,
        ),
      ),
    ),
  );
}

function authorTable(authors: Author[]): HTMLElement {
  if (authors.length === 0) return emptyState('No authors in this period.');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Author'),
          h('th', { scope: 'col', class: 'num' }, 'Followers'),
          h('th', { scope: 'col', class: 'num' }, 'Mentions'),
          h('th', { scope: 'col', class: 'num' }, 'Engagement'),
          h('th', { scope: 'col', class: 'num' }, 'Negative'),
        ),
      ),
      h(
        'tbody',
        {},
        ...authors.map((a) =>
          h(
            'tr',
            {},
            h(
              'th',
              { scope: 'row' },
              a.display_name || a.handle || a.author_id,
              a.handle ? h('span', { class: 'muted' }, ` @${a.handle}`) : null,
            ),
            h('td', { class: 'num' }, formatCount(a.followers ?? null)),
            h('td', { class: 'num' }, formatCount(a.mentions)),
            h('td', { class: 'num' }, formatCount(a.engagement ?? null)),
            h('td', { class: 'num' }, formatShare(a.negative_share ?? null)),
          ),
        ),
      ),
    ),
  );
}

/**
 * A brand with no mention in the period says why and what to do next, instead of zeros: what
 * its query matches among the stored mentions, and which sources are running.
 */
async function noMentionsYet(ctx: PageContext, id: string): Promise<HTMLElement> {
  const brand = ctx.brands.find((b) => b.id === id);
  const [preview, sources] = await Promise.all([
    brand?.query
      ? ctx.api.post(
          '/v1/brands/preview',
          { query: brand.query, days: 7, samples: 0 },
          PreviewSchema,
          ctx.signal,
        )
      : null,
    ctx.api.get('/v1/sources', {}, SourcesSchema, ctx.signal),
  ]);
  const running = sources.ok
    ? sources.data.sources.filter((s) => s.origin !== null && s.configured)
    : [];
  const matched = preview?.ok ? preview.data.total : null;
  return h(
    'div',
    { class: 'empty next-step', role: 'note', id: 'no-mentions' },
    h(
      'p',
      {},
      'No mentions yet',
      matched === null
        ? '.'
        : `: the query matches ${preview!.ok && preview!.data.estimated ? 'about ' : ''}${matched} stored mention${matched === 1 ? '' : 's'} of the last 7 days${matched > 0 ? ' (re-match them in Settings to count them here)' : ''}.`,
    ),
    h(
      'p',
      { class: 'muted' },
      running.length > 0
        ? `Sources set up: ${running.map((s) => s.source).join(', ')}. `
        : 'No public source is set up (the demo, when on, and what you push still come in). ',
      h(
        'a',
        { href: toHash(navigate(ctx.state, 'settings')) },
        'Edit the query or add a source in Settings',
      ),
      '.',
    ),
  );
}
