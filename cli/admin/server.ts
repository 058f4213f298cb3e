import { buildAdminApi } from '../../api/admin.ts';
import type { KeyChanges } from '../../api/auth.ts';
import type { Service } from '../../core/runtime/services.ts';
import { drainInProcess } from '../embedded.ts';
import { ingestPorts } from '../roles/ingest.ts';
import type { Runtime } from '../runtime.ts';
import { newAdminToken, removeDescriptor, writeDescriptor } from './descriptor.ts';

export interface AdminHandle {
  url: string;
  close(): Promise<void>;
}

/**
 * The admin endpoint of `earshot start` on the embedded store (api/admin.ts): on 127.0.0.1
 * at a port the system picks, with a new token each start, both written to the descriptor in
 * the data directory (0600). Imports go onto this process's bus like any source, so they are
 * enriched and stored by the running pipeline; the descriptor goes when the server stops.
 */
export async function startAdmin(rt: Runtime, keyChanges: KeyChanges): Promise<AdminHandle | null> {
  // A ClickHouse server has no lock: the CLI reaches it directly.
  if (rt.store.kind !== 'chdb') return null;
  const token = newAdminToken();
  const ports = ingestPorts(rt, new AbortController().signal);
  const app = await buildAdminApi({
    token,
    store: rt.store,
    config: rt.config,
    logger: rt.logger,
    keyChanges,
    importer: {
      produce: (mentions) => ports.produce(mentions),
      deadLetter: (items) => ports.deadLetter(items),
      drain: (timeoutMs) => drainInProcess(rt, timeoutMs),
    },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  writeDescriptor(rt.settings.CHDB_PATH, {
    version: 1,
    pid: process.pid,
    url,
    token,
    started_at: new Date().toISOString(),
  });
  rt.logger.info({ event: 'admin_listening', url }, `admin endpoint for the CLI at ${url}`);
  return {
    url,
    close: async () => {
      removeDescriptor(rt.settings.CHDB_PATH, token);
      await app.close();
    },
  };
}

/** The admin endpoint as a service of `earshot start`: listed last, so it stops first. */
export function adminService(rt: Runtime, keyChanges: KeyChanges): Service {
  let admin: AdminHandle | null = null;
  return {
    id: 'admin',
    start: async () => void (admin = await startAdmin(rt, keyChanges)),
    stop: async () => await admin?.close(),
  };
}
