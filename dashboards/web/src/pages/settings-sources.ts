import { AnySchema, SourcesSchema, type SourceInfo } from '../api.ts';
import type { PageContext } from '../context.ts';
import { emptyState, h, panel } from '../dom.ts';
import { relativeTime } from '../format.ts';

/**
 * Sources as `earshot sources` tells them, with what the running process adds: connected (it
 * runs), needs credentials or options (and which), its last fetch and last error. Sources of
 * earshot.config.yaml are read-only; a workspace can set up the others (options as JSON, the
 * same keys as the file, credentials as env var names).
 */
export async function sourcesPanel(ctx: PageContext): Promise<HTMLElement> {
  const res = await ctx.api.get('/v1/sources', {}, SourcesSchema, ctx.signal);
  if (!res.ok)
    return panel('sources', 'Sources', emptyState('Sources are unavailable.', res.message));
  const list = res.data.sources;
  const running = list.filter((s) => s.origin !== null);
  const editor = h('div', { id: 'source-editor' });
  return panel(
    'sources',
    'Sources',
    running.length === 0
      ? emptyState(
          'No public source is set up: only the demo and what you push (POST /v1/ingest, earshot import) come in.',
          'Set one up below (Hacker News and RSS need no account).',
        )
      : null,
    h(
      'table',
      { class: 'setting-table', id: 'source-table' },
      h(
        'thead',
        {},
        h('tr', {}, ...['Source', 'Status', 'Last fetch', 'Set up'].map((t) => h('th', {}, t))),
      ),
      h('tbody', {}, ...list.map((s) => sourceRow(ctx, s, editor))),
    ),
    editor,
  );
}

function status(s: SourceInfo): { text: string; tone: string } {
  if (s.origin === null) return { text: 'not set up', tone: 'muted' };
  if (s.last_error) return { text: `error: ${s.last_error}`, tone: 'bad' };
  if (!s.configured)
    return {
      text: s.needs.some((n) => n.startsWith('env '))
        ? `needs credentials: ${s.needs.join('; ')}`
        : `needs: ${s.needs.join('; ')}`,
      tone: 'warn',
    };
  if (s.state === 'running' || s.state === 'idle') return { text: 'connected', tone: 'good' };
  return { text: s.state ?? 'configured (runs in the ingest process)', tone: 'muted' };
}

function sourceRow(ctx: PageContext, s: SourceInfo, editor: HTMLElement): HTMLElement {
  const st = status(s);
  return h(
    'tr',
    { 'data-source': s.source },
    h('td', {}, h('strong', {}, s.source), h('div', { class: 'muted' }, s.description)),
    h('td', { class: `tone-${st.tone}`, 'data-status': st.text }, st.text),
    h('td', {}, s.last_fetch ? relativeTime(s.last_fetch, ctx.now()) : '—'),
    h(
      'td',
      {},
      s.origin === 'config'
        ? h('span', { class: 'badge' }, 'defined in earshot.config.yaml')
        : h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => openSourceEditor(ctx, s, editor) },
            s.origin === 'api' ? 'Edit' : 'Set up',
          ),
    ),
  );
}

function openSourceEditor(ctx: PageContext, s: SourceInfo, slot: HTMLElement): void {
  const options = h('textarea', { id: 'source-options', rows: 5, spellcheck: 'false' });
  options.value = JSON.stringify(s.options ?? {}, null, 2);
  const errors = h('div', { class: 'form-errors', role: 'alert' });
  const path = `/v1/sources/${encodeURIComponent(s.source)}`;
  const done = () => {
    ctx.go({ ...ctx.state });
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  };
  slot.replaceChildren(
    h(
      'form',
      {
        class: 'brand-form',
        onsubmit: (e: Event) => {
          e.preventDefault();
          void (async () => {
            let body: unknown;
            try {
              body = JSON.parse(options.value);
            } catch {
              errors.textContent = 'The options are not valid JSON.';
              return;
            }
            const res = await ctx.api.send('PUT', path, { options: body }, AnySchema);
            if (!res.ok) {
              errors.replaceChildren(
                ...(res.details ?? [{ parameter: 'options', message: res.message }]).map((d) =>
                  h('p', {}, h('code', {}, d.parameter), `: ${d.message}`),
                ),
              );
              return;
            }
            done();
          })();
        },
      },
      h('h3', {}, `${s.source}: options`),
      h(
        'p',
        { class: 'muted' },
        'The keys of sources.',
        s.source,
        ' in earshot.config.yaml (docs/sources.md). Credentials by the name of the env var that holds them, never the secret.',
      ),
      options,
      errors,
      h(
        'div',
        { class: 'dialog-actions' },
        s.origin === 'api'
          ? h(
              'button',
              {
                type: 'button',
                class: 'secondary danger',
                onclick: () =>
                  void ctx.api.send('DELETE', path, undefined, AnySchema).then((r) => {
                    if (r.ok) done();
                    else errors.textContent = r.message;
                  }),
              },
              'Remove',
            )
          : null,
        h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => slot.replaceChildren() },
          'Cancel',
        ),
        h('button', { type: 'submit' }, 'Save'),
      ),
    ),
  );
}
