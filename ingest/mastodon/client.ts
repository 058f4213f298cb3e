import { z } from 'zod';
import type { HttpClient } from '../http/client.ts';
import { SourceRejectedError } from '../http/errors.ts';
import { parseJsonBody } from '../http/json.ts';
import { parseLinkHeader } from '../http/link.ts';
import type { MastodonTimeline } from './config.ts';

export interface TimelinePage {
  statuses: unknown[];
  /** Link rel="prev": the page of newer statuses (`min_id=` newest of this page). */
  prevUrl: string | null;
  /** Link rel="next": the page of older statuses (`max_id=` oldest of this page). */
  nextUrl: string | null;
}

/** Mastodon REST timelines. Statuses stay `unknown`; each is validated in normalize. */
export class MastodonClient {
  constructor(
    private readonly http: HttpClient,
    private readonly baseUrl: string,
    private readonly token: string | null,
  ) {}

  timelineUrl(timeline: MastodonTimeline, params: { minId: string | null; limit: number }): string {
    const path =
      timeline.type === 'public'
        ? '/api/v1/timelines/public'
        : `/api/v1/timelines/tag/${encodeURIComponent(timeline.tag)}`;
    const url = new URL(path, this.baseUrl);
    if (timeline.local) url.searchParams.set('local', 'true');
    if (timeline.type === 'public' && timeline.remote) url.searchParams.set('remote', 'true');
    url.searchParams.set('limit', String(params.limit));
    if (params.minId) url.searchParams.set('min_id', params.minId);
    return url.toString();
  }

  /**
   * Where this instance streams from (`configuration.urls.streaming` of `GET /api/v2/instance`);
   * big instances stream from a separate host. null when the instance does not say.
   */
  async streamingBase(signal?: AbortSignal): Promise<string | null> {
    const res = await this.http.request(new URL('/api/v2/instance', this.baseUrl).toString(), {
      headers: { accept: 'application/json' },
      ...(signal ? { signal } : {}),
    });
    if (res.status !== 200) return null;
    const parsed = InstanceSchema.safeParse(safeJson(res.body));
    return parsed.success ? (parsed.data.configuration?.urls?.streaming ?? null) : null;
  }

  /** Set once the instance answered the multi-status endpoint with 404 (before 4.3). */
  private noMultiStatus = false;

  /**
   * These instance-local statuses as they are now; ones that are gone or not visible are
   * missing from the answer. One request on Mastodon ≥ 4.3; older servers (and other
   * fediverse software without the endpoint) get one `GET /api/v1/statuses/:id` per status.
   */
  async statusesById(ids: readonly string[], signal?: AbortSignal): Promise<unknown[]> {
    if (!this.noMultiStatus) {
      const url = new URL('/api/v1/statuses', this.baseUrl);
      for (const id of ids) url.searchParams.append('id[]', id);
      const res = await this.get(url.toString(), signal);
      if (res.status !== 404) {
        this.check(res.status, 'statuses lookup');
        return parseJsonBody('mastodon', res.body, z.array(z.unknown()), 'statuses lookup');
      }
      this.noMultiStatus = true;
    }
    const out: unknown[] = [];
    for (const id of ids) {
      if (signal?.aborted) break;
      const url = new URL(`/api/v1/statuses/${encodeURIComponent(id)}`, this.baseUrl);
      const res = await this.get(url.toString(), signal);
      if (res.status === 404) continue; // deleted, or no longer visible to us
      this.check(res.status, 'status lookup');
      out.push(parseJsonBody('mastodon', res.body, z.unknown(), 'status'));
    }
    return out;
  }

  private get(url: string, signal?: AbortSignal) {
    return this.http.request(url, {
      headers: {
        accept: 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      ...(signal ? { signal } : {}),
    });
  }

  private check(status: number, what: string): void {
    if (status === 401 || status === 403) {
      throw new SourceRejectedError(
        `mastodon: ${what} needs authentication (HTTP ${status}); set token_env to a user token with read:statuses`,
        { context: { status } },
      );
    }
    if (status !== 200) {
      throw new SourceRejectedError(`mastodon: ${what} returned HTTP ${status}`, {
        context: { status },
      });
    }
  }

  async fetchPage(url: string, signal?: AbortSignal): Promise<TimelinePage> {
    // Only follow pagination links on the configured instance: the token must not leak elsewhere.
    if (new URL(url).origin !== new URL(this.baseUrl).origin) {
      throw new SourceRejectedError('mastodon: pagination link points to another host', {
        context: { url },
      });
    }
    const res = await this.get(url, signal);
    this.check(res.status, 'timeline');
    const statuses = parseJsonBody('mastodon', res.body, z.array(z.unknown()), 'timeline page');
    const links = parseLinkHeader(res.headers.get('link'));
    return { statuses, prevUrl: links.prev ?? null, nextUrl: links.next ?? null };
  }
}

/**
 * Statuses per `GET /api/v1/statuses?id[]=…` (Mastodon ≥ 4.3). The documentation names no
 * maximum and the server answers "fewer records than requested" without saying why, so a cut
 * list would look like deletions: stay at Mastodon's usual page size.
 */
export const STATUSES_PER_REQUEST = 20;

const InstanceSchema = z.object({
  configuration: z
    .object({
      urls: z
        .object({
          streaming: z
            .string()
            .regex(/^(wss?|https?):\/\//)
            .optional(),
        })
        .optional(),
    })
    .optional(),
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
