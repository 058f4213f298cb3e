import { z } from 'zod';
import type { HttpClient } from '../http/client.ts';
import { SourceRejectedError } from '../http/errors.ts';
import { parseJsonBody } from '../http/json.ts';

export const ThreadPageSchema = z.object({
  items: z.array(z.unknown()).default([]),
  nextPageToken: z.string().optional(),
});
export type ThreadPage = z.infer<typeof ThreadPageSchema>;

const ErrorBodySchema = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    errors: z
      .array(z.object({ reason: z.string().optional(), domain: z.string().optional() }))
      .default([]),
  }),
});

/** The daily quota is spent: nothing to do until midnight Pacific. Not a failure. */
export class QuotaExhaustedError extends Error {
  constructor() {
    super('youtube: daily quota exhausted');
    this.name = 'QuotaExhaustedError';
  }
}

/** This one video/channel has comments off or is gone: skip it, keep the others. */
export class TargetUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`youtube: target unavailable (${reason})`);
    this.name = 'TargetUnavailableError';
  }
}

export type ThreadTarget = { kind: 'video'; id: string } | { kind: 'channel'; id: string };

export class YouTubeClient {
  constructor(
    private readonly http: HttpClient,
    private readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  /** One `commentThreads.list` call (1 quota unit). */
  async listThreads(
    target: ThreadTarget,
    pageToken: string | null,
    signal?: AbortSignal,
  ): Promise<ThreadPage> {
    const url = new URL('/youtube/v3/commentThreads', this.baseUrl);
    url.searchParams.set('part', 'snippet,replies');
    url.searchParams.set(
      target.kind === 'video' ? 'videoId' : 'allThreadsRelatedToChannelId',
      target.id,
    );
    url.searchParams.set('order', 'time');
    url.searchParams.set('maxResults', '100');
    url.searchParams.set('textFormat', 'plainText');
    if (pageToken) url.searchParams.set('pageToken', pageToken);
    return this.get(url, 'commentThreads.list', signal);
  }

  /**
   * Threads by top-level comment id (`commentThreads.list?id=…`, 1 quota unit for up to
   * `IDS_PER_REQUEST`): the top-level comment's likes and the thread's reply count. Ids
   * YouTube no longer has are missing from the answer.
   */
  async threadsById(ids: readonly string[], signal?: AbortSignal): Promise<ThreadPage> {
    const url = new URL('/youtube/v3/commentThreads', this.baseUrl);
    url.searchParams.set('part', 'snippet');
    url.searchParams.set('id', ids.join(','));
    url.searchParams.set('textFormat', 'plainText');
    return this.get(url, 'commentThreads.list', signal);
  }

  /** Comments by id (`comments.list?id=…`, 1 quota unit): replies, which have no thread. */
  async commentsById(ids: readonly string[], signal?: AbortSignal): Promise<ThreadPage> {
    const url = new URL('/youtube/v3/comments', this.baseUrl);
    url.searchParams.set('part', 'snippet');
    url.searchParams.set('id', ids.join(','));
    url.searchParams.set('textFormat', 'plainText');
    return this.get(url, 'comments.list', signal);
  }

  private async get(url: URL, what: string, signal?: AbortSignal): Promise<ThreadPage> {
    url.searchParams.set('key', this.apiKey);
    const res = await this.http.request(url.toString(), {
      headers: { accept: 'application/json' },
      ...(signal ? { signal } : {}),
    });
    if (res.status === 200)
      return parseJsonBody('youtube', res.body, ThreadPageSchema, `${what} page`);
    const reason = errorReason(res.body);
    if (
      res.status === 403 &&
      (reason === 'quotaExceeded' ||
        reason === 'dailyLimitExceeded' ||
        reason === 'rateLimitExceeded')
    ) {
      throw new QuotaExhaustedError();
    }
    if ((res.status === 403 && reason === 'commentsDisabled') || res.status === 404) {
      throw new TargetUnavailableError(reason ?? `HTTP ${res.status}`);
    }
    throw new SourceRejectedError(
      `youtube: ${what} returned HTTP ${res.status}${reason ? ` (${reason})` : ''}`,
      {
        context: { status: res.status, reason },
      },
    );
  }
}

/** `id=` of `commentThreads.list` and `comments.list` takes at most 50 ids. */
export const IDS_PER_REQUEST = 50;

function errorReason(body: string): string | null {
  try {
    const parsed = ErrorBodySchema.safeParse(JSON.parse(body));
    return parsed.success ? (parsed.data.error.errors[0]?.reason ?? null) : null;
  } catch {
    return null;
  }
}
