import {
  AlertRulesSchema,
  AlertsSchema,
  AnySchema,
  BacktestSchema,
  type Alert,
  type AlertRule,
  type BacktestAlert,
} from '../api.ts';
import { groupAlerts } from '../alert-groups.ts';
import { brandColor, brandName, type PageContext } from '../context.ts';
import { emptyState, h, panel, setStatus } from '../dom.ts';
import { formatCount, formatNet, formatShare, relativeTime } from '../format.ts';
import { intervalMs } from '../period.ts';
import { navigate, toHash } from '../state.ts';
import { loading } from '../widgets.ts';

const TYPE_LABEL: Record<string, string> = {
  negative_spike: 'Negative spike',
  volume_spike: 'Volume spike',
  sentiment_drop: 'Sentiment drop',
  sov_shift: 'Share-of-voice shift',
};

/** Historical alerts (found in past data) stay on the Open tab this long. */
const HISTORICAL_SHOWN_MS = 7 * 86_400_000;

/** "2026-12-05 14:30 UTC": times are shown absolute as well as relative. */
export function absoluteTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Open and past alerts with why they fired; acknowledge; the rules, with a backtest. */
export async function alertsPage(root: HTMLElement, ctx: PageContext): Promise<void> {
  const { state } = ctx;
  root.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Alerts'),
      h('p', { class: 'muted' }, 'Spikes and shifts, with the numbers and mentions behind them'),
    ),
    h(
      'div',
      { class: 'tabs', role: 'group', 'aria-label': 'Which alerts' },
      h(
        'a',
        {
          href: toHash({ ...state, alertState: 'open' }),
          'aria-current': state.alertState === 'open' ? 'true' : undefined,
          class: 'tab',
        },
        'Open',
      ),
      h(
        'a',
        {
          href: toHash({ ...state, alertState: 'all' }),
          'aria-current': state.alertState === 'all' ? 'true' : undefined,
          class: 'tab',
        },
        'All, including resolved',
      ),
    ),
  );
  const listSlot = h('div', {}, loading());
  const rulesSlot = h('div', {}, loading());
  root.append(
    panel('alert-list', state.alertState === 'open' ? 'Open alerts' : 'All alerts', listSlot),
    panel('rules', 'Rules', rulesSlot),
  );
  const [alerts, rules] = await Promise.all([
    // "active" = open or updated: every incident that has not resolved yet.
    ctx.api.get(
      '/v1/alerts',
      // Both tabs read the newest 200: the open one also shows alerts found in past data
      // (historical) during the last week, already resolved when they were found.
      { limit: 200 },
      AlertsSchema,
      ctx.signal,
    ),
    ctx.api.get('/v1/alert-rules', {}, AlertRulesSchema, ctx.signal),
  ]);
  if (!alerts.ok) {
    listSlot.replaceChildren(
      alerts.status === 404
        ? emptyState(
            'Alerts are not available on this server yet.',
            'This API does not serve /v1/alerts (404).',
          )
        : emptyState('Could not load alerts.', alerts.message),
    );
  } else {
    const shown =
      state.alertState === 'open'
        ? alerts.data.alerts.filter(
            (a) =>
              a.state !== 'resolved' ||
              (a.historical === true &&
                a.opened_at != null &&
                ctx.now().getTime() - Date.parse(a.opened_at) < HISTORICAL_SHOWN_MS),
          )
        : alerts.data.alerts;
    listSlot.replaceChildren(
      shown.length
        ? h(
            'ol',
            { class: 'alert-list' },
            // Rules that fired on the same brand, type and window: one incident, one card.
            ...groupAlerts(shown).map((g) =>
              alertItem(
                g[0]!,
                ctx,
                g.map((a) => a.rule_id ?? '').filter((r) => r !== ''),
              ),
            ),
          )
        : emptyState(
            state.alertState === 'open' ? 'No open alerts. All quiet.' : 'No alerts yet.',
            'Rules are evaluated every minute.',
          ),
    );
  }
  if (!rules.ok) {
    rulesSlot.replaceChildren(
      rules.status === 404
        ? emptyState('Rules are not available on this server yet.')
        : emptyState('Could not load rules.', rules.message),
    );
  } else {
    rulesSlot.replaceChildren(
      rules.data.rules.length
        ? rulesTable(rules.data.rules, ctx)
        : emptyState(
            'No alert rules.',
            'Add rules under `alerts:` in earshot.config.yaml, or POST /v1/alert-rules.',
          ),
    );
  }
}

function alertItem(a: Alert, ctx: PageContext, rules: readonly string[] = []): HTMLElement {
  const now = ctx.now();
  const d = a.why ?? a.peak ?? null;
  const type = a.type ?? '';
  const topics = a.context?.top_topics ?? [];
  const mentions = a.context?.top_negative_mentions ?? [];
  const brand = a.brand ?? '';
  const status = h('span', { class: `state state-${a.state}` }, a.state);
  const ackSlot = h('div', { class: 'ack' });
  const drawAck = (ackedAt: string | null | undefined, by?: string | null): void => {
    if (ackedAt) {
      ackSlot.replaceChildren(
        h(
          'span',
          { class: 'muted acked' },
          `Acknowledged ${relativeTime(ackedAt, now)}${by ? ` by ${by}` : ''}`,
        ),
      );
      return;
    }
    if (a.state === 'resolved') {
      ackSlot.replaceChildren();
      return;
    }
    const button = h('button', { type: 'button', class: 'ack-button' }, 'Acknowledge');
    button.addEventListener('click', () => {
      button.disabled = true;
      button.textContent = 'Acknowledging…';
      void ctx.api.post(`/v1/alerts/${encodeURIComponent(a.id)}/ack`, {}, AnySchema).then((res) => {
        if (res.ok) {
          const body = res.data as { acked_at?: unknown; acked_by?: unknown } | null;
          drawAck(
            typeof body?.acked_at === 'string' ? body.acked_at : new Date().toISOString(),
            typeof body?.acked_by === 'string' ? body.acked_by : null,
          );
          setStatus('Alert acknowledged');
        } else {
          button.disabled = false;
          button.textContent = 'Acknowledge';
          ackSlot.append(
            h(
              'span',
              { class: 'tone-bad', role: 'alert' },
              ` Could not acknowledge: ${res.message}`,
            ),
          );
        }
      });
    });
    ackSlot.replaceChildren(button);
  };
  drawAck(a.acked_at, a.acked_by);
  const windowMs = d?.window_minutes ? d.window_minutes * 60_000 : (intervalMs('15m') ?? 900_000);
  const end = d?.window_end
    ? Date.parse(d.window_end)
    : a.opened_at
      ? Date.parse(a.opened_at)
      : NaN;
  const drill =
    Number.isFinite(end) && brand
      ? toHash({
          ...navigate(ctx.state, 'brand', brand),
          sentiment: type === 'negative_spike' || type === 'sentiment_drop' ? 'neg' : null,
          feedFrom: new Date(end - windowMs).toISOString(),
          feedTo: new Date(end).toISOString(),
        })
      : null;
  return h(
    'li',
    {
      class: `alert-item state-${a.state}`,
      'data-alert': a.id,
      style: brand ? `--brand:${brandColor(ctx.brands, brand)}` : undefined,
    },
    h(
      'header',
      { class: 'alert-head' },
      h(
        'h3',
        {},
        h('span', { class: 'dot', 'aria-hidden': 'true' }),
        `${brand ? brandName(ctx.brands, brand) : ''}: ${TYPE_LABEL[type] ?? type}`,
      ),
      status,
      a.historical
        ? h(
            'span',
            { class: 'state state-historical', title: 'Found in past data, not live: not sent' },
            'historical',
          )
        : null,
      h(
        'span',
        { class: 'muted' },
        rules.length > 1 ? ` rules ${rules.join(', ')} ·` : a.rule_id ? ` rule ${a.rule_id} ·` : '',
        a.opened_at
          ? h(
              'time',
              { datetime: a.opened_at, title: absoluteTime(a.opened_at) },
              ` opened ${relativeTime(a.opened_at, now)} (${absoluteTime(a.opened_at)})`,
            )
          : '',
        a.resolved_at ? ` · resolved ${relativeTime(a.resolved_at, now)}` : '',
      ),
      h('span', { class: 'spacer' }),
      ackSlot,
    ),
    d
      ? h(
          'p',
          { class: 'why-numbers' },
          h('strong', {}, 'Why: '),
          `${metricLabel(d.metric)} ${fmt(d.metric, d.observed)} vs baseline ${fmt(d.metric, d.baseline)}`,
          d.z != null
            ? ` (z = ${d.z.toFixed(1)}${d.threshold != null ? `, threshold ${d.threshold}` : ''})`
            : '',
          d.window_minutes ? ` over ${d.window_minutes} min` : '',
        )
      : null,
    topics.length
      ? h(
          'p',
          {},
          h('strong', {}, 'Topics: '),
          ...topics
            .slice(0, 6)
            .map((t) =>
              h(
                'span',
                { class: 'chip' },
                h('bdi', {}, t.label),
                t.volume != null
                  ? h('span', { class: 'muted' }, ` ${formatCount(t.volume)}`)
                  : null,
              ),
            ),
        )
      : null,
    mentions.length
      ? h(
          'div',
          {},
          h('strong', {}, 'Most engaged negative mentions:'),
          h(
            'ul',
            { class: 'why-mentions' },
            ...mentions
              .slice(0, 3)
              .map((m) =>
                h(
                  'li',
                  { dir: 'auto' },
                  m.url
                    ? h(
                        'a',
                        { href: m.url, target: '_blank', rel: 'noopener noreferrer' },
                        m.text ?? m.id,
                      )
                    : (m.text ?? m.id),
                  h(
                    'span',
                    { class: 'muted' },
                    m.author_handle ? ` @${m.author_handle}` : '',
                    m.engagement != null ? ` · ${formatCount(m.engagement)} engagements` : '',
                  ),
                ),
              ),
          ),
        )
      : null,
    drill
      ? h('p', {}, h('a', { href: drill, class: 'drill' }, 'Read the mentions of this window →'))
      : null,
  );
}

function metricLabel(metric: string | undefined): string {
  return (
    {
      volume: 'mentions',
      negative_count: 'negative mentions',
      net_sentiment: 'net sentiment',
      share_of_voice: 'share of voice',
    }[metric ?? ''] ??
    metric ??
    'value'
  );
}

function fmt(metric: string | undefined, v: number | null | undefined): string {
  if (v == null) return '–';
  if (metric === 'net_sentiment') return formatNet(v);
  if (metric === 'share_of_voice') return formatShare(v, 1);
  return formatCount(v);
}

function rulesTable(rules: AlertRule[], ctx: PageContext): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data rules' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Rule'),
          h('th', { scope: 'col' }, 'Brand'),
          h('th', { scope: 'col' }, 'Type'),
          h('th', { scope: 'col' }, 'Window'),
          h('th', { scope: 'col' }, 'Sensitivity'),
          h('th', { scope: 'col' }, 'Enabled'),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Backtest')),
        ),
      ),
      h(
        'tbody',
        {},
        ...rules.map((r) => {
          const result = h('div', { class: 'backtest-result muted', 'aria-live': 'polite' });
          const button = h('button', { type: 'button', class: 'secondary' }, 'Backtest 7 days');
          button.addEventListener('click', () => {
            button.disabled = true;
            result.textContent = 'Replaying the last 7 days…';
            void ctx.api
              .post(
                `/v1/alert-rules/${encodeURIComponent(r.id)}/backtest`,
                { from: 'now-7d', to: 'now' },
                BacktestSchema,
              )
              .then((res) => {
                button.disabled = false;
                if (!res.ok) {
                  result.replaceChildren(
                    ...(res.status === 404
                      ? [
                          'This server has no backtest route; run ',
                          h('code', {}, `npx earshot alerts backtest --rule ${r.id} --from now-7d`),
                        ]
                      : [`Backtest failed: ${res.message}`]),
                  );
                  return;
                }
                const list = res.data.alerts ?? [];
                const n = list.length || (res.data.incidents ?? res.data.events ?? []).length;
                result.replaceChildren(
                  `Would have raised ${n} alert${n === 1 ? '' : 's'} in the last 7 days.`,
                  ...(list.length ? [backtestList(list, ctx)] : []),
                );
              });
          });
          return h(
            'tr',
            { 'data-rule': r.id },
            h('th', { scope: 'row' }, r.id),
            h('td', {}, r.brand ? brandName(ctx.brands, r.brand) : '–'),
            h('td', {}, TYPE_LABEL[r.type ?? ''] ?? r.type ?? '–'),
            h('td', {}, r.window == null ? '–' : String(r.window)),
            h('td', {}, r.sensitivity == null ? '–' : String(r.sensitivity)),
            h('td', {}, r.enabled === false ? 'no' : 'yes'),
            h('td', {}, button, result),
          );
        }),
      ),
    ),
  );
}

/** Each alert a backtest would have raised: when, which rule, the numbers, why, the mentions. */
function backtestList(list: readonly BacktestAlert[], ctx: PageContext): HTMLElement {
  return h(
    'ol',
    { class: 'backtest-alerts' },
    ...list.map((a) => {
      const end = a.window_end ? Date.parse(a.window_end) : NaN;
      const start = a.window_start ? Date.parse(a.window_start) : NaN;
      const link =
        a.brand && Number.isFinite(end) && Number.isFinite(start)
          ? toHash({
              ...navigate(ctx.state, 'brand', a.brand),
              sentiment:
                a.rule_type === 'negative_spike' || a.rule_type === 'sentiment_drop' ? 'neg' : null,
              feedFrom: new Date(start).toISOString(),
              feedTo: new Date(end).toISOString(),
            })
          : null;
      return h(
        'li',
        { 'data-backtest-alert': a.opened_at ?? '' },
        a.opened_at
          ? h(
              'time',
              { datetime: a.opened_at },
              `${absoluteTime(a.opened_at)} (${relativeTime(a.opened_at, ctx.now())})`,
            )
          : '',
        ` · ${a.rule_id ?? ''} (${TYPE_LABEL[a.rule_type ?? ''] ?? a.rule_type ?? ''})`,
        a.metric
          ? ` · ${metricLabel(a.metric)} ${fmt(a.metric, a.observed)} vs ${fmt(a.metric, a.baseline)}, z ${a.z ?? '–'}`
          : '',
        a.explanation ? h('div', { class: 'muted' }, a.explanation) : null,
        link ? h('a', { href: link }, 'Mentions in that window') : null,
      );
    }),
  );
}
