import { MuteAnswerSchema, MutesSchema, type Mute } from '../api.ts';
import type { PageContext } from '../context.ts';
import { emptyState, h, panel } from '../dom.ts';
import { relativeTime } from '../format.ts';
import { navigate, toHash } from '../state.ts';
import { loading, unavailable } from '../widgets.ts';

/**
 * Settings › Muted: the authors and domains whose mentions the workspace leaves out of the feed
 * and every number (set from the mention feed), each with a way back; a domain can be added
 * here too.
 */
export async function mutedPage(root: HTMLElement, ctx: PageContext): Promise<void> {
  root.append(
    h(
      'nav',
      { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: toHash(navigate(ctx.state, 'overview')) }, 'Overview'),
      ' › ',
      h('span', { 'aria-current': 'page' }, 'Muted authors and domains'),
    ),
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Muted authors and domains'),
      h(
        'p',
        { class: 'muted' },
        'Their mentions are left out of the feeds and of every number (charts, comparisons, alerts). Unmute to bring them back.',
      ),
    ),
  );
  const body = h('div', {}, loading());
  const status = h('p', { class: 'muted', role: 'status' });
  const domain = h('input', {
    id: 'mute-domain',
    type: 'text',
    name: 'domain',
    placeholder: 'example.com',
    autocomplete: 'off',
  });
  const form = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Mute a domain',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const value = domain.value.trim();
        if (value) void change({ kind: 'domain', value, label: value }, true);
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'mute-domain' }, 'Mute a domain'), domain),
    h('button', { type: 'submit', class: 'secondary' }, 'Mute'),
  );
  root.append(panel('mutes', 'Muted', body, status), panel('mute-add', 'Add', form));

  const change = async (
    m: Pick<Mute, 'kind' | 'value' | 'label'>,
    muted: boolean,
  ): Promise<void> => {
    status.textContent = 'Saving…';
    const res = await ctx.api.put(
      '/v1/mutes',
      { kind: m.kind, value: m.value, label: m.label, muted },
      MuteAnswerSchema,
      ctx.signal,
    );
    if (!res.ok) {
      status.textContent = `Not saved: ${res.message}`;
      return;
    }
    status.textContent = muted
      ? `Muted ${m.label}: ${res.data.mentions} mention${res.data.mentions === 1 ? '' : 's'} left out.`
      : `Unmuted ${m.label}: ${res.data.mentions} mention${res.data.mentions === 1 ? '' : 's'} back.`;
    domain.value = '';
    await draw();
  };

  const draw = async (): Promise<void> => {
    const res = await ctx.api.get('/v1/mutes', {}, MutesSchema, ctx.signal);
    if (!res.ok) {
      body.replaceChildren(unavailable(res));
      return;
    }
    const now = ctx.now();
    body.replaceChildren(
      res.data.mutes.length === 0
        ? emptyState('Nothing is muted.', 'Mute an author or a domain from a mention in a feed.')
        : h(
            'ul',
            { class: 'mute-list' },
            ...res.data.mutes.map((m) =>
              h(
                'li',
                { 'data-mute': `${m.kind}:${m.value}` },
                h('span', { class: 'tag' }, m.kind),
                ' ',
                h('bdi', {}, m.label || m.value),
                m.label && m.label !== m.value
                  ? h('span', { class: 'muted' }, ` (${m.value})`)
                  : null,
                m.at
                  ? h(
                      'span',
                      { class: 'muted' },
                      ` · ${relativeTime(m.at, now)}${m.by ? ` by ${m.by}` : ''}`,
                    )
                  : null,
                ' ',
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary unmute',
                    'aria-label': `Unmute ${m.label || m.value}`,
                    onclick: () => void change(m, false),
                  },
                  'Unmute',
                ),
              ),
            ),
          ),
    );
  };
  await draw();
}
