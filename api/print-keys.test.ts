import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Store } from '../store/port.ts';
import { createAuth, PrintKeys } from './auth.ts';

/** The report printer's keys: read only, one workspace, gone when revoked or expired. */
const noKeysStore = { query: () => Promise.resolve([]) } as unknown as Store;
const reply = { header: () => reply } as unknown as FastifyReply;
const request = (key: string, method = 'GET') =>
  ({ headers: { authorization: `Bearer ${key}` }, method }) as unknown as FastifyRequest;

describe('PrintKeys', () => {
  let t = 1_000;
  const keys = new PrintKeys(() => t);
  const auth = createAuth({
    store: noKeysStore,
    ratePerSecond: 100,
    printKeys: keys,
    now: () => t,
  });

  it('a minted key reads its workspace, and only reads', async () => {
    const key = keys.mint('ws', 60_000);
    const req = request(key);
    await auth(req, reply);
    expect([req.workspaceId, req.apiKeyScope]).toEqual(['ws', 'read']);
    await expect(auth(request(key, 'POST'), reply)).rejects.toMatchObject({ statusCode: 403 });
  });

  it('is refused once revoked, or once expired', async () => {
    const revoked = keys.mint('ws', 60_000);
    keys.revoke(revoked);
    await expect(auth(request(revoked), reply)).rejects.toMatchObject({ statusCode: 401 });
    const expiring = keys.mint('ws', 60_000);
    t += 60_000;
    await expect(auth(request(expiring), reply)).rejects.toMatchObject({ statusCode: 401 });
  });

  it('another process’s keys (or a made-up one) are not print keys', async () => {
    const other = new PrintKeys(() => t).mint('ws', 60_000);
    await expect(auth(request(other), reply)).rejects.toMatchObject({ statusCode: 401 });
  });
});
