import type { AlertRule, FieldError } from '../api.ts';

/**
 * The alert rule form's values and what they become on the wire. Pure: the page draws the form
 * (alert-rules.ts); the API is the one validator, so values go out as typed and its 400 names
 * the field to show the message at.
 */

export const RULE_TYPES = [
  'negative_spike',
  'volume_spike',
  'sentiment_drop',
  'sov_shift',
] as const;

/** Form fields, in the order drawn; each has one place for its error. */
export const RULE_FIELDS = [
  'id',
  'brand',
  'type',
  'window',
  'sensitivity',
  'min_volume',
  'cooldown',
  'min_change',
  'direction',
  'sources',
  'langs',
  'channels',
  'enabled',
] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

export interface RuleFormValues {
  id: string;
  brand: string;
  type: string;
  /** '' everywhere below: not set, the workspace's `alerts.defaults` apply. */
  window: string;
  sensitivity: string;
  min_volume: string;
  cooldown: string;
  min_change: string;
  direction: string;
  /** Comma-separated. */
  sources: string;
  langs: string;
  /** null: every channel of the workspace; a list (maybe empty): only these. */
  channels: string[] | null;
  enabled: boolean;
}

export function emptyValues(brand = ''): RuleFormValues {
  return {
    id: '',
    brand,
    type: 'negative_spike',
    window: '',
    sensitivity: '',
    min_volume: '',
    cooldown: '',
    min_change: '',
    direction: '',
    sources: '',
    langs: '',
    channels: null,
    enabled: true,
  };
}

/** A listed rule as form values: what is in force (defaults applied), to be changed. */
export function valuesOf(rule: AlertRule): RuleFormValues {
  const str = (v: string | number | null | undefined) => (v == null ? '' : String(v));
  return {
    id: rule.id,
    brand: rule.brand ?? '',
    type: rule.type ?? 'negative_spike',
    window: str(rule.window),
    sensitivity: str(rule.sensitivity),
    // 0 is "no minimum" in the listing, which a rule writes by leaving it out.
    min_volume: rule.min_volume ? String(rule.min_volume) : '',
    cooldown: str(rule.cooldown),
    min_change: rule.type === 'sov_shift' ? str(rule.min_change) : '',
    direction: rule.type === 'sov_shift' ? str(rule.direction) : '',
    sources: (rule.filters?.sources ?? []).join(', '),
    langs: (rule.filters?.langs ?? []).join(', '),
    channels: rule.channels ?? null,
    enabled: rule.enabled !== false,
  };
}

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');

/** A number when the text is one; else the text, for the API to name as not a number. */
const numberish = (s: string): number | string => {
  const t = s.trim();
  return t !== '' && Number.isFinite(Number(t)) ? Number(t) : t;
};

const sovOnly = new Set<RuleField>(['min_change', 'direction']);

/** One field's wire value, or undefined when it is not set. */
function wire(v: RuleFormValues, field: RuleField): unknown {
  switch (field) {
    case 'enabled':
      return v.enabled;
    case 'channels':
      return v.channels === null ? undefined : [...v.channels];
    case 'sources':
    case 'langs':
      return v[field].trim() === '' ? undefined : list(v[field]);
    case 'min_volume':
    case 'min_change':
      return v[field].trim() === '' ? undefined : numberish(v[field]);
    case 'sensitivity': {
      const s = v.sensitivity.trim();
      return s === '' ? undefined : ['low', 'medium', 'high'].includes(s) ? s : numberish(s);
    }
    default:
      return v[field].trim() === '' ? undefined : v[field].trim();
  }
}

function filtersOf(sources: unknown, langs: unknown): Record<string, unknown> | undefined {
  if (sources === undefined && langs === undefined) return undefined;
  return {
    ...(sources !== undefined ? { sources } : {}),
    ...(langs !== undefined ? { langs } : {}),
  };
}

/** POST /v1/alert-rules: the fields that are set; nothing of sov_shift on other types. */
export function createBody(v: RuleFormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of RULE_FIELDS) {
    if (f === 'sources' || f === 'langs') continue;
    if (sovOnly.has(f) && v.type !== 'sov_shift') continue;
    const w = wire(v, f);
    if (w !== undefined) out[f] = w;
  }
  const filters = filtersOf(wire(v, 'sources'), wire(v, 'langs'));
  if (filters) out.filters = filters;
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * PATCH /v1/alert-rules/{id}: only what changed (a merge patch: a cleared field is `null`, so
 * the default applies again). Leaving sov_shift drops its two fields.
 */
export function patchBody(initial: RuleFormValues, v: RuleFormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of RULE_FIELDS) {
    if (f === 'id' || f === 'sources' || f === 'langs') continue;
    const was = wire(initial, f);
    const now = sovOnly.has(f) && v.type !== 'sov_shift' ? undefined : wire(v, f);
    if (!same(was, now)) out[f] = now === undefined ? null : now;
  }
  const wasFilters = filtersOf(wire(initial, 'sources'), wire(initial, 'langs'));
  const nowFilters = filtersOf(wire(v, 'sources'), wire(v, 'langs'));
  if (!same(wasFilters, nowFilters)) out.filters = nowFilters ?? null;
  return out;
}

/**
 * A default rule changed in the form becomes a rule of its own with the same id (it takes the
 * default's place): its brand and type, and only what was changed, so the rest keeps following
 * `alerts.defaults`.
 */
export function overrideBody(initial: RuleFormValues, v: RuleFormValues): Record<string, unknown> {
  const changed = Object.fromEntries(
    Object.entries(patchBody(initial, v)).filter(([, x]) => x !== null),
  );
  return { id: initial.id, brand: initial.brand, type: initial.type, ...changed };
}

/** The form field a 400's `parameter` is about (`filters.langs.0` → langs), or null. */
export function fieldOf(parameter: string): RuleField | null {
  const [head, second] = parameter.split('.');
  if (head === 'filters') return second === 'sources' || second === 'langs' ? second : null;
  return (RULE_FIELDS as readonly string[]).includes(head ?? '') ? (head as RuleField) : null;
}

/** A 400's details by form field; what matches no field is left for the form's own message. */
export function errorsByField(details: readonly FieldError[]): {
  fields: Partial<Record<RuleField, string>>;
  rest: string[];
} {
  const fields: Partial<Record<RuleField, string>> = {};
  const rest: string[] = [];
  for (const d of details) {
    const f = fieldOf(d.parameter);
    if (f === null) rest.push(`${d.parameter}: ${d.message}`);
    else fields[f] = fields[f] ? `${fields[f]}; ${d.message}` : d.message;
  }
  return { fields, rest };
}
