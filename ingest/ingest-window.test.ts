import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeJson } from '../core/contracts/codec.ts';
import { MentionSchema } from '../core/contracts/mention.ts';
import { InvalidMessageError } from '../core/errors.ts';
import { convertOne } from './emit.ts';
import { readMentionFile } from './files/read.ts';
import { parseWebhookBody } from './webhook/parse.ts';

/**
 * A mention whose created_at is absurd (year 1, year 9999, more than a day ahead) is refused
 * on every way in, with the accepted window as the reason: the check is in the Mention
 * contract, which each of them parses. Each refusal then takes that way's dead-letter path
 * (connectors: `deliver`; import: dead letters per line; raw stage: `<topic>.dlq`; webhook: the
 * `rejected` list of its answer).
 */
const WINDOW = /outside the accepted window: not before 2000-01-01T00:00:00Z/;
const ABSURD = ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z'];
const item = (created_at: string) => ({
  id: 'crm:1',
  source: 'crm',
  text: 'acme is great',
  created_at,
});

describe.each(ABSURD)('a mention created at %s', (createdAt) => {
  it('is dead-lettered by a connector with the window as the reason', () => {
    const result = convertOne('crm', item(createdAt), (i) => i);
    expect(result).toMatchObject({
      source: 'crm',
      reason: expect.stringMatching(WINDOW) as unknown,
      payload: JSON.stringify(item(createdAt)),
    });
  });

  it('is refused by the webhook, by index, with the window as the reason', () => {
    const ok = item('2026-11-20T10:00:00Z');
    const r = parseWebhookBody('application/json', JSON.stringify([ok, item(createdAt)]));
    expect(r.mentions).toHaveLength(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({
      index: 1,
      reason: expect.stringMatching(WINDOW) as unknown,
    });
  });

  it('is an invalid line of an import, with the window as the reason', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'earshot-window-')), 'm.jsonl');
    writeFileSync(file, `${JSON.stringify(item(createdAt))}\n`);
    const records = [];
    for await (const r of readMentionFile(file)) records.push(r);
    expect(records).toEqual([
      {
        line: 1,
        error: expect.stringMatching(WINDOW) as unknown,
        raw: expect.any(String) as unknown,
      },
    ]);
  });

  it('is an invalid message of the raw stage (to <topic>.dlq) with the window as the reason', () => {
    const message = {
      topic: 'mentions.raw.v1',
      offset: '7',
      value: Buffer.from(JSON.stringify(item(createdAt))),
    };
    expect(() => decodeJson(MentionSchema, message)).toThrow(InvalidMessageError);
    expect(() => decodeJson(MentionSchema, message)).toThrow(
      /^invalid message: created_at: outside the accepted window/,
    );
  });
});
