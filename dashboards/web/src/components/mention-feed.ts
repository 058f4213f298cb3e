import { MentionsSchema, type Health, type Mention, type Topic } from '../api.ts';
import type { PageContext } from '../context.ts';
import { h } from '../dom.ts';
import { feedQuery, type FeedFilterState } from '../feed-query.ts';
import { formatCount, relativeTime } from '../format.ts';
import { languageName } from '../languages.ts';
import { combineItems, explanationFor, highlightSegments, significantItems } from '../highlight.ts';
import { shortDateTime } from '../period.ts';
import { FEED_SORTS, navigate, SENTIMENTS, toHash, type ViewState } from '../state.ts';
import { actionBar, authorKey, domainKey } from './mention-actions.ts';
import { sentimentPill, unavailable } from '../widgets.ts';

const FEED_PAGE = 25;
const SENTIMENT_NAMES: Record<string, string> = {
  pos: 'Positive',
  neu: 'Neutral',
  neg: 'Negative',
  unscored: 'Unscored',
};

/** The feed's own state: its filters and its order. */
export type FeedState = FeedFilterState & Pick<ViewState, 'sort'>;

/**
 * The mention feed: filters, infinite scroll (plus a button, for keyboards and for when the
 * observer does not fire). Filters change the URL (so the view is a link) without redrawing the
 * charts above.
 */
export function mentionFeed(
  container: HTMLElement,
  ctx: PageContext,
  base: string,
  hl: Health,
  topics: Topic[],
): {
  set(patch: Partial<FeedState>): Promise<void>;
  state(): FeedState;
  onChange(f: () => void): void;
  ready: Promise<void>;
} {
  let fs: FeedState = {
    sentiment: ctx.state.sentiment,
    source: ctx.state.source,
    lang: ctx.state.lang,
    topic: ctx.state.topic,
    q: ctx.state.q,
    owned: ctx.state.owned,
    sort: ctx.state.sort,
    tag: ctx.state.tag,
    bookmarked: ctx.state.bookmarked,
    hidden: ctx.state.hidden,
    feedFrom: ctx.state.feedFrom,
    feedTo: ctx.state.feedTo,
  };
  const listeners: (() => void)[] = [];
  const filters = h('form', {
    class: 'filters',
    role: 'search',
    'aria-label': 'Filter mentions',
    onsubmit: (e: Event) => e.preventDefault(),
  });
  const windowNote = h('div', { class: 'window-note' });
  const list = h('ol', { class: 'feed', 'aria-live': 'polite', 'aria-busy': 'false' });
  const more = h(
    'button',
    { type: 'button', class: 'secondary load-more', hidden: true },
    'Load more',
  );
  const end = h('p', { class: 'muted feed-end', hidden: true });
  const sentinel = h('div', { class: 'sentinel', 'aria-hidden': 'true' });
  const mutedLink = h(
    'p',
    { class: 'muted hint' },
    h('a', { href: toHash(navigate(ctx.state, 'muted')) }, 'Muted authors and domains'),
    ' are left out of this feed and every number.',
  );
  container.append(filters, windowNote, list, more, end, sentinel, mutedLink);

  let cursor: string | null = null;
  let loadingPage: Promise<void> | null = null;
  let generation = 0;

  const select = (
    name: 'source' | 'lang' | 'topic' | 'owned',
    label: string,
    options: { value: string; label: string }[],
  ): HTMLElement => {
    const id = `filter-${name}`;
    return h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      h(
        'select',
        {
          id,
          name,
          onchange: (e: Event) =>
            void set({ [name]: (e.target as HTMLSelectElement).value || null }),
        },
        h('option', { value: '' }, 'All'),
        ...options.map((o) =>
          h('option', { value: o.value, selected: fs[name] === o.value }, o.label),
        ),
      ),
    );
  };

  const drawFilters = (): void => {
    const search = h('input', {
      id: 'filter-q',
      type: 'search',
      name: 'q',
      value: fs.q ?? '',
      placeholder: 'Words in the text',
      autocomplete: 'off',
    });
    let debounce: number | undefined;
    search.addEventListener('input', () => {
      window.clearTimeout(debounce);
      debounce = window.setTimeout(() => void set({ q: search.value.trim() || null }), 350);
    });
    const tagFilter = h('input', {
      id: 'filter-tag',
      type: 'search',
      name: 'tag',
      value: fs.tag ?? '',
      placeholder: 'any',
      autocomplete: 'off',
      size: 10,
    });
    tagFilter.addEventListener(
      'change',
      () => void set({ tag: tagFilter.value.trim().toLowerCase() || null }),
    );
    const toggle = (name: 'bookmarked' | 'hidden', label: string): HTMLElement =>
      h(
        'label',
        { class: 'field check' },
        h('input', {
          id: `filter-${name}`,
          type: 'checkbox',
          name,
          checked: fs[name],
          onchange: (e: Event) => void set({ [name]: (e.target as HTMLInputElement).checked }),
        }),
        ` ${label}`,
      );
    const sources = hl.mix?.sources.map((s) => s.source) ?? [];
    if (fs.source && !sources.includes(fs.source)) sources.push(fs.source);
    const langs = hl.mix?.languages.map((l) => l.lang) ?? [];
    if (fs.lang && !langs.includes(fs.lang)) langs.push(fs.lang);
    const topicOptions = topics.map((t) => ({ value: t.id, label: t.label }));
    if (fs.topic && !topics.some((t) => t.id === fs.topic))
      topicOptions.push({ value: fs.topic, label: fs.topic });
    filters.replaceChildren(
      h(
        'fieldset',
        { class: 'segmented' },
        h('legend', {}, 'Sentiment'),
        ...[null, ...SENTIMENTS.filter((s) => s !== 'unscored')].map((s) =>
          h(
            'label',
            { class: fs.sentiment === s ? 'on' : undefined },
            h('input', {
              type: 'radio',
              name: 'sentiment',
              value: s ?? '',
              checked: fs.sentiment === s,
              onchange: () => void set({ sentiment: s }),
            }),
            s ? SENTIMENT_NAMES[s] : 'All',
          ),
        ),
      ),
      select(
        'source',
        'Source',
        sources.map((s) => ({ value: s, label: s })),
      ),
      select(
        'lang',
        'Language',
        langs.map((l) => ({ value: l, label: languageName(l) })),
      ),
      select('topic', 'Topic', topicOptions),
      select('owned', 'Own accounts', [
        { value: 'true', label: 'Ours and replies to them' },
        { value: 'false', label: 'Elsewhere' },
      ]),
      h('div', { class: 'field grow' }, h('label', { for: 'filter-q' }, 'Search'), search),
      h('div', { class: 'field' }, h('label', { for: 'filter-tag' }, 'Tag'), tagFilter),
      toggle('bookmarked', 'Bookmarked'),
      toggle('hidden', 'Hidden'),
      h(
        'fieldset',
        { class: 'segmented' },
        h('legend', {}, 'Order'),
        ...FEED_SORTS.map((s) =>
          h(
            'label',
            { class: fs.sort === s ? 'on' : undefined },
            h('input', {
              type: 'radio',
              name: 'sort',
              value: s,
              checked: fs.sort === s,
              onchange: () => void set({ sort: s }),
            }),
            s === 'newest' ? 'Newest' : 'Most engaged',
          ),
        ),
      ),
    );
    windowNote.replaceChildren(
      ...(fs.feedFrom && fs.feedTo
        ? [
            h('span', {}, `Showing ${shortDateTime(fs.feedFrom)} – ${shortDateTime(fs.feedTo)}`),
            h(
              'button',
              {
                type: 'button',
                class: 'link',
                onclick: () => void set({ feedFrom: null, feedTo: null }),
              },
              'Show the whole period',
            ),
          ]
        : []),
    );
  };

  const loadPage = async (): Promise<void> => {
    const gen = generation;
    list.setAttribute('aria-busy', 'true');
    more.disabled = true;
    const res = await ctx.api.get(
      `${base}/mentions`,
      {
        ...feedQuery({ ...ctx.state, ...fs }),
        sort: fs.sort === 'newest' ? undefined : fs.sort,
        limit: FEED_PAGE,
        cursor,
      },
      MentionsSchema,
      ctx.signal,
    );
    if (gen !== generation) return;
    list.setAttribute('aria-busy', 'false');
    more.disabled = false;
    if (!res.ok) {
      more.hidden = true;
      end.hidden = true;
      list.after(unavailable(res));
      cursor = null;
      return;
    }
    list.append(...res.data.mentions.map((m) => item(m)));
    cursor = res.data.next_cursor ?? null;
    more.hidden = cursor === null;
    end.hidden = cursor !== null;
    const count = list.children.length;
    end.textContent =
      count === 0
        ? 'No mentions match these filters.'
        : `That’s all: ${count} mention${count === 1 ? '' : 's'}.`;
    container.dataset.loaded = String(count);
  };

  // One mention with its actions; an action redraws it in place or takes it out of the list.
  const item = (m: Mention): HTMLElement => {
    const li = mentionItem(m, ctx.now());
    li.append(
      actionBar(m, ctx, {
        showingHidden: fs.hidden,
        onUpdate: (next) => li.replaceWith(item(next)),
        onRemove: (_m, why) => leave([li], why === 'hidden' ? 'Hidden.' : 'Back in the feed.'),
        onMute: (kind, value) =>
          leave(
            [...list.querySelectorAll<HTMLElement>('li.mention')].filter(
              (el) => el.dataset[kind === 'author' ? 'author' : 'domain'] === value,
            ),
            `Muted ${value}.`,
          ),
        onTag: (tag) => void set({ tag }),
      }),
    );
    return li;
  };
  const leave = (items: HTMLElement[], note: string): void => {
    for (const el of items) el.remove();
    end.hidden = false;
    end.textContent = note;
    container.dataset.loaded = String(list.children.length);
  };

  // A page load the page's navigation cancelled ends quietly: the feed is gone, and its loads are
  // started without a waiter (scrolling, the sentinel showing after a mute), so a rejection would be
  // an uncaught error in the console.
  const untilLeft = (load: Promise<void>): Promise<void> =>
    load.catch((error: unknown) => {
      if (!ctx.signal.aborted) throw error;
    });

  const next = (): Promise<void> => {
    if (!loadingPage && cursor !== null)
      loadingPage = untilLeft(loadPage()).finally(() => (loadingPage = null));
    return loadingPage ?? Promise.resolve();
  };

  const reset = (): Promise<void> => {
    generation++;
    cursor = null;
    list.replaceChildren();
    container.querySelectorAll('.empty').forEach((e) => e.remove());
    drawFilters();
    loadingPage = untilLeft(loadPage()).finally(() => (loadingPage = null));
    return loadingPage;
  };

  const set = async (patch: Partial<FeedState>): Promise<void> => {
    fs = { ...fs, ...patch };
    // The URL keeps up with the filters; replaceState does not fire hashchange, so only the feed reloads.
    history.replaceState(null, '', toHash({ ...ctx.state, ...fs }));
    for (const f of listeners) f();
    await reset();
  };

  more.addEventListener('click', () => void next());
  if (typeof IntersectionObserver !== 'undefined') {
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void next();
      },
      { rootMargin: '400px' },
    );
    io.observe(sentinel);
    ctx.signal.addEventListener('abort', () => io.disconnect());
  }
  return { set, state: () => fs, onChange: (f) => listeners.push(f), ready: reset() };
}

function mentionItem(m: Mention, now: Date): HTMLElement {
  const s = m.sentiment;
  const corrected = m.actions?.corrected ?? null;
  // The words explain the model's reading, also when a person corrected it.
  const all = combineItems(
    explanationFor(corrected?.original_label ?? s?.label ?? 'unscored', s?.explanation ?? []),
  );
  const why = significantItems(all);
  const segments = highlightSegments(m.text, why);
  const author = m.author;
  const who = author?.display_name || author?.handle || 'unknown author';
  const e = m.engagement;
  return h(
    'li',
    {
      class: `mention s-border-${s?.label ?? 'unscored'}`,
      'data-mention': m.id,
      'data-author': authorKey(m) ?? undefined,
      'data-domain': domainKey(m) ?? undefined,
      'data-corrected': corrected ? corrected.label : undefined,
      'data-engagement': String((e?.likes ?? 0) + (e?.reposts ?? 0) + (e?.replies ?? 0)),
    },
    h(
      'header',
      { class: 'mention-head' },
      h(
        'span',
        { class: 'author' },
        who,
        author?.handle && author.display_name
          ? h('span', { class: 'muted' }, ` @${author.handle}`)
          : null,
      ),
      author?.followers != null
        ? h(
            'span',
            { class: 'muted', title: 'followers' },
            ` · ${formatCount(author.followers)} followers`,
          )
        : null,
      h('span', { class: 'spacer' }),
      h('span', { class: 'tag', title: 'source' }, m.source),
      m.lang
        ? h('span', { class: 'tag', title: `detected language (${m.lang})` }, languageName(m.lang))
        : null,
      s ? sentimentPill(s.label, corrected ? undefined : s.score) : null,
      corrected
        ? h(
            'span',
            {
              class: 'tag corrected',
              title: `Corrected by ${corrected.by} on ${new Date(corrected.at).toLocaleString()}; the model said ${SENTIMENT_NAMES[corrected.original_label] ?? corrected.original_label}`,
            },
            'corrected',
          )
        : null,
      s?.model === 'given'
        ? h('span', { class: 'tag', title: 'the sentiment came with the import' }, 'given')
        : null,
    ),
    m.title ? h('p', { class: 'mention-title', dir: 'auto' }, m.title) : null,
    h(
      'p',
      { class: 'mention-text', dir: 'auto' },
      ...segments.map((seg) =>
        seg.item
          ? h(
              'mark',
              {
                class: seg.item.weight > 0 ? 'w-pos' : seg.item.weight < 0 ? 'w-neg' : 'w-neu',
                title: `${seg.item.kind}: ${seg.item.weight > 0 ? '+' : ''}${seg.item.weight.toFixed(2)}`,
              },
              seg.text,
            )
          : seg.text,
      ),
    ),
    why.length
      ? h(
          'p',
          { class: 'why' },
          h('span', { class: 'muted' }, 'Why: '),
          ...why.map((w) =>
            h(
              'span',
              {
                class: `chip ${w.weight > 0 ? 'w-pos' : w.weight < 0 ? 'w-neg' : 'w-neu'}`,
                title: w.kind,
              },
              h('bdi', {}, w.text),
              ` ${w.weight > 0 ? '+' : '\u2212'}${Math.abs(w.weight).toFixed(2)}`,
            ),
          ),
          all.length > why.length
            ? h(
                'span',
                { class: 'muted', title: 'smaller weights are not shown' },
                `+${all.length - why.length} weaker`,
              )
            : null,
        )
      : null,
    h(
      'footer',
      { class: 'mention-foot muted' },
      h(
        'time',
        { datetime: m.created_at, title: new Date(m.created_at).toLocaleString() },
        relativeTime(m.created_at, now),
      ),
      e
        ? h(
            'span',
            { title: 'likes · reposts · replies' },
            ` · ♥ ${formatCount(e.likes ?? 0)} · ↻ ${formatCount(e.reposts ?? 0)} · ↩ ${formatCount(e.replies ?? 0)}`,
          )
        : null,
      ...m.topics.slice(0, 3).map((t) => h('span', { class: 'tag topic' }, h('bdi', {}, t.label))),
      m.owned
        ? h(
            'span',
            {
              class: 'tag owned',
              title: "by or under one of the brand's own accounts (kept even without its name)",
            },
            'own account',
          )
        : null,
      m.synthetic
        ? h('span', { class: 'tag', title: 'generated by the demo source' }, 'synthetic')
        : null,
      m.url
        ? h(
            'a',
            { href: m.url, target: '_blank', rel: 'noopener noreferrer', class: 'open' },
            'Open',
            h('span', { class: 'visually-hidden' }, ` mention by ${who}`),
            ' ↗',
          )
        : null,
    ),
  );
}
