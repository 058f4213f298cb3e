import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { backtest, backtestAlerts, formatBacktest } from '../../alerts/backtest.ts';
import { Evaluator } from '../../alerts/evaluator.ts';
import { alertRoutes } from '../../api/routes/alerts.ts';
import { buildApi } from '../../api/app.ts';
import { InProcessBus } from '../../core/bus/in-process.ts';
import { Topics } from '../../core/contracts/topics.ts';
import { loadConfig } from '../../core/config.ts';
import { PdfUnavailableError } from '../../reports/pdf.ts';
import { runScheduledReports } from '../../reports/scheduled.ts';
import { silentLogger } from '../../core/logger.ts';
import { loadEarshotConfig, type EarshotConfig } from '../../core/workspace-config.ts';
import { startPipeline } from '../../cli/embedded.ts';
import type { Runtime } from '../../cli/roles/index.ts';
import { AppSettingsSchema, DEMO_CONFIG_PATH } from '../../cli/settings.ts';
import { range } from '../../ingest/demo/connector.ts';
import type { Store } from '../../store/port.ts';
import { listDeliveries, listIncidents } from '../../store/queries/alerts-store.ts';
import { freshStore } from '../support/store.ts';

/**
 * The whole alert path on a real ClickHouse engine: the demo's 72 h of history (with its
 * planted 90-minute, 5× negative spike for Nimbus) goes through the embedded pipeline
 * (in-process bus → enrich → sink → brand_minutely rollup); then the backtest and the live
 * evaluator must each raise exactly one alert, deliver it to a local webhook receiver (and
 * dead-letter a broken channel), and the API must serve and acknowledge it.
 */
const services = inject('services');
const logger = silentLogger();
const HOUR = 3_600_000;
const now = Math.floor(Date.now() / 60_000) * 60_000;
/** As the demo does on first start: five hours before, on the hour. */
const incidentStart = Math.floor(now / HOUR) * HOUR - 5 * HOUR;

let store: Store;
let receiver: Server;
let receiverUrl = '';
const posts: Array<Record<string, unknown>> = [];
let config: EarshotConfig;

beforeAll(async () => {
  store = await freshStore(services);
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      posts.push(JSON.parse(body) as Record<string, unknown>);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  // The demo config as shipped (its alerts section), plus two channels for this test.
  const demo = loadEarshotConfig(DEMO_CONFIG_PATH);
  const alerts = demo.alerts as Record<string, unknown>;
  config = {
    ...demo,
    alerts: {
      ...alerts,
      channels: [
        { id: 'oncall', type: 'webhook', format: 'slack', url: receiverUrl },
        {
          id: 'broken',
          type: 'webhook',
          format: 'json',
          url: 'http://127.0.0.1:9/nothing-listens',
        },
      ],
      delivery: { attempts: 2, base_delay_ms: 1, max_delay_ms: 5, timeout_ms: 2_000 },
    },
  };

  // Embedded pipeline: in-process bus, the real enrich stage and sink.
  const bus = new InProcessBus();
  const rt: Runtime = {
    // The fast tier: this suite is about alerts on 72 h of mentions, not the encoder's speed.
    settings: loadConfig(AppSettingsSchema, { SENTIMENT_TIER: 'fast' }),
    logger,
    bus,
    store,
    config: () => config,
    onConfigChange: () => undefined,
    configFile: DEMO_CONFIG_PATH,
    close: () => undefined,
  };
  const pipeline = await startPipeline(rt);
  const mentions = range(now - 72 * HOUR, now, {
    ratePerMinute: 20,
    incident: {
      brand: 'nimbus',
      start: new Date(incidentStart),
      durationMinutes: 90,
      volumeFactor: 5,
    },
  });
  for (let i = 0; i < mentions.length; i += 5_000)
    await bus.produce(
      Topics.raw,
      mentions.slice(i, i + 5_000).map((m) => ({ key: m.id, value: JSON.stringify(m) })),
    );
  expect(await pipeline.drain(170_000)).toBe(true);
  await pipeline.stop();
  await bus.close();
}, 180_000);

afterAll(async () => {
  await new Promise((r) => receiver?.close(r));
  await store?.close();
});

describe('alerts on the demo history (real ClickHouse engine)', () => {
  it('the rollup holds the demo volume per minute', async () => {
    const [r] = await store.query<{ n: number }>(
      "SELECT sum(volume) AS n FROM brand_minutely WHERE workspace = 'demo' AND brand = 'nimbus'",
    );
    const [b] = await store.query<{ n: number }>(
      "SELECT count() AS n FROM brand_mentions FINAL WHERE workspace = 'demo' AND brand = 'nimbus'",
    );
    expect(Number(r!.n)).toBe(Number(b!.n));
    expect(Number(r!.n)).toBeGreaterThan(20_000);
  });

  it('backtest: the planted spike raises exactly one alert, within two windows', async () => {
    const progress: number[] = [];
    const started = performance.now();
    const results = await backtest(store, config, {
      from: new Date(now - 72 * HOUR),
      to: new Date(now),
      onProgress: (done) => progress.push(done),
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `[figure] alerts backtest: 3 rules × 72 h of demo history (${results.length * 72 * 60} evaluations) in ${seconds.toFixed(1)} s`,
    );
    console.log(formatBacktest(results).join('\n'));
    const opens = results.flatMap((r) =>
      r.events.filter((e) => e.kind === 'open').map((e) => ({ rule: r.rule.id, e })),
    );
    expect(opens.map((o) => o.rule)).toEqual(['nimbus-negative-spike']);
    const ttdMin = (Date.parse(opens[0]!.e.at) - incidentStart) / 60_000;
    console.log(`[figure] alerts demo spike: detected ${ttdMin} min after it began (backtest)`);
    expect(ttdMin).toBeGreaterThan(0);
    expect(ttdMin).toBeLessThanOrEqual(30);
    expect(opens[0]!.e.incident.detection.secondary?.metric).toBe('negative_share');
    expect(progress.at(-1)).toBe(results.length * 72 * 60);
  }, 180_000);

  let api: FastifyInstance;

  it('live evaluator: one incident, stored, explained, delivered, dead-lettered where broken', async () => {
    const evaluator = new Evaluator({ store, config: () => config, logger, env: {} });
    const kinds: string[] = [];
    // From 30 min before the spike to the end of the history (5 h after its start), one tick
    // every 2 minutes. How long the incident is held after the spike ends depends on the window
    // that found its peak, and so on the hour of day the demo puts it at (a spike at 02:00 UTC,
    // in the night's low volume, is seen over longer windows and resolves 3 h 14 min after it
    // began): the test waits for the resolution over the whole history, not a fixed 3 h.
    for (let t = incidentStart - 30 * 60_000; t <= incidentStart + 5 * HOUR; t += 2 * 60_000) {
      const r = await evaluator.tick(new Date(t + 60_000)); // + the default 1 min settle
      for (const e of r.events) kinds.push(`${e.incident.rule_id}:${e.kind}`);
    }
    expect(kinds).toEqual(['nimbus-negative-spike:open', 'nimbus-negative-spike:resolved']);
    await evaluator.drain();

    const [incident] = await listIncidents(store, { workspace: 'demo' });
    expect(incident).toMatchObject({ brand: 'nimbus', state: 'resolved', type: 'negative_spike' });
    const context = incident!.context as {
      top_negative_mentions: Array<{ engagement: number; text: string }>;
    };
    expect(context.top_negative_mentions.length).toBeGreaterThan(0);
    const engagement = context.top_negative_mentions.map((m) => m.engagement);
    expect(engagement).toEqual([...engagement].sort((a, b) => b - a));

    // Slack body to the receiver for open and resolved; the broken channel dead-lettered.
    expect(posts.map((p) => String(p.text).split('\n')[0])).toEqual([
      '*ALERT: negative spike for nimbus*',
      '*RESOLVED: negative spike for nimbus*',
    ]);
    const deliveries = await listDeliveries(store, 'demo');
    expect(
      deliveries.map((d) => `${d.kind}/${d.channel}/${d.status}/${d.attempts}`).sort(),
    ).toEqual([
      'open/broken/dead_letter/2',
      'open/oncall/delivered/1',
      'resolved/broken/dead_letter/2',
      'resolved/oncall/delivered/1',
    ]);

    // A restart does not repeat the incident: a new evaluator loads state from the store.
    const again = new Evaluator({ store, config: () => config, logger, env: {} });
    const r = await again.tick(new Date(incidentStart + 5 * HOUR + 3 * 60_000));
    expect(r.events).toEqual([]);
  }, 180_000);

  it('weekly digest: per-brand numbers from the rollups, delivered like alerts', async () => {
    posts.length = 0;
    // The digest is the weekly scheduled report: on the Monday after these mentions, the week
    // that holds them. No browser here: the report goes as HTML, the message is the same.
    const monday = new Date(now);
    monday.setUTCHours(0, 0, 0, 0);
    monday.setUTCDate(monday.getUTCDate() + ((8 - monday.getUTCDay()) % 7 || 7));
    const withDigest: EarshotConfig = {
      ...config,
      alerts: { ...(config.alerts as Record<string, unknown>), digest: { enabled: true } },
    };
    const [digest] = await runScheduledReports({
      store,
      config: withDigest,
      logger,
      env: {},
      now: new Date(monday.getTime() + HOUR),
      printer: {
        browserPath: '',
        pdf: () => Promise.reject(new PdfUnavailableError('no browser in this test')),
      },
      only: { workspace: 'demo', id: 'digest' },
    });
    expect(digest!.period.to).toBe(monday.toISOString());
    expect(digest!.deliveries.find((d) => d.channel === 'oncall')?.status).toBe('delivered');
    const text = String(posts[0]?.text);
    expect(text).toContain('Weekly digest: Demo phones');
    // Each brand's line carries its mentions of the week, as the store counts them.
    for (const [brand, name] of [
      ['nimbus', 'Nimbus'],
      ['aurora', 'Aurora'],
    ]) {
      const [stored] = await store.query<{ n: number }>(
        `SELECT count() AS n FROM brand_mentions FINAL WHERE workspace = 'demo' AND brand = {brand:String}
          AND created_at >= {from:DateTime64(3, 'UTC')} AND created_at < {to:DateTime64(3, 'UTC')}`,
        {
          brand,
          from: digest!.period.from.replace('T', ' ').replace('Z', ''),
          to: digest!.period.to.replace('T', ' ').replace('Z', ''),
        },
      );
      expect(text).toContain(`${name}: ${Number(stored!.n)} mentions`);
    }
    // Sent once per week: the next hourly tick sends nothing more.
    expect(
      await runScheduledReports({
        store,
        config: withDigest,
        logger,
        env: {},
        now: new Date(monday.getTime() + 2 * HOUR),
        printer: { browserPath: '', pdf: () => Promise.reject(new Error('not printed twice')) },
        only: { workspace: 'demo', id: 'digest' },
      }),
    ).toEqual([]);
  }, 60_000);

  it('API: lists the alert with why it fired, acknowledges it, manages rules', async () => {
    api = await buildApi({
      store,
      config: () => config,
      logger,
      demoKey: { key: 'test-key', workspace: 'demo' },
      extraRoutes: [alertRoutes],
    });
    const auth = { authorization: 'Bearer test-key' };
    const list = await api.inject({ method: 'GET', url: '/v1/alerts?brand=nimbus', headers: auth });
    expect(list.statusCode).toBe(200);
    const alert = list.json<{ alerts: Array<Record<string, unknown>> }>().alerts[0]!;
    expect(alert).toMatchObject({ brand: 'nimbus', state: 'resolved', acked_at: null });
    expect((alert.why as { z: number }).z).toBeGreaterThan(4);
    expect((alert.events as Array<{ kind: string }>).map((e) => e.kind)).toEqual([
      'open',
      'resolved',
    ]);
    expect(
      (await api.inject({ method: 'GET', url: '/v1/alerts?state=open', headers: auth })).json(),
    ).toMatchObject({ alerts: [] });
    expect(
      (await api.inject({ method: 'GET', url: '/v1/alerts?state=bogus', headers: auth }))
        .statusCode,
    ).toBe(400);

    const ack = await api.inject({
      method: 'POST',
      url: `/v1/alerts/${String(alert.id)}/ack`,
      headers: auth,
      payload: { by: 'ana' },
    });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ acked_by: 'ana' });
    expect(
      (await api.inject({ method: 'POST', url: '/v1/alerts/nope/ack', headers: auth, payload: {} }))
        .statusCode,
    ).toBe(404);

    const replayed = await api.inject({
      method: 'POST',
      url: '/v1/alert-rules/nimbus-negative-spike/backtest',
      headers: auth,
      payload: {
        from: new Date(now - 72 * HOUR).toISOString(),
        to: new Date(now).toISOString(),
      },
    });
    expect(replayed.statusCode).toBe(200);
    const bt = replayed.json<{
      alerts: Array<{ brand: string; state: string; opened_at: string }>;
      evaluations: number;
    }>();
    expect(bt.evaluations).toBe(72 * 60);
    // The live test above ticked every 2 minutes, the replay every minute, and the live
    // evaluator recalibrates each rule at its own phase of the six hours (the replay at phase
    // 0): same incident, opened within a few minutes of each other.
    expect(bt.alerts.map((a) => [a.brand, a.state])).toEqual([['nimbus', 'resolved']]);
    expect(
      Math.abs(Date.parse(bt.alerts[0]!.opened_at) - Date.parse(String(alert.opened_at))),
    ).toBeLessThanOrEqual(5 * 60_000);
    expect(
      (
        await api.inject({
          method: 'POST',
          url: '/v1/alert-rules/nope/backtest',
          headers: auth,
          payload: {},
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await api.inject({
          method: 'POST',
          url: '/v1/alert-rules/nimbus-negative-spike/backtest',
          headers: auth,
          payload: { from: 'now-60d' },
        })
      ).statusCode,
    ).toBe(400);

    const created = await api.inject({
      method: 'POST',
      url: '/v1/alert-rules',
      headers: auth,
      payload: {
        id: 'aurora-volume',
        brand: 'aurora',
        type: 'volume_spike',
        window: '1h',
        sensitivity: 'low',
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      id: 'aurora-volume',
      origin: 'api',
      window: '60m',
      threshold_z: 5,
      enabled: true,
    });
    expect(
      (
        await api.inject({
          method: 'POST',
          url: '/v1/alert-rules',
          headers: auth,
          payload: { id: 'aurora-volume', brand: 'aurora', type: 'volume_spike' },
        })
      ).statusCode,
    ).toBe(409);
    const bad = await api.inject({
      method: 'POST',
      url: '/v1/alert-rules',
      headers: auth,
      payload: { id: 'x', brand: 'acme', type: 'volume_spike' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      error: { code: 'invalid_parameter', details: [{ parameter: 'brand' }] },
    });

    const patched = await api.inject({
      method: 'PATCH',
      url: '/v1/alert-rules/aurora-volume',
      headers: auth,
      payload: { enabled: false },
    });
    expect(patched.json()).toMatchObject({ id: 'aurora-volume', enabled: false, window: '60m' });
    const rules = (
      await api.inject({ method: 'GET', url: '/v1/alert-rules', headers: auth })
    ).json<{ rules: Array<{ id: string; origin: string }> }>();
    expect(rules.rules.map((r) => `${r.origin}:${r.id}`)).toEqual([
      'config:nimbus-negative-spike',
      'config:aurora-negative-spike',
      'config:zephyr-negative-spike',
      'api:aurora-volume',
    ]);
    expect(
      (
        await api.inject({
          method: 'PATCH',
          url: '/v1/alert-rules/nimbus-negative-spike',
          headers: auth,
          payload: { enabled: false },
        })
      ).statusCode,
    ).toBe(409);
    expect(
      (await api.inject({ method: 'DELETE', url: '/v1/alert-rules/aurora-volume', headers: auth }))
        .statusCode,
    ).toBe(204);
    expect(
      (await api.inject({ method: 'DELETE', url: '/v1/alert-rules/aurora-volume', headers: auth }))
        .statusCode,
    ).toBe(404);
    expect((await api.inject({ method: 'GET', url: '/v1/alerts' })).statusCode).toBe(401);
    await api.close();
  }, 60_000);

  it('backtest records: one per alert, with rule, window, opened time and numbers', async () => {
    const results = await backtest(store, config, {
      ruleId: 'nimbus-negative-spike',
      from: new Date(now - 72 * HOUR),
      to: new Date(now),
    });
    const [record, ...more] = backtestAlerts(results);
    expect(more).toEqual([]);
    expect(record).toMatchObject({
      workspace: 'demo',
      brand: 'nimbus',
      rule_id: 'nimbus-negative-spike',
      rule_type: 'negative_spike',
      rule_origin: 'config',
      metric: 'negative_count',
    });
    expect(record!.resolved_at).toEqual(expect.any(String));
    expect(Date.parse(record!.window_end) - Date.parse(record!.window_start)).toBe(
      record!.window_minutes * 60_000,
    );
    expect(Date.parse(record!.opened_at)).toBeGreaterThan(incidentStart);
    expect(record!.observed).toBeGreaterThan(record!.baseline);
    expect(record!.explanation).toMatch(/negative mentions in \d+ min where/);
  }, 180_000);

  it('history: on a first start over stored data, the planted spike is raised as historical, not sent', async () => {
    // As `npm start` on the demo: the history is stored, the evaluator's first tick is now.
    for (const table of ['alert_incidents', 'alert_events', 'alert_deliveries'])
      await store.command(`TRUNCATE TABLE ${table}`);
    posts.length = 0;
    const evaluator = new Evaluator({ store, config: () => config, logger, env: {} });
    // The history is replayed once the data start held still for a tick (evaluator.ts).
    await evaluator.tick(new Date(now - 60_000));
    await evaluator.tick(new Date(now));
    await evaluator.drain();
    const incidents = await listIncidents(store, { workspace: 'demo' });
    expect(incidents.map((i) => [i.brand, i.rule_id, i.historical])).toEqual([
      ['nimbus', 'nimbus-negative-spike', true],
    ]);
    expect(Date.parse(incidents[0]!.opened_at)).toBeGreaterThan(incidentStart);
    expect(Date.parse(incidents[0]!.opened_at)).toBeLessThanOrEqual(incidentStart + 30 * 60_000);
    // Five hours old: older than notify_max_age (1 h), so nothing went to the channels.
    expect(posts).toEqual([]);
    expect(await listDeliveries(store, 'demo')).toEqual([]);
    // A second tick (or a restart) does not raise it again.
    const again = new Evaluator({ store, config: () => config, logger, env: {} });
    await again.tick(new Date(now + 60_000));
    await again.tick(new Date(now + 120_000));
    expect(await listIncidents(store, { workspace: 'demo' })).toHaveLength(1);
    // The history replay looks up a rule's own incidents (overlapping spans are one incident).
    const ofRule = (rule: string) => listIncidents(store, { workspace: 'demo', rule });
    expect(await ofRule('nimbus-negative-spike')).toHaveLength(1);
    expect(await ofRule('aurora-negative-spike')).toEqual([]);
  }, 180_000);
});
