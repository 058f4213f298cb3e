import { afterEach, describe, expect, it } from 'vitest';
import { MentionSchema } from '../../core/contracts/mention.ts';
import { isRetriable } from '../../core/errors.ts';
import {
  readJsonFixture,
  startHttpReplay,
  type HttpReplayServer,
  type RecordedRequest,
  type ReplayReply,
} from '../../test/support/replay-servers.ts';
import type { ConnectorDeps } from '../connector.ts';
import { recordingPorts } from '../testing/recording-ports.ts';
import { defineRefreshContract, type RefreshSubject } from '../testing/refresh-contract.ts';
import { MastodonConfigSchema } from './config.ts';
import { createMastodonConnector, localStatusId } from './connector.ts';
import { normalizeMastodonStatus } from './normalize.ts';

type Status = Record<string, unknown> & { id: string; uri: string; url?: string };
const newest = readJsonFixture<Status[]>('mastodon/public-page-newest.json');
const FETCHED = new Date('2026-11-20T10:00:00Z');
const LATER = new Date('2026-11-20T11:00:00Z');
const fast: ConnectorDeps = {
  http: { timeoutMs: 300, maxRetries: 1, backoff: { baseMs: 1, maxMs: 2 } },
  sleep: () => Promise.resolve(),
};

const alice = newest[0]!; // local status 113500000000000103, 17 favourites

describe('localStatusId', () => {
  it('derives the local id of this instance’s statuses only', () => {
    const host = 'mastodon.social';
    expect(localStatusId(`mastodon:${alice.uri}`, host)).toBe('113500000000000103');
    expect(localStatusId('mastodon:https://fosstodon.org/users/erin/statuses/55', host)).toBeNull();
    expect(localStatusId('mastodon:https://mastodon.social/@alice/1', host)).toBeNull();
    expect(localStatusId('mastodon:tag:mastodon.social,2026:objectId=1', host)).toBeNull();
    expect(localStatusId('bluesky:https://mastodon.social/users/a/statuses/1', host)).toBeNull();
  });
});

/** A status of the replay instance (its uri on the replay host), with some counts. */
function local(host: string, id: string, counts: Record<string, number> = {}): Status {
  return {
    ...alice,
    id,
    uri: `http://${host}/users/alice/statuses/${id}`,
    url: `http://${host}/@alice/${id}`,
    ...counts,
  };
}

/** Mastodon ≥ 4.3 (`multi`) or older (per-id only); `known` are the statuses it still has. */
function instance(known: () => Map<string, Status>, multi = true) {
  return (req: RecordedRequest): ReplayReply => {
    if (req.url.pathname === '/api/v1/statuses') {
      if (!multi) return { status: 404, body: { error: 'Record not found' } };
      const ids = req.url.searchParams.getAll('id[]');
      return { body: ids.flatMap((id) => (known().has(id) ? [known().get(id)] : [])) };
    }
    const m = /^\/api\/v1\/statuses\/(\d+)$/.exec(req.url.pathname);
    const status = m ? known().get(m[1]!) : undefined;
    return status ? { body: status } : { status: 404, body: { error: 'Record not found' } };
  };
}

describe('Mastodon refresh against a local instance replay', () => {
  let server: HttpReplayServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const configFor = (s: HttpReplayServer) =>
    MastodonConfigSchema.parse({ base_url: s.baseUrl, streaming: false });

  it('reads this instance’s statuses, 20 per request; remote, deleted and noindex left out', async () => {
    const known = new Map<string, Status>();
    server = await startHttpReplay(instance(() => known));
    const host = new URL(server.baseUrl).host;
    const ids: string[] = [];
    for (let n = 0; n < 25; n++) {
      const id = String(113500000000000200n + BigInt(n));
      ids.push(`mastodon:http://${host}/users/alice/statuses/${id}`);
      if (n === 3) continue; // deleted since
      const status = local(host, id, { favourites_count: n, reblogs_count: 2, replies_count: 1 });
      // Her author opted out of search indexing since: the normal path would skip her too.
      if (n === 7) status.account = { ...(alice.account as object), noindex: true };
      known.set(id, status);
    }
    const connector = createMastodonConnector(configFor(server), null, fast);
    expect(connector.refreshBatchSize).toBe(20);
    const rec = recordingPorts({ now: () => LATER });
    const out = await connector.refresh!(
      [...ids, 'mastodon:https://fosstodon.org/users/erin/statuses/55'],
      rec.ports,
    );
    expect(server.requests.map((r) => r.url.searchParams.getAll('id[]').length)).toEqual([20, 5]);
    expect(out.map((m) => m.id)).toEqual(ids.filter((_, n) => n !== 3 && n !== 7));
    const before = normalizeMastodonStatus(local(host, '113500000000000200'), {
      instanceHost: host,
      fetchedAt: FETCHED,
      respectNoindex: true,
    })!;
    expect(out[0]).toEqual({
      ...before,
      synthetic: false,
      fetched_at: LATER.toISOString(),
      engagement: { likes: 0, reposts: 2, replies: 1, views: null },
    });
    expect(out[2]!.engagement.likes).toBe(2);
    expect(rec.dead).toEqual([]);
  });

  it('falls back to one request per status on servers without the multi-status endpoint', async () => {
    const known = new Map<string, Status>();
    server = await startHttpReplay(instance(() => known, false));
    const host = new URL(server.baseUrl).host;
    known.set('1', local(host, '1', { favourites_count: 9 }));
    const ids = ['1', '2'].map((id) => `mastodon:http://${host}/users/alice/statuses/${id}`);
    const connector = createMastodonConnector(configFor(server), 'tok', fast);
    const first = await connector.refresh!(ids, recordingPorts({ now: () => LATER }).ports);
    expect(first.map((m) => [m.id, m.engagement.likes])).toEqual([[ids[0], 9]]);
    expect(server.requests.map((r) => r.url.pathname)).toEqual([
      '/api/v1/statuses',
      '/api/v1/statuses/1',
      '/api/v1/statuses/2',
    ]);
    expect(server.requests.every((r) => r.headers.authorization === 'Bearer tok')).toBe(true);
    // Remembered: the next refresh goes straight to the per-status lookups.
    await connector.refresh!(ids.slice(0, 1), recordingPorts({ now: () => LATER }).ports);
    expect(server.requests.map((r) => r.url.pathname).slice(3)).toEqual(['/api/v1/statuses/1']);
  });

  it('an instance wanting a token throws a non-retriable error', async () => {
    server = await startHttpReplay(() => ({
      status: 401,
      body: { error: 'This API requires an authenticated user' },
    }));
    const host = new URL(server.baseUrl).host;
    const rejected = createMastodonConnector(configFor(server), null, fast).refresh!(
      [`mastodon:http://${host}/users/alice/statuses/1`],
      recordingPorts({ now: () => LATER }).ports,
    );
    await expect(rejected).rejects.toThrow(/statuses lookup needs authentication \(HTTP 401\)/);
    await rejected.catch((error: unknown) => expect(isRetriable(error)).toBe(false));
  });

  it('no local statuses among the ids: no request at all', async () => {
    server = await startHttpReplay(() => ({ status: 500 }));
    const out = await createMastodonConnector(configFor(server), null, fast).refresh!(
      ['mastodon:https://fosstodon.org/users/erin/statuses/55'],
      recordingPorts({ now: () => LATER }).ports,
    );
    expect(out).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });
});

describe('Mastodon refreshable', () => {
  it("schedules this instance's statuses only", () => {
    const connector = createMastodonConnector(
      MastodonConfigSchema.parse({ base_url: 'https://mastodon.social', streaming: false }),
      null,
    );
    const mention = (uri: string) =>
      MentionSchema.parse({
        id: `mastodon:${uri}`,
        source: 'mastodon',
        text: 'x',
        created_at: '2026-11-20T10:00:00Z',
      });
    expect(connector.refreshable!(mention(alice.uri))).toBe(true);
    expect(connector.refreshable!(mention('https://fosstodon.org/users/bob/statuses/1234'))).toBe(
      false,
    );
  });
});

const statusId = (host: string, id: string) => `mastodon:http://${host}/users/alice/statuses/${id}`;

defineRefreshContract('mastodon', {
  now: LATER,
  batchSize: 20,
  async knowing(count) {
    const known = new Map<string, Status>();
    const server = await startHttpReplay(instance(() => known));
    const host = new URL(server.baseUrl).host;
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      const id = String(113500000000000200n + BigInt(n));
      ids.push(statusId(host, id));
      known.set(id, local(host, id, { favourites_count: n }));
    }
    return subject(server, ids);
  },
  async answeringMore() {
    let host = '';
    const server = await startHttpReplay(() => ({
      body: [local(host, '1', { favourites_count: 3 }), local(host, '2', { favourites_count: 4 })],
    }));
    host = new URL(server.baseUrl).host;
    return subject(server, [statusId(host, '1')]);
  },
  async failing() {
    const server = await startHttpReplay(() => ({ status: 503 }));
    return subject(server, [statusId(new URL(server.baseUrl).host, '1')]);
  },
});

function subject(server: HttpReplayServer, ids: string[]): RefreshSubject {
  return {
    connector: createMastodonConnector(
      MastodonConfigSchema.parse({ base_url: server.baseUrl, streaming: false }),
      null,
      fast,
    ),
    ids,
    lookups: () => server.requests.map((r) => r.url.searchParams.getAll('id[]').length),
    close: () => server.close(),
  };
}
