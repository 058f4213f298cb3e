import { listConnectors } from './runtime.ts';

type Env = Record<string, string | undefined>;

/**
 * Every way a mention gets into earshot, for `earshot sources`: the connectors that fetch
 * (config + credentials, run by `earshot start` / `earshot run ingest`) and the two that are
 * pushed to it, which need no `sources:` section but something else each (`uses`).
 */
export interface WayIn {
  source: string;
  /** `pull`: a connector polls or streams; `push`: you send the mentions. */
  kind: 'pull' | 'push';
  /** A connector: configured and runnable. A push input: always available. */
  configured: boolean;
  /** What this config + environment still lacks (connectors). */
  needs: string[];
  /** What using it takes (push inputs), one requirement per line. */
  uses: string[];
  description: string;
  refresh_after_ms: number[];
}

export const PUSH_INPUTS: readonly WayIn[] = [
  {
    source: 'webhook',
    kind: 'push',
    configured: true,
    needs: [],
    uses: [
      'POST /v1/ingest on the API (`earshot start`, or `earshot run api` with the pipeline behind it)',
      "a workspace API key as `Authorization: Bearer <key>` (`earshot keys create --workspace <id>`); mentions land in that key's workspace",
      'a body of mentions (core/contracts/mention.ts): one JSON object, a JSON array or NDJSON (application/x-ndjson), up to 10,000 per request; `id` starts with `<source>:`',
    ],
    description: 'push your own mentions over HTTP (CRM, support desk, scrapers)',
    refresh_after_ms: [],
  },
  {
    source: 'files',
    kind: 'push',
    configured: true,
    needs: [],
    uses: [
      '`earshot import <file>`: a .jsonl file (one mention per line) or a .csv file (`--map text=body,created_at=date`, `--source <name>`)',
      'the store this process uses (EARSHOT_STORE / CHDB_PATH); with EARSHOT_BUS=kafka the mentions go to mentions.raw.v1 for the running stages',
    ],
    description: 'backfill from JSONL or CSV files through the pipeline (enrich → store)',
    refresh_after_ms: [],
  },
];

export function listWaysIn(config: Record<string, unknown>, env: Env): WayIn[] {
  return [
    ...listConnectors(config, env).map((c) => ({ ...c, kind: 'pull' as const, uses: [] })),
    ...PUSH_INPUTS,
  ];
}
