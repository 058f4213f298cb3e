import { h } from './dom.ts';
import type { ViewState } from './state.ts';

/**
 * A custom date range: two dates, whole days of the workspace's reporting time zone (the days
 * the API splits at local midnight, `workspaces[].timezone`), from the first day's midnight to
 * the midnight after the last. The zone is shown beside the picker so nobody wonders whose
 * midnight it is.
 */

let reportingTz = 'UTC';

/** The workspace's zone, once `/v1/brands` has told it; updates the labels already drawn. */
export function setReportingTimeZone(tz: string | undefined): void {
  reportingTz = tz && isZone(tz) ? tz : 'UTC';
  for (const el of document.querySelectorAll<HTMLElement>('.tz-label')) {
    el.textContent = tzLabel(reportingTz);
    el.dataset.tz = reportingTz;
  }
}

function isZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function tzLabel(tz: string): string {
  return `Days in ${tz.replace(/_/g, ' ')}`;
}

/** Wall-clock offset of `tz` at the instant `ms` (local − UTC), in ms. */
function offsetAt(ms: number, tz: string): number {
  const parts: Record<string, string> = {};
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  for (const p of f.formatToParts(new Date(ms))) parts[p.type] = p.value;
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The instant local midnight starts the date `yyyy-mm-dd` in `tz` (ISO 8601, UTC). */
export function zonedMidnight(date: string, tz: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  // The offset at midnight can differ from the one a few hours off (DST): settle it.
  let at = wall - offsetAt(wall, tz);
  for (let i = 0; i < 3; i++) {
    const next = wall - offsetAt(at, tz);
    if (next === at) break;
    at = next;
  }
  return new Date(at).toISOString();
}

/** The local date (`yyyy-mm-dd`) of an instant in `tz`. */
export function zonedDate(iso: string, tz: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(iso));
}

/** The day after `yyyy-mm-dd`. */
function nextDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** [first day, last day] → the API's `from` and `to`; null when the days are out of order. */
export function rangeOfDays(
  first: string,
  last: string,
  tz: string,
): { from: string; to: string } | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(first) || !/^\d{4}-\d{2}-\d{2}$/.test(last)) return null;
  if (last < first) return null;
  return { from: zonedMidnight(first, tz), to: zonedMidnight(nextDay(last), tz) };
}

/** "Dates…": a small form with the first and last day; applying it sets a custom range. */
export function rangePicker(
  state: ViewState,
  go: (patch: Partial<ViewState>) => void,
): HTMLElement {
  const tz = reportingTz;
  const custom = state.from !== null && state.to !== null;
  const today = zonedDate(new Date().toISOString(), tz);
  const first = h('input', {
    type: 'date',
    id: 'range-from',
    'aria-label': 'First day',
    required: true,
    max: today,
    value: custom ? zonedDate(state.from!, tz) : '',
  });
  const last = h('input', {
    type: 'date',
    id: 'range-to',
    'aria-label': 'Last day',
    required: true,
    max: today,
    // The last day shown is the one before the range's end (an exclusive midnight).
    value: custom ? zonedDate(new Date(Date.parse(state.to!) - 1).toISOString(), tz) : '',
  });
  const problem = h('span', { class: 'range-problem', role: 'alert' });
  const form = h(
    'form',
    {
      id: 'range-form',
      hidden: !custom,
      onsubmit: (e: Event) => {
        e.preventDefault();
        const r = rangeOfDays(first.value, last.value, reportingTz);
        if (r === null) {
          problem.textContent = 'Pick a first day on or before the last day.';
          return;
        }
        go({ ...r, feedFrom: null, feedTo: null });
      },
    },
    first,
    h('span', { 'aria-hidden': 'true' }, '–'),
    last,
    h('button', { type: 'submit', id: 'range-apply' }, 'Apply'),
    problem,
  );
  const toggle = h(
    'button',
    {
      type: 'button',
      id: 'range-toggle',
      'aria-expanded': custom ? 'true' : 'false',
      'aria-controls': 'range-form',
      onclick: () => {
        form.hidden = !form.hidden;
        toggle.setAttribute('aria-expanded', form.hidden ? 'false' : 'true');
        if (!form.hidden) first.focus();
      },
    },
    'Dates…',
  );
  return h(
    'div',
    { class: 'range-picker' },
    toggle,
    form,
    h('span', { class: 'tz-label', 'data-tz': tz }, tzLabel(tz)),
  );
}
