import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import setup from '../support/temp-root.ts';

describe('temporary files of a test run', () => {
  it('go in the run’s own folder', () => {
    expect(basename(tmpdir())).toMatch(/^earshot-test-run-/);
  });

  it('are removed with that folder at teardown, and TMPDIR is restored', () => {
    const before = process.env.TMPDIR;
    const teardown = setup();
    const root = process.env.TMPDIR!;
    expect(root).not.toBe(before);
    const dir = mkdtempSync(join(tmpdir(), 'earshot-chdb-'));
    writeFileSync(join(dir, 'data.bin'), 'x');
    expect(dir.startsWith(root)).toBe(true);
    teardown();
    expect(existsSync(root)).toBe(false);
    expect(process.env.TMPDIR).toBe(before);
  });
});
