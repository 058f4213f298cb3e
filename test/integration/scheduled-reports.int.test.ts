import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import { parseEarshotConfig, type EarshotConfig } from '../../core/workspace-config.ts';
import { printingApi } from '../../api/printing.ts';
import { runScheduledReports } from '../../reports/scheduled.ts';
import type { Store } from '../../store/port.ts';
import { listDeliveries } from '../../store/queries/alerts-store.ts';
import { ensureUiBuilt } from '../support/browser.ts';
import { anEnrichedMention } from '../support/builders.ts';
import { freshStore, storeThroughSink } from '../support/store.ts';

/**
 * Scheduled reports on a real store, delivered to a local SMTP server (smtp-server, as the
 * alerts' delivery tests do) and a local webhook: the weekly digest (now a scheduled report with
 * the PDF attached) and a report of the config file, each sent once per period.
 */
const services = inject('services');

let http: Server;
let httpUrl = '';
const posts: Array<Record<string, unknown>> = [];
let smtp: SMTPServer;
let smtpPort = 0;
const mails: Array<{ to: string[]; data: string }> = [];

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

let store: Store;
let config: EarshotConfig;
let printing: Awaited<ReturnType<typeof printingApi>>;
// Wednesday 25 November 2026: the last whole week is Monday 16 to Monday 23 (UTC).
const NOW = new Date('2026-11-25T10:00:00Z');

beforeAll(async () => {
  http = createServer((req, res) => {
    void readBody(req).then((body) => {
      posts.push(JSON.parse(body) as Record<string, unknown>);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  httpUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, cb) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString()));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  smtpPort = (smtp.server.address() as AddressInfo).port;

  config = parseEarshotConfig(`
workspaces:
  - id: ws
    name: Acme Inc
    reports:
      - { id: weekly-acme, every: weekly, brands: [acme, rival], channels: [hook] }
    brands:
      - { id: acme, name: ACME, query: acme, competitors: [rival] }
      - { id: rival, name: Rival, query: rival }
  - id: other
    name: Other
    brands:
      - { id: zeta, name: Zeta, query: zeta }
alerts:
  channels:
    - { id: mail, type: email, workspace: ws, smtp_url: 'smtp://127.0.0.1:${smtpPort}?tls=off', from: 'earshot@example.org', to: ['team@example.org'] }
    - { id: hook, type: webhook, workspace: ws, url: '${httpUrl}/hook' }
  digest: { enabled: true, channels: [mail] }
`);
  store = await freshStore(services);
  const brand = (b: string) => [{ workspace: 'ws', brand: b, query_id: `${b}:q`, terms: [b] }];
  const mentions = [];
  for (let i = 0; i < 40; i++)
    mentions.push(
      anEnrichedMention({
        id: `fx:w${i}`,
        text: `acme ${i}`,
        created_at: new Date(Date.parse('2026-11-18T08:00:00Z') + i * 3_600_000).toISOString(),
        engagement: { likes: i, reposts: 0, replies: 0, views: null },
        brands: brand(i % 4 === 0 ? 'rival' : 'acme'),
      }),
    );
  await storeThroughSink(store, mentions);
  // Printed as the API prints: the dashboard's print view, served by an API in process.
  await ensureUiBuilt();
  printing = await printingApi({
    store,
    config: () => config,
    logger: silentLogger(),
    browserPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  });
});

afterAll(async () => {
  await printing?.close();
  await store?.close();
  await new Promise((r) => http.close(r));
  await new Promise<void>((r) => smtp.close(() => r()));
});

const run = (now = NOW) =>
  runScheduledReports({
    store,
    config,
    logger: silentLogger(),
    env: {},
    now,
    printer: printing.printer,
  });

describe('scheduled reports', () => {
  it('sends last week’s digest by e-mail with the PDF, and the configured report to its webhook', async () => {
    const results = await run();
    expect(results.map((r) => [r.workspace, r.schedule, r.period])).toEqual([
      ['ws', 'weekly-acme', { from: '2026-11-16T00:00:00.000Z', to: '2026-11-23T00:00:00.000Z' }],
      ['ws', 'digest', { from: '2026-11-16T00:00:00.000Z', to: '2026-11-23T00:00:00.000Z' }],
    ]);
    expect(results.flatMap((r) => r.deliveries.map((d) => [d.channel, d.status]))).toEqual([
      ['hook', 'delivered'],
      ['mail', 'delivered'],
    ]);

    // The digest: its lines (30 mentions of ACME, new against nothing) and a PDF attached.
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.to).toEqual(['team@example.org']);
    // The subject, MIME-encoded for its dash: "[earshot] Weekly digest: Acme Inc (Nov 16 …".
    expect(mail.data).toMatch(/Subject: =\?UTF-8\?Q\?=5Bearshot=5D_Weekly_digest=3A_Acme_Inc_/);
    expect(mail.data).toContain('ACME: 30 mentions (n/a)');
    expect(mail.data).toMatch(/Content-Type: application\/pdf; name=ws-digest-2026-11-16\.pdf/);
    const b64 = /filename=ws-digest-2026-11-16\.pdf\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)/.exec(
      mail.data,
    )?.[1];
    const digestPdf = Buffer.from(b64!.replace(/\s+/g, ''), 'base64');
    expect(digestPdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // Printed from the dashboard's print view of the comparison (its title is the PDF's), as
    // `GET /v1/reports/compare` prints it, not from a page of the scheduler's own.
    expect(digestPdf.toString('latin1')).toContain('/Title (ACME vs Rival | earshot report)');

    // The webhook gets the comparison report, base64 in its JSON, and the digest numbers.
    expect(posts).toHaveLength(1);
    const post = posts[0] as {
      title: string;
      kind: string;
      brands: Array<{ brand: string; volume: number }>;
      attachments: Array<{ filename: string; content_type: string; content_base64: string }>;
    };
    expect(post.kind).toBe('report');
    expect(post.title).toMatch(/^Weekly report: Acme Inc/);
    expect(post.brands.map((b) => [b.brand, b.volume])).toEqual([
      ['acme', 30],
      ['rival', 10],
    ]);
    expect(post.attachments[0]!.filename).toBe('ws-weekly-acme-2026-11-16.pdf');
    const reportPdf = Buffer.from(post.attachments[0]!.content_base64, 'base64');
    expect(reportPdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(reportPdf.toString('latin1')).toContain('/Title (ACME vs Rival | earshot report)');
    // The delivery record keeps the file's name and size, not its bytes.
    const [record] = await store.query<{ payload: string }>(
      "SELECT payload FROM alert_deliveries WHERE kind = 'report' AND channel = 'hook'",
    );
    expect(record!.payload).not.toContain('content_base64');
    expect(record!.payload).toContain('"bytes":');
  });

  it('sends each period once: a later tick of the same week sends nothing, the next week sends again', async () => {
    expect(await run(new Date('2026-11-25T11:05:00Z'))).toEqual([]);
    expect(mails).toHaveLength(1);
    const next = await run(new Date('2026-11-30T00:05:00Z'));
    expect(next.map((r) => r.period.from)).toEqual([
      '2026-11-23T00:00:00.000Z',
      '2026-11-23T00:00:00.000Z',
    ]);
    expect(mails).toHaveLength(2);
    const records = await listDeliveries(store, 'ws');
    expect(records.filter((d) => d.kind === 'report' && d.status === 'delivered')).toHaveLength(4);
    // Nothing went to, or was recorded for, the other workspace.
    expect(await listDeliveries(store, 'other')).toEqual([]);
  });

  it('without a browser: the HTML report attached, and the reason in the message', async () => {
    const bare = await printingApi({
      store,
      config: () => config,
      logger: silentLogger(),
      browserPath: '/nonexistent/chromium',
    });
    const [digest] = await runScheduledReports({
      store,
      config,
      logger: silentLogger(),
      env: {},
      now: NOW,
      printer: bare.printer,
      only: { workspace: 'ws', id: 'digest', force: true },
    }).finally(() => bare.close());
    expect(digest!.deliveries.map((d) => d.status)).toEqual(['delivered']);
    const mail = mails[mails.length - 1]!.data;
    expect(mail).toContain('PDF unavailable: PDF reports need Chromium');
    expect(mail).toMatch(
      /Content-Type: text\/html; charset=utf-8; name=ws-digest-2026-11-16\.html/,
    );
  });

  it('a dry run (`earshot alerts digest --dry-run`) shows the digest and its channels, sends nothing', async () => {
    const sent = mails.length;
    const before = (await listDeliveries(store, 'ws')).length;
    const [digest] = await runScheduledReports({
      store,
      config,
      logger: silentLogger(),
      env: {},
      now: new Date('2026-12-07T10:00:00Z'),
      printer: {
        browserPath: '',
        pdf: () => Promise.reject(new Error('a dry run prints nothing')),
      },
      only: { workspace: 'ws', id: 'digest' },
      dryRun: true,
    });
    expect(digest!.period.from).toBe('2026-11-30T00:00:00.000Z');
    expect(digest!.deliveries).toEqual([]);
    expect(digest!.preview!.channels).toEqual(['mail']);
    expect(digest!.preview!.title).toMatch(/^Weekly digest: Acme Inc/);
    expect(digest!.preview!.lines[0]).toMatch(/^ACME: 0 mentions/);
    expect(mails.length).toBe(sent);
    expect((await listDeliveries(store, 'ws')).length).toBe(before);
  });
});
