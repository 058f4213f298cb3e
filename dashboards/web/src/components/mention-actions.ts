import {
  MentionActionAnswerSchema,
  MuteAnswerSchema,
  type Mention,
  type MentionActions,
} from '../api.ts';
import type { PageContext } from '../context.ts';
import { h } from '../dom.ts';

/**
 * What a person can do to one mention of the feed: correct its sentiment (or go back to the
 * model's), tag it, hide it, bookmark it, mute its author or its domain. Each goes to the API
 * (`POST /v1/mentions/actions`, `PUT /v1/mutes`) and the numbers follow on the server; the feed
 * redraws the mention (`onUpdate`) or takes it out (`onRemove`).
 */
export interface ActionHooks {
  onUpdate(m: Mention): void;
  /** The mention left this view (hidden, unhidden from the hidden list, or muted). */
  onRemove(m: Mention, why: string): void;
  /** A muted author or domain: every mention of it leaves the view. */
  onMute(kind: 'author' | 'domain', value: string): void;
  onTag(tag: string): void;
  /** The feed shows hidden mentions (to bring them back). */
  showingHidden: boolean;
}

const NAMES: Record<string, string> = { pos: 'Positive', neu: 'Neutral', neg: 'Negative' };

export const NO_ACTIONS: MentionActions = {
  tags: [],
  hidden: false,
  bookmarked: false,
  muted: false,
  corrected: null,
};

/** The author a mute names: "<source>/<author id>". */
export const authorKey = (m: Mention): string | null =>
  m.author?.id ? `${m.source}/${m.author.id}` : null;

/** The host of a mention's URL, as a domain mute names it. */
export function domainKey(m: Mention): string | null {
  if (!m.url) return null;
  try {
    return new URL(m.url).hostname.toLowerCase().replace(/^www\./, '') || null;
  } catch {
    return null;
  }
}

export function actionBar(m: Mention, ctx: PageContext, hooks: ActionHooks): HTMLElement {
  const actions = m.actions ?? NO_ACTIONS;
  const status = h('span', { class: 'action-status muted', role: 'status' });
  const act = async (patch: Record<string, unknown>): Promise<MentionActions | null> => {
    status.textContent = 'Saving…';
    const res = await ctx.api.post(
      '/v1/mentions/actions',
      { id: m.id, ...patch },
      MentionActionAnswerSchema,
      ctx.signal,
    );
    if (!res.ok) {
      status.textContent = `Not saved: ${res.message}`;
      return null;
    }
    status.textContent = '';
    return res.data.actions;
  };
  const updated = (a: MentionActions): Mention => {
    const original = actions.corrected?.original_label ?? m.sentiment?.label ?? 'unscored';
    const label = a.corrected?.label ?? original;
    return { ...m, actions: a, ...(m.sentiment ? { sentiment: { ...m.sentiment, label } } : {}) };
  };

  // Correct: the three classes, and the model's label back when corrected.
  const current = actions.corrected?.label ?? '';
  const correct = h(
    'select',
    {
      class: 'correct',
      'aria-label': 'Correct the sentiment',
      title: 'Correct the sentiment: it counts in every number from now on',
      onchange: (e: Event) => {
        const v = (e.target as HTMLSelectElement).value;
        if (v === '') return;
        void act({ sentiment: v === 'model' ? null : v }).then((a) => {
          if (a) hooks.onUpdate(updated(a));
        });
      },
    },
    h('option', { value: '', selected: current === '' }, 'Correct…'),
    ...(['pos', 'neu', 'neg'] as const).map((l) =>
      h(
        'option',
        { value: l, selected: current === l, disabled: current === '' && m.sentiment?.label === l },
        NAMES[l],
      ),
    ),
    actions.corrected
      ? h(
          'option',
          { value: 'model' },
          `Back to the model’s (${NAMES[actions.corrected.original_label] ?? actions.corrected.original_label})`,
        )
      : null,
  );

  const tagInput = h('input', {
    type: 'text',
    class: 'tag-input',
    'aria-label': 'New tag',
    placeholder: 'tag',
    maxlength: 40,
    hidden: true,
  });
  const addTag = async (): Promise<void> => {
    const tag = tagInput.value.trim().toLowerCase();
    if (!tag) return;
    const a = await act({ tags: [...actions.tags.filter((t) => t !== tag), tag] });
    if (a) hooks.onUpdate(updated(a));
  };
  tagInput.addEventListener('keydown', (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void addTag();
    } else if (e.key === 'Escape') tagInput.hidden = true;
  });
  const tagButton = h(
    'button',
    {
      type: 'button',
      class: 'link tag-add',
      onclick: () => {
        if (tagInput.hidden) {
          tagInput.hidden = false;
          tagInput.focus();
        } else void addTag();
      },
    },
    '+ Tag',
  );
  const chips = actions.tags.map((t) =>
    h(
      'span',
      { class: 'tag-chip', 'data-tag': t },
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          title: `Mentions tagged “${t}”`,
          onclick: () => hooks.onTag(t),
        },
        `#${t}`,
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'link remove',
          'aria-label': `Remove tag ${t}`,
          onclick: () =>
            void act({ tags: actions.tags.filter((x) => x !== t) }).then((a) => {
              if (a) hooks.onUpdate(updated(a));
            }),
        },
        '×',
      ),
    ),
  );

  const bookmark = h(
    'button',
    {
      type: 'button',
      class: 'link bookmark',
      'aria-pressed': String(actions.bookmarked),
      onclick: () =>
        void act({ bookmarked: !actions.bookmarked }).then((a) => {
          if (a) hooks.onUpdate(updated(a));
        }),
    },
    actions.bookmarked ? '★ Bookmarked' : '☆ Bookmark',
  );

  const hide = h(
    'button',
    {
      type: 'button',
      class: 'link hide',
      title: actions.hidden
        ? 'Bring it back into the feed and the numbers'
        : 'Take it out of the feed and every number (reversible: “Hidden” filter)',
      onclick: () =>
        void act({ hidden: !actions.hidden }).then((a) => {
          if (!a) return;
          if (a.hidden !== hooks.showingHidden)
            hooks.onRemove(updated(a), a.hidden ? 'hidden' : 'restored');
          else hooks.onUpdate(updated(a));
        }),
    },
    actions.hidden ? 'Unhide' : 'Hide',
  );

  const mute = (kind: 'author' | 'domain', value: string, label: string): HTMLElement =>
    h(
      'button',
      {
        type: 'button',
        class: `link mute-${kind}`,
        title: `Leave out every mention of ${label}, in every number (undo in “Muted”)`,
        onclick: () => {
          status.textContent = 'Saving…';
          void ctx.api
            .put('/v1/mutes', { kind, value, label }, MuteAnswerSchema, ctx.signal)
            .then((res) => {
              if (!res.ok) {
                status.textContent = `Not saved: ${res.message}`;
                return;
              }
              status.textContent = '';
              hooks.onMute(kind, value);
            });
        },
      },
      kind === 'author' ? 'Mute author' : `Mute ${label}`,
    );
  const author = authorKey(m);
  const domain = domainKey(m);
  const who = m.author?.handle ? `@${m.author.handle}` : (m.author?.display_name ?? author ?? '');

  return h(
    'div',
    { class: 'mention-actions' },
    correct,
    bookmark,
    tagButton,
    tagInput,
    ...chips,
    hide,
    author ? mute('author', author, who) : null,
    domain ? mute('domain', domain, domain) : null,
    status,
  );
}
