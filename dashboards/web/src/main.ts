import './styles.css';
import { ApiClient, type Brand, BrandsSchema } from './api.ts';
import { disposeCharts } from './charts.ts';
import type { Page, PageContext } from './context.ts';
import { emptyState, h, setStatus } from './dom.ts';
import { BUCKETS, fitsRange, PERIOD_LABEL } from './period.ts';
import { rangePicker, setReportingTimeZone } from './range-picker.ts';
import { alertsPage } from './pages/alerts.ts';
import { brandPage } from './pages/brand.ts';
import { comparePage } from './pages/compare.ts';
import { mutedPage } from './pages/muted.ts';
import { overviewPage } from './pages/overview.ts';
import { parseReportHash, reportPage } from './pages/report.ts';
import { settingsPage } from './pages/settings.ts';
import {
  extractKey,
  parseHash,
  PERIODS,
  REFRESH_SECONDS,
  type PageId,
  type ViewState,
  toHash,
} from './state.ts';

const KEY_STORAGE = 'earshot.key';
const KEY_ICON =
  '<svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true"><circle cx="8" cy="15" r="4"/><path d="M10.8 12.2 20 3m-3 3 3 3m-6 0 2 2"/></svg>';
const THEME_STORAGE = 'earshot.theme';

const storage = {
  get(k: string): string | null {
    try {
      return localStorage.getItem(k);
    } catch {
      return null;
    }
  },
  set(k: string, v: string | null): void {
    try {
      if (v === null) localStorage.removeItem(k);
      else localStorage.setItem(k, v);
    } catch {
      // Private mode without storage: the key lives for this page only.
    }
  },
};

// A key in the link wins over a stored one, and leaves the address bar at once.
const initial = extractKey(location.hash);
let memoryKey = storage.get(KEY_STORAGE);
if (initial.key) {
  memoryKey = initial.key;
  storage.set(KEY_STORAGE, initial.key);
  history.replaceState(null, '', `${location.pathname}${location.search}${initial.hash || '#/'}`);
}

const api = new ApiClient({ key: () => memoryKey, onUnauthorized: () => askForKey(true) });
const pages: Record<PageId, Page> = {
  overview: overviewPage,
  brand: brandPage,
  compare: comparePage,
  alerts: alertsPage,
  muted: mutedPage,
  settings: settingsPage,
};
const main = document.getElementById('main')!;
let brands: { workspace: string; brands: Brand[] } | null = null;
let controller: AbortController | null = null;
let refreshTimer: number | undefined;
let rendering = 0;

function go(patch: Partial<ViewState>): void {
  const next = { ...parseHash(location.hash), ...patch };
  location.hash = toHash(next);
}

async function loadBrands(signal: AbortSignal): Promise<boolean> {
  if (brands) return true;
  await api.discover(signal);
  const res = await api.get('/v1/brands', {}, BrandsSchema, signal);
  if (!res.ok) {
    if (res.status !== 401)
      main.replaceChildren(
        emptyState(
          'The API could not list your brands.',
          `${res.message} (status ${res.status || 'none'})`,
        ),
      );
    return false;
  }
  brands = { workspace: res.data.workspace, brands: res.data.brands };
  setReportingTimeZone(res.data.timezone);
  return true;
}

async function render(options: { keepScroll?: boolean } = {}): Promise<void> {
  const state = parseHash(location.hash);
  const scroll = options.keepScroll ? window.scrollY : 0;
  controller?.abort();
  controller = new AbortController();
  const { signal } = controller;
  const ticket = ++rendering;
  // Synchronously, so nobody (a person's script, the browser tests) mistakes the previous
  // page for this one.
  document.body.dataset.loaded = 'false';
  renderControls(state);
  for (const a of document.querySelectorAll<HTMLAnchorElement>('#nav a')) {
    const active =
      a.dataset.page === state.page || (state.page === 'brand' && a.dataset.page === 'overview');
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  // The print view of a report (the server prints it to PDF): the brand or comparison page.
  const report = parseReportHash(location.hash);
  document.body.dataset.page = report ? 'report' : state.page;
  try {
    if (!(await loadBrands(signal)) || ticket !== rendering) return;
    const ctx: PageContext = {
      api,
      state,
      workspace: brands!.workspace,
      brands: brands!.brands,
      go,
      signal,
      now: () => new Date(),
      reloadBrands: () => (brands = null),
    };
    const root = h('div', { class: `page page-${state.page}` });
    disposeCharts();
    main.replaceChildren(root);
    await (report ? reportPage(report) : pages[state.page])(root, ctx);
    if (ticket !== rendering) return;
    document.body.dataset.loaded = 'true';
    if (options.keepScroll) window.scrollTo(0, scroll);
    setStatus(`${document.title} updated`);
  } catch (error) {
    if (signal.aborted) return;
    console.warn('page failed', error);
    main.replaceChildren(
      emptyState('Something went wrong while drawing this page.', String(error)),
    );
  } finally {
    scheduleRefresh(state);
  }
}

function scheduleRefresh(state: ViewState): void {
  window.clearTimeout(refreshTimer);
  if (state.refresh > 0)
    refreshTimer = window.setTimeout(() => void render({ keepScroll: true }), state.refresh * 1000);
}

function renderControls(state: ViewState): void {
  const controls = document.getElementById('controls')!;
  const period = h(
    'select',
    {
      id: 'period',
      'aria-label': 'Period',
      onchange: (e: Event) =>
        go({
          period: (e.target as HTMLSelectElement).value as ViewState['period'],
          from: null,
          to: null,
          feedFrom: null,
          feedTo: null,
        }),
    },
    ...(state.from && state.to
      ? [h('option', { value: '', selected: true, disabled: true }, 'Custom range')]
      : []),
    ...PERIODS.map((p) =>
      h(
        'option',
        { value: p, selected: !(state.from && state.to) && p === state.period },
        PERIOD_LABEL[p],
      ),
    ),
  );
  const buckets = h(
    'select',
    {
      id: 'buckets',
      'aria-label': 'Chart buckets',
      title: 'How wide each point or bar of the charts is',
      onchange: (e: Event) => go({ interval: (e.target as HTMLSelectElement).value || null }),
    },
    h(
      'option',
      { value: '', selected: !state.interval || !fitsRange(state.interval, state) },
      'Buckets: auto',
    ),
    ...BUCKETS.filter(([value]) => fitsRange(value, state)).map(([value, label]) =>
      h('option', { value, selected: value === state.interval }, label),
    ),
  );
  const refresh = h(
    'select',
    {
      id: 'refresh',
      'aria-label': 'Auto-refresh',
      onchange: (e: Event) =>
        go({ refresh: Number((e.target as HTMLSelectElement).value) as ViewState['refresh'] }),
    },
    ...REFRESH_SECONDS.map((s) =>
      h(
        'option',
        { value: s, selected: s === state.refresh },
        s === 0 ? 'Refresh: off' : `Refresh: ${s < 60 ? `${s}s` : `${s / 60} min`}`,
      ),
    ),
  );
  const dark =
    document.documentElement.dataset.theme === 'dark' ||
    (document.documentElement.dataset.theme !== 'light' &&
      matchMedia('(prefers-color-scheme: dark)').matches);
  const theme = h(
    'button',
    {
      type: 'button',
      class: 'icon-button',
      id: 'theme',
      'aria-label': dark ? 'Switch to light theme' : 'Switch to dark theme',
      title: dark ? 'Light theme' : 'Dark theme',
      onclick: () => {
        const next = dark ? 'light' : 'dark';
        document.documentElement.dataset.theme = next;
        storage.set(THEME_STORAGE, next);
        void render({ keepScroll: true });
      },
    },
    dark ? '☀' : '☾',
  );
  const key = h('button', {
    type: 'button',
    class: 'icon-button',
    id: 'key-button',
    'aria-label': 'API key',
    title: 'API key',
    onclick: () => askForKey(false),
  });
  key.innerHTML = KEY_ICON;
  controls.replaceChildren(period, rangePicker(state, go), buckets, refresh, theme, key);
}

/** A small dialog for the API key (also reached from the key button). */
function askForKey(rejected: boolean): void {
  if (document.getElementById('key-dialog')) return;
  const input = h('input', {
    id: 'key-input',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    value: memoryKey ?? '',
  });
  const dialog = h(
    'dialog',
    { id: 'key-dialog', 'aria-labelledby': 'key-title' },
    h(
      'form',
      {
        method: 'dialog',
        onsubmit: () => {
          memoryKey = input.value.trim() || null;
          storage.set(KEY_STORAGE, memoryKey);
          brands = null;
          dialog.close();
          void render();
        },
      },
      h(
        'h2',
        { id: 'key-title' },
        !rejected
          ? 'API key'
          : memoryKey
            ? 'Your API key was not accepted'
            : 'This dashboard needs an API key',
      ),
      h(
        'p',
        {},
        'Paste an API key of your workspace (',
        h('code', {}, 'npx earshot keys create'),
        '). It is kept in this browser only.',
      ),
      h('label', { for: 'key-input' }, 'API key'),
      input,
      h(
        'div',
        { class: 'dialog-actions' },
        h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => dialog.close() },
          'Cancel',
        ),
        h('button', { type: 'submit' }, 'Save'),
      ),
    ),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  if (rejected)
    main.replaceChildren(
      emptyState('This page needs an API key.', 'Open the link the demo printed, or paste a key.'),
    );
}

window.addEventListener('hashchange', () => void render());
matchMedia('(prefers-color-scheme: dark)').addEventListener(
  'change',
  () => void render({ keepScroll: true }),
);
void render();
