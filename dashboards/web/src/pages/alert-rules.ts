import type { z } from 'zod';
import {
  AlertRuleSchema,
  AlertRulesSchema,
  BacktestSchema,
  type AlertRule,
  type ApiAnswer,
  type BacktestAlert,
} from '../api.ts';
import { brandName, type PageContext } from '../context.ts';
import { emptyState, h, setStatus } from '../dom.ts';
import { relativeTime } from '../format.ts';
import { navigate, toHash } from '../state.ts';
import { loading } from '../widgets.ts';
import { absoluteTime, formatMetric, metricLabel, TYPE_LABEL } from './alert-format.ts';
import {
  createBody,
  emptyValues,
  errorsByField,
  overrideBody,
  patchBody,
  RULE_TYPES,
  valuesOf,
  type RuleField,
  type RuleFormValues,
} from './rule-form.ts';

type Rules = z.infer<typeof AlertRulesSchema>;

const ORIGIN_NOTE: Record<string, string> = {
  config: 'defined in earshot.config.yaml',
  default: 'default rule',
};

/**
 * The rules of the workspace, to create, edit, switch off and on, delete and backtest. Rules
 * of the config file are read-only here, as in the API (change them in the reviewed file);
 * a default rule changed here becomes a rule of its own with the same id, which takes its place.
 */
export function mountRules(slot: HTMLElement, ctx: PageContext, first: Rules): void {
  const formSlot = h('div', { class: 'rule-form-slot' });
  const tableSlot = h('div', {});
  const newButton = h('button', { type: 'button', id: 'new-rule' }, 'New rule');
  let current = first;

  const reload = async (): Promise<void> => {
    const res = await ctx.api.get('/v1/alert-rules', {}, AlertRulesSchema);
    if (res.ok) {
      current = res.data;
      draw();
    } else tableSlot.replaceChildren(emptyState('Could not load rules.', res.message));
  };

  const openForm = (rule: AlertRule | null): void => {
    formSlot.replaceChildren(
      ruleForm(ctx, rule, current.channels, {
        done: (message) => {
          formSlot.replaceChildren();
          newButton.focus();
          setStatus(message);
          void reload();
        },
        cancel: () => {
          formSlot.replaceChildren();
          newButton.focus();
        },
      }),
    );
    formSlot.querySelector<HTMLElement>('input:not([readonly]), select')?.focus();
    formSlot.scrollIntoView({ block: 'nearest' });
  };
  newButton.addEventListener('click', () => openForm(null));

  const draw = (): void => {
    tableSlot.replaceChildren(
      current.rules.length
        ? rulesTable(current.rules, ctx, {
            edit: openForm,
            changed: (message) => {
              setStatus(message);
              void reload();
            },
          })
        : emptyState(
            'No alert rules.',
            'Create one here, or add rules under `alerts:` in earshot.config.yaml.',
          ),
    );
  };
  draw();
  slot.replaceChildren(h('div', { class: 'rules-toolbar' }, newButton), formSlot, tableSlot);
}

interface RowActions {
  edit(rule: AlertRule): void;
  changed(message: string): void;
}

function rulesTable(rules: AlertRule[], ctx: PageContext, actions: RowActions): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data rules' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Rule'),
          h('th', { scope: 'col' }, 'Brand'),
          h('th', { scope: 'col' }, 'Type'),
          h('th', { scope: 'col' }, 'Window'),
          h('th', { scope: 'col' }, 'Sensitivity'),
          h('th', { scope: 'col' }, 'Channels'),
          h('th', { scope: 'col' }, 'Enabled'),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
        ),
      ),
      h('tbody', {}, ...rules.map((r) => ruleRow(r, ctx, actions))),
    ),
  );
}

function ruleRow(r: AlertRule, ctx: PageContext, actions: RowActions): HTMLElement {
  const origin = r.origin ?? 'api';
  const enabled = r.enabled !== false;
  const message = h('div', { class: 'row-message', role: 'status' });
  const fail = (what: string, res: { message: string }) =>
    message.replaceChildren(h('span', { class: 'tone-bad' }, `Could not ${what}: ${res.message}`));

  const toggle = h(
    'button',
    { type: 'button', class: 'secondary', 'data-action': 'toggle' },
    enabled ? 'Disable' : 'Enable',
  );
  toggle.addEventListener('click', () => {
    toggle.disabled = true;
    const path = `/v1/alert-rules/${encodeURIComponent(r.id)}`;
    // A default rule has no stored row: switching it off stores one with its id.
    const call =
      origin === 'default'
        ? ctx.api.post(
            '/v1/alert-rules',
            { id: r.id, brand: r.brand, type: r.type, enabled: !enabled },
            AlertRuleSchema,
          )
        : ctx.api.patch(path, { enabled: !enabled }, AlertRuleSchema);
    void call.then((res) => {
      toggle.disabled = false;
      if (res.ok) actions.changed(`Rule ${r.id} ${enabled ? 'disabled' : 'enabled'}`);
      else fail(enabled ? 'disable' : 'enable', res);
    });
  });

  const edit = h('button', { type: 'button', class: 'secondary', 'data-action': 'edit' }, 'Edit');
  edit.addEventListener('click', () => actions.edit(r));

  const del = h(
    'button',
    { type: 'button', class: 'secondary', 'data-action': 'delete' },
    'Delete',
  );
  del.addEventListener('click', () => {
    confirmDelete(r.id, () =>
      ctx.api.delete(`/v1/alert-rules/${encodeURIComponent(r.id)}`).then((res) => {
        if (res.ok) actions.changed(`Rule ${r.id} deleted`);
        else fail('delete', res);
      }),
    );
  });

  const backtest = backtestButton(r, ctx);
  const controls =
    origin === 'config' ? [] : origin === 'default' ? [edit, toggle] : [edit, toggle, del];
  return h(
    'tr',
    {
      'data-rule': r.id,
      'data-origin': origin,
      'data-enabled': String(enabled),
      class: enabled ? undefined : 'rule-disabled',
    },
    h(
      'th',
      { scope: 'row' },
      r.id,
      ORIGIN_NOTE[origin]
        ? h(
            'span',
            {
              class: `origin origin-${origin}`,
              title:
                origin === 'config'
                  ? 'Read-only here: change it in the config file'
                  : 'Every brand gets it; edit or disable it to make it a rule of its own',
            },
            ORIGIN_NOTE[origin],
          )
        : null,
    ),
    h('td', {}, r.brand ? brandName(ctx.brands, r.brand) : '–'),
    h('td', {}, TYPE_LABEL[r.type ?? ''] ?? r.type ?? '–'),
    h('td', {}, r.window == null ? '–' : String(r.window)),
    h('td', {}, r.sensitivity == null ? '–' : String(r.sensitivity)),
    h('td', {}, r.channels == null ? 'all' : r.channels.length ? r.channels.join(', ') : 'none'),
    h('td', {}, enabled ? 'yes' : 'no'),
    h(
      'td',
      { class: 'rule-actions' },
      h('div', { class: 'button-row' }, ...controls, backtest.button),
      message,
      backtest.result,
    ),
  );
}

/** A modal "are you sure": deleting cannot be undone (the rule's past alerts stay). */
function confirmDelete(id: string, onConfirm: () => Promise<void>): void {
  document.getElementById('confirm-delete')?.remove();
  const confirm = h(
    'button',
    { type: 'button', class: 'danger', 'data-action': 'confirm' },
    'Delete',
  );
  const dialog = h(
    'dialog',
    { id: 'confirm-delete', 'aria-labelledby': 'confirm-delete-title' },
    h('h2', { id: 'confirm-delete-title' }, `Delete rule ${id}?`),
    h('p', {}, 'It stops raising alerts at once. Its past alerts stay. This cannot be undone.'),
    h(
      'div',
      { class: 'dialog-actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'),
      confirm,
    ),
  );
  confirm.addEventListener('click', () => {
    confirm.disabled = true;
    void onConfirm().finally(() => dialog.close());
  });
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

interface FormDone {
  done(message: string): void;
  cancel(): void;
}

/** The create / edit form; each field shows the API's message for it. */
function ruleForm(
  ctx: PageContext,
  rule: AlertRule | null,
  channels: ReadonlyArray<{ id: string; type: string }>,
  on: FormDone,
): HTMLElement {
  const mode = rule === null ? 'create' : rule.origin === 'default' ? 'override' : 'edit';
  const initial = rule ? valuesOf(rule) : emptyValues(ctx.brands[0]?.id ?? '');
  const errors = new Map<RuleField, HTMLElement>();
  const controls = new Map<RuleField, HTMLElement>();

  const errorSlot = (name: RuleField, control: HTMLElement): HTMLElement => {
    const error = h('p', { class: 'field-error', id: `rule-${name}-error`, hidden: true });
    errors.set(name, error);
    controls.set(name, control);
    return error;
  };
  const field = (
    name: RuleField,
    label: string,
    control: HTMLElement,
    hint?: string,
  ): HTMLElement =>
    h(
      'div',
      { class: 'field', 'data-field': name },
      h('label', { for: `rule-${name}` }, label),
      control,
      hint ? h('p', { class: 'hint muted' }, hint) : null,
      errorSlot(name, control),
    );
  const text = (name: RuleField, value: string, attrs: Record<string, string | boolean> = {}) =>
    h('input', { id: `rule-${name}`, name, type: 'text', value, autocomplete: 'off', ...attrs });
  const select = (name: RuleField, value: string, options: Array<[string, string]>) =>
    h(
      'select',
      { id: `rule-${name}`, name },
      ...options.map(([v, l]) => h('option', { value: v, selected: v === value }, l)),
    );

  const idInput = text('id', initial.id, {
    placeholder: 'e.g. nimbus-complaints',
    ...(mode === 'create' ? {} : { readonly: true }),
  });
  // Brand and type are the rule's identity for a default rule: it replaces that one only.
  const brandSelect = select(
    'brand',
    initial.brand,
    ctx.brands.map((b) => [b.id, b.name]),
  );
  const typeSelect = select(
    'type',
    initial.type,
    RULE_TYPES.map((t) => [t, TYPE_LABEL[t] ?? t]),
  );
  if (mode === 'override') {
    brandSelect.disabled = true;
    typeSelect.disabled = true;
  }
  const sensitivities: Array<[string, string]> = [
    ['', 'Default'],
    ['low', 'Low (fewer alerts, z ≥ 5)'],
    ['medium', 'Medium (z ≥ 3.75)'],
    ['high', 'High (more alerts, z ≥ 3)'],
  ];
  if (initial.sensitivity !== '' && !sensitivities.some(([v]) => v === initial.sensitivity))
    sensitivities.push([initial.sensitivity, `z ≥ ${initial.sensitivity}`]);
  const sovFields = h(
    'div',
    { class: 'field-group', 'data-sov': 'true' },
    field(
      'min_change',
      'Minimum change of share of voice',
      text('min_change', initial.min_change, { inputmode: 'decimal', placeholder: '0.1' }),
      '0.1 = ten points',
    ),
    field(
      'direction',
      'Direction',
      select('direction', initial.direction, [
        ['', 'Default (both)'],
        ['up', 'Up'],
        ['down', 'Down'],
        ['both', 'Both'],
      ]),
    ),
  );
  const showSov = () => (sovFields.hidden = typeSelect.value !== 'sov_shift');
  typeSelect.addEventListener('change', showSov);
  showSov();

  const allChannels = h('input', {
    type: 'checkbox',
    id: 'rule-channels',
    name: 'channels-all',
    checked: initial.channels === null,
  });
  const channelBoxes = channels.map((c) =>
    h(
      'label',
      { class: 'check' },
      h('input', {
        type: 'checkbox',
        name: 'channel',
        value: c.id,
        checked: initial.channels?.includes(c.id) ?? false,
      }),
      ` ${c.id} (${c.type})`,
    ),
  );
  const channelList = h(
    'fieldset',
    { class: 'channel-list' },
    h('legend', { class: 'visually-hidden' }, 'Only these channels'),
    ...(channelBoxes.length
      ? channelBoxes
      : [h('p', { class: 'muted' }, 'This workspace has no channels (alerts.channels).')]),
  );
  const showChannels = () => (channelList.hidden = allChannels.checked);
  allChannels.addEventListener('change', showChannels);
  showChannels();
  const channelsField = h(
    'div',
    { class: 'field', 'data-field': 'channels' },
    h(
      'label',
      { class: 'check', for: 'rule-channels' },
      allChannels,
      ' Every channel of the workspace',
    ),
    channelList,
    h(
      'p',
      { class: 'hint muted' },
      'Untick to pick channels; none picked: the rule alerts on this page only.',
    ),
    errorSlot('channels', allChannels),
  );

  const enabledBox = h('input', {
    type: 'checkbox',
    id: 'rule-enabled',
    name: 'enabled',
    checked: initial.enabled,
  });
  const formError = h('p', { class: 'form-error tone-bad', role: 'alert', hidden: true });
  const submit = h(
    'button',
    { type: 'submit' },
    mode === 'create' ? 'Create rule' : 'Save changes',
  );

  const values = (): RuleFormValues => {
    const val = (name: RuleField) =>
      (controls.get(name) as HTMLInputElement | HTMLSelectElement | undefined)?.value ?? '';
    return {
      id: idInput.value.trim(),
      brand: brandSelect.value,
      type: typeSelect.value,
      window: val('window'),
      sensitivity: val('sensitivity'),
      min_volume: val('min_volume'),
      cooldown: val('cooldown'),
      min_change: val('min_change'),
      direction: val('direction'),
      sources: val('sources'),
      langs: val('langs'),
      channels: allChannels.checked
        ? null
        : channelBoxes
            .map((l) => l.querySelector('input')!)
            .filter((i) => i.checked)
            .map((i) => i.value),
      enabled: enabledBox.checked,
    };
  };

  const showErrors = (res: Extract<ApiAnswer<unknown>, { ok: false }>): void => {
    for (const [name, el] of errors) {
      el.hidden = true;
      el.textContent = '';
      controls.get(name)?.removeAttribute('aria-invalid');
    }
    const { fields, rest } = errorsByField(res.details ?? []);
    if (res.status === 409 && mode === 'create') fields.id = res.message;
    let firstBad: HTMLElement | null = null;
    for (const [name, message] of Object.entries(fields) as Array<[RuleField, string]>) {
      const el = errors.get(name)!;
      el.textContent = message;
      el.hidden = false;
      const control = controls.get(name);
      control?.setAttribute('aria-invalid', 'true');
      control?.setAttribute('aria-describedby', el.id);
      firstBad ??= control ?? null;
    }
    const general = Object.keys(fields).length ? rest : [res.message, ...rest];
    formError.hidden = general.length === 0;
    formError.textContent = general.join(' · ');
    firstBad?.focus();
  };

  const form = h(
    'form',
    {
      class: 'rule-form',
      'data-mode': mode,
      novalidate: true,
      'aria-labelledby': 'rule-form-title',
    },
    h('h3', { id: 'rule-form-title' }, mode === 'create' ? 'New rule' : `Edit rule ${initial.id}`),
    mode === 'override'
      ? h(
          'p',
          { class: 'muted' },
          'A default rule: saving makes it a rule of its own, with this id, in its place.',
        )
      : null,
    h(
      'div',
      { class: 'field-grid' },
      field('id', 'Rule id', idInput, 'Lowercase letters, digits, - and _'),
      field('brand', 'Brand', brandSelect),
      field('type', 'Type', typeSelect),
      field(
        'window',
        'Window',
        text('window', initial.window, { placeholder: 'default (15m)' }),
        'e.g. 15m, 1h (5m to 6h)',
      ),
      field(
        'sensitivity',
        'Sensitivity',
        select('sensitivity', initial.sensitivity, sensitivities),
      ),
      field(
        'min_volume',
        'Minimum mentions in the window',
        text('min_volume', initial.min_volume, { inputmode: 'numeric', placeholder: 'none' }),
      ),
      field(
        'cooldown',
        'Cooldown',
        text('cooldown', initial.cooldown, { placeholder: 'default (1h)' }),
        'Resolves after this long clear, e.g. 30m, 1h',
      ),
      field(
        'sources',
        'Only these sources',
        text('sources', initial.sources, { placeholder: 'all (e.g. reddit, rss)' }),
      ),
      field(
        'langs',
        'Only these languages',
        text('langs', initial.langs, { placeholder: 'all (e.g. en, de)' }),
      ),
    ),
    sovFields,
    channelsField,
    h(
      'div',
      { class: 'field', 'data-field': 'enabled' },
      h('label', { class: 'check', for: 'rule-enabled' }, enabledBox, ' Enabled'),
      errorSlot('enabled', enabledBox),
    ),
    formError,
    h(
      'div',
      { class: 'dialog-actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => on.cancel() }, 'Cancel'),
      submit,
    ),
  );

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = values();
    const path = `/v1/alert-rules/${encodeURIComponent(initial.id)}`;
    const request =
      mode === 'create'
        ? ctx.api.post('/v1/alert-rules', createBody(v), AlertRuleSchema)
        : mode === 'override'
          ? ctx.api.post('/v1/alert-rules', overrideBody(initial, v), AlertRuleSchema)
          : ctx.api.patch(path, patchBody(initial, v), AlertRuleSchema);
    submit.disabled = true;
    void request.then((res) => {
      submit.disabled = false;
      if (res.ok) on.done(`Rule ${res.data.id} ${mode === 'create' ? 'created' : 'saved'}`);
      else showErrors(res);
    });
  });
  return form;
}

function backtestButton(
  r: AlertRule,
  ctx: PageContext,
): { button: HTMLButtonElement; result: HTMLElement } {
  const result = h('div', { class: 'backtest-result muted', 'aria-live': 'polite' });
  const button = h(
    'button',
    { type: 'button', class: 'secondary', 'data-action': 'backtest' },
    'Backtest 7 days',
  );
  button.addEventListener('click', () => {
    button.disabled = true;
    result.replaceChildren(loading('Replaying the last 7 days…'));
    void ctx.api
      .post(
        `/v1/alert-rules/${encodeURIComponent(r.id)}/backtest`,
        { from: 'now-7d', to: 'now' },
        BacktestSchema,
      )
      .then((res) => {
        button.disabled = false;
        if (!res.ok) {
          result.replaceChildren(
            ...(res.status === 404
              ? [
                  'This server has no backtest route; run ',
                  h('code', {}, `npx earshot alerts backtest --rule ${r.id} --from now-7d`),
                ]
              : [`Backtest failed: ${res.message}`]),
          );
          return;
        }
        const list = res.data.alerts ?? [];
        const n = list.length || (res.data.incidents ?? res.data.events ?? []).length;
        result.replaceChildren(
          `Would have raised ${n} alert${n === 1 ? '' : 's'} in the last 7 days.`,
          ...(list.length ? [backtestList(list, ctx)] : []),
        );
      });
  });
  return { button, result };
}

/** Each alert a backtest would have raised: when, which rule, the numbers, why, the mentions. */
function backtestList(list: readonly BacktestAlert[], ctx: PageContext): HTMLElement {
  return h(
    'ol',
    { class: 'backtest-alerts' },
    ...list.map((a) => {
      const end = a.window_end ? Date.parse(a.window_end) : NaN;
      const start = a.window_start ? Date.parse(a.window_start) : NaN;
      const link =
        a.brand && Number.isFinite(end) && Number.isFinite(start)
          ? toHash({
              ...navigate(ctx.state, 'brand', a.brand),
              sentiment:
                a.rule_type === 'negative_spike' || a.rule_type === 'sentiment_drop' ? 'neg' : null,
              feedFrom: new Date(start).toISOString(),
              feedTo: new Date(end).toISOString(),
            })
          : null;
      return h(
        'li',
        { 'data-backtest-alert': a.opened_at ?? '' },
        a.opened_at
          ? h(
              'time',
              { datetime: a.opened_at },
              `${absoluteTime(a.opened_at)} (${relativeTime(a.opened_at, ctx.now())})`,
            )
          : '',
        ` · ${a.rule_id ?? ''} (${TYPE_LABEL[a.rule_type ?? ''] ?? a.rule_type ?? ''})`,
        a.metric
          ? ` · ${metricLabel(a.metric)} ${formatMetric(a.metric, a.observed)} vs ${formatMetric(a.metric, a.baseline)}, z ${a.z ?? '–'}`
          : '',
        a.explanation ? h('div', { class: 'muted' }, a.explanation) : null,
        link ? h('a', { href: link }, 'Mentions in that window') : null,
      );
    }),
  );
}
