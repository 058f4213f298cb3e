import { emptyState, h } from './dom.ts';
import { mentionScoreText, type Tone } from './format.ts';

/** A headline number with its change against the previous period. */
export function kpi(
  label: string,
  value: string,
  change?: { text: string; tone: Tone; title: string },
  testId?: string,
  raw?: number | null,
): HTMLElement {
  return h(
    'div',
    { class: 'kpi', 'data-kpi': testId ?? label },
    h('div', { class: 'kpi-label' }, label),
    h('div', { class: 'kpi-value', 'data-value': raw ?? undefined }, value),
    change ? changePill(change.text, change.tone, change.title) : null,
  );
}

export function changePill(text: string, tone: Tone, title: string): HTMLElement {
  const arrow =
    text === 'new' ? '' : text.startsWith('+') ? '▲ ' : text.startsWith('\u2212') ? '▼ ' : '';
  return h(
    'span',
    { class: `pill tone-${tone}`, title },
    h('span', { 'aria-hidden': 'true' }, arrow),
    text,
    h('span', { class: 'visually-hidden' }, ` ${title}`),
  );
}

const LABELS: Record<string, string> = {
  pos: 'positive',
  neu: 'neutral',
  neg: 'negative',
  unscored: 'unscored',
};
export function sentimentPill(label: string, score?: number): HTMLElement {
  const shown = mentionScoreText(label, score);
  return h(
    'span',
    {
      class: `sentiment s-${label}`,
      title: shown === null ? undefined : `score ${shown}`,
    },
    LABELS[label] ?? label,
    shown === null ? null : h('span', { class: 'score' }, ` ${shown}`),
  );
}

/** A proportional positive/neutral/negative bar with a text equivalent. */
export function sentimentBar(pos: number, neu: number, neg: number): HTMLElement {
  const total = pos + neu + neg;
  const pct = (n: number): number => (total ? (n / total) * 100 : 0);
  const text = total
    ? `${pct(pos).toFixed(0)}% positive, ${pct(neu).toFixed(0)}% neutral, ${pct(neg).toFixed(0)}% negative`
    : 'no scored mentions';
  return h(
    'div',
    { class: 'sbar', role: 'img', 'aria-label': text, title: text },
    h('span', { class: 'pos', style: `width:${pct(pos)}%` }),
    h('span', { class: 'neu', style: `width:${pct(neu)}%` }),
    h('span', { class: 'neg', style: `width:${pct(neg)}%` }),
  );
}

export function loading(label = 'Loading…'): HTMLElement {
  return h('div', { class: 'loading', 'aria-busy': 'true' }, label);
}

/** A panel's answer when the API could not give it: an older server, or an error. */
export function unavailable(res: { status: number; message: string }): HTMLElement {
  return res.status === 404 && /no route/i.test(res.message)
    ? emptyState('Not available on this server yet.', 'This API does not serve this view (404).')
    : emptyState('Could not load this.', res.message);
}
