import type { Params } from './api.ts';
import type { PageContext } from './context.ts';
import { h } from './dom.ts';
import { feedQuery } from './feed-query.ts';
import { formatInteger } from './format.ts';
import { rangeParams } from './period.ts';
import { parseHash, type ViewState } from './state.ts';

/**
 * Download buttons: the data behind a panel as CSV (UTF-8 with a byte-order mark, so Excel
 * shows Greek and Persian right) or XLSX, from `GET /v1/export/…`. The file is fetched with the
 * key (a plain link could not send it) and handed to the browser; the status line then says how
 * many rows it holds, as the server counted them, so nobody wonders whether it was cut.
 */

export type Dataset = 'mentions' | 'series' | 'compare';

const NOUNS: Record<Dataset, [string, string]> = {
  mentions: ['mention', 'mentions'],
  series: ['time bucket', 'time buckets'],
  compare: ['brand', 'brands'],
};

/** The view as the address bar holds it now (filters change it without a re-render). */
function currentState(): ViewState {
  return parseHash(location.hash);
}

/** The export's query for a dataset, from the current view. */
export function exportParams(dataset: Dataset, state: ViewState, ids: string[] = []): Params {
  const range = rangeParams(state);
  if (dataset === 'compare') return { ...range, brands: ids.join(',') };
  if (dataset === 'series') return { ...range, brand: state.brand };
  return { ...feedQuery(state), brand: state.brand };
}

/** Hands a fetched file to the browser as a download. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later: some browsers read the URL after click() returns.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** "Download: CSV · XLSX" for one dataset; `ids` are the brands of a comparison. */
export function downloadGroup(
  ctx: PageContext,
  dataset: Dataset,
  ids: () => string[] = () => [],
): HTMLElement {
  const status = h('span', { class: 'download-status muted', role: 'status' });
  const [one, many] = NOUNS[dataset];
  const buttons = (['csv', 'xlsx'] as const).map((format) =>
    h(
      'button',
      {
        type: 'button',
        class: 'download',
        'data-format': format,
        title: `Download ${many} as ${format.toUpperCase()}`,
        onclick: () => void run(format),
      },
      format.toUpperCase(),
    ),
  );
  const run = async (format: 'csv' | 'xlsx'): Promise<void> => {
    for (const b of buttons) b.disabled = true;
    status.textContent = `Preparing ${format.toUpperCase()}…`;
    delete status.dataset.rows;
    try {
      const res = await ctx.api.download(
        `/v1/export/${dataset}.${format}`,
        exportParams(dataset, currentState(), ids()),
      );
      if (!res.ok) {
        status.textContent = `Download failed: ${res.message}`;
        return;
      }
      saveBlob(res.blob, res.filename);
      status.dataset.rows = String(res.rows ?? '');
      status.dataset.file = res.filename;
      status.textContent =
        res.rows === null
          ? `Saved ${res.filename}`
          : `Saved ${res.filename}: all ${formatInteger(res.rows)} ${res.rows === 1 ? one : many}`;
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  };
  return h(
    'div',
    {
      class: 'download-group',
      role: 'group',
      'aria-label': `Download ${many}`,
      'data-download': dataset,
    },
    h('span', { class: 'muted' }, 'Download'),
    ...buttons,
    status,
  );
}

/**
 * "PDF report" of a brand (`ids` = [brand]) or a comparison: printed on the server from the
 * same data as the page. Where the server has no browser, it says so and saves the HTML
 * report instead (the API's 503 `pdf_unavailable`).
 */
export function reportButton(
  ctx: PageContext,
  kind: 'brand' | 'compare',
  ids: () => string[],
): HTMLElement {
  const status = h('span', { class: 'download-status muted', role: 'status' });
  const button = h(
    'button',
    {
      type: 'button',
      class: 'download report',
      id: 'report-button',
      title: 'A PDF report of this page for the period: KPIs, charts, topics, mentions, alerts',
      onclick: () => void run(),
    },
    'PDF report',
  );
  const run = async (): Promise<void> => {
    button.disabled = true;
    status.textContent = 'Preparing the report…';
    try {
      const state = currentState();
      const path =
        kind === 'brand'
          ? `/v1/reports/brands/${encodeURIComponent(ids()[0] ?? '')}`
          : '/v1/reports/compare';
      const params: Params = {
        ...rangeParams(state),
        ...(kind === 'compare' ? { brands: ids().join(',') } : {}),
      };
      let res = await ctx.api.download(path, params);
      let fallback = false;
      if (!res.ok && res.code === 'pdf_unavailable') {
        fallback = true;
        res = await ctx.api.download(path, { ...params, format: 'html' });
      }
      if (!res.ok) {
        status.textContent = `Report failed: ${res.message}`;
        return;
      }
      saveBlob(res.blob, res.filename);
      status.dataset.file = res.filename;
      status.textContent = fallback
        ? `No PDF on this server (no browser installed): saved the HTML report ${res.filename}`
        : `Saved ${res.filename}`;
    } finally {
      button.disabled = false;
    }
  };
  return h(
    'div',
    { class: 'download-group report-group', 'data-download': 'report' },
    button,
    status,
  );
}
