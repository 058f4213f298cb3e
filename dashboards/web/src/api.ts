import { z } from 'zod';

import {
  AuthorsResponse,
  BrandsResponse,
  BrandView,
  TopicsResponse,
} from '../../../api/contracts/brands.ts';
import { CompareResponse, type Estimate, type Verdict } from '../../../api/contracts/compare.ts';
import { HealthResponse, type HealthTotals } from '../../../api/contracts/health.ts';
import { MentionActions, MentionsResponse } from '../../../api/contracts/mentions.ts';

/**
 * The UI's only door to data: the public HTTP API with the user's key. Every answer is parsed
 * with zod (the API is an edge like any other), with the API's own response schemas
 * (api/contracts/), the ones its tests hold the routes to. They drop fields they do not know,
 * so an API that grows new fields never breaks the page.
 */

const num = z.number();
const optNum = num.nullable().optional();

export const BrandsSchema = BrandsResponse;
/** One brand, as listed and as the setup routes answer. */
export const BrandSchema = BrandView;
export type Brand = BrandsResponse['brands'][number];

export type ApiTotals = HealthTotals;
export const HealthSchema = HealthResponse;
export type Health = HealthResponse;

export type EstimateValue = Estimate;
export const CompareSchema = CompareResponse;
export type Compare = CompareResponse;
export type VerdictValue = Verdict;

export const TopicsSchema = TopicsResponse;
/** A topic of either list: top ones have a negative share, trending ones their growth. */
export type Topic = Pick<TopicsResponse['top'][number], 'id' | 'label' | 'volume'> &
  Partial<TopicsResponse['top'][number] & TopicsResponse['trending'][number]>;

export const MentionsSchema = MentionsResponse;
export type Mention = MentionsResponse['mentions'][number];

export const MentionActionsSchema = MentionActions;
export type { MentionActions };
export const MentionActionAnswerSchema = z.looseObject({
  id: z.string(),
  actions: MentionActionsSchema,
});

export const MutesSchema = z.looseObject({
  mutes: z.array(
    z.looseObject({
      kind: z.enum(['author', 'domain']),
      value: z.string(),
      label: z.string(),
      by: z.string().optional(),
      at: z.string().optional(),
    }),
  ),
});
export type Mute = z.infer<typeof MutesSchema>['mutes'][number];
export const MuteAnswerSchema = z.looseObject({
  kind: z.string(),
  value: z.string(),
  muted: z.boolean(),
  mentions: num,
});

export const AuthorsSchema = AuthorsResponse;
export type Author = AuthorsResponse['authors'][number];

/**
 * Alerts (`GET /v1/alerts`): one incident is one alert (open → updated → resolved); its "why"
 * is the detection (observed vs baseline, z-score) plus the window's top topics and most
 * engaged negative mentions (`context`).
 */
const DetectionSchema = z.looseObject({
  metric: z.string().optional(),
  observed: optNum,
  baseline: optNum,
  z: optNum,
  threshold: optNum,
  window_end: z.string().optional(),
  window_minutes: optNum,
  baseline_method: z.string().nullable().optional(),
});
const WhyTopicSchema = z.looseObject({ label: z.string(), volume: optNum, negative: optNum });
const WhyMentionSchema = z.looseObject({
  id: z.string(),
  text: z.string().optional(),
  url: z.string().nullable().optional(),
  author_handle: z.string().nullable().optional(),
  engagement: optNum,
});
const AlertContextSchema = z.looseObject({
  top_topics: z.array(WhyTopicSchema).default([]),
  top_negative_mentions: z.array(WhyMentionSchema).default([]),
});
export const AlertSchema = z.looseObject({
  id: z.string(),
  brand: z.string().optional(),
  rule_id: z.string().nullable().optional(),
  type: z.string().nullable().optional(),
  state: z.string(),
  opened_at: z.string().nullable().optional(),
  updated_at: z.string().nullable().optional(),
  resolved_at: z.string().nullable().optional(),
  acked_at: z.string().nullable().optional(),
  acked_by: z.string().nullable().optional(),
  /** Found in past data (an import, a backfill, the demo's history), not live. */
  historical: z.boolean().optional(),
  /** The detection that opened the incident (or was last notified): observed vs baseline. */
  why: DetectionSchema.nullable().optional(),
  peak: DetectionSchema.nullable().optional(),
  /** The window's top topics and most engaged negative mentions. */
  context: AlertContextSchema.nullable().optional(),
});
export type Alert = z.infer<typeof AlertSchema>;
export const AlertsSchema = z.looseObject({ alerts: z.array(AlertSchema) });

export const AlertRuleSchema = z.looseObject({
  id: z.string(),
  /** `config` (the file's, read-only), `api` (made here) or `default` (every brand's). */
  origin: z.string().optional(),
  brand: z.string().nullable().optional(),
  type: z.string().nullable().optional(),
  window: z.union([z.string(), z.number()]).nullable().optional(),
  sensitivity: z.union([z.string(), z.number()]).nullable().optional(),
  min_volume: optNum,
  cooldown: z.string().nullable().optional(),
  min_change: optNum,
  direction: z.string().nullable().optional(),
  filters: z
    .looseObject({
      sources: z.array(z.string()).default([]),
      langs: z.array(z.string()).default([]),
    })
    .nullable()
    .optional(),
  channels: z.array(z.string()).nullable().optional(),
  enabled: z.boolean().optional(),
});
export type AlertRule = z.infer<typeof AlertRuleSchema>;
export const AlertRulesSchema = z.looseObject({
  rules: z.array(AlertRuleSchema),
  /** The channels a rule of this workspace may name. */
  channels: z.array(z.looseObject({ id: z.string(), type: z.string() })).default([]),
});
/** Backtest answers are shown as a count and a list of would-be alerts. */
/** One alert a backtest would have raised (alerts/backtest.ts `BacktestAlert`). */
export const BacktestAlertSchema = z.looseObject({
  opened_at: z.string().optional(),
  state: z.string().optional(),
  brand: z.string().optional(),
  rule_id: z.string().optional(),
  rule_type: z.string().optional(),
  window_start: z.string().optional(),
  window_end: z.string().optional(),
  window_minutes: z.number().optional(),
  metric: z.string().optional(),
  observed: z.number().optional(),
  baseline: z.number().optional(),
  z: z.number().optional(),
  explanation: z.string().optional(),
});
export type BacktestAlert = z.infer<typeof BacktestAlertSchema>;
export const BacktestSchema = z.looseObject({
  alerts: z.array(BacktestAlertSchema).optional(),
  incidents: z.array(z.unknown()).optional(),
  events: z.array(z.unknown()).optional(),
});
export const AnySchema = z.unknown();

/** Setup (`/v1/brands/preview`, `/v1/sources`): see docs/setup.md. */
const PreviewMentionSchema = z.looseObject({
  id: z.string(),
  created_at: z.string(),
  source: z.string(),
  text: z.string(),
  title: z.string().nullable().optional(),
  url: z.string().nullable().optional(),
  author: z.string().nullable().optional(),
  spans: z.array(z.tuple([num, num])).default([]),
});
export type PreviewMention = z.infer<typeof PreviewMentionSchema>;
export const PreviewSchema = z.looseObject({
  by_day: z.array(z.looseObject({ day: z.string(), matches: num, current: optNum })),
  total: num,
  current_total: optNum,
  estimated: z.boolean(),
  samples: z.array(PreviewMentionSchema),
  gained: z.array(PreviewMentionSchema).default([]),
  lost: z.array(PreviewMentionSchema).default([]),
});
export type Preview = z.infer<typeof PreviewSchema>;
export const SourcesSchema = z.looseObject({
  sources: z.array(
    z.looseObject({
      source: z.string(),
      description: z.string(),
      origin: z.enum(['config', 'api']).nullable(),
      options: z.unknown().optional(),
      configured: z.boolean(),
      needs: z.array(z.string()).default([]),
      state: z.string().nullable().optional(),
      last_error: z.string().nullable().optional(),
      last_fetch: z.string().nullable().optional(),
    }),
  ),
});
export type SourceInfo = z.infer<typeof SourcesSchema>['sources'][number];
export const RematchSchema = z.looseObject({ matched: num, mentions: num, from: z.string() });

/** What a 400 names: the parameter (`window`, `channels.0`), and for a watch query the character (`position`). */
export interface ErrorDetail {
  parameter: string;
  message: string;
  position?: number;
  expected?: string;
}
/** One bad input field of a 400 (`error.details`). */
export type FieldError = ErrorDetail;

export type ApiAnswer<T> =
  | { ok: true; data: T }
  | { ok: false; status: number; code: string; message: string; details?: ErrorDetail[] };

export type Params = Record<string, string | number | null | undefined>;

export interface ApiClientOptions {
  key: () => string | null;
  /** Called on 401 so the shell can ask for a key. */
  onUnauthorized: () => void;
  base?: string;
  fetch?: typeof fetch;
}

export class ApiClient {
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;
  /** Route templates the server declares (`/openapi.json`); null: unknown, so try everything. */
  private routes: RegExp[] | null = null;

  constructor(private readonly options: ApiClientOptions) {
    this.base = options.base ?? '';
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /**
   * Learns which routes this server has from its OpenAPI document, so a page asks only for
   * what exists and shows "not available" for the rest, without a 404 per visit (an API being
   * built up route by route, or an older server). Without the document, every route is tried.
   */
  async discover(signal?: AbortSignal): Promise<void> {
    try {
      const res = await this.fetchImpl(`${this.base}/openapi.json`, { signal: signal ?? null });
      if (!res.ok) return;
      const doc = z
        .object({ paths: z.record(z.string(), z.unknown()) })
        .safeParse(await res.json());
      if (doc.success) this.routes = Object.keys(doc.data.paths).map(routePattern);
    } catch (error) {
      if (signal?.aborted) throw error;
    }
  }

  /** Whether the server declares a route for this path (true when it is not known). */
  has(path: string): boolean {
    return this.routes === null || this.routes.some((r) => r.test(path));
  }

  get<S extends z.ZodType>(
    path: string,
    params: Params,
    schema: S,
    signal?: AbortSignal,
  ): Promise<ApiAnswer<z.infer<S>>> {
    return this.request('GET', path, params, undefined, schema, signal);
  }

  post<S extends z.ZodType>(
    path: string,
    body: unknown,
    schema: S,
    signal?: AbortSignal,
  ): Promise<ApiAnswer<z.infer<S>>> {
    return this.request('POST', path, {}, body, schema, signal);
  }

  patch<S extends z.ZodType>(
    path: string,
    body: unknown,
    schema: S,
    signal?: AbortSignal,
  ): Promise<ApiAnswer<z.infer<S>>> {
    return this.request('PATCH', path, {}, body, schema, signal);
  }

  put<S extends z.ZodType>(
    path: string,
    body: unknown,
    schema: S,
    signal?: AbortSignal,
  ): Promise<ApiAnswer<z.infer<S>>> {
    return this.request('PUT', path, {}, body, schema, signal);
  }

  /** A 204's empty body parses as null. */
  delete(path: string, signal?: AbortSignal): Promise<ApiAnswer<unknown>> {
    return this.request('DELETE', path, {}, undefined, z.unknown(), signal);
  }

  /** PATCH, PUT, DELETE (setup): answers without a body (204) parse as null. */
  send<S extends z.ZodType>(
    method: 'PATCH' | 'PUT' | 'DELETE',
    path: string,
    body: unknown,
    schema: S,
    signal?: AbortSignal,
  ): Promise<ApiAnswer<z.infer<S>>> {
    return this.request(method, path, {}, body, schema, signal);
  }

  /**
   * A file the API streams (an export, a report): its bytes, its name and, for tables, the row
   * count the server announced (`X-Total-Count`). Fetched with the key like any call (a plain
   * link could not carry the Authorization header), then handed to the browser as a download.
   */
  async download(
    path: string,
    params: Params,
    signal?: AbortSignal,
  ): Promise<
    | { ok: true; blob: Blob; filename: string; rows: number | null }
    | { ok: false; status: number; code: string; message: string }
  > {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params))
      if (v !== null && v !== undefined && v !== '') qs.set(k, String(v));
    const headers: Record<string, string> = {};
    const key = this.options.key();
    if (key) headers.authorization = `Bearer ${key}`;
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.base}${path}${qs.size ? `?${qs.toString()}` : ''}`, {
        headers,
        signal: signal ?? null,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      return { ok: false, status: 0, code: 'network', message: 'the server did not answer' };
    }
    if (!res.ok) {
      if (res.status === 401) this.options.onUnauthorized();
      const err = z
        .object({ error: z.object({ code: z.string(), message: z.string() }) })
        .safeParse(await res.json().catch(() => null));
      return {
        ok: false,
        status: res.status,
        code: err.success ? err.data.error.code : 'http_error',
        message: err.success ? err.data.error.message : `HTTP ${res.status}`,
      };
    }
    const disposition = res.headers.get('content-disposition') ?? '';
    const filename =
      /filename="([^"]+)"/.exec(disposition)?.[1] ?? path.split('/').pop() ?? 'download';
    const total = res.headers.get('x-total-count');
    return {
      ok: true,
      blob: await res.blob(),
      filename,
      rows: total === null ? null : Number(total),
    };
  }

  private async request<S extends z.ZodType>(
    method: string,
    path: string,
    params: Params,
    body: unknown,
    schema: S,
    signal?: AbortSignal,
  ): Promise<ApiAnswer<z.infer<S>>> {
    if (!this.has(path))
      return { ok: false, status: 404, code: 'not_found', message: `no route ${method} ${path}` };
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params))
      if (v !== null && v !== undefined && v !== '') qs.set(k, String(v));
    const url = `${this.base}${path}${qs.size ? `?${qs.toString()}` : ''}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    const key = this.options.key();
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: signal ?? null,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      return { ok: false, status: 0, code: 'network', message: 'the server did not answer' };
    }
    const json: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      if (res.status === 401) this.options.onUnauthorized();
      const err = z
        .object({
          error: z.object({
            code: z.string(),
            message: z.string(),
            details: z
              .array(z.looseObject({ parameter: z.string(), message: z.string() }))
              .nullable()
              .optional()
              .catch(null),
          }),
        })
        .safeParse(json);
      return {
        ok: false,
        status: res.status,
        code: err.success ? err.data.error.code : 'http_error',
        message: err.success ? err.data.error.message : `HTTP ${res.status}`,
        ...(err.success && err.data.error.details ? { details: err.data.error.details } : {}),
      };
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      return {
        ok: false,
        status: res.status,
        code: 'unexpected_answer',
        message: `unexpected answer from ${path}: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`,
      };
    return { ok: true, data: parsed.data };
  }
}

/** `/v1/brands/{brand}/health` → a pattern that matches `/v1/brands/aurora/health`. */
export function routePattern(template: string): RegExp {
  const escaped = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${escaped}$`);
}
