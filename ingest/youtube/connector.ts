import type { Mention } from '../../core/contracts/mention.ts';
import { DependencyUnavailableError, describeError } from '../../core/errors.ts';
import {
  makeHttpClient,
  pollLoop,
  USER_AGENT,
  type Connector,
  type ConnectorDeps,
  type RunOptions,
  loopKnobs,
} from '../connector.ts';
import { convertOne, deliver } from '../emit.ts';
import type { IngestDeadLetter, IngestPorts } from '../ports.ts';
import { resumeState, walkMayAdvance } from '../lookback.ts';
import { advanceNewestFirst, isNewer, readNewestFirst } from '../newest-first.ts';
import {
  IDS_PER_REQUEST,
  QuotaExhaustedError,
  TargetUnavailableError,
  YouTubeClient,
  type ThreadTarget,
} from './client.ts';
import type { YouTubeConfig } from './config.ts';
import { flattenThread, normalizeYouTubeComment, replyResource } from './normalize.ts';
import { askedMentions, inBatches, nativeIds } from '../refresh/batches.ts';

const SOURCE = 'youtube';

/** The quota day is the Pacific-time calendar day (quota resets at midnight PT). */
export function quotaDay(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/Los_Angeles',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/**
 * Polls `commentThreads.list` (order=time) per video / channel, newest first, stopping at the
 * first thread already produced. Quota-aware: every call is counted in the cursor store per
 * Pacific day *before* it is made, so a restart cannot overspend; at the configured budget, or
 * when Google answers `quotaExceeded`, the connector idles until the next quota day.
 */
export function createYouTubeConnector(
  config: YouTubeConfig,
  apiKey: string,
  deps: ConnectorDeps = {},
): Connector {
  const targets: ThreadTarget[] = [
    ...config.video_ids.map((id) => ({ kind: 'video' as const, id })),
    ...config.channel_ids.map((id) => ({ kind: 'channel' as const, id })),
  ];
  // One client per connector, made on first use (it needs the ports' clock and logger); polls
  // and refreshes spend from the same quota ledger (the cursor store, per Pacific day).
  let shared: YouTubeClient | null = null;
  const clientFor = (ports: IngestPorts) =>
    (shared ??= new YouTubeClient(
      makeHttpClient(SOURCE, ports, deps, { userAgent: USER_AGENT }),
      config.base_url,
      apiKey,
    ));
  return {
    source: SOURCE,
    refreshBatchSize: IDS_PER_REQUEST,
    refresh: (ids, ports) =>
      refreshComments(
        ids,
        clientFor(ports),
        new QuotaLedger(ports, config.daily_quota_units),
        ports,
      ),
    run(ports: IngestPorts, options: RunOptions = {}) {
      const client = clientFor(ports);
      const quota = new QuotaLedger(ports, config.daily_quota_units);
      return pollLoop({
        source: SOURCE,
        ports,
        intervalMs: config.poll_interval_s * 1000,
        ...loopKnobs(options, deps),
        cycle: async () => {
          for (const target of targets) {
            if (ports.signal.aborted) return;
            try {
              await pollTarget(target, client, quota, config, ports, deps);
            } catch (error) {
              if (error instanceof QuotaExhaustedError) {
                await quota.exhaust();
                options.onState?.('quota_exhausted');
                ports.logger.warn(
                  { event: 'quota_exhausted', source: SOURCE, day: quota.day() },
                  'youtube quota spent for today',
                );
                return;
              }
              if (error instanceof TargetUnavailableError) {
                ports.logger.warn(
                  {
                    event: 'target_unavailable',
                    source: SOURCE,
                    target: `${target.kind}:${target.id}`,
                    reason: error.reason,
                  },
                  'youtube target skipped',
                );
                continue;
              }
              throw error;
            }
          }
        },
      });
    },
  };
}

/** Units spent per Pacific day, persisted in the cursor store. */
class QuotaLedger {
  constructor(
    private readonly ports: IngestPorts,
    private readonly limit: number,
  ) {}

  day(): string {
    return quotaDay(this.ports.now());
  }

  async spend(units: number): Promise<void> {
    const key = `quota:${this.day()}`;
    const used = Number((await this.ports.cursors.get(SOURCE, key)) ?? '0');
    if (used + units > this.limit) throw new QuotaExhaustedError();
    await this.ports.cursors.set(SOURCE, key, String(used + units));
  }

  async exhaust(): Promise<void> {
    await this.ports.cursors.set(SOURCE, `quota:${this.day()}`, String(this.limit));
  }
}

async function pollTarget(
  target: ThreadTarget,
  client: YouTubeClient,
  quota: QuotaLedger,
  config: YouTubeConfig,
  ports: IngestPorts,
  deps: ConnectorDeps,
): Promise<void> {
  const key = `${target.kind}:${target.id}`;
  const stored = readNewestFirst(await ports.cursors.get(SOURCE, key));
  // First run: every thread since the look-back start; later: every thread after the cursor.
  const since = resumeState(stored, ports.now(), config.lookback);
  let next = since;
  let pageToken: string | null = null;
  let done = false;
  for (let page = 0; page < config.max_pages && !ports.signal.aborted; page++) {
    await quota.spend(1);
    const result = await client.listThreads(target, pageToken, ports.signal);
    const mentions: Mention[] = [];
    const dead: IngestDeadLetter[] = [];
    for (const raw of result.items) {
      let comments;
      try {
        comments = flattenThread(raw);
      } catch (error) {
        dead.push({
          source: SOURCE,
          payload: JSON.stringify(raw),
          reason: describeError(error).replace(/^\w+: /, ''),
        });
        continue;
      }
      const top = comments[0]!;
      const at = Date.parse(top.comment.snippet.publishedAt);
      if (!isNewer(since, at, top.comment.id)) {
        done = true;
        break;
      }
      for (const c of comments) {
        const result = convertOne(
          SOURCE,
          c,
          (item) => normalizeYouTubeComment(item, ports.now()),
          () => JSON.stringify(raw),
        );
        if (result === null) continue;
        if ('reason' in result) dead.push(result);
        else if (!deps.filter || deps.filter(result)) mentions.push(result);
      }
      if (Number.isFinite(at))
        next = advanceNewestFirst(next, [{ atMs: at, id: top.comment.id }]) ?? next;
    }
    await deliver(ports, { mentions, dead });
    if (done || !result.nextPageToken) {
      done = true;
      break;
    }
    pageToken = result.nextPageToken;
  }
  if (!walkMayAdvance(done, ports, SOURCE, key, config.max_pages, stored === null)) return;
  // Newest first: only once every page of this walk was acked may the cursor move.
  if (next !== stored) await ports.cursors.set(SOURCE, key, JSON.stringify(next));
}

const COMMENT_ID = /^youtube:([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)?)$/;

/**
 * Late engagement: likes and reply counts of comments this connector produced. Top-level
 * comments are read as threads (`commentThreads.list?id=`, which carries `totalReplyCount`),
 * replies (ids `<parent>.<reply>`) with `comments.list?id=`; each call costs 1 quota unit for up
 * to 50 ids and is counted in the ledger first, like a poll. Spent quota is a retriable
 * failure here: the scheduler tries again later, the next quota day at the latest.
 */
async function refreshComments(
  ids: readonly string[],
  client: YouTubeClient,
  quota: QuotaLedger,
  ports: IngestPorts,
): Promise<Mention[]> {
  const wanted = nativeIds(ids, COMMENT_ID);
  const groups = [
    { ids: wanted.filter((c) => !c.includes('.')), threads: true },
    { ids: wanted.filter((c) => c.includes('.')), threads: false },
  ];
  const out: Mention[] = [];
  try {
    for (const group of groups) {
      const read = await inBatches(group.ids, IDS_PER_REQUEST, ports.signal, async (chunk) => {
        await quota.spend(1);
        const page = group.threads
          ? await client.threadsById(chunk, ports.signal)
          : await client.commentsById(chunk, ports.signal);
        const fetchedAt = ports.now();
        return askedMentions(
          SOURCE,
          ports,
          page.items,
          (raw) =>
            normalizeYouTubeComment(
              group.threads ? flattenThread(raw)[0]! : replyResource(raw),
              fetchedAt,
            ),
          new Set(chunk.map((c) => `${SOURCE}:${c}`)),
        );
      });
      out.push(...read);
    }
  } catch (error) {
    if (!(error instanceof QuotaExhaustedError)) throw error;
    await quota.exhaust();
    throw new DependencyUnavailableError(
      `youtube: daily quota exhausted (${quota.day()}); engagement refresh waits for the next quota day`,
    );
  }
  return out;
}
