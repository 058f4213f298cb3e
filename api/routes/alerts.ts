import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { backtest, backtestAlerts } from '../../alerts/backtest.ts';
import { workspaceChannelIds } from '../../alerts/channels.ts';
import {
  AlertRuleInputSchema,
  checkRuleAgainstWorkspace,
  defaultRulesFor,
  parseAlertsConfig,
  resolveRule,
  type AlertsConfig,
} from '../../alerts/config.ts';
import type { WorkspaceConfig } from '../../core/workspace-config.ts';
import {
  deleteStoredRule,
  getIncident,
  listEvents,
  listIncidents,
  listStoredRules,
  saveIncident,
  saveStoredRule,
  type StoredIncident,
  type StoredRule,
} from '../../store/queries/alerts-store.ts';
import type { ApiContext } from '../app.ts';
import { ApiError, parseInput } from '../errors.ts';
import { route } from '../openapi.ts';
import { checkTimes, Slug, workspaceOf } from '../params.ts';
import { TimeSchema } from '../time-params.ts';

/**
 * Alert rules and alert events of the caller's workspace. Rules from the config file are
 * listed (read-only: change them in the reviewed file); rules created here are stored per
 * workspace and evaluated by the same scheduler. An alert is one incident
 * (open → updated → resolved); acknowledging it records who and when.
 */

const IdParams = z.object({ id: Slug.describe('rule id') });
const IncidentParams = z.object({
  id: z.string().min(1).max(200).describe('alert (incident) id from GET /v1/alerts'),
});

const AlertsQuery = z
  .object({
    brand: Slug.optional().describe('only alerts of this brand'),
    state: z
      .enum(['open', 'updated', 'resolved', 'active'])
      .optional()
      .describe('open, updated, resolved, or active (= not resolved)'),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(500)
      .default(100)
      .describe('at most this many, newest first'),
  })
  .strict();

const AckBody = z
  .object({ by: z.string().min(1).max(200).optional().describe('who acknowledges (free text)') })
  .strict();

const BacktestBody = z
  .object({
    from: TimeSchema.optional().describe('ISO 8601 or relative (now-7d); default now-7d'),
    to: TimeSchema.optional().describe('ISO 8601 or relative; default now'),
  })
  .strict();

/** Replays are bounded: a minute-by-minute replay of a longer span belongs to the CLI. */
const MAX_BACKTEST_MS = 31 * 86_400_000;

/** PATCH: any field of a rule except its id. */
const RulePatchSchema = AlertRuleInputSchema.omit({ id: true }).partial().strict();

export function alertRoutes(ctx: ApiContext): FastifyPluginAsync {
  const alertsConfig = (): AlertsConfig => parseAlertsConfig(ctx.config());

  /**
   * Validate a rule body against the schema and the workspace. Returns the body as given
   * (what is stored: durations stay "15m", defaults stay unapplied) and the parsed rule.
   */
  const validate = (body: unknown, ws: WorkspaceConfig, alerts: AlertsConfig) => {
    const input = parseInput(AlertRuleInputSchema, body, 'body');
    if (input.workspace !== undefined && input.workspace !== ws.id)
      throw new ApiError(404, 'not_found', `no workspace "${input.workspace}"`);
    // Only this workspace's channels: another's is "unknown", like an id that does not exist.
    const problems = checkRuleAgainstWorkspace(input, ws, workspaceChannelIds(alerts, ws.id));
    if (problems.length > 0) {
      const details = problems.map((p) => {
        const [parameter, ...rest] = p.split(': ');
        return { parameter: parameter!, message: rest.join(': ') };
      });
      throw new ApiError(
        400,
        'invalid_parameter',
        `invalid body parameters: ${details.map((d) => d.parameter).join(', ')}`,
        details,
      );
    }
    const { workspace: _ignored, ...raw } = body as Record<string, unknown>;
    return { raw, input };
  };

  const present = (
    stored: StoredRule | null,
    alerts: AlertsConfig,
    ws: WorkspaceConfig,
    rule: z.infer<typeof AlertRuleInputSchema>,
    origin: 'config' | 'api' | 'default',
  ) => {
    const r = resolveRule(rule, alerts.defaults, ws.id, origin);
    return {
      id: r.id,
      origin,
      brand: r.brand,
      type: r.type,
      window: `${r.windowMs / 60_000}m`,
      sensitivity: r.sensitivity,
      threshold_z: r.threshold,
      min_volume: r.minVolume,
      cooldown: `${r.cooldownMs / 60_000}m`,
      ...(r.type === 'sov_shift' ? { min_change: r.minChange, direction: r.direction } : {}),
      filters: r.filters,
      channels: r.channels,
      enabled: r.enabled,
      created_at: stored?.created_at ?? null,
      updated_at: stored?.updated_at ?? null,
    };
  };

  const configRulesOf = (ws: WorkspaceConfig, alerts: AlertsConfig) =>
    alerts.rules.filter((r) => (r.workspace ?? ctx.config().workspaces[0]?.id) === ws.id);

  const incidentView = (
    i: StoredIncident,
    events: Array<{ incident_id: string; kind: string; at: string }>,
  ) => ({
    id: i.id,
    rule_id: i.rule_id,
    brand: i.brand,
    type: i.type,
    state: i.state,
    opened_at: i.opened_at,
    updated_at: i.updated_at,
    resolved_at: i.resolved_at,
    acked_at: i.acked_at,
    acked_by: i.acked_by,
    historical: i.historical ?? false,
    why: i.detection,
    peak: i.peak,
    context: i.context,
    events: events.filter((e) => e.incident_id === i.id).map((e) => ({ kind: e.kind, at: e.at })),
  });

  return (app) => {
    route(
      ctx.routes,
      app,
      {
        method: 'GET',
        url: '/alert-rules',
        tag: 'alerts',
        auth: true,
        summary:
          'Alert rules of your workspace: from the config file (read-only) and created through the API',
        responses: { 200: '{ rules: [...] }' },
      },
      async (request) => {
        const ws = workspaceOf(ctx, request.workspaceId);
        const alerts = alertsConfig();
        const fromFile = configRulesOf(ws, alerts).map((r) =>
          present(null, alerts, ws, r, 'config'),
        );
        const taken = new Set(fromFile.map((r) => r.id));
        const stored = (await listStoredRules(ctx.store, ws.id))
          .filter((s) => !taken.has(s.id))
          .flatMap((s) => {
            const parsed = AlertRuleInputSchema.safeParse(s.rule);
            return parsed.success
              ? [present(s, alerts, ws, { ...parsed.data, enabled: s.enabled }, 'api')]
              : [];
          });
        // Each brand's default rules for the types no rule covers (read-only, like the file's).
        const covered = new Set([...fromFile, ...stored].map((r) => `${r.brand}/${r.type}`));
        const ids = new Set([...fromFile, ...stored].map((r) => r.id));
        const defaults = alerts.default_rules
          ? ws.brands.flatMap((b) =>
              defaultRulesFor(ws.id, b.id, b.competitors.length > 0)
                .filter((r) => !covered.has(`${r.brand}/${r.type}`) && !ids.has(r.id))
                .map((r) => present(null, alerts, ws, r, 'default')),
            )
          : [];
        return { workspace: ws.id, rules: [...fromFile, ...stored, ...defaults] };
      },
    );

    route(
      ctx.routes,
      app,
      {
        method: 'POST',
        url: '/alert-rules',
        tag: 'alerts',
        auth: true,
        summary:
          'Create an alert rule (negative_spike, volume_spike, sentiment_drop, sov_shift); backtest it first with `earshot alerts backtest --rule`',
        body: AlertRuleInputSchema,
        responses: {
          201: 'the rule with defaults applied',
          400: 'a bad field',
          409: 'a rule with this id exists',
        },
      },
      async (request, reply) => {
        const ws = workspaceOf(ctx, request.workspaceId);
        const alerts = alertsConfig();
        const { raw, input } = validate(request.body, ws, alerts);
        const exists =
          configRulesOf(ws, alerts).some((r) => r.id === input.id) ||
          (await listStoredRules(ctx.store, ws.id)).some((r) => r.id === input.id);
        if (exists) throw new ApiError(409, 'conflict', `a rule "${input.id}" already exists`);
        const now = ctx.now().toISOString();
        const stored: StoredRule = {
          workspace: ws.id,
          id: input.id,
          rule: raw,
          enabled: input.enabled ?? true,
          created_at: now,
          updated_at: now,
        };
        await saveStoredRule(ctx.store, stored);
        return reply.status(201).send(present(stored, alerts, ws, input, 'api'));
      },
    );

    route(
      ctx.routes,
      app,
      {
        method: 'PATCH',
        url: '/alert-rules/:id',
        tag: 'alerts',
        auth: true,
        summary:
          'Change an API-created rule (any field but its id), e.g. { "sensitivity": "low" } or { "enabled": false }',
        params: IdParams,
        body: RulePatchSchema,
        responses: {
          200: 'the rule',
          400: 'a bad field',
          404: 'no such rule',
          409: 'the rule is defined in the config file',
        },
      },
      async (request) => {
        const { id } = parseInput(IdParams, request.params, 'params');
        const ws = workspaceOf(ctx, request.workspaceId);
        const alerts = alertsConfig();
        if (configRulesOf(ws, alerts).some((r) => r.id === id))
          throw new ApiError(
            409,
            'conflict',
            `rule "${id}" is defined in the config file: change it there`,
          );
        const current = (await listStoredRules(ctx.store, ws.id)).find((r) => r.id === id);
        if (!current) throw new ApiError(404, 'not_found', `no rule "${id}"`);
        // Validated first on its own, so a bad patch names its own fields.
        parseInput(RulePatchSchema, request.body, 'body');
        const { raw, input } = validate(
          { ...current.rule, enabled: current.enabled, ...(request.body as object), id },
          ws,
          alerts,
        );
        const stored: StoredRule = {
          ...current,
          rule: raw,
          enabled: input.enabled ?? true,
          updated_at: ctx.now().toISOString(),
        };
        await saveStoredRule(ctx.store, stored);
        return present(stored, alerts, ws, input, 'api');
      },
    );

    route(
      ctx.routes,
      app,
      {
        method: 'DELETE',
        url: '/alert-rules/:id',
        tag: 'alerts',
        auth: true,
        summary: 'Delete an API-created rule (its past alerts stay)',
        params: IdParams,
        responses: {
          204: 'deleted',
          404: 'no such rule',
          409: 'the rule is defined in the config file',
        },
      },
      async (request, reply) => {
        const { id } = parseInput(IdParams, request.params, 'params');
        const ws = workspaceOf(ctx, request.workspaceId);
        if (configRulesOf(ws, alertsConfig()).some((r) => r.id === id))
          throw new ApiError(
            409,
            'conflict',
            `rule "${id}" is defined in the config file: remove it there`,
          );
        if (!(await listStoredRules(ctx.store, ws.id)).some((r) => r.id === id))
          throw new ApiError(404, 'not_found', `no rule "${id}"`);
        await deleteStoredRule(ctx.store, ws.id, id, ctx.now());
        return reply.status(204).send();
      },
    );

    route(
      ctx.routes,
      app,
      {
        method: 'POST',
        url: '/alert-rules/:id/backtest',
        tag: 'alerts',
        auth: true,
        summary:
          'Replay a rule (enabled or not) over stored history: the alerts it would have raised, with their numbers. Nothing is stored or sent',
        params: IdParams,
        body: BacktestBody,
        responses: {
          200: '{ rule, from, to, evaluations, alerts: [...], events: [...] }',
          400: 'a bad range (at most 31 days)',
          404: 'no such rule',
        },
      },
      async (request) => {
        const { id } = parseInput(IdParams, request.params, 'params');
        const body = parseInput(BacktestBody, request.body, 'body');
        const ws = workspaceOf(ctx, request.workspaceId);
        const now = ctx.now();
        const to = body.to ? body.to(now) : now;
        const from = body.from ? body.from(now) : new Date(to.getTime() - 7 * 86_400_000);
        checkTimes({ from, to });
        const span = to.getTime() - from.getTime();
        if (!(span > 0 && span <= MAX_BACKTEST_MS))
          throw new ApiError(
            400,
            'invalid_parameter',
            '`from` must be before `to`, at most 31 days',
            [{ parameter: 'from', message: 'at most 31 days before `to`' }],
          );
        const [result] = await backtest(ctx.store, ctx.config(), {
          ruleId: id,
          workspace: ws.id,
          from,
          to,
        });
        if (!result) throw new ApiError(404, 'not_found', `no rule "${id}"`);
        const records = new Map(backtestAlerts([result]).map((a) => [a.incident, a]));
        const byIncident = new Map<string, (typeof result.events)[number][]>();
        for (const e of result.events)
          byIncident.set(e.incident.id, [...(byIncident.get(e.incident.id) ?? []), e]);
        return {
          rule: id,
          from: from.toISOString(),
          to: to.toISOString(),
          evaluations: Math.ceil(span / 60_000),
          alerts: [...byIncident.values()].map((events) => {
            const last = events[events.length - 1]!.incident;
            return {
              // rule, window, opened time, numbers and a sentence (alerts/backtest.ts).
              ...records.get(last.id),
              id: last.id,
              brand: last.brand,
              type: last.type,
              state: last.state,
              opened_at: last.opened_at,
              resolved_at: last.resolved_at,
              why: events[0]!.incident.detection,
              peak: last.peak,
            };
          }),
          events: result.events.map((e) => ({ kind: e.kind, at: e.at, incident: e.incident.id })),
        };
      },
    );

    route(
      ctx.routes,
      app,
      {
        method: 'GET',
        url: '/alerts',
        tag: 'alerts',
        auth: true,
        summary:
          'Alerts (one per incident) with why they fired: observed vs baseline, z-score, top topics, most engaged negative mentions',
        query: AlertsQuery,
        responses: { 200: '{ alerts: [...] }', 400: 'a bad parameter' },
      },
      async (request) => {
        const q = parseInput(AlertsQuery, request.query, 'query');
        const ws = workspaceOf(ctx, request.workspaceId);
        const incidents = await listIncidents(ctx.store, {
          workspace: ws.id,
          ...(q.brand ? { brand: q.brand } : {}),
          ...(q.state && q.state !== 'active' ? { state: q.state } : {}),
          active: q.state === 'active',
          limit: q.limit,
        });
        const events = await listEvents(
          ctx.store,
          ws.id,
          incidents.map((i) => i.id),
        );
        return { workspace: ws.id, alerts: incidents.map((i) => incidentView(i, events)) };
      },
    );

    route(
      ctx.routes,
      app,
      {
        method: 'POST',
        url: '/alerts/:id/ack',
        tag: 'alerts',
        auth: true,
        summary: 'Acknowledge an alert: someone is on it (the incident still resolves by itself)',
        params: IncidentParams,
        body: AckBody,
        responses: { 200: 'the alert', 404: 'no such alert' },
      },
      async (request) => {
        const { id } = parseInput(IncidentParams, request.params, 'params');
        const body = parseInput(AckBody, request.body, 'body');
        const ws = workspaceOf(ctx, request.workspaceId);
        const incident = await getIncident(ctx.store, ws.id, id);
        if (!incident) throw new ApiError(404, 'not_found', `no alert "${id}"`);
        const acked: StoredIncident = {
          ...incident,
          acked_at: incident.acked_at ?? ctx.now().toISOString(),
          acked_by: incident.acked_by ?? body.by ?? (request.apiKeyId || 'api'),
        };
        await saveIncident(ctx.store, acked);
        const events = await listEvents(ctx.store, ws.id, [id]);
        return incidentView(acked, events);
      },
    );
    return Promise.resolve();
  };
}
