import { AlertRulesSchema, AlertsSchema, AnySchema, type Alert } from '../api.ts';
import { groupAlerts } from '../alert-groups.ts';
import { brandColor, brandName, type PageContext } from '../context.ts';
import { emptyState, h, panel, setStatus } from '../dom.ts';
import { formatCount, relativeTime } from '../format.ts';
import { intervalMs } from '../period.ts';
import { navigate, toHash } from '../state.ts';
import { loading } from '../widgets.ts';
import { absoluteTime, formatMetric, metricLabel, TYPE_LABEL } from './alert-format.ts';
import { mountRules } from './alert-rules.ts';

/** Historical alerts (found in past data) stay on the Open tab this long. */
const HISTORICAL_SHOWN_MS = 7 * 86_400_000;

/** "5 h ago (Dec 5, 2026, 08:05 PM UTC)": relative, and absolute in the reader's locale. */
function when(iso: string, now: Date): HTMLElement {
  return h(
    'time',
    { datetime: iso, title: absoluteTime(iso) },
    `${relativeTime(iso, now)} (${absoluteTime(iso)})`,
  );
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
            // Rules that fired on the same brand and type over overlapping windows: one
            // incident, one card.
            ...groupAlerts(shown).map((g) => alertItem(g, ctx)),
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
  } else mountRules(rulesSlot, ctx, rules.data);
}

/** One card for an incident: the first alert's numbers, every rule that fired on it. */
function alertItem(group: readonly Alert[], ctx: PageContext): HTMLElement {
  const a = group[0]!;
  const rules = group.map((x) => x.rule_id ?? '').filter((r) => r !== '');
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
          'Acknowledged ',
          when(ackedAt, now),
          by ? ` by ${by}` : '',
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
      // One card, one acknowledgement: every rule's alert of the incident is acknowledged.
      const acks = group.map((x) =>
        ctx.api.post(`/v1/alerts/${encodeURIComponent(x.id)}/ack`, {}, AnySchema),
      );
      void Promise.all(acks).then((answers) => {
        const res = answers.find((r) => !r.ok) ?? answers[0]!;
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
        rules.length > 1
          ? h('span', { class: 'alert-rules' }, ` rules ${rules.join(', ')} · `)
          : a.rule_id
            ? h('span', { class: 'alert-rules' }, ` rule ${a.rule_id} · `)
            : '',
        a.opened_at ? ['opened ', when(a.opened_at, now)] : '',
        a.resolved_at ? [' · resolved ', when(a.resolved_at, now)] : '',
      ),
      h('span', { class: 'spacer' }),
      ackSlot,
    ),
    d
      ? h(
          'p',
          { class: 'why-numbers' },
          h('strong', {}, 'Why: '),
          `${metricLabel(d.metric)} ${formatMetric(d.metric, d.observed)} vs baseline ${formatMetric(d.metric, d.baseline)}`,
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
