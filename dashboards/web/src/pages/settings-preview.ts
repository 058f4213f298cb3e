import { PreviewSchema, type Preview, type PreviewMention } from '../api.ts';
import type { PageContext } from '../context.ts';
import { h } from '../dom.ts';

/** Days the preview looks back over: the last week, as the brand page opens. */
const DAYS = 7;
const DEBOUNCE_MS = 300;

/**
 * The watch query tried on the stored mentions as it is typed (POST /v1/brands/preview): the
 * syntax problem with a caret under its character, or the matches of the last days by day,
 * samples with what matched marked, and (editing a brand) what the change gains and loses.
 * Returns a function that stops it.
 */
export function livePreview(
  ctx: PageContext,
  input: HTMLTextAreaElement,
  out: HTMLElement,
  brand: string | null,
): () => void {
  let timer: number | undefined;
  let inFlight: AbortController | null = null;
  const run = async () => {
    const query = input.value;
    inFlight?.abort();
    if (query.trim() === '') {
      out.replaceChildren(h('p', { class: 'muted' }, 'Type a query to see what it matches.'));
      return;
    }
    const controller = new AbortController();
    inFlight = controller;
    out.setAttribute('aria-busy', 'true');
    const res = await ctx.api
      .post(
        '/v1/brands/preview',
        { query, days: DAYS, samples: 5, ...(brand ? { brand } : {}) },
        PreviewSchema,
        controller.signal,
      )
      .catch(() => null);
    if (res === null || controller.signal.aborted) return;
    out.setAttribute('aria-busy', 'false');
    out.dataset.state = res.ok ? 'ok' : 'error';
    if (!res.ok) {
      const detail = res.details?.find((d) => d.parameter === 'query');
      out.replaceChildren(
        detail?.position !== undefined
          ? queryError(query, detail.position, detail.message)
          : h('p', { class: 'form-errors' }, res.message),
      );
      return;
    }
    out.replaceChildren(...previewView(res.data, brand !== null));
  };
  const schedule = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void run(), DEBOUNCE_MS);
  };
  input.addEventListener('input', schedule);
  void run();
  return () => {
    window.clearTimeout(timer);
    inFlight?.abort();
    input.removeEventListener('input', schedule);
  };
}

function queryError(query: string, position: number, message: string): HTMLElement {
  const lineStart = query.lastIndexOf('\n', position - 1) + 1;
  const lineEnd = query.indexOf('\n', position);
  const line = query.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
  return h(
    'div',
    { class: 'query-error', id: 'query-error' },
    h('p', {}, message),
    h('pre', {}, `${line}\n${' '.repeat(position - lineStart)}^`),
  );
}

function previewView(p: Preview, editing: boolean): HTMLElement[] {
  const approx = p.estimated ? '≈ ' : '';
  const max = Math.max(1, ...p.by_day.map((d) => Math.max(d.matches, d.current ?? 0)));
  const out: HTMLElement[] = [
    h(
      'p',
      { class: 'preview-total', id: 'preview-total', 'data-total': p.total },
      h('strong', {}, `${approx}${p.total.toLocaleString('en-US')}`),
      ` stored mention${p.total === 1 ? '' : 's'} of the last ${DAYS} days match`,
      editing && p.current_total != null
        ? ` (now: ${approx}${p.current_total.toLocaleString('en-US')})`
        : '',
      p.estimated ? h('span', { class: 'muted' }, ' — estimated from a sample') : '',
    ),
    h(
      'div',
      { class: 'preview-days', role: 'img', 'aria-label': 'matches by day' },
      ...p.by_day.map((d) =>
        h(
          'div',
          { class: 'preview-day', title: `${d.day}: ${d.matches}` },
          h('span', { class: 'bar', style: `height:${(d.matches / max) * 100}%` }),
          h('span', { class: 'day' }, d.day.slice(5)),
        ),
      ),
    ),
  ];
  if (p.total === 0)
    out.push(
      h(
        'p',
        { class: 'muted' },
        'Nothing stored matches yet. That can be right for a new name: saved, the query matches new mentions as they arrive. Check the spelling, or widen it with OR.',
      ),
    );
  if (p.samples.length > 0)
    out.push(h('h3', {}, 'Samples'), mentionList(p.samples, 'preview-samples'));
  if (editing && (p.gained.length > 0 || p.lost.length > 0))
    out.push(
      h(
        'div',
        { class: 'two-col' },
        h('div', {}, h('h3', {}, 'Gained'), mentionList(p.gained, 'preview-gained')),
        h('div', {}, h('h3', {}, 'Lost'), mentionList(p.lost, 'preview-lost')),
      ),
    );
  return out;
}

function mentionList(mentions: PreviewMention[], id: string): HTMLElement {
  if (mentions.length === 0) return h('p', { class: 'muted', id }, 'none');
  return h(
    'ul',
    { class: 'preview-list', id },
    ...mentions.map((m) =>
      h(
        'li',
        {},
        h(
          'span',
          { class: 'muted' },
          `${m.source} · ${m.created_at.slice(0, 16).replace('T', ' ')} `,
        ),
        h('span', { class: 'text' }, ...marked(m.text, m.spans)),
      ),
    ),
  );
}

/** The text with what matched in <mark>; spans out of range or overlapping are left out. */
export function marked(text: string, spans: ReadonlyArray<readonly [number, number]>): Node[] {
  const sorted = [...spans]
    .filter(([s, e]) => s >= 0 && e > s && e <= text.length)
    .sort((a, b) => a[0] - b[0]);
  const out: Node[] = [];
  let at = 0;
  for (const [s, e] of sorted) {
    if (s < at) continue;
    if (s > at) out.push(document.createTextNode(text.slice(at, s)));
    out.push(h('mark', {}, text.slice(s, e)));
    at = e;
  }
  if (at < text.length) out.push(document.createTextNode(text.slice(at)));
  return out;
}
