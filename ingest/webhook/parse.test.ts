import { describe, expect, it } from 'vitest';
import { parseWebhookBody } from './parse.ts';

const ok = {
  id: 'crm:ticket-1',
  source: 'crm',
  text: 'Acme support was great',
  created_at: '2026-11-20T10:00:00Z',
};
const ok2 = { ...ok, id: 'crm:ticket-2', text: 'Acme billing is broken' };

describe('parseWebhookBody', () => {
  it('accepts one JSON object and fills defaults', () => {
    const r = parseWebhookBody('application/json; charset=utf-8', JSON.stringify(ok));
    expect(r.errors).toEqual([]);
    expect(r.mentions).toEqual([
      {
        ...ok,
        url: null,
        author: { id: null, handle: null, display_name: null, followers: null },
        title: null,
        lang: null,
        fetched_at: null,
        engagement: { likes: 0, reposts: 0, replies: 0, views: null },
        parent_id: null,
        synthetic: false,
      },
    ]);
  });

  it('accepts a JSON array, reporting bad items by index', () => {
    const r = parseWebhookBody(
      'application/json',
      JSON.stringify([ok, { ...ok, created_at: 'yesterday' }, ok2, { ...ok, id: 'other:1' }]),
    );
    expect(r.mentions.map((m) => m.id)).toEqual(['crm:ticket-1', 'crm:ticket-2']);
    expect(r.errors).toHaveLength(2);
    expect(r.errors[0]).toMatchObject({
      index: 1,
      reason: expect.stringContaining('created_at') as unknown,
    });
    expect(r.errors[1]).toEqual({
      index: 3,
      reason: 'id must start with "crm:" (the mention\'s source)',
      payload: JSON.stringify({ ...ok, id: 'other:1' }),
    });
  });

  it('accepts NDJSON, skipping blank lines; a broken line names its line number', () => {
    const body = `${JSON.stringify(ok)}\n\n{"id": broken\n${JSON.stringify(ok2)}\n`;
    const r = parseWebhookBody('application/x-ndjson', body);
    expect(r.mentions.map((m) => m.id)).toEqual(['crm:ticket-1', 'crm:ticket-2']);
    expect(r.errors).toEqual([
      {
        index: 1,
        reason: expect.stringMatching(/^line 3 is not valid JSON/) as unknown,
        payload: '{"id": broken',
      },
    ]);
  });

  it.each([
    ['text/plain', 'unsupported content type "text/plain"'],
    ['', 'unsupported content type "(none)"'],
  ])('rejects content type %j', (ct, reason) => {
    expect(parseWebhookBody(ct, JSON.stringify(ok)).errors[0]?.reason).toMatch(reason);
  });

  it('reports invalid JSON, empty bodies and too many items', () => {
    expect(parseWebhookBody('application/json', '{nope').errors[0]).toMatchObject({
      reason: expect.stringMatching(/^body is not valid JSON/) as unknown,
      payload: '{nope',
    });
    expect(parseWebhookBody('application/json', '[]').errors).toEqual([
      { index: 0, reason: 'no mentions in the body' },
    ]);
    expect(parseWebhookBody('application/x-ndjson', '\n\n').errors).toEqual([
      { index: 0, reason: 'no mentions in the body' },
    ]);
    const many = parseWebhookBody('application/json', JSON.stringify([ok, ok2, ok, ok]), 2);
    expect(many.mentions).toHaveLength(2);
    expect(many.errors).toEqual([
      { index: 2, reason: 'more than 2 items; the rest were not read' },
    ]);
  });

  it('rejects an item nested deeper than JSON can write back, keeping a note for its dead letter', () => {
    const r = parseWebhookBody('application/json', `${'['.repeat(5_000)}${']'.repeat(5_000)}`);
    expect(r.mentions).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ index: 0, payload: '(an item nested too deeply to keep)' });
  });

  it('accepts vendor +json types and a JSON null as an invalid item', () => {
    expect(
      parseWebhookBody('application/vnd.earshot+json', JSON.stringify(ok)).mentions,
    ).toHaveLength(1);
    expect(parseWebhookBody('application/json', 'null').errors[0]?.index).toBe(0);
  });
});
