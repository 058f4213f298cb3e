import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError, describeError } from './errors.ts';

describe('describeError', () => {
  it('names the error and its message', () => {
    expect(describeError(new TypeError('bad thing'))).toBe('TypeError: bad thing');
    expect(describeError('plain')).toBe('plain');
  });

  it('falls back on a driver’s type and code, or says there is no message', () => {
    const error = Object.assign(new Error(''), { code: '130', type: 'CANNOT_READ_ARRAY' });
    expect(describeError(error)).toBe('Error: [CANNOT_READ_ARRAY 130]');
    expect(describeError(new Error(''))).toBe('Error: (no message)');
  });

  it('adds the cause unless the message already says it', () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:8123');
    expect(
      describeError(new DependencyUnavailableError('clickhouse insert failed', { cause })),
    ).toBe(
      'DependencyUnavailableError: clickhouse insert failed; caused by Error: connect ECONNREFUSED 127.0.0.1:8123',
    );
    expect(
      describeError(new DependencyUnavailableError(`insert failed: ${cause.message}`, { cause })),
    ).toBe('DependencyUnavailableError: insert failed: connect ECONNREFUSED 127.0.0.1:8123');
  });
});
