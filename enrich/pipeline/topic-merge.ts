import type { EmbedTexts } from '../topics/embed-merge.ts';
import type { TopicClusterer } from '../topics/index.ts';

/**
 * Glue between the topic clusterer's cross-language merge (topics/embed-merge.ts) and the accurate
 * sentiment tier's sentence encoder (multilingual-e5-small, sentiment/accurate/encoder.ts), kept
 * here as stages do not import each other. The scorer does not hand out its encoder, so the
 * merge loads its own session of the same model files (through the tier's public loaders); the
 * pass embeds a few texts per cluster, never one per mention.
 */
export interface TopicEmbedder {
  embed: EmbedTexts;
  close(): Promise<void>;
}

/** The accurate tier's encoder for topic texts; throws (with the reason) when it cannot load. */
export async function loadTopicEmbedder(
  options: { modelDir?: string } = {},
): Promise<TopicEmbedder> {
  // Imported here: onnxruntime is loaded only by processes that run the accurate tier.
  const [
    { SentenceEncoder },
    { checkHashed, readHeads },
    { ACCURATE_MODEL_DIR },
    { UnigramTokenizer },
  ] = await Promise.all([
    import('../sentiment/accurate/encoder.ts'),
    import('../sentiment/accurate/heads.ts'),
    import('../sentiment/accurate/paths.ts'),
    import('../sentiment/accurate/tokenizer.ts'),
  ]);
  const dir = options.modelDir ?? ACCURATE_MODEL_DIR;
  const heads = readHeads(dir);
  const tokenizer = UnigramTokenizer.load(checkHashed(dir, heads.tokenizer));
  const encoder = await SentenceEncoder.load(checkHashed(dir, heads.encoder), tokenizer, {
    dims: heads.dims,
  });
  return { embed: (texts) => encoder.embed(texts), close: () => encoder.close() };
}

/**
 * The embedder loaded on first use (a process whose stream makes no topic loads nothing); a
 * failed load is retried by the next pass.
 */
export function lazyTopicEmbedder(options: { modelDir?: string } = {}): TopicEmbedder {
  let loading: Promise<TopicEmbedder> | null = null;
  const get = (): Promise<TopicEmbedder> =>
    (loading ??= loadTopicEmbedder(options).catch((error: unknown) => {
      loading = null;
      throw error;
    }));
  return {
    embed: async (texts) => (await get()).embed(texts),
    close: async () => {
      if (loading) await (await loading.catch(() => null))?.close();
    },
  };
}

export interface TopicMergeStats {
  passes: number;
  texts: number;
  merged: number;
  failures: number;
}

/**
 * Runs the merge pass beside the stream: `poke()` (after each batch) starts a pass when none is
 * running and the last one's cost is paid off. A pass that took t ms of wall time is followed by
 * at least t / `share` ms without one, so the passes take at most `share` of one core whatever
 * the volume (a stream of many new topics waits longer between passes, it does not slow down).
 * The batch never waits for a pass.
 */
export class TopicMergeScheduler {
  readonly stats: TopicMergeStats = { passes: 0, texts: 0, merged: 0, failures: 0 };
  private running: Promise<void> | null = null;
  private nextAt = 0;

  constructor(
    private readonly embedder: TopicEmbedder,
    private readonly options: {
      /** Share of one core the passes may take (default 0.05). */
      share?: number;
      /** Least time between passes, ms (default 10 s). */
      minIntervalMs?: number;
      now?: () => number;
      onError?: (error: unknown) => void;
    } = {},
  ) {}

  /** Starts a pass on `topics` if one is due; returns at once. */
  poke(topics: TopicClusterer | null): void {
    if (topics === null || this.running !== null) return;
    const now = (this.options.now ?? (() => performance.now()))();
    if (now < this.nextAt) return;
    this.running = this.pass(topics, now).finally(() => (this.running = null));
  }

  /** Waits for the pass in progress, if any (stop, tests). */
  async idle(): Promise<void> {
    await this.running;
  }

  private async pass(topics: TopicClusterer, started: number): Promise<void> {
    const now = this.options.now ?? (() => performance.now());
    try {
      const r = await topics.mergeAcrossLanguages(this.embedder.embed);
      this.stats.passes++;
      this.stats.texts += r.texts;
      this.stats.merged += r.merged;
    } catch (error) {
      this.stats.failures++;
      this.options.onError?.(error);
    } finally {
      const took = now() - started;
      this.nextAt =
        now() + Math.max(this.options.minIntervalMs ?? 10_000, took / (this.options.share ?? 0.05));
    }
  }

  async close(): Promise<void> {
    await this.idle();
    await this.embedder.close();
  }
}
