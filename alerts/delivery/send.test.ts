import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxy } from 'proxy';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import { ChannelSchema, type ChannelConfig } from '../config.ts';
import { detect } from '../detect.ts';
import { step } from '../incident.ts';
import { aRule, seriesOf, T0 } from '../test-helpers.ts';
import { alertNotice } from './notice.ts';
import { sendNotice, type SendOptions } from './send.ts';

/** A local HTTP receiver whose answers the test scripts (status codes in order, then 200). */
let http: Server;
let httpUrl = '';
let script: number[] = [];
const received: Array<{ path: string; body: Record<string, unknown> }> = [];

/** A local SMTP server, started by the test. */
let smtp: SMTPServer;
let smtpPort = 0;
const mails: Array<{ from: string; to: string[]; data: string }> = [];
let smtpReject = false;

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

beforeAll(async () => {
  http = createServer((req, res) => {
    void readBody(req).then((body) => {
      received.push({ path: req.url ?? '', body: JSON.parse(body) as Record<string, unknown> });
      res.statusCode = script.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  httpUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onRcptTo(address, _session, cb) {
      cb(
        smtpReject ? Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }) : null,
      );
    },
    onData(stream, session, cb) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString()));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data,
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  smtpPort = (smtp.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => http.close(r));
  await new Promise<void>((r) => smtp.close(() => r()));
});

const options: SendOptions = {
  delivery: { attempts: 4, base_delay_ms: 5, max_delay_ms: 20, timeout_ms: 2_000 },
  env: {},
  logger: silentLogger(),
};

function notice() {
  const rule = aRule({ type: 'negative_spike', brand: 'nimbus', id: 'nimbus-neg' });
  const end = T0 + 2 * 1440 * 60_000 + 10 * 3_600_000;
  const s = seriesOf(3, (i, t) => {
    const spike = t >= end - 15 * 60_000 && t < end;
    return { total: 8 + (spike ? 10 : 0), pos: 3, neu: 3, neg: 2 + (spike ? 10 : 0) + (i % 2) };
  });
  const d = detect(rule, s, end);
  expect(d.firing).toBe(true);
  const { event } = step(rule, null, d, end);
  return alertNotice('open', event!.incident, {
    top_topics: [{ label: 'battery', volume: 40, negative: 35 }],
    top_negative_mentions: [
      {
        id: 'demo:1',
        url: 'https://x.invalid/1',
        text: 'Nimbus battery died again',
        engagement: 99,
        author_handle: 'a',
      },
    ],
  });
}

const channel = (c: unknown): ChannelConfig => ChannelSchema.parse(c);

describe('webhook delivery (local HTTP receiver)', () => {
  it('posts a Slack-compatible body: text and Block Kit blocks with the numbers and mentions', async () => {
    received.length = 0;
    const r = await sendNotice(
      channel({ id: 's', type: 'webhook', format: 'slack', url: `${httpUrl}/slack` }),
      notice(),
      options,
    );
    expect(r).toMatchObject({ status: 'delivered', attempts: 1 });
    const body = received[0]!.body as { text: string; blocks: Array<{ type: string }> };
    expect(body.text).toContain('ALERT: negative spike for nimbus');
    expect(body.text).toMatch(
      /negative mentions: \d+ in the 15 min .* vs baseline [\d.]+ \(z = [\d.]+/,
    );
    expect(body.text).toContain('top topics: battery (40)');
    expect(body.text).toContain('Nimbus battery died again https://x.invalid/1');
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
  });

  it('posts through the proxy of HTTP_PROXY (corporate networks)', async () => {
    const tunnels: string[] = [];
    const proxy = createProxy(createServer());
    proxy.on('connect', (req: IncomingMessage) => tunnels.push(req.url ?? ''));
    proxy.on('request', (req: IncomingMessage) => tunnels.push(req.url ?? ''));
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      received.length = 0;
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const r = await sendNotice(
        channel({ id: 'p', type: 'webhook', format: 'json', url: `${httpUrl}/proxied` }),
        notice(),
        { ...options, env: { HTTP_PROXY: proxyUrl } },
      );
      expect(r).toMatchObject({ status: 'delivered' });
      expect(received.map((x) => x.path)).toEqual(['/proxied']);
      expect(tunnels.join(' ')).toContain(new URL(httpUrl).host);
    } finally {
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
    }
  });

  it('posts a Teams (Workflows) message with an Adaptive Card', async () => {
    received.length = 0;
    await sendNotice(
      channel({ id: 't', type: 'webhook', format: 'teams', url: `${httpUrl}/teams` }),
      notice(),
      options,
    );
    const body = received[0]!.body as {
      type: string;
      attachments: Array<{ contentType: string; content: { type: string; body: unknown[] } }>;
    };
    expect(body.type).toBe('message');
    expect(body.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(body.attachments[0]!.content.type).toBe('AdaptiveCard');
  });

  it('posts the generic JSON: the incident with its detection and context', async () => {
    received.length = 0;
    await sendNotice(
      channel({ id: 'j', type: 'webhook', url: `${httpUrl}/json` }),
      notice(),
      options,
    );
    const body = received[0]!.body as {
      kind: string;
      event: string;
      incident: { detection: { z: number } };
      context: unknown;
    };
    expect(body).toMatchObject({ kind: 'alert', event: 'open' });
    expect(body.incident.detection.z).toBeGreaterThan(4);
    expect(body.context).toBeTruthy();
  });

  it('retries 5xx and 429, then delivers', async () => {
    received.length = 0;
    script = [503, 429, 500];
    const r = await sendNotice(
      channel({ id: 'j', type: 'webhook', url: `${httpUrl}/flaky` }),
      notice(),
      options,
    );
    expect(r).toMatchObject({ status: 'delivered', attempts: 4 });
    expect(received).toHaveLength(4);
  });

  it('dead-letters a channel that keeps failing, after every attempt', async () => {
    received.length = 0;
    script = [500, 500, 500, 500, 500];
    const r = await sendNotice(
      channel({ id: 'j', type: 'webhook', url: `${httpUrl}/down` }),
      notice(),
      options,
    );
    expect(r).toMatchObject({
      status: 'dead_letter',
      attempts: 4,
      last_error: expect.stringContaining('HTTP 500') as unknown,
    });
    expect(r.payload).toBeTruthy();
    script = [];
  });

  it('does not retry a permanent refusal (4xx)', async () => {
    received.length = 0;
    script = [404];
    const r = await sendNotice(
      channel({ id: 'j', type: 'webhook', url: `${httpUrl}/gone` }),
      notice(),
      options,
    );
    expect(r).toMatchObject({ status: 'dead_letter', attempts: 1 });
    expect(received).toHaveLength(1);
  });

  it('dead-letters when nothing listens (connection refused), after retries', async () => {
    const r = await sendNotice(
      channel({ id: 'j', type: 'webhook', url: 'http://127.0.0.1:9/none' }),
      notice(),
      options,
    );
    expect(r).toMatchObject({ status: 'dead_letter', attempts: 4 });
  });

  it('reads the URL from the named env var, and dead-letters when it is unset', async () => {
    received.length = 0;
    const c = channel({ id: 's', type: 'webhook', format: 'slack', url_env: 'TEST_SLACK_URL' });
    expect(
      await sendNotice(c, notice(), { ...options, env: { TEST_SLACK_URL: `${httpUrl}/env` } }),
    ).toMatchObject({ status: 'delivered' });
    expect(received[0]!.path).toBe('/env');
    expect(await sendNotice(c, notice(), options)).toMatchObject({
      status: 'dead_letter',
      attempts: 1,
      last_error: expect.stringContaining('TEST_SLACK_URL') as unknown,
    });
  });
});

describe('e-mail delivery (local SMTP server)', () => {
  it('sends the alert as a plain-text mail', async () => {
    mails.length = 0;
    const c = channel({
      id: 'm',
      type: 'email',
      smtp_url: `smtp://127.0.0.1:${smtpPort}?tls=off`,
      from: 'alerts@earshot.test',
      to: ['oncall@earshot.test'],
    });
    const r = await sendNotice(c, notice(), options);
    expect(r).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['oncall@earshot.test']);
    expect(mails[0]!.data).toContain('Subject: [earshot] ALERT: negative spike for nimbus');
    expect(mails[0]!.data).toContain('top topics: battery (40)');
  });

  it('dead-letters a permanent SMTP refusal without retrying', async () => {
    smtpReject = true;
    const c = channel({
      id: 'm',
      type: 'email',
      smtp_url: `smtp://127.0.0.1:${smtpPort}?tls=off`,
      from: 'a@earshot.test',
      to: ['nobody@earshot.test'],
    });
    const r = await sendNotice(c, notice(), options);
    smtpReject = false;
    expect(r).toMatchObject({ status: 'dead_letter', attempts: 1 });
  });

  it('retries and dead-letters when the SMTP server is down', async () => {
    const c = channel({
      id: 'm',
      type: 'email',
      smtp_url: 'smtp://127.0.0.1:9?tls=off',
      from: 'a@earshot.test',
      to: ['b@earshot.test'],
    });
    const r = await sendNotice(c, notice(), options);
    expect(r).toMatchObject({ status: 'dead_letter', attempts: 4 });
  });
});
