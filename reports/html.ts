import type { ApiMention, BrandReport, CompareReport, Report } from './data.ts';
import { escapeHtml as e, hbars, lines, stackedBars } from './svg.ts';

/**
 * The report as one self-contained HTML page (inline CSS and SVG, no script, no external
 * request): what the PDF is printed from, and what is served as-is where no browser is
 * installed. A4 portrait, page breaks between sections.
 */

const COLORS = { pos: '#17915a', neu: '#9aa3b2', neg: '#d93a50', accent: '#4f7cff' };
const PALETTE = ['#4f7cff', '#ff8a3d', '#2bb673', '#b45cf0', '#e0466f', '#1fb3c4', '#c9a227'];
const MINUS = '\u2212';

export interface RenderOptions {
  /** Locale of numbers and dates (default en). */
  locale?: string;
  /** When the report was made (shown in its footer). */
  generatedAt: Date;
}

function fmt(locale: string) {
  const n = (x: number, digits = 0) =>
    new Intl.NumberFormat(locale, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(x);
  const signed = (x: number | null | undefined, digits: number, unit = '') =>
    x === null || x === undefined
      ? '–'
      : `${x > 0 ? '+' : x < 0 ? MINUS : '±'}${n(Math.abs(x), digits)}${unit}`;
  return {
    n,
    count: (x: number | null | undefined) => (x === null || x === undefined ? '–' : n(x)),
    share: (x: number | null | undefined, digits = 1) =>
      x === null || x === undefined ? '–' : `${n(x * 100, digits)} %`,
    net: (x: number | null | undefined) => signed(x, 2),
    pct: (x: number | null | undefined) =>
      x === null || x === undefined ? 'new' : signed(x, 1, ' %'),
    pts: (x: number | null | undefined) =>
      signed(x === null || x === undefined ? x : x * 100, 1, ' pts'),
  };
}

function dateTime(iso: string | Date, tz: string, locale: string, withTime = true): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone: tz,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    ...(withTime ? { hour: '2-digit', minute: '2-digit' } : {}),
  }).format(typeof iso === 'string' ? new Date(iso) : iso);
}

function languageName(code: string, locale: string): string {
  if (!code || code === 'und') return 'Unknown language';
  try {
    const name = new Intl.DisplayNames([locale], { type: 'language' }).of(code);
    return name && name !== code ? name : code;
  } catch {
    return code;
  }
}

/** Bucket labels in the report's time zone: times of day for a day or less, else dates. */
function bucketLabels(ts: string[], spanMs: number, tz: string, locale: string): string[] {
  const f = new Intl.DateTimeFormat(
    locale,
    spanMs <= 36 * 3_600_000
      ? { timeZone: tz, hour: '2-digit', minute: '2-digit' }
      : { timeZone: tz, month: 'short', day: 'numeric' },
  );
  return ts.map((t) => f.format(new Date(t)));
}

const STYLE = `
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; color: #1a1f2e; font-size: 11pt; line-height: 1.4; margin: 0; }
header { border-bottom: 3px solid var(--accent, #4f7cff); padding-bottom: 8px; margin-bottom: 14px; }
h1 { font-size: 20pt; margin: 0; }
h2 { font-size: 13pt; margin: 18px 0 8px; }
.muted { color: #596274; }
.kpis { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; }
.kpi { border: 1px solid #d8dce4; border-radius: 6px; padding: 8px 10px; }
.kpi b { display: block; font-size: 16pt; }
.kpi .good { color: #17915a; } .kpi .bad { color: #d93a50; }
figure { margin: 0; }
svg { width: 100%; height: auto; }
.legend { font-size: 9pt; color: #596274; display: flex; gap: 12px; }
.legend i { display: inline-block; width: 9px; height: 9px; border-radius: 2px; margin-right: 4px; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
table { width: 100%; border-collapse: collapse; font-size: 9.5pt; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #e4e7ee; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
.verdict { display: block; font-size: 8pt; color: #596274; }
.verdict.higher, .verdict.lower { color: #1a1f2e; font-weight: 600; }
.mention { border-left: 3px solid #d8dce4; padding: 4px 8px; margin: 6px 0; page-break-inside: avoid; }
.mention.pos { border-color: #17915a; } .mention.neg { border-color: #d93a50; }
.mention p { margin: 2px 0; }
.notice { background: #fbf3d5; border-left: 4px solid #c9a227; padding: 6px 10px; margin: 8px 0; }
section { page-break-inside: avoid; }
footer { margin-top: 18px; font-size: 8.5pt; color: #596274; border-top: 1px solid #e4e7ee; padding-top: 6px; }
`;

function page(title: string, accent: string, body: string, o: RenderOptions, tz: string): string {
  const locale = o.locale ?? 'en';
  return `<!doctype html>
<html lang="${e(locale)}"><head><meta charset="utf-8"><title>${e(title)}</title>
<style>${STYLE}</style></head>
<body style="--accent:${e(accent)}">
${body}
<footer>Made by earshot on ${e(dateTime(o.generatedAt, tz, locale))} (${e(tz)}). Days split at midnight in ${e(tz)}. Shares are of scored mentions; intervals and verdicts are at 95 %.</footer>
</body></html>`;
}

function periodLine(r: Report, locale: string): string {
  const p = r.period;
  return `${dateTime(p.from, p.tz, locale)} – ${dateTime(p.to, p.tz, locale)} (${p.tz}), against the period of the same length before`;
}

function alertsSection(r: Report, locale: string): string {
  const tz = r.period.tz;
  if (r.alerts.length === 0)
    return `<section><h2>Alerts</h2><p class="muted">No alert in this period.</p></section>`;
  const rows = r.alerts
    .map(
      (a) =>
        `<tr><td>${e(dateTime(a.opened_at, tz, locale))}</td><td>${e(a.brand)}</td><td>${e(a.type.replace(/_/g, ' '))}</td><td>${e(a.state)}${a.resolved_at ? ` (${e(dateTime(a.resolved_at, tz, locale))})` : ''}</td></tr>`,
    )
    .join('');
  return `<section><h2>Alerts (${r.alerts.length})</h2><table><thead><tr><th>Opened</th><th>Brand</th><th>Type</th><th>State</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function mentionBlock(m: ApiMention, tz: string, locale: string): string {
  const f = fmt(locale);
  const eng = m.engagement.likes + m.engagement.reposts + m.engagement.replies;
  const who = m.author.handle ?? m.author.display_name ?? 'unknown author';
  const text = m.text.length > 400 ? `${m.text.slice(0, 400)}…` : m.text;
  return `<div class="mention ${e(m.sentiment.label)}"><p dir="auto">${e(text)}</p><p class="muted">${e(who)} · ${e(m.source)} · ${e(languageName(m.lang, locale))} · ${e(dateTime(m.created_at, tz, locale))} · ${f.count(eng)} engagement${m.url ? ` · <a href="${e(m.url)}">${e(m.url)}</a>` : ''}</p></div>`;
}

export function renderBrandReport(r: BrandReport, o: RenderOptions): string {
  const locale = o.locale ?? 'en';
  const f = fmt(locale);
  const h = r.health;
  const tz = r.period.tz;
  const accent = r.brand.color ?? COLORS.accent;
  const tone = (x: number | null | undefined, upIsGood: boolean) =>
    x === null || x === undefined || x === 0 ? '' : x > 0 === upIsGood ? 'good' : 'bad';
  const kpi = (label: string, value: string, change: string, cls: string) =>
    `<div class="kpi" data-kpi="${e(label)}"><span class="muted">${e(label)}</span><b>${e(value)}</b><span class="${cls}">${e(change)}</span> <span class="muted">vs previous</span></div>`;
  const kpis = [
    kpi(
      'Mentions',
      f.count(h.totals.volume),
      f.pct(h.change.volume_pct),
      tone(h.change.volume_pct, true),
    ),
    kpi(
      'Net sentiment',
      f.net(h.totals.net_sentiment),
      f.pts(h.change.net_sentiment_delta),
      tone(h.change.net_sentiment_delta, true),
    ),
    kpi(
      'Negative share',
      f.share(h.totals.negative_share),
      f.pts(h.change.negative_share_delta),
      tone(h.change.negative_share_delta, false),
    ),
    kpi(
      'Engagement',
      f.count(h.totals.engagement),
      f.pct(h.change.engagement_pct),
      tone(h.change.engagement_pct, true),
    ),
    kpi(
      'Reach (estimate)',
      f.count(h.totals.reach_estimate),
      f.pct(
        h.previous.reach_estimate === 0
          ? null
          : ((h.totals.reach_estimate - h.previous.reach_estimate) / h.previous.reach_estimate) *
              100,
      ),
      '',
    ),
    kpi(
      'Unique authors',
      f.count(h.totals.unique_authors),
      f.pct(
        h.previous.unique_authors === 0
          ? null
          : ((h.totals.unique_authors - h.previous.unique_authors) / h.previous.unique_authors) *
              100,
      ),
      '',
    ),
  ].join('');
  const span = r.period.to.getTime() - r.period.from.getTime();
  const labels = bucketLabels(
    h.series.map((s) => s.t),
    span,
    tz,
    locale,
  );
  const timeline = stackedBars(
    labels,
    [
      { name: 'Positive', color: COLORS.pos, values: h.series.map((s) => s.positive) },
      { name: 'Neutral', color: COLORS.neu, values: h.series.map((s) => s.neutral) },
      { name: 'Negative', color: COLORS.neg, values: h.series.map((s) => s.negative) },
      { name: 'Unscored', color: '#d8dce4', values: h.series.map((s) => s.unscored) },
    ],
    'Mentions over time by sentiment',
    (v) => f.n(v),
  );
  const sources = hbars(
    h.mix.sources.slice(0, 8).map((s) => ({ label: s.source, value: s.volume })),
    'Mentions by source',
    accent,
    (v) => f.n(v),
  );
  const langs = hbars(
    h.mix.languages
      .slice(0, 8)
      .map((l) => ({ label: languageName(l.lang, locale), value: l.volume })),
    'Mentions by language',
    accent,
    (v) => f.n(v),
  );
  const topics = r.topics.length
    ? `<table><thead><tr><th>Topic</th><th class="num">Mentions</th><th class="num">Negative</th></tr></thead><tbody>${r.topics
        .map(
          (t) =>
            `<tr><td>${e(t.label)}</td><td class="num">${f.count(t.volume)}</td><td class="num">${f.share(t.negative_share)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p class="muted">No topics in this period.</p>';
  const mentions = (list: ApiMention[], none: string) =>
    list.length
      ? list.map((m) => mentionBlock(m, tz, locale)).join('')
      : `<p class="muted">${e(none)}</p>`;
  const body = `<header><h1>${e(r.brand.name)}</h1><div class="muted">${e(r.workspace.name)} · ${e(periodLine(r, locale))}</div></header>
<section><h2>Key figures</h2><div class="kpis">${kpis}</div></section>
<section><h2>Mentions over time</h2>${timeline}</section>
<section class="two"><div><h2>Sources</h2>${sources}</div><div><h2>Languages</h2>${langs}</div></section>
<section><h2>Top topics</h2>${topics}</section>
<section><h2>Most engaged positive mentions</h2>${mentions(r.positive, 'No positive mention in this period.')}</section>
<section><h2>Most engaged negative mentions</h2>${mentions(r.negative, 'No negative mention in this period.')}</section>
${alertsSection(r, locale)}`;
  return page(`${r.brand.name}: report`, accent, body, o, tz);
}

type Verdict = { verdict: string; p_value: number | null } | undefined | null;

function verdictLine(v: Verdict, against: string): string {
  if (!v) return '';
  const words: Record<string, string> = {
    higher: `▲ higher than ${against}`,
    lower: `▼ lower than ${against}`,
    no_clear_difference: `≈ no clear difference from ${against}`,
    too_little_data: `too few mentions to compare with ${against}`,
  };
  const p =
    v.p_value === null ? '' : v.p_value < 0.001 ? ' (p < 0.001)' : ` (p = ${v.p_value.toFixed(3)})`;
  return `<span class="verdict ${e(v.verdict)}">${e(words[v.verdict] ?? v.verdict)}${e(p)}</span>`;
}

export function renderCompareReport(r: CompareReport, o: RenderOptions): string {
  const locale = o.locale ?? 'en';
  const f = fmt(locale);
  const tz = r.period.tz;
  const c = r.compare;
  const ref = r.brands.find((b) => b.id === c.reference)?.name ?? c.reference;
  const color = (id: string, i: number) =>
    r.brands.find((b) => b.id === id)?.color ?? PALETTE[i % PALETTE.length]!;
  const ci = (
    x: { value: number | null; ci95: [number, number] | null },
    digits = 1,
    share = true,
  ) =>
    x.value === null
      ? '–'
      : `${share ? f.share(x.value, digits) : f.n(x.value, digits)}${x.ci95 ? `<br><span class="muted">${share ? `${f.n(x.ci95[0] * 100, digits)}–${f.share(x.ci95[1], digits)}` : `${f.n(x.ci95[0], digits)}–${f.n(x.ci95[1], digits)}`}</span>` : ''}`;
  const rows = c.brands
    .map((b) => {
      const vr = b.vs_reference;
      const vp = b.vs_previous;
      return `<tr data-brand="${e(b.brand)}"><th>${e(b.name)}</th>
<td class="num">${f.count(b.volume)}<span class="verdict">${e(f.pct(b.change.volume_pct))} vs previous</span>${verdictLine(vr?.volume, ref)}${verdictLine(vp.volume, 'previous period')}</td>
<td class="num">${ci(b.share_of_voice)}${verdictLine(vp.share_of_voice, 'previous period')}</td>
<td class="num">${ci(b.positive_share)}${verdictLine(vr?.positive_share, ref)}${verdictLine(vp.positive_share, 'previous period')}</td>
<td class="num">${ci(b.negative_share)}${verdictLine(vr?.negative_share, ref)}${verdictLine(vp.negative_share, 'previous period')}</td>
<td class="num">${f.net(b.net_sentiment)}</td>
<td class="num">${ci(b.engagement_per_mention, 1, false)}${verdictLine(vr?.engagement_per_mention, ref)}${verdictLine(vp.engagement_per_mention, 'previous period')}</td>
<td class="num">${f.count(b.reach_estimate)}</td></tr>`;
    })
    .join('');
  const span = r.period.to.getTime() - r.period.from.getTime();
  const labels = bucketLabels(
    c.series.map((s) => s.t),
    span,
    tz,
    locale,
  );
  const sov = lines(
    labels,
    c.brands.map((b, i) => ({
      name: b.name,
      color: color(b.brand, i),
      values: c.series.map((s) => s.share_of_voice[b.brand] ?? 0),
    })),
    'Share of voice over time',
    (v) => f.share(v, 0),
    1,
  );
  const volume = lines(
    labels,
    c.brands.map((b, i) => ({
      name: b.name,
      color: color(b.brand, i),
      values: c.series.map((s) => s.volumes[b.brand] ?? 0),
    })),
    'Mentions over time',
    (v) => f.n(v),
  );
  const notice =
    c.coverage.complete || c.coverage.data_since === null
      ? c.coverage.data_since === null
        ? '<p class="notice">No data for these brands yet.</p>'
        : ''
      : `<p class="notice">Data since ${e(dateTime(c.coverage.data_since, tz, locale))}: the period asked starts before it, so it holds less than it says.</p>`;
  const body = `<header><h1>${e(r.brands.map((b) => b.name).join(' vs '))}</h1><div class="muted">${e(r.workspace.name)} · ${e(periodLine(r, locale))}</div></header>
${notice}
<section><h2>Side by side</h2><p class="muted">Verdicts: is the difference real at 95 %? Against ${e(ref)} (the first brand) and against each brand's previous period. Volumes: exact Poisson rate test; shares: two-proportion test; engagement per mention: Welch's t-test.</p>
<table><thead><tr><th>Brand</th><th class="num">Mentions</th><th class="num">Share of voice</th><th class="num">Positive</th><th class="num">Negative</th><th class="num">Net</th><th class="num">Engagement / mention</th><th class="num">Reach (est.)</th></tr></thead><tbody>${rows}</tbody></table></section>
<section><h2>Share of voice over time</h2>${sov}</section>
<section><h2>Mentions over time</h2>${volume}</section>
${alertsSection(r, locale)}`;
  return page(`${r.brands.map((b) => b.name).join(' vs ')}: report`, COLORS.accent, body, o, tz);
}

export function renderReport(r: Report, o: RenderOptions): string {
  return r.kind === 'brand' ? renderBrandReport(r, o) : renderCompareReport(r, o);
}
