import './report.css';
import { AlertsSchema, MentionsSchema, type Alert, type Mention } from '../api.ts';
import { chartsSettled, setStillCharts } from '../charts.ts';
import { brandName, type Page, type PageContext } from '../context.ts';
import { emptyState, h, panel } from '../dom.ts';
import { formatCount } from '../format.ts';
import { languageName } from '../languages.ts';
import { DEFAULT_STATE, intervalOf, type ViewState } from '../state.ts';
import { unavailable } from '../widgets.ts';
import { brandPage } from './brand.ts';
import { comparePage } from './compare.ts';

/**
 * The print view the server turns into the PDF report (`GET /v1/reports/…`): the brand page or
 * the comparison page themselves, for a fixed period, without their controls, followed by what
 * a report adds (the most engaged positive and negative mentions, the alerts of the period).
 * `#/report/brand/<id>?from=…&to=…` and `#/report/compare?brands=a,b&from=…&to=…`.
 *
 * When every chart has drawn, `<body data-report="ready">` tells the printer to print (or
 * `data-report="error"` with the reason in `data-report-error`): no guessed delay.
 */

export interface ReportSpec {
  kind: 'brand' | 'compare';
  brands: string[];
  from: string;
  to: string;
  /** The chart buckets the report was asked with (`interval`), or null for the automatic one. */
  interval: string | null;
}

const isIso = (s: string | null): s is string => s !== null && !Number.isNaN(Date.parse(s));

/** `#/report/…` as a spec, or null for any other address (or a report without its period). */
export function parseReportHash(hash: string): ReportSpec | null {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?', 2);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'report') return null;
  const p = new URLSearchParams(query);
  const from = p.get('from');
  const to = p.get('to');
  if (!isIso(from) || !isIso(to) || Date.parse(from) >= Date.parse(to)) return null;
  const interval = intervalOf(p.get('interval'));
  if (parts[1] === 'brand' && parts[2])
    return { kind: 'brand', brands: [parts[2]], from, to, interval };
  if (parts[1] === 'compare') {
    const brands = (p.get('brands') ?? '')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean);
    return { kind: 'compare', brands, from, to, interval };
  }
  return null;
}

const TOP_MENTIONS = 5;

/** The page for the shell: the spec comes from the address. */
export function reportPage(spec: ReportSpec): Page {
  return async (root, ctx) => {
    document.body.dataset.report = 'loading';
    delete document.body.dataset.reportError;
    setStillCharts(true);
    try {
      await draw(root, ctx, spec);
      await chartsSettled();
      // Two frames: the last chart's pixels are on the canvas, and laid out, before printing.
      await new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
      document.body.dataset.report = 'ready';
    } catch (error) {
      document.body.dataset.reportError = String(error);
      document.body.dataset.report = 'error';
      throw error;
    } finally {
      setStillCharts(false);
    }
  };
}

async function draw(root: HTMLElement, ctx: PageContext, spec: ReportSpec): Promise<void> {
  root.classList.add('page-report');
  const state: ViewState = {
    ...DEFAULT_STATE,
    page: spec.kind,
    brand: spec.kind === 'brand' ? spec.brands[0]! : null,
    brands: spec.kind === 'compare' ? spec.brands : [],
    from: spec.from,
    to: spec.to,
    interval: spec.interval,
  };
  const title =
    spec.kind === 'brand'
      ? brandName(ctx.brands, spec.brands[0]!)
      : spec.brands.map((b) => brandName(ctx.brands, b)).join(' vs ');
  // Also the PDF's title (its document information), where a reader of the file sees it.
  document.title = `${title} | earshot report`;
  const when = (iso: string | Date): string =>
    new Date(iso).toLocaleString(undefined, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    });
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  root.append(
    h(
      'header',
      { class: 'report-head' },
      h('p', { class: 'muted' }, `earshot report · ${ctx.workspace}`),
      h('p', { class: 'report-period' }, `${when(spec.from)} – ${when(spec.to)} (${zone})`),
    ),
  );
  const body = h('div', { class: 'report-body' });
  root.append(body);
  const page = { ...ctx, state, go: () => undefined };
  if (spec.kind === 'brand') await brandPage(body, page);
  else await comparePage(body, page);

  const range = { from: spec.from, to: spec.to };
  if (spec.kind === 'brand') {
    const id = spec.brands[0]!;
    const base = `/v1/brands/${encodeURIComponent(id)}/mentions`;
    const most = (sentiment: 'pos' | 'neg') =>
      ctx.api.get(
        base,
        { ...range, sentiment, sort: 'engagement', limit: TOP_MENTIONS },
        MentionsSchema,
        ctx.signal,
      );
    const [pos, neg] = await Promise.all([most('pos'), most('neg')]);
    root.append(
      panel(
        'report-positive',
        'Most engaged positive mentions',
        pos.ok
          ? mentionList(pos.data.mentions, 'No positive mention in this period.')
          : unavailable(pos),
      ),
      panel(
        'report-negative',
        'Most engaged negative mentions',
        neg.ok
          ? mentionList(neg.data.mentions, 'No negative mention in this period.')
          : unavailable(neg),
      ),
    );
  }
  root.append(await alertsOfPeriod(ctx, spec));
  root.append(
    h(
      'footer',
      { class: 'report-foot muted' },
      `Made by earshot on ${when(new Date())} (${zone}). Changes are against the period of the same length before; intervals and verdicts are at 95 %.`,
    ),
  );
}

function mentionList(list: Mention[], none: string): HTMLElement {
  if (list.length === 0) return emptyState(none);
  return h(
    'ol',
    { class: 'report-mentions' },
    ...list.map((m) => {
      const e = m.engagement;
      const engagement = (e?.likes ?? 0) + (e?.reposts ?? 0) + (e?.replies ?? 0);
      const who = m.author?.handle ?? m.author?.display_name ?? 'unknown author';
      const text = m.text.length > 400 ? `${m.text.slice(0, 400)}…` : m.text;
      return h(
        'li',
        {
          class: `report-mention s-border-${m.sentiment?.label ?? 'unscored'}`,
          'data-mention': m.id,
          'data-engagement': String(engagement),
        },
        h('p', { dir: 'auto' }, text),
        h(
          'p',
          { class: 'muted' },
          [
            who,
            m.source,
            m.lang ? languageName(m.lang) : null,
            new Date(m.created_at).toLocaleString(),
            `${formatCount(engagement)} engagement`,
          ]
            .filter(Boolean)
            .join(' · '),
          m.url ? ' · ' : null,
          m.url ? h('a', { href: m.url }, m.url) : null,
        ),
      );
    }),
  );
}

/** Alerts of these brands opened in the period, or still open during it (as the server's). */
async function alertsOfPeriod(ctx: PageContext, spec: ReportSpec): Promise<HTMLElement> {
  const res = await ctx.api.get(
    '/v1/alerts',
    { ...(spec.brands.length === 1 ? { brand: spec.brands[0] } : {}), limit: 500, state: null },
    AlertsSchema,
    ctx.signal,
  );
  if (!res.ok) return panel('report-alerts', 'Alerts', unavailable(res));
  const from = Date.parse(spec.from);
  const to = Date.parse(spec.to);
  const alerts = res.data.alerts.filter(
    (a: Alert) =>
      spec.brands.includes(a.brand ?? '') &&
      a.opened_at != null &&
      Date.parse(a.opened_at) < to &&
      (a.resolved_at == null || Date.parse(a.resolved_at) >= from),
  );
  if (alerts.length === 0)
    return panel('report-alerts', 'Alerts', emptyState('No alert in this period.'));
  return panel(
    'report-alerts',
    `Alerts (${alerts.length})`,
    h(
      'table',
      { class: 'data' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Opened', 'Brand', 'Type', 'State'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        ...alerts.map((a) =>
          h(
            'tr',
            { 'data-alert': a.id },
            h('td', {}, new Date(a.opened_at!).toLocaleString()),
            h('td', {}, brandName(ctx.brands, a.brand ?? '')),
            h('td', {}, (a.type ?? '').replace(/_/g, ' ')),
            h(
              'td',
              {},
              a.state,
              a.resolved_at ? ` (${new Date(a.resolved_at).toLocaleString()})` : '',
            ),
          ),
        ),
      ),
    ),
  );
}
