import { z } from 'zod';
import { countPlainWords } from '../text/tokenize.ts';
import { HOUR_MS } from '../../core/duration.ts';

/**
 * A spam/bot score from transparent signals, each recorded as a reason (`code:detail`), so a
 * user can see why a mention was flagged and filter by signal. Signals combine as a noisy-OR:
 * score = 1 − Π(1 − wᵢ) over the signals that fire, so one weak signal never makes a post
 * spam and independent signals add up. Per-author state (recent posts and how many were
 * duplicates) is bounded (least recently seen authors are forgotten) and snapshot-able.
 * Time comes from `created_at`, never the clock, so replays score the same.
 */

export interface SpamInput {
  id: string;
  text: string;
  author: string | null;
  created_at: string;
  /** Size of the near-duplicate group this mention joined (1 = unique so far). */
  dup_group_size: number;
  hashtags: string[];
  /** Number of links in the post. */
  urls: number;
  account_created_at?: string | null;
}

export interface SpamResult {
  score: number;
  reasons: string[];
}

export interface SpamScorer {
  score(input: SpamInput): SpamResult;
  snapshot(): unknown;
}

export interface SpamOptions {
  /** Authors remembered for the duplicate-ratio and posting-rate signals. */
  maxAuthors?: number;
  /** Posts per hour above which an author's rate counts as bot-like. */
  maxPostsPerHour?: number;
  /** Group size from which a copy-paste campaign is assumed. */
  campaignGroupSize?: number;
  /** Accounts younger than this many days are "new". */
  newAccountDays?: number;
}

/** Signal weights: how likely a post is spam if only this signal fires. */
export const SPAM_WEIGHTS = {
  author_duplicates: 0.5,
  posting_rate: 0.45,
  link_only: 0.35,
  hashtag_stuffing: 0.4,
  new_account: 0.2,
  campaign: 0.3,
} as const;

const RECENT = 50; // timestamps kept per author
const SNAPSHOT_VERSION = 1;

interface AuthorStats {
  posts: number;
  dups: number;
  /** Recent post times (ms), oldest first, at most RECENT. */
  times: number[];
  /** Ids already scored (bounded like times), so a redelivery does not count twice. */
  ids: string[];
}

const AuthorStatsSchema = z.object({
  posts: z.number().int().nonnegative(),
  dups: z.number().int().nonnegative(),
  times: z.array(z.number()),
  ids: z.array(z.string()),
});
const SnapshotSchema = z.object({
  version: z.literal(SNAPSHOT_VERSION),
  authors: z.array(z.tuple([z.string(), AuthorStatsSchema])),
});

const URL_RE = /\b(?:https?:\/\/|www\.)\S+/giu;

/** Links in a post's text: the `urls` input of the scorer when the source gives no count. */
export function countUrls(text: string): number {
  return text.match(URL_RE)?.length ?? 0;
}

class Scorer implements SpamScorer {
  private readonly authors = new Map<string, AuthorStats>();
  private readonly maxAuthors: number;
  private readonly maxPerHour: number;
  private readonly campaignSize: number;
  private readonly newAccountMs: number;

  constructor(options: SpamOptions, snapshot: unknown) {
    this.maxAuthors = options.maxAuthors ?? 100_000;
    this.maxPerHour = options.maxPostsPerHour ?? 30;
    this.campaignSize = options.campaignGroupSize ?? 10;
    this.newAccountMs = (options.newAccountDays ?? 7) * 24 * HOUR_MS;
    if (snapshot !== undefined && snapshot !== null) {
      for (const [a, s] of SnapshotSchema.parse(snapshot).authors) this.authors.set(a, s);
    }
  }

  score(input: SpamInput): SpamResult {
    const reasons: string[] = [];
    const weights: number[] = [];
    const fire = (code: keyof typeof SPAM_WEIGHTS, detail: string, strength = 1): void => {
      reasons.push(`${code}:${detail}`);
      weights.push(SPAM_WEIGHTS[code] * Math.min(1, strength));
    };

    const contentWords = countPlainWords(input.text.replace(URL_RE, ' '));
    const isDup = input.dup_group_size > 1;
    // Short generic posts ("thank you") are duplicates of each other by nature, not spam.
    const substantial = contentWords >= 5;

    // Link-only: a link with (almost) nothing said about it.
    if (input.urls > 0 && contentWords < 3) fire('link_only', `${contentWords}_words`);

    // Hashtag stuffing: many tags, or more tags than words.
    const tags = input.hashtags.length;
    if (tags >= 6 || (tags >= 3 && tags > contentWords)) {
      fire('hashtag_stuffing', `${tags}_hashtags`, tags >= 6 ? tags / 8 : 0.75);
    }

    // Copy-paste campaign: many near-identical posts.
    if (substantial && input.dup_group_size >= this.campaignSize) {
      fire('campaign', `group_of_${input.dup_group_size}`);
    }

    const createdMs = Date.parse(input.created_at);
    if (input.account_created_at) {
      const ageMs = createdMs - Date.parse(input.account_created_at);
      if (Number.isFinite(ageMs) && ageMs >= 0 && ageMs < this.newAccountMs) {
        fire('new_account', `${Math.floor(ageMs / (24 * HOUR_MS))}_days`);
      }
    }

    if (input.author) {
      const stats = this.touch(input.author);
      if (!stats.ids.includes(input.id)) {
        stats.posts++;
        if (isDup && substantial) stats.dups++;
        if (Number.isFinite(createdMs)) {
          // Keep times sorted; sources deliver mostly in order, so this is usually a push.
          let at = stats.times.length;
          while (at > 0 && stats.times[at - 1]! > createdMs) at--;
          stats.times.splice(at, 0, createdMs);
          if (stats.times.length > RECENT) stats.times.shift();
        }
        stats.ids.push(input.id);
        if (stats.ids.length > RECENT) stats.ids.shift();
      }
      // Duplicate ratio of the author: most of what they post is copies.
      if (stats.posts >= 3 && stats.dups / stats.posts >= 0.5) {
        const pct = Math.round((stats.dups / stats.posts) * 100);
        fire('author_duplicates', `${pct}pct_of_${stats.posts}`, stats.dups / stats.posts);
      }
      // Posting rate: posts in the hour up to this one.
      if (Number.isFinite(createdMs)) {
        let inHour = 0;
        for (const t of stats.times) if (t > createdMs - HOUR_MS && t <= createdMs) inHour++;
        if (inHour > this.maxPerHour) {
          fire('posting_rate', `${inHour}_per_hour`, inHour / (2 * this.maxPerHour));
        }
      }
    }

    let keep = 1;
    for (const w of weights) keep *= 1 - w;
    return { score: Math.round((1 - keep) * 1000) / 1000, reasons };
  }

  private touch(author: string): AuthorStats {
    let stats = this.authors.get(author);
    if (stats) {
      // Re-insert: Map order is then least recently seen first, the eviction order.
      this.authors.delete(author);
    } else {
      stats = { posts: 0, dups: 0, times: [], ids: [] };
    }
    this.authors.set(author, stats);
    while (this.authors.size > this.maxAuthors) {
      const oldest = this.authors.keys().next();
      if (oldest.done) break;
      this.authors.delete(oldest.value);
    }
    return stats;
  }

  snapshot(): unknown {
    return {
      version: SNAPSHOT_VERSION,
      authors: [...this.authors],
    } satisfies z.infer<typeof SnapshotSchema>;
  }
}

/** A spam/bot scorer; pass a previous `snapshot()` to keep author history across restarts. */
export function createSpamScorer(options: SpamOptions = {}, snapshot?: unknown): SpamScorer {
  return new Scorer(options, snapshot);
}
