import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import setup from '../support/temp-root.ts';

describe('temporary files of a test run', () => {
  it('go in the run’s own folder', () => {
    expect(basename(tmpdir())).toMatch(/^earshot-run-/);
  });

  it('one folder for all projects of a run: a second setup uses the first one’s', () => {
    const root = process.env.TMPDIR;
    const teardown = setup();
    expect(process.env.TMPDIR).toBe(root);
    teardown();
    expect(existsSync(root!)).toBe(true);
  });

  it('are removed with that folder at teardown, and TMPDIR is restored', () => {
    const before = process.env.TMPDIR;
    const owner = process.env.EARSHOT_TEST_TMP_ROOT;
    delete process.env.EARSHOT_TEST_TMP_ROOT; // as in a process no setup ran in yet
    const teardown = setup();
    const root = process.env.TMPDIR!;
    expect(root).not.toBe(before);
    const dir = mkdtempSync(join(tmpdir(), 'earshot-chdb-'));
    writeFileSync(join(dir, 'data.bin'), 'x');
    expect(dir.startsWith(root)).toBe(true);
    teardown();
    expect(existsSync(root)).toBe(false);
    expect(process.env.TMPDIR).toBe(before);
    if (owner !== undefined) process.env.EARSHOT_TEST_TMP_ROOT = owner;
  });
});
