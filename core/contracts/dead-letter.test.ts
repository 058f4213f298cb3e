import { describe, expect, it } from 'vitest';
import { deadLetterHeaders, readDeadLetterHeaders } from './dead-letter.ts';

describe('dead-letter headers', () => {
  const failedAt = new Date('2026-11-20T12:00:00.000Z');

  it('round-trips what the runner writes into what the dead_letters table keeps', () => {
    const headers = deadLetterHeaders({
      code: 'invalid_message',
      reason: 'not JSON',
      stage: 'enrich',
      sourceTopic: 'mentions.raw.v1',
      sourcePartition: 2,
      sourceOffset: '41',
      failedAt,
    });
    expect(headers).toEqual({
      'x-error-code': 'invalid_message',
      'x-error-reason': 'not JSON',
      'x-error-stage': 'enrich',
      'x-source-topic': 'mentions.raw.v1',
      'x-source-partition': '2',
      'x-source-offset': '41',
      'x-failed-at': '2026-11-20T12:00:00.000Z',
    });
    expect(readDeadLetterHeaders(headers, 'mentions.raw.v1.dlq')).toEqual({
      source_topic: 'mentions.raw.v1',
      source_offset: '41',
      stage: 'enrich',
      error_code: 'invalid_message',
      reason: 'not JSON',
      failed_at: '2026-11-20T12:00:00.000Z',
      workspace: '',
    });
  });

  it('writes the workspace only when there is one, and cuts a long reason', () => {
    const headers = deadLetterHeaders({
      code: 'invalid_source_item',
      reason: 'x'.repeat(5_000),
      stage: 'ingest:webhook',
      sourceTopic: 'source:webhook',
      failedAt,
      workspace: 'acme',
    });
    expect(headers['x-workspace']).toBe('acme');
    expect(headers['x-error-reason']).toHaveLength(4_000);
    expect(headers).not.toHaveProperty('x-source-offset');
    expect(readDeadLetterHeaders(headers, 'mentions.raw.v1.dlq')).toMatchObject({
      workspace: 'acme',
      source_offset: null,
    });
  });

  it('keeps a dead letter without headers, with defaults', () => {
    const now = () => failedAt;
    expect(readDeadLetterHeaders({}, 'mentions.enriched.v1.dlq', now)).toEqual({
      source_topic: 'mentions.enriched.v1',
      source_offset: null,
      stage: 'unknown',
      error_code: 'unknown',
      reason: '',
      failed_at: '2026-11-20T12:00:00.000Z',
      workspace: '',
    });
  });
});
