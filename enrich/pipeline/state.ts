import type { Logger } from '../../core/logger.ts';
import type { StateStore } from '../../core/state-store.ts';
import { createDedupIndex } from '../dedup/index.ts';
import { createSpamScorer } from '../spam/index.ts';
import { createTopicClusterer, type TopicOptions } from '../topics/index.ts';
import type { Enrichers } from './enrich.ts';

type Stateful = Pick<Enrichers, 'topics' | 'dedup' | 'spam'>;

/**
 * Topics of the pipeline: per brand only, on words and phrases. The multilingual word vectors
 * (topics/vectors.ts, `npm run eval:topics`) stay off here: on the held-out stories they raised
 * pairwise F1 only 0.18 → 0.23 while precision fell 1.00 → 0.71 (unrelated posts merged into
 * one topic) and whole enrichment slowed by about 20 % (docs/benchmarks.md). One story across
 * languages comes instead from the cross-language merge (topics/embed-merge.ts), which the
 * sentiment tiers run beside the stream where the accurate encoder loads (sentiment-tiers.ts).
 */
const topicOptions = (): TopicOptions => ({ unbrandedKey: null });

/**
 * The stateful enrichers, restored from their last snapshots. A snapshot that does not
 * restore (e.g. from an older version) is logged and replaced by a fresh state: losing
 * clustering history is better than not enriching at all.
 */
export async function restoreStateful(
  state: StateStore,
  prefix: string,
  logger: Logger,
): Promise<Stateful> {
  const load = async <T>(name: string, create: (snapshot?: unknown) => T): Promise<T> => {
    const snapshot = await state.load(`${prefix}:${name}`);
    if (snapshot === null) return create();
    try {
      const restored = create(snapshot);
      logger.info({ event: 'enrich_state_restored', part: name });
      return restored;
    } catch (error) {
      logger.warn(
        { event: 'enrich_state_discarded', part: name, err: error },
        'snapshot did not restore; starting fresh',
      );
      return create();
    }
  };
  return {
    topics: await load('topics', (s) => createTopicClusterer(topicOptions(), s)),
    dedup: await load('dedup', (s) => createDedupIndex({}, s)),
    spam: await load('spam', (s) => createSpamScorer({}, s)),
  };
}

export function freshStateful(): Stateful {
  return {
    topics: createTopicClusterer(topicOptions()),
    dedup: createDedupIndex(),
    spam: createSpamScorer(),
  };
}

export async function saveStateful(
  state: StateStore,
  prefix: string,
  enrichers: Stateful,
): Promise<void> {
  if (enrichers.topics) {
    await state.save(`${prefix}:topics`, enrichers.topics.snapshot());
    // Apart, small, for the queries: they map stored mentions' old topic ids through it
    // (store/queries/topic-aliases.ts) and must not parse the whole clusterer state to do so.
    await state.save(`${prefix}:topic-aliases`, enrichers.topics.aliases());
  }
  if (enrichers.dedup) await state.save(`${prefix}:dedup`, enrichers.dedup.snapshot());
  if (enrichers.spam) await state.save(`${prefix}:spam`, enrichers.spam.snapshot());
}
