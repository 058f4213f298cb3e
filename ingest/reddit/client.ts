import { z } from 'zod';
import type { HttpClient } from '../http/client.ts';
import { SourceRejectedError } from '../http/errors.ts';
import { parseJsonBody } from '../http/json.ts';

const TokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().positive(),
});

export const ListingSchema = z.object({
  kind: z.literal('Listing'),
  data: z.object({
    after: z.string().nullable(),
    children: z.array(z.unknown()),
  }),
});
export type Listing = z.infer<typeof ListingSchema>['data'];

export type RedditTarget =
  { kind: 'search'; query: string } | { kind: 'new' | 'comments'; subreddit: string };

export function targetKey(t: RedditTarget): string {
  return t.kind === 'search' ? `search:${t.query}` : `${t.kind}:${t.subreddit.toLowerCase()}`;
}

/**
 * App-only OAuth: a bearer token from `/api/v1/access_token` (HTTP Basic with the client id and
 * secret), cached until a minute before it expires and refreshed once on a 401.
 */
export class RedditClient {
  private token: { value: string; expiresAt: number } | null = null;

  constructor(
    private readonly http: HttpClient,
    private readonly options: {
      apiBaseUrl: string;
      authBaseUrl: string;
      clientId: string;
      clientSecret: string;
      now: () => Date;
    },
  ) {}

  private async accessToken(signal?: AbortSignal): Promise<string> {
    const now = this.options.now().getTime();
    if (this.token && this.token.expiresAt > now) return this.token.value;
    const basic = Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString(
      'base64',
    );
    const res = await this.http.request(
      new URL('/api/v1/access_token', this.options.authBaseUrl).toString(),
      {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
        ...(signal ? { signal } : {}),
      },
    );
    if (res.status !== 200) {
      throw new SourceRejectedError(
        `reddit: token request returned HTTP ${res.status}; check the client id and secret`,
        {
          context: { status: res.status },
        },
      );
    }
    const token = parseJsonBody('reddit', res.body, TokenSchema, 'token response');
    this.token = {
      value: token.access_token,
      expiresAt: now + Math.max(0, token.expires_in - 60) * 1000,
    };
    return token.access_token;
  }

  listingUrl(target: RedditTarget, after: string | null): string {
    const path =
      target.kind === 'search'
        ? '/search'
        : `/r/${encodeURIComponent(target.subreddit)}/${target.kind}`;
    const url = new URL(path, this.options.apiBaseUrl);
    if (target.kind === 'search') {
      url.searchParams.set('q', target.query);
      url.searchParams.set('sort', 'new');
      url.searchParams.set('type', 'link');
    }
    url.searchParams.set('limit', '100');
    // raw_json=1: text without the legacy HTML escaping (&amp; → &) in JSON strings.
    url.searchParams.set('raw_json', '1');
    if (after) url.searchParams.set('after', after);
    return url.toString();
  }

  async listing(
    target: RedditTarget,
    after: string | null,
    signal?: AbortSignal,
  ): Promise<Listing> {
    return this.getListing(this.listingUrl(target, after), 'listing', signal);
  }

  /**
   * `/api/info?id=t3_a,t1_b`: the things with these fullnames as they are now (at most
   * `INFO_PER_REQUEST`), in the same Listing shape; deleted ones still answer (with
   * `[deleted]` bodies), ids Reddit does not know are left out.
   */
  async info(fullnames: readonly string[], signal?: AbortSignal): Promise<Listing> {
    const url = new URL('/api/info', this.options.apiBaseUrl);
    url.searchParams.set('id', fullnames.join(','));
    url.searchParams.set('raw_json', '1');
    return this.getListing(url.toString(), 'info', signal);
  }

  private async getListing(url: string, what: string, signal?: AbortSignal): Promise<Listing> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken(signal);
      const res = await this.http.request(url, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        ...(signal ? { signal } : {}),
      });
      if (res.status === 401 && attempt === 0) {
        this.token = null; // expired early or revoked: one fresh token, then give up
        continue;
      }
      if (res.status !== 200) {
        throw new SourceRejectedError(`reddit: ${what} returned HTTP ${res.status}`, {
          context: { status: res.status },
        });
      }
      return parseJsonBody('reddit', res.body, ListingSchema, what).data;
    }
  }
}

/** `/api/info` takes at most 100 fullnames per request. */
export const INFO_PER_REQUEST = 100;
