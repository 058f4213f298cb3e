import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { backtest } from '../../alerts/backtest.ts';
import {
  AlertRuleInputSchema,
  parseAlertsConfig,
  resolveRule,
  type AlertsConfig,
} from '../../alerts/config.ts';
import {
  patchedRuleBody,
  ruleProblems,
  RulePatchSchema,
  storedRuleBody,
} from '../../alerts/rule-input.ts';
import { workspaceConfigRules, workspaceRules } from '../../alerts/rules.ts';
import { backtestView, incidentView, ruleView, workspaceChannels } from '../../alerts/views.ts';
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
 * Alert rules and alert events of the caller's workspace: the HTTP wiring only. What a rule
 * body may hold and what is wrong with it live in alerts/rule-input.ts, which rules a workspace
 * has in alerts/rules.ts, the answers' shapes in alerts/views.ts. Rules from the config file are
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

export function alertRoutes(ctx: ApiContext): FastifyPluginAsync {
  const alertsConfig = (): AlertsConfig => parseAlertsConfig(ctx.config());

  /**
   * A rule body checked against the schema (a 400 per bad field), the caller's workspace (a
   * 404 for another's) and what the workspace has (brands, channels: a 400 per field). Returns
   * what is stored and the parsed rule.
   */
  const validate = (body: unknown, ws: WorkspaceConfig, alerts: AlertsConfig) => {
    const input = parseInput(AlertRuleInputSchema, body, 'body');
    if (input.workspace !== undefined && input.workspace !== ws.id)
      throw new ApiError(404, 'not_found', `no workspace "${input.workspace}"`);
    const problems = ruleProblems(input, ws, alerts);
    if (problems.length > 0)
      throw new ApiError(
        400,
        'invalid_parameter',
        `invalid body parameters: ${problems.map((d) => d.parameter).join(', ')}`,
        problems,
      );
    return { raw: storedRuleBody(body), input };
  };

  const isConfigRule = (ws: WorkspaceConfig, alerts: AlertsConfig, id: string): boolean =>
    workspaceConfigRules(ctx.config(), alerts, ws.id).some((r) => r.id === id);

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
        responses: { 200: '{ workspace, rules: [...], channels: [{ id, type }] }' },
      },
      async (request) => {
        const ws = workspaceOf(ctx, request.workspaceId);
        const alerts = alertsConfig();
        const rules = await workspaceRules(ctx.store, ctx.config(), alerts, ws);
        return {
          workspace: ws.id,
          rules: rules.map((r) => ruleView(r.rule, r.stored)),
          // What a rule of this workspace may name in `channels` (a form offers these).
          channels: workspaceChannels(alerts, ws.id),
        };
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
          isConfigRule(ws, alerts, input.id) ||
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
        return reply
          .status(201)
          .send(ruleView(resolveRule(input, alerts.defaults, ws.id, 'api'), stored));
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
      async (request, _reply, input) => {
        const { id } = input.params;
        const ws = workspaceOf(ctx, request.workspaceId);
        const alerts = alertsConfig();
        if (isConfigRule(ws, alerts, id))
          throw new ApiError(
            409,
            'conflict',
            `rule "${id}" is defined in the config file: change it there`,
          );
        const current = (await listStoredRules(ctx.store, ws.id)).find((r) => r.id === id);
        if (!current) throw new ApiError(404, 'not_found', `no rule "${id}"`);
        // The patch is read (parsed) only now, after the 409 and 404, and on its own first, so a
        // bad patch names its own fields; then the whole rule it makes.
        void input.body;
        const { raw, input: rule } = validate(patchedRuleBody(current, request.body), ws, alerts);
        const stored: StoredRule = {
          ...current,
          rule: raw,
          enabled: rule.enabled ?? true,
          updated_at: ctx.now().toISOString(),
        };
        await saveStoredRule(ctx.store, stored);
        return ruleView(resolveRule(rule, alerts.defaults, ws.id, 'api'), stored);
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
      async (request, reply, { params }) => {
        const { id } = params;
        const ws = workspaceOf(ctx, request.workspaceId);
        if (isConfigRule(ws, alertsConfig(), id))
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
      async (request, _reply, { params, body }) => {
        const { id } = params;
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
        return backtestView(result, from, to);
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
      async (request, _reply, { query: q }) => {
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
      async (request, _reply, { params, body }) => {
        const { id } = params;
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
