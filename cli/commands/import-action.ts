import { createReadStream, existsSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { loadConfig } from '../../core/config.ts';
import type { Mention } from '../../core/contracts/mention.ts';
import { ConfigError } from '../../core/errors.ts';
import { createLogger } from '../../core/logger.ts';
import { readMentionFile } from '../../ingest/files/read.ts';
import { countStoredMentions } from '../../store/queries/mentions.ts';
import { ownedMention } from '../../ingest/webhook/owned.ts';
import { loadEarshotConfig } from '../../core/workspace-config.ts';
import { CONFIG_RULES } from '../config-rules.ts';
import { connectRunning, type AdminClient } from '../admin/client.ts';
import { startPipeline } from '../embedded.ts';
import { ingestPorts } from '../roles/ingest.ts';
import { openRuntime } from '../runtime.ts';
import { AppSettingsSchema, configPath, type AppSettings } from '../settings.ts';
import type { Logger } from '../../core/logger.ts';

/** Where the mentions of an import go. */
interface ImportTarget {
  /** Sends the mentions on; answers how many of them the store held already. */
  produce(mentions: Mention[]): Promise<number>;
  deadLetter(
    items: Array<{ source: string; payload: string; reason: string; workspace?: string }>,
  ): Promise<void>;
  /** Resolves false if what was produced is not stored within the timeout. */
  drain(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * `earshot import FILE`: the file becomes a source. On the embedded default the pipeline runs
 * in this process until everything is stored; with EARSHOT_BUS=kafka the mentions go to
 * mentions.raw.v1 and the running stages take them from there. While `earshot start` holds
 * the embedded store, the file is still read here (progress, bad lines) and each batch goes
 * to that process's bus through its admin endpoint (cli/admin/), its pipeline storing it.
 * Bad lines are dead-lettered with their line number and reason, and counted in the summary.
 *
 * `--workspace` makes the file a workspace's own data, as its webhook does: ids in the
 * workspace's namespace, matched against its brands only. Without it the file is public data
 * (matched against every workspace, like a source), and a line may not claim a workspace: its
 * id would not be namespaced, so it could take over a public mention's row.
 */
export async function runImport(
  file: string,
  options: { format?: 'jsonl' | 'csv'; map?: string; source: string; workspace?: string },
): Promise<void> {
  if (!existsSync(file)) throw new ConfigError(`no such file: ${file}`);
  if (options.format && !['jsonl', 'csv'].includes(options.format))
    throw new ConfigError(`--format must be jsonl or csv, not "${options.format}"`);
  const columns = parseMapping(options.map);
  const settings = loadConfig(AppSettingsSchema, process.env);
  const workspace = options.workspace;
  if (workspace !== undefined) {
    const file = configPath(settings);
    const known = loadEarshotConfig(file, CONFIG_RULES).workspaces.map((w) => w.id);
    if (!known.includes(workspace))
      throw new ConfigError(
        `--workspace: no workspace "${workspace}" in ${file} (there: ${known.join(', ')})`,
      );
  }
  const logger = createLogger({
    name: 'earshot-import',
    level: settings.LOG_LEVEL === 'info' ? 'warn' : settings.LOG_LEVEL,
  });
  const admin = await connectRunning(settings);
  const target = admin ? remoteTarget(admin) : await localTarget(settings, logger);

  const total = await countLines(file);
  const bar = new cliProgress.SingleBar(
    {
      format:
        'importing {bar} {percentage}% | {value}/{total} lines | {invalid} invalid | {eta_formatted} left',
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 5_000,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { invalid: 0 });

  let valid = 0;
  let invalid = 0;
  let alreadyStored = 0;
  let chunk: Mention[] = [];
  const flush = async () => {
    if (chunk.length > 0) alreadyStored += await target.produce(chunk);
    chunk = [];
  };
  try {
    for await (const record of readMentionFile(file, {
      ...(options.format ? { format: options.format } : {}),
      columns,
      source: options.source,
    })) {
      const kept = 'mention' in record ? ownedBy(record.mention, workspace) : record;
      if ('mention' in kept) {
        chunk.push(kept.mention);
        valid++;
        if (chunk.length >= 1_000) await flush();
      } else {
        invalid++;
        await target.deadLetter([
          {
            source: `file:${file}`,
            payload: 'raw' in record ? record.raw : JSON.stringify(record.mention),
            reason: `line ${record.line}: ${kept.error}`,
            ...(workspace !== undefined ? { workspace } : {}),
          },
        ]);
        if (invalid <= 5) process.stderr.write(`\nline ${record.line}: ${kept.error}\n`);
      }
      bar.update(record.line, { invalid });
    }
    await flush();
    const drained = await target.drain(600_000);
    if (!drained) throw new Error('the pipeline did not finish within 10 minutes');
    bar.update(total, { invalid });
    bar.stop();
    process.stdout.write(
      `imported ${valid} mentions${invalid > 0 ? `, ${invalid} invalid lines dead-lettered (see the dead_letters table)` : ''}\n`,
    );
    // A file imported again (or overlapping an earlier one) adds nothing twice: say so.
    if (alreadyStored > 0)
      process.stdout.write(
        `${alreadyStored} of them were stored already: skipped, not counted twice\n`,
      );
  } finally {
    bar.stop();
    await target.close();
  }
  if (invalid > 0 && valid === 0) process.exitCode = 1;
}

/** A line's mention as the import's workspace owns it, or why it cannot be imported. */
function ownedBy(
  mention: Mention,
  workspace: string | undefined,
): { mention: Mention } | { error: string } {
  if (workspace === undefined) {
    if (mention.workspace === undefined) return { mention };
    return {
      error: `workspace: "${mention.workspace}" is set by earshot import --workspace, not by a line`,
    };
  }
  const owned = ownedMention(mention, workspace);
  return 'error' in owned ? owned : { mention: owned };
}

/** This process runs the pipeline (in-process bus), or produces to Kafka for the stages. */
async function localTarget(settings: AppSettings, logger: Logger): Promise<ImportTarget> {
  const rt = await openRuntime(settings, logger, { watchConfig: false });
  const pipeline = rt.bus.kind === 'memory' ? await startPipeline(rt) : null;
  const ports = ingestPorts(rt, new AbortController().signal);
  return {
    produce: async (mentions) => {
      const stored = await countStoredMentions(
        rt.store,
        mentions.map((m) => m.id),
      );
      await ports.produce(mentions);
      return stored;
    },
    deadLetter: (items) => ports.deadLetter(items),
    drain: async (timeoutMs) => (pipeline ? pipeline.drain(timeoutMs) : true),
    close: async () => {
      await pipeline?.stop();
      await rt.bus.close();
      await rt.store.close();
      rt.close();
    },
  };
}

/** The running `earshot start`'s bus, through its admin endpoint. */
function remoteTarget(admin: AdminClient): ImportTarget {
  return {
    produce: (mentions) => admin.produce(mentions),
    deadLetter: (items) => admin.deadLetter(items),
    drain: (timeoutMs) => admin.drain(timeoutMs),
    close: () => Promise.resolve(),
  };
}

function parseMapping(map: string | undefined): Record<string, string> {
  if (!map) return {};
  const out: Record<string, string> = {};
  for (const pair of map.split(',')) {
    const [field, column] = pair.split('=').map((s) => s.trim());
    if (!field || !column) throw new ConfigError(`--map: "${pair}" is not field=column`);
    out[field] = column;
  }
  return out;
}

async function countLines(file: string): Promise<number> {
  let n = 0;
  let last = 10;
  for await (const chunk of createReadStream(file)) {
    const buf = chunk as Buffer;
    for (let i = 0; i < buf.length; i++) if (buf[i] === 10) n++;
    last = buf[buf.length - 1] ?? 10;
  }
  return last === 10 ? n : n + 1;
}
