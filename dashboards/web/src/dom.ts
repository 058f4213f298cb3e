/** A tiny element builder: enough for this UI without a framework (and a small bundle). */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

/** A card with a heading; `id` names the heading for `aria-labelledby`. */
export function panel(id: string, title: string, ...body: (Child | Child[])[]): HTMLElement {
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': `${id}-title`, 'data-panel': id },
    h('h2', { id: `${id}-title` }, title),
    ...body,
  );
}

/** What a panel shows when its route is missing (404), empty, or failing. */
export function emptyState(message: string, detail?: string): HTMLElement {
  return h(
    'div',
    { class: 'empty', role: 'note' },
    h('p', {}, message),
    detail ? h('p', { class: 'muted' }, detail) : null,
  );
}

export function setStatus(message: string): void {
  const el = document.getElementById('status');
  if (el) el.textContent = message;
}
