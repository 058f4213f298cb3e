import { describeError } from '../core/errors.ts';
import type { ConnectorDeps, ConnectorState, MentionFilter } from './connector.ts';
import type { IngestPorts } from './ports.ts';
import { createRefresher, type RefresherOptions } from './refresh/refresher.ts';
import { checkSource, SOURCES, withOwnedAccounts } from './registry.ts';

type Env = Record<string, string | undefined>;

export interface ConnectorStatus {
  source: string;
  state: string;
  lastError?: string;
}

export interface StartOptions {
  /** Watch-query matcher: only matching mentions are produced (Bluesky needs it most). */
  filter?: MentionFilter;
  /** A source's owned accounts of every workspace (`brands[].owned`), for the connectors. */
  ownedAccounts?: (source: string) => string[];
  /** Test seams passed to every connector (short backoffs, fake sleep). */
  deps?: ConnectorDeps;
  /** Test seams of the engagement re-reads (a short tick). */
  refresh?: RefresherOptions;
}

/**
 * Runs every configured and enabled connector concurrently, each in its own loop; one failing
 * source never stops the others (a non-retriable failure, e.g. bad credentials, parks only
 * that source in state `failed` with its error). `stop()` aborts all loops between pages and
 * resolves when every one has returned.
 */
export function startConnectors(
  config: Record<string, unknown>,
  ports: IngestPorts,
  env: Env,
  options: StartOptions = {},
): { stop(): Promise<void>; status(): ConnectorStatus[] } {
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort();
  ports.signal.addEventListener('abort', onOuterAbort, { once: true });
  if (ports.signal.aborted) controller.abort();

  const statuses = new Map<string, ConnectorStatus>();
  const runs: Promise<void>[] = [];
  const deps: ConnectorDeps = {
    ...options.deps,
    ...(options.filter ? { filter: options.filter } : {}),
    ...(options.ownedAccounts ? { ownedAccounts: options.ownedAccounts } : {}),
  };

  for (const def of SOURCES) {
    const owned = options.ownedAccounts?.(def.source) ?? [];
    const check = checkSource(def, withOwnedAccounts(def, config[def.source], owned), env);
    if (!check.configured) {
      if (config[def.source] !== undefined) {
        ports.logger.warn(
          { event: 'source_not_started', source: def.source, needs: check.needs },
          'source configured but not runnable',
        );
      }
      continue;
    }
    const status: ConnectorStatus = { source: def.source, state: 'starting' };
    statuses.set(def.source, status);
    const setState = (state: ConnectorState, error?: string) => {
      status.state = state;
      if (error !== undefined) status.lastError = error;
    };
    const connectorPorts: IngestPorts = {
      ...ports,
      signal: controller.signal,
      logger: ports.logger.child({ source: def.source }),
    };
    const run = (async () => {
      // Re-reading engagement stops with the source's own loop, however that ends.
      const refreshStop = new AbortController();
      let refreshing: Promise<void> = Promise.resolve();
      try {
        const connector = def.create(check.config, env, deps);
        const refresher = createRefresher(
          connector,
          connectorPorts,
          check.refresh,
          options.refresh,
        );
        ports.logger.info(
          { event: 'source_started', source: def.source, refresh: refresher !== null },
          'source started',
        );
        if (refresher !== null)
          refreshing = refresher.run(AbortSignal.any([controller.signal, refreshStop.signal]));
        await connector.run(refresher?.ports ?? connectorPorts, { onState: setState });
        status.state = 'stopped';
      } catch (error) {
        status.state = 'failed';
        status.lastError = describeError(error);
        ports.logger.error(
          { event: 'source_failed', source: def.source, error: status.lastError },
          'source stopped with an error',
        );
      } finally {
        refreshStop.abort();
        await refreshing;
      }
    })();
    runs.push(run);
  }

  return {
    async stop() {
      controller.abort();
      await Promise.allSettled(runs);
      ports.signal.removeEventListener('abort', onOuterAbort);
    },
    status: () => [...statuses.values()].map((s) => ({ ...s })),
  };
}

/** Every known connector and whether this config + env can run it (for `earshot sources`). */
export function listConnectors(
  config: Record<string, unknown>,
  env: Env,
): Array<{
  source: string;
  configured: boolean;
  needs: string[];
  description: string;
  /** A runnable source's engagement re-reads: ages after posting (ms), [] when off or none. */
  refresh_after_ms: number[];
}> {
  return SOURCES.map((def) => {
    const check = checkSource(def, config[def.source], env);
    const { source, configured, needs, description } = check;
    // Whether the connector can re-read is its own business: ask one (creating it is free).
    const refreshes = configured && check.refresh.enabled && canRefresh(def, check.config, env);
    return {
      source,
      configured,
      needs,
      description,
      refresh_after_ms: refreshes ? [...check.refresh.after] : [],
    };
  });
}

function canRefresh(def: (typeof SOURCES)[number], config: unknown, env: Env): boolean {
  try {
    return def.create(config, env, {}).refresh !== undefined;
  } catch {
    return false; // a connector that cannot even be made is reported by `start`, with its error
  }
}
