import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppSettingsSchema } from '../../cli/settings.ts';

/** Every setting an earshot process reads is documented in the README's settings table. */
describe('README settings table', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const documented = new Set(
    readme
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)])
      .map((m) => m[1]),
  );

  it('names every key of the settings schema', () => {
    const missing = Object.keys(AppSettingsSchema.shape).filter((k) => !documented.has(k));
    expect(missing).toEqual([]);
  });
});
