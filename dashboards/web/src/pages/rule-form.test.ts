import { describe, expect, it } from 'vitest';
import type { AlertRule } from '../api.ts';
import {
  createBody,
  emptyValues,
  errorsByField,
  fieldOf,
  overrideBody,
  patchBody,
  valuesOf,
} from './rule-form.ts';

const listed: AlertRule = {
  id: 'nimbus-volume',
  origin: 'api',
  brand: 'nimbus',
  type: 'volume_spike',
  window: '60m',
  sensitivity: 'low',
  min_volume: 0,
  cooldown: '60m',
  filters: { sources: ['reddit'], langs: [] },
  channels: ['oncall'],
  enabled: true,
};

describe('rule form', () => {
  it('creates with only the fields set, numbers as numbers, lists split', () => {
    const v = {
      ...emptyValues('nimbus'),
      id: 'mine',
      window: ' 30m ',
      sensitivity: '4.5',
      min_volume: '12',
      langs: 'en, de,',
      // Not a sov_shift: these are left out, not sent for the API to refuse.
      min_change: '0.2',
      direction: 'up',
    };
    expect(createBody(v)).toEqual({
      id: 'mine',
      brand: 'nimbus',
      type: 'negative_spike',
      window: '30m',
      sensitivity: 4.5,
      min_volume: 12,
      filters: { langs: ['en', 'de'] },
      enabled: true,
    });
    // Text where a number belongs goes out as typed: the API names the field.
    expect(createBody({ ...v, min_volume: 'many' }).min_volume).toBe('many');
  });

  it('an edit sends only what changed; a cleared field is null (back to the default)', () => {
    const initial = valuesOf(listed);
    expect(initial.min_volume).toBe('');
    expect(patchBody(initial, initial)).toEqual({});
    expect(
      patchBody(initial, {
        ...initial,
        window: '',
        sensitivity: 'high',
        sources: '',
        channels: null,
      }),
    ).toEqual({ window: null, sensitivity: 'high', filters: null, channels: null });
    expect(patchBody(initial, { ...initial, enabled: false })).toEqual({ enabled: false });
  });

  it('leaving sov_shift drops its fields', () => {
    const sov = valuesOf({ ...listed, type: 'sov_shift', min_change: 0.1, direction: 'up' });
    expect(patchBody(sov, { ...sov, type: 'volume_spike' })).toEqual({
      type: 'volume_spike',
      min_change: null,
      direction: null,
    });
  });

  it('a changed default rule is stored under its id with its brand, type and the changes', () => {
    const initial = valuesOf({ ...listed, id: 'nimbus-volume-spike', origin: 'default' });
    expect(overrideBody(initial, { ...initial, sensitivity: 'high', window: '' })).toEqual({
      id: 'nimbus-volume-spike',
      brand: 'nimbus',
      type: 'volume_spike',
      sensitivity: 'high',
    });
  });

  it('puts each 400 detail at its field; what fits none is the form’s', () => {
    expect(fieldOf('channels.1')).toBe('channels');
    expect(fieldOf('filters.langs.0')).toBe('langs');
    expect(fieldOf('workspace')).toBeNull();
    expect(
      errorsByField([
        { parameter: 'window', message: 'use a duration like 15m, 1h or 1d' },
        { parameter: 'channels.0', message: 'unknown channel "x"' },
        { parameter: 'workspace', message: 'no' },
      ]),
    ).toEqual({
      fields: { window: 'use a duration like 15m, 1h or 1d', channels: 'unknown channel "x"' },
      rest: ['workspace: no'],
    });
  });
});
