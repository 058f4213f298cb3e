import { AnySchema, BrandSchema, RematchSchema, type Brand, type ErrorDetail } from '../api.ts';
import { brandColor, type Page, type PageContext } from '../context.ts';
import { emptyState, h, panel, setStatus } from '../dom.ts';
import { navigate, toHash } from '../state.ts';
import { livePreview } from './settings-preview.ts';
import { sourcesPanel } from './settings-sources.ts';

/**
 * Settings: the workspace's brands (add, edit with a live preview of the watch query, delete
 * with a confirmation), its sources and where the alert rules are. Brands defined in
 * earshot.config.yaml are shown read-only; what is made here is stored and applies within
 * seconds, without a restart (docs/setup.md).
 */
export const settingsPage: Page = async (root, ctx) => {
  document.title = 'Settings · earshot';
  root.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Settings'),
      h(
        'p',
        { class: 'muted' },
        `Brands, watch queries and sources of workspace “${ctx.workspace}”. Changes apply within seconds, without a restart. `,
        'Guide: ',
        h('code', {}, 'docs/setup.md'),
        ' · query syntax: ',
        h('code', {}, 'docs/queries.md'),
        ' · ',
        h('a', { href: '/docs', target: '_blank', rel: 'noopener' }, 'API reference'),
      ),
    ),
  );
  const editorSlot = h('div', { id: 'brand-editor-slot' });
  root.append(brandsPanel(ctx, editorSlot), editorSlot);
  root.append(await sourcesPanel(ctx));
  root.append(
    panel(
      'rules',
      'Alert rules',
      h(
        'p',
        {},
        'Every brand gets the default rules (a volume spike, a sentiment drop). Add your own, try them on past data and see what fired on the ',
        h('a', { href: toHash(navigate(ctx.state, 'alerts')), id: 'rules-link' }, 'Alerts page'),
        '.',
      ),
    ),
  );
};

function brandsPanel(ctx: PageContext, editorSlot: HTMLElement): HTMLElement {
  const own = ctx.brands.filter((b) => b.origin === 'api');
  const add = h(
    'button',
    { type: 'button', id: 'add-brand', onclick: () => openEditor(ctx, editorSlot, null) },
    'Add a brand',
  );
  const rows = ctx.brands.map((b) =>
    h(
      'li',
      { class: 'setting-row', 'data-brand': b.id },
      h(
        'div',
        { class: 'setting-main' },
        h('span', {
          class: 'dot',
          style: `background:${brandColor(ctx.brands, b.id)}`,
          'aria-hidden': 'true',
        }),
        h('a', { href: toHash(navigate(ctx.state, 'brand', b.id)) }, b.name),
        h('span', { class: 'muted' }, ` ${b.id}`),
        h('code', { class: 'query', 'data-query': b.id }, b.query ?? ''),
      ),
      b.origin === 'api'
        ? h(
            'div',
            { class: 'setting-actions' },
            h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                'data-edit': b.id,
                onclick: () => openEditor(ctx, editorSlot, b),
              },
              'Edit',
            ),
            h(
              'button',
              {
                type: 'button',
                class: 'secondary danger',
                'data-delete': b.id,
                onclick: () => confirmDelete(ctx, b),
              },
              'Delete',
            ),
          )
        : h(
            'span',
            { class: 'badge', title: 'change it in the file; the dashboard shows it read-only' },
            'defined in earshot.config.yaml',
          ),
    ),
  );
  return panel(
    'brands',
    'Brands',
    own.length === 0
      ? emptyState(
          'No brands of your own yet.',
          'Add one with a watch query: try it on the stored mentions as you type, save it, and it matches new mentions within seconds (and the last days, if you ask).',
        )
      : null,
    h('ul', { class: 'setting-list', id: 'brand-list' }, ...rows),
    h('div', { class: 'setting-foot' }, add),
  );
}

/** The add/edit form with the live preview under the query. */
function openEditor(ctx: PageContext, slot: HTMLElement, brand: Brand | null): void {
  const others = ctx.brands.filter((b) => b.id !== brand?.id);
  const name = h('input', { id: 'brand-name', required: true, value: brand?.name ?? '' });
  const query = h('textarea', {
    id: 'brand-query',
    rows: 3,
    spellcheck: 'false',
    required: true,
    placeholder: '"acme cloud" OR (acme NEAR/3 hosting) NOT "road runner"',
  });
  query.value = brand?.query ?? '';
  const color = h('input', {
    id: 'brand-color',
    type: 'color',
    value: brand?.color ?? '#7a5cf0',
  });
  const competitors = others.map((b) =>
    h(
      'label',
      { class: 'check' },
      h('input', {
        type: 'checkbox',
        value: b.id,
        checked: brand?.competitors.includes(b.id) ?? false,
      }),
      ` ${b.name}`,
    ),
  );
  const rematch = h(
    'select',
    { id: 'brand-rematch' },
    h('option', { value: '0' }, 'New mentions only'),
    ...[1, 7, 30].map((d) =>
      h('option', { value: d, selected: d === 7 }, `and the last ${d} day${d === 1 ? '' : 's'}`),
    ),
  );
  const errors = h('div', { class: 'form-errors', id: 'brand-errors', role: 'alert' });
  const preview = h('div', { class: 'preview', id: 'query-preview', 'aria-live': 'polite' });
  const save = h(
    'button',
    { type: 'submit', id: 'brand-save' },
    brand ? 'Save changes' : 'Save brand',
  );
  const form = h(
    'form',
    { class: 'brand-form', id: 'brand-form' },
    h('h2', {}, brand ? `Edit ${brand.name}` : 'Add a brand'),
    h('label', { for: 'brand-name' }, 'Name'),
    name,
    h('label', { for: 'brand-query' }, 'Watch query'),
    query,
    h(
      'p',
      { class: 'muted hint' },
      'Words match whole words in any case and with or without accents; "exact phrase", AND, OR, NOT, NEAR/3, (groups), #hashtag, @account, lang:de, source:hackernews. More in docs/queries.md.',
    ),
    preview,
    others.length > 0 ? h('fieldset', {}, h('legend', {}, 'Competitors'), ...competitors) : null,
    h('label', { for: 'brand-color' }, 'Colour'),
    color,
    h('label', { for: 'brand-rematch' }, 'Count'),
    rematch,
    errors,
    h(
      'div',
      { class: 'dialog-actions' },
      h(
        'button',
        { type: 'button', class: 'secondary', onclick: () => slot.replaceChildren() },
        'Cancel',
      ),
      save,
    ),
  );
  const stopPreview = livePreview(ctx, query, preview, brand?.id ?? null);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      save.disabled = true;
      errors.replaceChildren();
      const body = {
        name: name.value.trim(),
        query: query.value,
        competitors: competitors
          .map((l) => l.querySelector('input')!)
          .filter((i) => i.checked)
          .map((i) => i.value),
        color: color.value,
      };
      const res = brand
        ? await ctx.api.send(
            'PATCH',
            `/v1/brands/${encodeURIComponent(brand.id)}`,
            body,
            BrandSchema,
          )
        : await ctx.api.post('/v1/brands', body, BrandSchema);
      if (!res.ok) {
        save.disabled = false;
        errors.replaceChildren(...problemList(res.message, res.details));
        return;
      }
      const id = res.data.id;
      const days = Number(rematch.value);
      if (days > 0) {
        setStatus('Counting the stored mentions…');
        const counted = await ctx.api.post(
          `/v1/brands/${encodeURIComponent(id)}/rematch`,
          { days },
          RematchSchema,
        );
        if (!counted.ok) errors.replaceChildren(...problemList(counted.message, counted.details));
      }
      stopPreview();
      ctx.reloadBrands?.();
      ctx.go(navigate(ctx.state, 'brand', id));
    })();
  });
  slot.replaceChildren(form);
  form.scrollIntoView({ block: 'start' });
  name.focus();
}

function problemList(message: string, details?: ErrorDetail[]): HTMLElement[] {
  if (!details || details.length === 0) return [h('p', {}, message)];
  return details.map((d) => h('p', {}, h('code', {}, d.parameter), `: ${d.message}`));
}

function confirmDelete(ctx: PageContext, brand: Brand): void {
  const problem = h('p', { role: 'alert', class: 'form-errors' });
  const dialog = h(
    'dialog',
    { id: 'delete-dialog', 'aria-labelledby': 'delete-title' },
    h(
      'form',
      {
        method: 'dialog',
        onsubmit: (e: Event) => {
          e.preventDefault();
          void (async () => {
            const res = await ctx.api.send(
              'DELETE',
              `/v1/brands/${encodeURIComponent(brand.id)}`,
              undefined,
              AnySchema,
            );
            if (!res.ok) {
              problem.textContent = res.message;
              return;
            }
            dialog.close();
            ctx.reloadBrands?.();
            ctx.go({ ...navigate(ctx.state, 'settings'), refresh: ctx.state.refresh });
            window.dispatchEvent(new HashChangeEvent('hashchange'));
          })();
        },
      },
      h('h2', { id: 'delete-title' }, `Delete ${brand.name}?`),
      h(
        'p',
        {},
        'Its watch query stops matching and its counts and charts go. The mentions themselves stay for the other brands that match them. This cannot be undone.',
      ),
      problem,
      h(
        'div',
        { class: 'dialog-actions' },
        h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => dialog.close() },
          'Cancel',
        ),
        h('button', { type: 'submit', class: 'danger', id: 'delete-confirm' }, 'Delete brand'),
      ),
    ),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}
